/** Failures of the outbound HTTP client that are not HTTP responses (those are returned, status and all). */

/** The request's deadline (`options.timeoutMs`) passed. Not retried: the deadline covers every attempt. */
export class HttpTimeoutError extends Error {
  constructor(
    readonly host: string,
    readonly timeoutMs: number,
  ) {
    super(`The request to ${host} did not finish within the timeout of ${timeoutMs} ms.`);
    this.name = 'HttpTimeoutError';
  }
}

/** The run was cancelled while the request was in flight. */
export class HttpCancelledError extends Error {
  constructor(readonly host: string) {
    super(`The request to ${host} was cancelled.`);
    this.name = 'HttpCancelledError';
  }
}

/** The connection failed (DNS, refused, reset, per-attempt timeout) after every allowed retry. */
export class HttpNetworkError extends Error {
  constructor(
    readonly host: string,
    readonly code: string,
    message: string,
  ) {
    super(`Could not reach ${host}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}.`);
    this.name = 'HttpNetworkError';
  }
}

export class TooManyRedirectsError extends Error {
  constructor(
    readonly host: string,
    readonly maxRedirects: number,
  ) {
    super(`The request to ${host} was redirected more than ${maxRedirects} times.`);
    this.name = 'TooManyRedirectsError';
  }
}

export class ResponseTooLargeError extends Error {
  constructor(
    readonly host: string,
    readonly maxBytes: number,
  ) {
    super(`The response from ${host} is larger than ${maxBytes} bytes.`);
    this.name = 'ResponseTooLargeError';
  }
}
