/**
 * The one outbound HTTP client of the package. Every transport (Shopify, TikTok, LLM, HTTP Request, and the IONFLUX
 * REST nodes) sends through it, so timeouts, retries and the SSRF guard behave the same everywhere:
 *
 * - `timeoutMs` is a deadline for everything one item's operation sends (all pages, all retries): each attempt's timer
 *   is clipped to what is left of it, and each attempt also has its own `attemptTimeoutMs` (a stalled connection is
 *   retried, not waited on). No timer outlives the request it limits: a pending timer keeps everything its callback
 *   and its async context reach (the item's n8n execution) alive until it fires, minutes later.
 * - `retries` / `retryDelayMs` are the node-level exponential-backoff retries (`retryDelayMs * 2^n`) for retryable
 *   failures only: network errors, HTTP 429 and 5xx (500, 502, 503, 504). `Retry-After` is honoured.
 * - `rateLimitRetries` are extra waits for rate limits only (HTTP 429, or what a transport's `classify` says is a
 *   rate limit, e.g. Shopify's THROTTLED in an HTTP 200): being told to slow down is not a failure.
 * - `ssrf` (for user-supplied URLs) checks every URL and every redirect hop and pins the connection to the checked
 *   address. Without it redirects are not followed unless `maxRedirects` says so.
 *
 * HTTP error statuses are returned, not thrown: the transport knows the service's error shape and reports it.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import {
  HttpCancelledError,
  HttpNetworkError,
  HttpTimeoutError,
  ResponseTooLargeError,
  TooManyRedirectsError,
} from './errors';
import { checkOutboundUrl } from './ssrf';
import type { ResolvedAddress, SsrfPolicy } from './ssrf';

export type QueryValue = string | number | boolean | null | undefined;

export interface HttpRequest {
  method?: string;
  url: string | URL;
  headers?: Record<string, string>;
  /** Appended to the URL's search parameters (null/undefined values are skipped). */
  query?: Record<string, QueryValue | QueryValue[]>;
  body?: string | Uint8Array;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", " (set-cookie with "\n"). */
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
  text(): string;
}

/** What a transport can say about a response beyond its status. */
export type ResponseVerdict =
  | { kind: 'ok' }
  /** The service asks to slow down; `retryAfterMs` when it says how long. */
  | { kind: 'rateLimited'; retryAfterMs?: number }
  /** A transient server-side failure worth retrying. */
  | { kind: 'transient'; retryAfterMs?: number };

export interface HttpClientOptions {
  /** Deadline for everything sent through this client (ms). */
  timeoutMs?: number;
  /** Limit of one attempt (ms); default 60 s, or `timeoutMs` when smaller. */
  attemptTimeoutMs?: number;
  /** Exponential-backoff retries of retryable failures (default 0). */
  retries?: number;
  /** First backoff delay (ms, default 1000), doubled each retry. */
  retryDelayMs?: number;
  /** Waits allowed for rate limits before they count against `retries` (default 0). */
  rateLimitRetries?: number;
  /** Longest single wait (ms, default 60 s); a longer Retry-After ends the retries. */
  maxDelayMs?: number;
  /** Cancellation of the whole run (n8n's execution cancel signal). */
  signal?: AbortSignal;
  /** Guard for user-supplied URLs; when set, redirects are followed manually up to `maxRedirects` (default 5). */
  ssrf?: SsrfPolicy;
  /** Redirects to follow (default 0 without `ssrf`, 5 with it). */
  maxRedirects?: number;
  /** Largest accepted (decompressed) response body (default 50 MiB). */
  maxResponseBytes?: number;
  /** Observer of waits before retries (logging, tests). */
  onRetry?: (event: RetryEvent) => void;
  /** The clock of the deadline and attempt timers (default: real time); tests drive their own. */
  clock?: HttpClock;
  /**
   * What sends each attempt (default node:http). The n8n nodes send through n8n's request helper with their
   * credential (`n8nCredentialExchange`), so the credential's `authenticate`, pre-authentication and OAuth2 refresh
   * apply while this client keeps the deadline, retries and rate limits. Not with `ssrf`: the guard pins each
   * connection to the address it checked, which only the node:http exchange does.
   */
  exchange?: Exchange;
}

/** A timer as a signal: it aborts `ms` after it was set unless cleared first. */
export interface HttpTimer {
  signal: AbortSignal;
  clear(): void;
}

/** Time as the client sees it: `now()` for what is left of the deadline, `timeout(ms)` for the timers. */
export interface HttpClock {
  now(): number;
  /** A timer that aborts its signal `ms` from now; the client clears it when what it limits has ended. */
  timeout(ms: number): HttpTimer;
}

