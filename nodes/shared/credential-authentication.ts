/**
 * What n8n's credentials helper does with a credential type when a node calls
 * `this.helpers.httpRequestWithAuthentication`, for engines that run these nodes without n8n's server (the IONFLUX
 * embedded engine and the package's test harness). A real n8n does the same in its own CredentialsHelper:
 *
 * - `authenticate`: a generic block (`headers`, `qs`, `body`, `auth` with `={{$credentials.x}}` templates) or a
 *   function of the credential type, applied to every request;
 * - `preAuthentication`: a credential with a hidden `expirable` property (a session or client token) gets it from
 *   the type's `preAuthentication` when it is empty, and again when a request was answered 401.
 */
import type {
  ICredentialDataDecryptedObject,
  ICredentialType,
  IHttpRequestHelper,
  IHttpRequestOptions,
  IRequestOptionsSimplified,
} from 'n8n-workflow';

/** `={{$credentials.token}}`-style templates of generic `authenticate` definitions. */
function resolveTemplate(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
  if (typeof value !== 'string' || !value.startsWith('=')) return value;
  return value
    .slice(1)
    .replace(/\{\{\s*\$credentials\.([A-Za-z0-9_]+)\s*\}\}/g, (_, key: string) => String(credentials[key] ?? ''));
}

/**
 * Applies a credential type's `authenticate` to request options (a copy; the input is not changed).
 *
 * @example
 * const signed = await authenticateRequest({ type: new IonfluxApi(), credentials, request: { url, headers: {} } });
 */
export async function authenticateRequest({
  type,
  credentials,
  request,
}: {
  type: ICredentialType | undefined;
  credentials: ICredentialDataDecryptedObject;
  request: IHttpRequestOptions | IRequestOptionsSimplified;
}): Promise<IHttpRequestOptions> {
  const options = { ...(request as IHttpRequestOptions) };
  const authenticate = type?.authenticate;
  if (!authenticate) return options;
  if (typeof authenticate === 'function') return authenticate(credentials, options);
  const { headers, qs, body, auth } = authenticate.properties as Record<string, Record<string, unknown> | undefined>;
  for (const [key, value] of Object.entries(headers ?? {}))
    options.headers = { ...options.headers, [key]: resolveTemplate(value, credentials) as string };
  for (const [key, value] of Object.entries(qs ?? {}))
    options.qs = { ...options.qs, [key]: resolveTemplate(value, credentials) as string };
  if (body && typeof options.body === 'object' && options.body !== null && !Buffer.isBuffer(options.body)) {
    const copy = { ...(options.body as Record<string, unknown>) };
    for (const [key, value] of Object.entries(body)) copy[key] = resolveTemplate(value, credentials);
    options.body = copy;
  }
  if (auth) {
    options.auth = {
      username: String(resolveTemplate(auth.username, credentials)),
      password: String(resolveTemplate(auth.password, credentials)),
    };
  }
  return options;
}

/** The hidden, expirable property of a credential type (its session or client token), if it has one. */
export function expirableProperty(type: ICredentialType | undefined): string | undefined {
  return type?.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true)?.name;
}

/**
 * n8n's pre-authentication: when the credential's expirable property is empty, or `expired` (a request was
 * answered 401), the type's `preAuthentication` fetches it. Returns the new values (to merge into the
 * credential and keep), or undefined when nothing was fetched.
 */
export async function preAuthenticate({
  type,
  credentials,
  helpers,
  expired,
}: {
  type: ICredentialType | undefined;
  credentials: ICredentialDataDecryptedObject;
  helpers: IHttpRequestHelper;
  expired: boolean;
}): Promise<ICredentialDataDecryptedObject | undefined> {
  const property = expirableProperty(type);
  if (property === undefined || typeof type?.preAuthentication !== 'function') return undefined;
  const current = credentials[property];
  if (!expired && current !== undefined && current !== '') return undefined;
  const output = await type.preAuthentication.call(helpers, credentials);
  if (output[property] === undefined) return undefined;
  return output as ICredentialDataDecryptedObject;
}
