import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { ShopifyWebhooks } from '../../domain/connections/shopify-webhooks';
import { AppError } from '../../errors';
import { errorAnswer, loggedPath, type InFlight } from './app';

/** Where Shopify delivers webhooks (the route `receiveShopifyWebhook` of webhooks.routes.ts). */
export const SHOPIFY_WEBHOOK_PATH = '/webhooks/shopify';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const ANSWERS = {
  stored: JSON.stringify({ received: true, duplicate: false }),
  duplicate: JSON.stringify({ received: true, duplicate: true }),
};

/** The headers a middleware sets on every answer, recorded once (they do not depend on the request). */
function recordHeaders(middleware: RequestHandler): string[] {
  const headers: string[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers.push(name, String(value));
    },
    removeHeader() {},
  };
  let passed = false;
  void middleware({ headers: {} } as Request, recorder as unknown as Response, () => (passed = true));
  if (!passed) throw new Error('the security headers middleware did not pass the request on');
  return headers;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * `POST /webhooks/shopify` answered by node:http directly, ahead of Express: Shopify's bursts are the busiest
 * traffic this server takes, and the generic stack (router walk, helmet's eleven middlewares, a child logger and
 * raw-body per request) cost more than verifying and storing a webhook. The answer is the same as through the
 * route table (which still holds the route, for the OpenAPI document and for requests this does not take): the
 * same security headers (recorded once from the same middleware), X-Request-Id, Cache-Control: no-store, the
 * body read up to the route's limit (413 beyond), the signature checked over the raw bytes by the use case before
 * anything is parsed, and errors in the error handler's shape. Requests are counted for shutdown like the others.
 * Anything unusual (a compressed body, another method or path spelling) is left to Express: returns false then.
 *
 * @example
 *   const intake = createShopifyWebhookIntake({ webhooks, logger, inFlight, securityHeaders, maxBytes });
 *   http.createServer((req, res) => intake(req, res) || app(req, res));
 */
export function createShopifyWebhookIntake(args: {
  webhooks: ShopifyWebhooks;
  logger: Logger;
  inFlight: InFlight;
  securityHeaders: RequestHandler;
  maxBytes: number;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { webhooks, logger, inFlight, maxBytes } = args;
  const fixedHeaders = [
    ...recordHeaders(args.securityHeaders),
    'Cache-Control',
    'no-store',
    'Content-Type',
    'application/json; charset=utf-8',
  ];

  const answer = (
    res: ServerResponse,
    requestId: string,
    status: number,
    body: string,
    extra?: Record<string, string>,
  ): void => {
    const headers = [...fixedHeaders, 'X-Request-Id', requestId, 'Content-Length', String(Buffer.byteLength(body))];
    if (extra) for (const [name, value] of Object.entries(extra)) headers.push(name, value);
    res.writeHead(status, headers);
    res.end(body);
  };

  const answerError = (res: ServerResponse, requestId: string, error: unknown): void => {
    const reply = errorAnswer(error, requestId);
    if (reply.status >= 500) logger.child({ requestId }).error(...reply.log);
    if (res.headersSent) return;
    answer(res, requestId, reply.status, JSON.stringify(reply.body), reply.headers);
  };

  return (req, res) => {
    if (req.method !== 'POST' || req.url !== SHOPIFY_WEBHOOK_PATH) return false;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;

    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    inFlight.begin();
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      inFlight.end();
      const aborted = !res.writableFinished;
      const level = aborted ? 'info' : res.statusCode >= 500 ? 'error' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      const ms = Math.round((Number(process.hrtime.bigint() - started) / 1e6) * 100) / 100;
      const line = { method: 'POST', path: loggedPath(SHOPIFY_WEBHOOK_PATH), ms };
      const log = logger.child({ requestId });
      if (aborted) log.info({ ...line, aborted: true }, 'request aborted by the client');
      else log[level]({ ...line, status: res.statusCode }, 'request');
    };
    res.on('finish', finish);
    res.on('close', finish);

    const tooLarge = () => {
      // The rest of the body is read and dropped (the request timeout bounds how long), then the connection closes.
      req.resume();
      res.shouldKeepAlive = false;
      answerError(
        res,
        requestId,
        new AppError({
          status: 413,
          code: 'payload_too_large',
          message: `The body is larger than this operation accepts (${maxBytes} bytes); send less data`,
        }),
      );
    };
    if (Number(req.headers['content-length']) > maxBytes) {
      tooLarge();
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      webhooks
        .receive(body, {
          hmac: header(req, 'x-shopify-hmac-sha256'),
          topic: header(req, 'x-shopify-topic'),
          shopDomain: header(req, 'x-shopify-shop-domain'),
          eventId: header(req, 'x-shopify-event-id'),
          webhookId: header(req, 'x-shopify-webhook-id'),
          apiVersion: header(req, 'x-shopify-api-version'),
          triggeredAt: header(req, 'x-shopify-triggered-at'),
        })
        .then(
          ({ duplicate }) => answer(res, requestId, 200, duplicate ? ANSWERS.duplicate : ANSWERS.stored),
          (error: unknown) => answerError(res, requestId, error),
        );
    });
    // A client that goes away mid-body gets no answer; `close` logs it as aborted.
    req.on('error', () => undefined);
    return true;
  };
}