/**
 * Not `AbortSignal.timeout`: its timer cannot be cleared, and Node keeps it (with the async context it was created
 * in, which holds the item's HTTP client and through it the n8n execution) until the signal is collected, which the
 * context's own reference to the signal prevents. Every run stayed in memory until its timers fired.
 */
const realClock: HttpClock = {
  now: () => Date.now(),
  timeout: (ms) => {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
      ms,
    ).unref();
    return { signal: controller.signal, clear: () => clearTimeout(timer) };
  },
};

export interface RetryEvent {
  url: string;
  attempt: number;
  reason: 'rateLimited' | 'transient' | 'network';
  status?: number;
  delayMs: number;
}

export interface SendOptions {
  /** Classifies a response (default: 429 rate limited, 500/502/503/504 transient). */
  classify?: (response: HttpResponse) => ResponseVerdict;
  /** False for requests that must never be repeated automatically (default true). */
  retryable?: boolean;
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RESPONSE_BYTES = 50 * 1024 * 1024;
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'ERR_ATTEMPT_TIMEOUT',
]);

const keepAliveHttp = new http.Agent({ keepAlive: true });
const keepAliveHttps = new https.Agent({ keepAlive: true });

/** Default verdict: 429 is a rate limit, 500/502/503/504 transient, everything else final. */
export function defaultVerdict(response: HttpResponse): ResponseVerdict {
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  if (response.status === 429) return { kind: 'rateLimited', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if ([500, 502, 503, 504].includes(response.status))
    return { kind: 'transient', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  return { kind: 'ok' };
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function withQuery(url: URL, query: HttpRequest['query']): URL {
  if (!query) return url;
  const out = new URL(url.toString());
  for (const [key, raw] of Object.entries(query)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === undefined || value === null) continue;
      out.searchParams.append(key, String(value));
    }
  }
  return out;
}

function hostOf(url: URL): string {
  return url.host;
}

function pinnedLookup(target: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as unknown as LookupFunction;
}

function decode(body: Buffer, encoding: string | undefined, maxBytes: number): Buffer {
  const options = { maxOutputLength: maxBytes };
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(body, options);
    case 'deflate':
      return zlib.inflateSync(body, options);
    case 'br':
      return zlib.brotliDecompressSync(body, options);
    default:
      return body;
  }
}

/** One attempt as the client hands it to an exchange. */
export interface AttemptInput {
  method: string;
  url: URL;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  /** The address the SSRF guard checked (only with `ssrf`). */
  pinned: ResolvedAddress | undefined;
  /** Aborts at the attempt's timeout, the deadline or cancellation. */
  signal: AbortSignal;
  /** The attempt's own limit (ms). */
  timeoutMs: number;
  maxResponseBytes: number;
}

/** Sends one attempt and returns the response whatever its status; network failures reject. */
export type Exchange = (input: AttemptInput) => Promise<HttpResponse>;

/** One HTTP exchange on node:http(s), connected to the pinned address when given. */
export function nodeHttpExchange(input: AttemptInput): Promise<HttpResponse> {
  const { url } = input;
  const secure = url.protocol === 'https:';
  const transport = secure ? https : http;
  let hostname = url.hostname;
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = transport.request(
      {
        method: input.method,
        protocol: url.protocol,
        hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        headers: input.headers,
        signal: input.signal,
        // A pinned request gets its own connection: a pooled socket may have been resolved without the guard.
        agent: input.pinned ? false : secure ? keepAliveHttps : keepAliveHttp,
        ...(input.pinned ? { lookup: pinnedLookup(input.pinned) } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > input.maxResponseBytes) {
            response.destroy(new ResponseTooLargeError(url.host, input.maxResponseBytes));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          try {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(response.headers)) {
              if (value === undefined) continue;
              headers[name] = Array.isArray(value) ? value.join(name === 'set-cookie' ? '\n' : ', ') : value;
            }
            const raw = Buffer.concat(chunks);
            const body =
              input.method === 'HEAD' ? raw : decode(raw, headers['content-encoding'], input.maxResponseBytes);
            resolve({
              status: response.statusCode ?? 0,
              headers,
              body,
              url: url.toString(),
              text: () => body.toString('utf8'),
            });
          } catch (error) {
            reject(error instanceof RangeError ? new ResponseTooLargeError(url.host, input.maxResponseBytes) : error);
          }
        });
      },
    );
    request.on('error', reject);
    if (input.body !== undefined) request.end(input.body);
    else request.end();
  });
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * An HTTP client bound to one item's policy (deadline, retries, guard).
 *
 * @example
 * const client = new HttpClient({ timeoutMs: 10_000, retries: 2, retryDelayMs: 500 });
 * const response = await client.send({ method: 'GET', url: 'https://example.com/api', headers: { Accept: 'application/json' } });
 * if (response.status >= 400) throw new Error(response.text());
 */
