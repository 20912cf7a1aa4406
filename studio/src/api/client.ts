import type { Session, User } from './types';

/** An answer of the server that is not 2xx, with what it says to fix (`{ error: { code, message, fields? } }`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Array<{ path: string; message: string }>;
  readonly details: unknown;
  readonly requestId: string | undefined;

  constructor(args: {
    status: number;
    code: string;
    message: string;
    fields?: Array<{ path: string; message: string }>;
    details?: unknown;
    requestId?: string;
  }) {
    super(args.message);
    this.name = 'ApiError';
    this.status = args.status;
    this.code = args.code;
    this.fields = args.fields ?? [];
    this.details = args.details;
    this.requestId = args.requestId;
  }
}

/** A sentence a person can act on: the server's message plus each field it names. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.fields.map((f) => `${f.path ? `${f.path}: ` : ''}${f.message}`);
    const unique = fields.filter((f) => !error.message.includes(f));
    return unique.length > 0 ? `${error.message} (${unique.join('; ')})` : error.message;
  }
  if (error instanceof TypeError) return 'The server cannot be reached; check that it is running and try again.';
  return error instanceof Error ? error.message : String(error);
}

type Listener = () => void;

const CSRF_COOKIE = 'ionflux_csrf';
/** Refresh this long before the access token expires, so a request never goes out with a dead token. */
const REFRESH_MARGIN_MS = 60_000;

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorFrom(response: Response, body: unknown): ApiError {
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  if (error && typeof error.message === 'string') {
    return new ApiError({
      status: response.status,
      code: typeof error.code === 'string' ? error.code : 'error',
      message: error.message,
      fields: Array.isArray(error.fields) ? (error.fields as Array<{ path: string; message: string }>) : undefined,
      details: error.details,
      requestId: typeof error.requestId === 'string' ? error.requestId : undefined,
    });
  }
  return new ApiError({
    status: response.status,
    code: `http_${response.status}`,
    message: `The server answered ${response.status} ${response.statusText}`,
  });
}

/**
 * The session of this browser: the short-lived access token in memory, the refresh token in the server's httpOnly
 * cookie. Refreshes happen ahead of expiry and on a 401; across tabs they are serialized with a Web Lock, because
 * the server treats a refresh token presented twice as stolen and ends the whole session (except the immediately
 * previous one within a short rotation leeway, which covers a reload that cut off a refresh's answer).
 */
export class SessionStore {
  #user: User | null = null;
  #accessToken: string | null = null;
  #expiresAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #refreshing: Promise<boolean> | undefined;
  #listeners = new Set<Listener>();
  /** True once the first refresh attempt (page load) finished: until then the app shows a loading state. */
  #ready = false;
  /** The person signed out (rather than the session ending): the login screen does not offer to return. */
  #signedOut = false;

  get signedOutByUser(): boolean {
    return this.#signedOut;
  }

  get user(): User | null {
    return this.#user;
  }
  get ready(): boolean {
    return this.#ready;
  }
  get accessToken(): string | null {
    return this.#accessToken;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }

  #accept(session: Session): void {
    this.#signedOut = false;
    this.#user = session.user;
    this.#accessToken = session.accessToken;
    this.#expiresAt = Date.parse(session.accessTokenExpiresAt);
    clearTimeout(this.#timer);
    const delay = Math.max(5_000, this.#expiresAt - Date.now() - REFRESH_MARGIN_MS);
    this.#timer = setTimeout(() => void this.refresh(), delay);
    this.#ready = true;
    this.#emit();
  }

  #clear(): void {
    clearTimeout(this.#timer);
    this.#user = null;
    this.#accessToken = null;
    this.#expiresAt = 0;
    this.#ready = true;
    this.#emit();
  }

  setUser(user: User): void {
    this.#user = user;
    this.#emit();
  }

  async signup(args: { email: string; password: string; displayName: string }): Promise<void> {
    this.#accept((await this.#post('/api/auth/signup', args)) as Session);
  }

  async login(args: { email: string; password: string }): Promise<void> {
    this.#accept((await this.#post('/api/auth/login', args)) as Session);
  }

  async logout(): Promise<void> {
    // A refresh in flight presents the refresh token the logout revokes: let it land first (else it answers 401),
    // then start no other.
    await this.#refreshing?.catch(() => false);
    clearTimeout(this.#timer);
    this.#signedOut = true;
    try {
      await fetch('/api/auth/logout', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'X-CSRF-Token': readCookie(CSRF_COOKIE) ?? '' },
      });
    } finally {
      this.#clear();
    }
  }

  /** Exchanges the refresh cookie for a new access token. Resolves false when there is no session (signed out). */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#refreshOnce().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refreshOnce(): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      const csrf = readCookie(CSRF_COOKIE);
      if (!csrf) {
        this.#clear();
        return false;
      }
      let response: Response;
      try {
        response = await fetch('/api/auth/refresh', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'X-CSRF-Token': csrf },
        });
      } catch {
        // Offline or the server is restarting: keep the session and try again shortly.
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => void this.refresh(), 5_000);
        if (!this.#ready) {
          this.#ready = true;
          this.#emit();
        }
        return this.#accessToken !== null;
      }
      const body = await parseBody(response);
      if (response.ok) {
        this.#accept(body as Session);
        return true;
      }
      if (response.status === 429 || response.status >= 500) {
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => void this.refresh(), 5_000);
        if (!this.#ready) {
          this.#ready = true;
          this.#emit();
        }
        return this.#accessToken !== null;
      }
      this.#clear();
      return false;
    };
    // Another tab may be refreshing with the same cookie right now; take turns (each uses the newest cookie).
    if (typeof navigator !== 'undefined' && navigator.locks) {
      return navigator.locks.request('ionflux-session-refresh', run);
    }
    return run();
  }

  async #post(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const parsed = await parseBody(response);
    if (!response.ok) throw errorFrom(response, parsed);
    return parsed;
  }

  /** A call of the API with the access token; a 401 gets one refresh and one retry before it is reported. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (this.#accessToken && Date.now() > this.#expiresAt - 5_000) await this.refresh();
    const send = () =>
      fetch(path, {
        method,
        credentials: 'same-origin',
        headers: {
          ...(this.#accessToken ? { Authorization: `Bearer ${this.#accessToken}` } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    let response = await send();
    if (response.status === 401 && this.#accessToken) {
      if (await this.refresh()) response = await send();
    }
    const parsed = await parseBody(response);
    if (!response.ok) throw errorFrom(response, parsed);
    return parsed as T;
  }
}

export const session = new SessionStore();

/** Shorthands over the session's request. */
export const api = {
  get: <T>(path: string) => session.request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => session.request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => session.request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => session.request<T>('PATCH', path, body),
  delete: <T>(path: string, body?: unknown) => session.request<T>('DELETE', path, body),
};

/** Encodes a query string from defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
