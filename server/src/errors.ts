/**
 * Operational errors: something a caller can act on. Each has a stable `code`, an HTTP status and a message that
 * says what to fix. Anything that is not an AppError is a programmer error (logged with the request id, 500).
 *
 * @example throw new AppError({ status: 404, code: 'page_not_found', message: 'No page with this id in this workspace' })
 */
export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `content.items.0.text`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields?: FieldProblem[];
  /** Extra data for the client, e.g. the current block on a version conflict. */
  readonly details?: Record<string, unknown>;
  /** Extra response headers, e.g. Retry-After on 429. */
  readonly headers?: Record<string, string>;

  constructor(args: {
    status: number;
    code: string;
    message: string;
    fields?: FieldProblem[];
    details?: Record<string, unknown>;
    headers?: Record<string, string>;
  }) {
    super(args.message);
    this.name = 'AppError';
    this.status = args.status;
    this.code = args.code;
    this.fields = args.fields;
    this.details = args.details;
    this.headers = args.headers;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** 404 used for anything outside the caller's tenant as well, so existence never leaks. */
export function notFound(what: string, code = `${what.replace(/\s+/g, '_')}_not_found`): AppError {
  return new AppError({ status: 404, code, message: `No ${what} with this id here (or you cannot see it)` });
}

export function invalidRequest(fields: FieldProblem[], message?: string): AppError {
  return new AppError({
    status: 400,
    code: 'invalid_request',
    message: message ?? `Invalid request: ${fields.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; ')}`,
    fields,
  });
}

export function forbidden(code: string, message: string): AppError {
  return new AppError({ status: 403, code, message });
}

export function conflict(code: string, message: string, details?: Record<string, unknown>): AppError {
  return new AppError({ status: 409, code, message, details });
}

export function unauthorized(code: string, message: string): AppError {
  return new AppError({ status: 401, code, message });
}

/** True for a PostgreSQL unique-constraint violation (optionally on a named constraint). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code !== '23505') return false;
  if (constraint === undefined) return true;
  // pg sets `constraint`; PGlite sets it too, but fall back to the message for safety.
  return e.constraint === constraint || (typeof e.message === 'string' && e.message.includes(constraint));
}