export class HttpClient {
  private readonly clock: HttpClock;
  private readonly started: number;

  constructor(readonly options: HttpClientOptions = {}) {
    if (options.exchange && options.ssrf)
      throw new TypeError('HttpClient: `ssrf` needs the node:http exchange (it pins connections); drop `exchange`.');
    this.clock = options.clock ?? realClock;
    this.started = this.clock.now();
  }

  /** Milliseconds left before the deadline (Infinity without one). */
  remainingMs(): number {
    return this.options.timeoutMs === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(0, this.options.timeoutMs - (this.clock.now() - this.started));
  }

  /**
   * Runs `work` (a transfer this client does not send itself, a download stream say) with a signal that aborts when
   * the deadline passes or the run is cancelled; the deadline's timer is cleared once `work` has settled.
   *
   * @example
   * await http.withDeadline((signal) => streamLines({ url, signal, onLine }));
   */
  async withDeadline<T>(work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const deadline = this.options.timeoutMs === undefined ? undefined : this.clock.timeout(this.remainingMs());
    const signals = [deadline?.signal, this.options.signal].filter((s): s is AbortSignal => s !== undefined);
    try {
      return await work(signals.length <= 1 ? signals[0] : AbortSignal.any(signals));
    } finally {
      deadline?.clear();
    }
  }

  /** Waits (for rate limits a transport detects itself), failing with the deadline or cancellation. */
  async wait(ms: number, host: string): Promise<void> {
    // Ending by the deadline, the wait cannot outlast it: only cancellation interrupts it.
    if (ms > this.remainingMs()) throw new HttpTimeoutError(host, this.options.timeoutMs!);
    try {
      await sleep(ms, this.options.signal);
    } catch {
      throw this.abortError(host);
    }
  }

  private abortError(host: string): Error {
    if (this.options.signal?.aborted) return new HttpCancelledError(host);
    return new HttpTimeoutError(host, this.options.timeoutMs ?? 0);
  }

