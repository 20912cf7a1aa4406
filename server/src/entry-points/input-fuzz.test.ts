import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { MAX_INPUT_DEPTH } from '../domain/input-bounds';
import { emitWithAck, startTestServer, type TestServer, type TestUser } from '../testing/test-server';
import type { RouteDefinition } from './http/route';

/**
 * Seeded fuzzing of every HTTP body schema (read from the route table) and every socket event (read from what the
 * socket server registered on a live connection): deep, wide and large values, and arbitrary JSON merged into the
 * documented examples. The server must answer each with a 4xx / an error ack (never a 5xx, a missing ack or a
 * crash), and still serve normal traffic afterwards. A failure prints its seed and path; pin it in SEED to replay.
 */
const SEED = 20_261_117;
const RESERVED_EVENTS = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'error']);

let t: TestServer;
let owner: TestUser;
let workspaceId: string;
let channelId: string;

beforeAll(async () => {
  t = await startTestServer({
    // The fuzzer sends far faster than the throttles allow (which have their own tests); every answer must still be
    // the schema's, not a rate limit.
    socketEventsPerSecond: 100_000,
    socketEventBurst: 100_000,
    loginMaxAttempts: 10_000,
    loginMaxAttemptsPerIp: 100_000,
  });
  owner = await t.signup('Fuzz');
  workspaceId = await t.createWorkspace(owner, 'Fuzz');
  channelId = (await t.request('GET', `/api/workspaces/${workspaceId}/channels`, { token: owner.token })).body
    .channels[0].id;
});
afterAll(async () => {
  await t.close();
});

/** Path params: the fuzz workspace; any other id a fresh uuid (bodies are validated before any lookup). */
function fillPath(route: RouteDefinition): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    if (name === 'workspaceId') return workspaceId;
    if (name === 'namespace') return 'fuzz';
    return randomUUID();
  });
}

const nest = (levels: number, leaf: string, kind: 'array' | 'object') =>
  kind === 'array'
    ? `${'['.repeat(levels)}${leaf}${']'.repeat(levels)}`
    : `${'{"k":'.repeat(levels)}${leaf}${'}'.repeat(levels)}`;

/** A JSON text nested deeper than allowed, at the root or under one of the example's fields. */
const deepBody = (fields: string[]) =>
  fc
    .record({
      levels: fc.integer({ min: MAX_INPUT_DEPTH + 1, max: 6_000 }),
      kind: fc.constantFrom<'array' | 'object'>('array', 'object'),
      field: fc.option(fc.constantFrom(...(fields.length > 0 ? fields : ['x'])), { nil: undefined }),
    })
    .map(({ levels, kind, field }) =>
      field === undefined ? nest(levels, '1', kind) : `{"${field}":${nest(levels, '1', kind)}}`,
    );

/** A JSON text with thousands of keys or elements. */
const wideBody = fc
  .record({ width: fc.integer({ min: 1_000, max: 8_000 }), kind: fc.constantFrom('object', 'array') })
  .map(({ width, kind }) =>
    kind === 'object'
      ? JSON.stringify(Object.fromEntries(Array.from({ length: width }, (_, i) => [`k${i}`, i])))
      : JSON.stringify(Array.from({ length: width }, (_, i) => i)),
  );

/** A JSON text with one huge string (past every per-field limit, sometimes past the body limit). */
const largeBody = (fields: string[]) =>
  fc
    .record({
      size: fc.integer({ min: 20_001, max: 400_000 }),
      field: fc.constantFrom(...(fields.length > 0 ? fields : ['x'])),
    })
    .map(({ size, field }) => JSON.stringify({ [field]: 'x'.repeat(size) }));

/** The documented example with some fields replaced by arbitrary JSON (including nested, unicode, odd types). */
const mutatedExample = (example: Record<string, unknown>) =>
  fc
    .dictionary(
      fc.constantFrom(...Object.keys(example), 'unexpected', '__proto__', 'constructor'),
      fc.jsonValue({ maxDepth: 6 }),
      { maxKeys: 4 },
    )
    .map((overrides) => JSON.stringify({ ...example, ...overrides }));

const bodyRoutes = () => t.server.routes.filter((route) => route.body !== undefined);

