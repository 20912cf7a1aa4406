/**
 * Sends the shared client's attempts through n8n's `httpRequestWithAuthentication`, so a credential authenticates
 * requests the way n8n means it to: its `authenticate` block (or function) puts the token on the request, a
 * credential with an expirable token fetches it in `preAuthentication` and again after a 401, and an OAuth2
 * credential is signed and refreshed by n8n (`requestOAuth2`). The same code runs in a real n8n and in the embedded
 * engine (whose credentials helper implements the same contract).
 *
 * The shared client stays in charge of everything else (deadline, retries, rate limits, redirects): each attempt
 * is one helper call with redirects off and every status returned, except 401, which n8n must see as an error to
 * refresh the credential and send again.
 */
import type {
  IAdditionalCredentialOptions,
  IExecuteFunctions,
  IHookFunctions,
  IHttpRequestMethods,
  IHttpRequestOptions,
} from 'n8n-workflow';
import type { AttemptInput, Exchange, HttpResponse } from './client';
import { HttpNetworkError, ResponseTooLargeError } from './errors';

type RequestContext = Pick<IExecuteFunctions | IHookFunctions, 'helpers'>;

interface FullResponse {
  body: unknown;
  headers: Record<string, unknown>;
  statusCode: number;
}

interface AxiosLikeError {
  code?: string;
  message?: string;
  response?: { status: number; headers?: unknown; data?: unknown };
  cause?: unknown;
}

function toBuffer(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function toHeaders(raw: unknown): Record<string, string> {
  const source = (
    raw && typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON(): unknown }).toJSON() : raw
  ) as Record<string, unknown> | undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(source ?? {})) {
    if (value === undefined || value === null) continue;
    const key = name.toLowerCase();
    // n8n's client has already decoded the body.
    if (key === 'content-encoding' || key === 'content-length') continue;
    headers[key] = Array.isArray(value) ? value.map(String).join(key === 'set-cookie' ? '\n' : ', ') : String(value);
  }
  return headers;
}

function toResponse(
  input: AttemptInput,
  { status, headers, body }: { status: number; headers: unknown; body: unknown },
): HttpResponse {
  const buffer = toBuffer(body);
  if (buffer.byteLength > input.maxResponseBytes)
    throw new ResponseTooLargeError(input.url.host, input.maxResponseBytes);
  return {
    status,
    headers: toHeaders(headers),
    body: buffer,
    url: input.url.toString(),
    text: () => buffer.toString('utf8'),
  };
}

/** The HTTP answer or network failure inside what n8n threw (a NodeApiError wraps the client's error as `cause`). */
function unwrap(error: unknown): AxiosLikeError | undefined {
  for (let current = error as AxiosLikeError | undefined, depth = 0; current && depth < 5; depth++) {
    if (current.response && typeof current.response.status === 'number') return current;
    if (typeof current.code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(current.code)) return current;
    current = current.cause as AxiosLikeError | undefined;
  }
  return undefined;
}

/** Rejects with the signal's reason when it aborts first (n8n's helper takes the run's cancel signal, not ours). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // The request fails with the abort (n8n's CanceledError): that failure is settled here, never left unhandled.
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * An exchange for `HttpClient` that authenticates each attempt with the node's credential of `credentialType`.
 *
 * @example
 * const http = itemHttpClient(this, itemIndex, { exchange: n8nCredentialExchange(this, 'ionfluxApi') });
 */
export function n8nCredentialExchange(
  ctx: RequestContext,
  credentialType: string,
  credentialOptions?: IAdditionalCredentialOptions,
): Exchange {
  return async (input) => {
    const headers = Object.fromEntries(Object.entries(input.headers).filter(([name]) => name !== 'accept-encoding'));
    const options: IHttpRequestOptions = {
      method: input.method as IHttpRequestMethods,
      url: input.url.toString(),
      headers,
      ...(input.body !== undefined ? { body: Buffer.from(input.body) } : {}),
      encoding: 'arraybuffer',
      json: false,
      returnFullResponse: true,
      ignoreHttpStatusErrors: { ignore: true, except: [401] },
      disableFollowRedirect: true,
      timeout: input.timeoutMs,
      abortSignal: input.signal,
    };
    // Nothing is sent for a run that is already canceled.
    if (input.signal.aborted) throw input.signal.reason;
    try {
      const response = (await raceAbort(
        ctx.helpers.httpRequestWithAuthentication.call(
          ctx as IExecuteFunctions,
          credentialType,
          options,
          credentialOptions,
        ),
        input.signal,
      )) as FullResponse;
      return toResponse(input, { status: response.statusCode, headers: response.headers, body: response.body });
    } catch (error) {
      if (input.signal.aborted) throw error;
      const failure = unwrap(error);
      if (failure?.response) {
        return toResponse(input, {
          status: failure.response.status,
          headers: failure.response.headers,
          body: failure.response.data,
        });
      }
      if (failure?.code) throw new HttpNetworkError(input.url.host, failure.code, failure.message ?? failure.code);
      throw error;
    }
  };
}