  /** Sends a request with the client's retries; returns the final response whatever its status. */
  async send(request: HttpRequest, sendOptions: SendOptions = {}): Promise<HttpResponse> {
    const classify = sendOptions.classify ?? defaultVerdict;
    const retryable = sendOptions.retryable ?? true;
    const retries = retryable ? Math.max(0, this.options.retries ?? 0) : 0;
    const rateLimitRetries = retryable ? Math.max(0, this.options.rateLimitRetries ?? 0) : 0;
    const baseDelay = Math.max(0, this.options.retryDelayMs ?? 1000);
    const maxDelay = this.options.maxDelayMs ?? 60_000;
    const url = withQuery(new URL(request.url), request.query);
    let failuresLeft = retries;
    let rateLimitsLeft = rateLimitRetries;
    let backoffStep = 0;
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.once(request, url);
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        const retry = failuresLeft > 0 && error instanceof HttpNetworkError && RETRYABLE_NETWORK_CODES.has(code);
        if (!retry) throw error;
        failuresLeft--;
        const delayMs = Math.min(maxDelay, baseDelay * 2 ** backoffStep++);
        this.options.onRetry?.({ url: url.toString(), attempt, reason: 'network', delayMs });
        await this.wait(delayMs, hostOf(url));
        continue;
      }
      const verdict = classify(response);
      if (verdict.kind === 'ok') return response;
      let canRetry = false;
      if (verdict.kind === 'rateLimited' && rateLimitsLeft > 0) {
        rateLimitsLeft--;
        canRetry = true;
      } else if (failuresLeft > 0) {
        failuresLeft--;
        canRetry = true;
      }
      if (!canRetry) return response;
      const backoff = baseDelay * 2 ** backoffStep++;
      const delayMs = verdict.retryAfterMs ?? Math.min(maxDelay, backoff);
      // A service asking for a longer pause than we may wait: report its answer instead of waiting past the limit.
      if (delayMs > maxDelay || delayMs > this.remainingMs()) return response;
      this.options.onRetry?.({ url: url.toString(), attempt, reason: verdict.kind, status: response.status, delayMs });
      await this.wait(delayMs, hostOf(url));
    }
  }

  /** One attempt, following redirects when allowed (each hop checked by the guard). */
  private async once(request: HttpRequest, start: URL): Promise<HttpResponse> {
    const maxRedirects = this.options.maxRedirects ?? (this.options.ssrf ? 5 : 0);
    let url = start;
    let method = (request.method ?? 'GET').toUpperCase();
    let headers: Record<string, string> = {
      'accept-encoding': 'gzip, deflate, br',
      ...lowerCaseKeys(request.headers ?? {}),
    };
    let body: Uint8Array | undefined =
      typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
    for (let hop = 0; ; hop++) {
      const pinned = this.options.ssrf ? await checkOutboundUrl(url, this.options.ssrf) : undefined;
      const response = await this.attempt({ method, url, headers: withLength(headers, body), body, pinned });
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(response.status) || location === undefined || maxRedirects === 0) return response;
      if (hop >= maxRedirects) throw new TooManyRedirectsError(hostOf(start), maxRedirects);
      const next = new URL(location, url);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'content-type'));
      }
      // Credentials are for the origin they were given to, never for where it redirects.
      if (next.origin !== url.origin)
        headers = Object.fromEntries(
          Object.entries(headers).filter(
            ([k]) =>
              ![
                'authorization',
                'cookie',
                'proxy-authorization',
                'x-shopify-access-token',
                'access-token',
                'api-key',
              ].includes(k),
          ),
        );
      url = next;
    }
  }

  private async attempt(input: Omit<AttemptInput, 'signal' | 'timeoutMs' | 'maxResponseBytes'>): Promise<HttpResponse> {
    const host = hostOf(input.url);
    const remaining = this.remainingMs();
    if (remaining <= 0) throw new HttpTimeoutError(host, this.options.timeoutMs!);
    const attemptLimit = this.options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    // When the deadline is nearer than the attempt limit, the attempt's timer stands for the deadline: whichever of
    // the two timers fires first (they race under load), the failure is the deadline's, with one message.
    const endsAtDeadline = remaining <= attemptLimit;
    const attemptTimeout = Math.min(attemptLimit, remaining);
    const timer = this.clock.timeout(attemptTimeout);
    const attemptSignal = timer.signal;
    const outer = this.options.signal;
    const signal = outer ? AbortSignal.any([outer, attemptSignal]) : attemptSignal;
    try {
      return await (this.options.exchange ?? nodeHttpExchange)({
        ...input,
        signal,
        timeoutMs: attemptTimeout,
        maxResponseBytes: this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      });
    } catch (error) {
      if (outer?.aborted) throw this.abortError(host);
      if (error instanceof ResponseTooLargeError) throw error;
      if (attemptSignal.aborted && endsAtDeadline) throw this.abortError(host);
      if (attemptSignal.aborted)
        throw new HttpNetworkError(host, 'ERR_ATTEMPT_TIMEOUT', `no response within ${attemptTimeout} ms`);
      // A custom exchange reports network failures as HttpNetworkError; anything else (a credential that cannot be
      // used, a refused token refresh) is its own error, not a network one.
      if (error instanceof HttpNetworkError || this.options.exchange) throw error;
      const err = error as NodeJS.ErrnoException;
      throw new HttpNetworkError(host, err.code ?? '', err.message);
    } finally {
      timer.clear();
    }
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function withLength(headers: Record<string, string>, body: Uint8Array | undefined): Record<string, string> {
  const out = { ...headers };
  delete out['content-length'];
  if (body !== undefined) out['content-length'] = String(body.byteLength);
  return out;
}

/**
 * A `fetch` over this client, for SDKs that take one (the OpenAI SDK): the SDK's own retries should be off
 * (`maxRetries: 0`) so that the node's policy applies once. `omitHeaders` drops headers the SDK sets itself (its
 * API key) when the client's exchange authenticates with an n8n credential instead.
 */
export function fetchThrough(client: HttpClient, { omitHeaders = [] }: { omitHeaders?: string[] } = {}): typeof fetch {
  const omitted = new Set(omitHeaders.map((name) => name.toLowerCase()));
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const request = input instanceof Request ? input : undefined;
    const url = request ? request.url : input.toString();
    const headers: Record<string, string> = {};
    new Headers(init?.headers ?? request?.headers).forEach((value, key) => {
      if (!omitted.has(key)) headers[key] = value;
    });
    let body: string | Uint8Array | undefined;
    const rawBody = init?.body ?? (request ? await request.arrayBuffer() : undefined);
    if (typeof rawBody === 'string') body = rawBody;
    else if (rawBody instanceof ArrayBuffer) body = new Uint8Array(rawBody);
    else if (ArrayBuffer.isView(rawBody)) body = new Uint8Array(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
    else if (rawBody instanceof URLSearchParams) body = rawBody.toString();
    else if (rawBody !== undefined && rawBody !== null)
      throw new TypeError('fetchThrough supports string and binary bodies only');
    const response = await client.send({
      method: init?.method ?? request?.method ?? 'GET',
      url,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(response.headers)) {
      if (key === 'content-encoding' || key === 'content-length') continue; // the body is already decoded
      responseHeaders.set(key, value);
    }
    const nullBody = [101, 204, 205, 304].includes(response.status);
    return new Response(nullBody ? null : new Uint8Array(response.body), {
      status: response.status,
      headers: responseHeaders,
    });
  }) as typeof fetch;
}