describe('HTTP body fuzzing (every route with a body)', () => {
  it('covers the route table', () => {
    expect(bodyRoutes().length).toBeGreaterThan(35);
  });

  it('deep, wide and large bodies get a 4xx on every route (deep ones: 400 input_too_deep), never a 5xx', async () => {
    for (const route of bodyRoutes()) {
      const fields = Object.keys((route.example?.body as Record<string, unknown> | undefined) ?? {});
      const send = (rawBody: string) =>
        t.request(route.method.toUpperCase(), fillPath(route), {
          token: owner.token,
          rawBody,
          headers: { 'content-type': 'application/json' },
        });
      await fc.assert(
        fc.asyncProperty(deepBody(fields), async (rawBody) => {
          const res = await send(rawBody);
          expect({ route: route.operationId, status: res.status, code: res.body?.error?.code }).toEqual({
            route: route.operationId,
            status: res.status === 413 ? 413 : 400,
            code: res.status === 413 ? 'payload_too_large' : 'input_too_deep',
          });
        }),
        { seed: SEED, numRuns: 4 },
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(wideBody, largeBody(fields)), async (rawBody) => {
          const res = await send(rawBody);
          expect({ route: route.operationId, clientError: res.status >= 400 && res.status < 500 }).toEqual({
            route: route.operationId,
            clientError: true,
          });
        }),
        { seed: SEED, numRuns: 4 },
      );
    }
  });

  it('arbitrary JSON in the documented examples never gets a 5xx', async () => {
    for (const route of bodyRoutes()) {
      const example = (route.example?.body as Record<string, unknown> | undefined) ?? {};
      await fc.assert(
        fc.asyncProperty(mutatedExample(example), async (rawBody) => {
          const res = await t.request(route.method.toUpperCase(), fillPath(route), {
            token: owner.token,
            rawBody,
            headers: { 'content-type': 'application/json' },
          });
          expect({ route: route.operationId, status: res.status < 500 }).toEqual({
            route: route.operationId,
            status: true,
          });
        }),
        { seed: SEED, numRuns: 12 },
      );
    }
  });

  it('still serves normal requests afterwards', async () => {
    expect((await t.request('GET', '/readyz')).status).toBe(200);
    const page = await t.request('POST', `/api/workspaces/${workspaceId}/pages`, {
      token: owner.token,
      body: { title: 'After the fuzz' },
    });
    expect(page.status).toBe(201);
  });
});

/** Raw socket.io EVENT frame with an ack id (see socket-server.test.ts): what a hostile client can send. */
let nextAckId = 500_000;
function rawEmit(socket: Socket, event: string, payloadJson: string): Promise<any> {
  const ackId = nextAckId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event} within 10 s`)), 10_000);
    (socket as unknown as { acks: Record<number, (arg: unknown) => void> }).acks[ackId] = (arg) => {
      clearTimeout(timer);
      resolve(arg);
    };
    (socket.io.engine as unknown as { send(data: string): void }).send(
      `2${ackId}[${JSON.stringify(event)},${payloadJson}]`,
    );
  });
}

describe('socket event fuzzing (every event the server registers)', () => {
  let socket: Socket;
  let events: string[];

  beforeAll(async () => {
    socket = await t.connect(owner.token);
    const [serverSocket] = [...t.server.io.of('/').sockets.values()];
    events = serverSocket!
      .eventNames()
      .map(String)
      .filter((name) => !RESERVED_EVENTS.has(name))
      .sort();
  });

  it('enumerates the registered events', () => {
    expect(events).toEqual(
      expect.arrayContaining(['channel:join', 'channel:read', 'message:send', 'page:join', 'typing', 'workspace:join']),
    );
  });

  it('deep, wide and large payloads get an error ack on every event, and the server stays up', async () => {
    for (const event of events) {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            deepBody(['payload', 'workspaceId', 'text']).map((json) => ({ json, deep: true })),
            wideBody.map((json) => ({ json, deep: false })),
            fc.integer({ min: 20_001, max: 200_000 }).map((size) => ({
              // Within the 256 KiB frame limit (a larger frame closes the connection: see socket-server.test.ts).
              json: JSON.stringify({ workspaceId: 'x'.repeat(size), text: 'x', token: 'x' }),
              deep: false,
            })),
          ),
          async ({ json, deep }) => {
            const ack = await rawEmit(socket, event, json);
            expect({ event, ok: ack.ok, deepCode: deep ? ack.error?.code : undefined }).toEqual({
              event,
              ok: false,
              deepCode: deep ? 'input_too_deep' : undefined,
            });
          },
        ),
        { seed: SEED, numRuns: 6 },
      );
    }
  });

  it('arbitrary JSON payloads always get an acknowledgement (never a crash or silence)', async () => {
    for (const event of events) {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.jsonValue({ maxDepth: 6 }),
            fc.record(
              { workspaceId: fc.constantFrom(workspaceId, 'x'), channelId: fc.constant(channelId) },
              { requiredKeys: [] },
            ),
          ),
          async (payload) => {
            const ack = await emitWithAck(socket, event, payload, 10_000);
            expect(typeof ack.ok).toBe('boolean');
            if (!ack.ok) expect(typeof ack.error.code).toBe('string');
          },
        ),
        { seed: SEED, numRuns: 10 },
      );
    }
  });

  it('still serves sockets and HTTP afterwards', async () => {
    expect((await t.request('GET', '/healthz')).status).toBe(200);
    const sent = await emitWithAck(socket, 'message:send', { workspaceId, channelId, text: 'after the fuzz' });
    expect(sent).toMatchObject({ ok: true, message: { text: 'after the fuzz' } });
  });
});
