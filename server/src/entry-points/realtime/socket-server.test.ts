import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Socket } from 'socket.io-client';
import { emitWithAck, nextEvent, startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

/**
 * Sends a raw socket.io EVENT frame (`2<ackId>[...]`) the way a hostile client would, bypassing the client library
 * (whose own encoder would overflow its stack on such payloads first), and resolves with the acknowledgement.
 */
let nextAckId = 100_000;
function rawEmitWithAck(socket: Socket, frame: (ackId: number) => string, timeoutMs = 10_000): Promise<any> {
  const ackId = nextAckId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no acknowledgement within ${timeoutMs} ms`)), timeoutMs);
    (socket as unknown as { acks: Record<number, (arg: unknown) => void> }).acks[ackId] = (arg) => {
      clearTimeout(timer);
      resolve(arg);
    };
    (socket.io.engine as unknown as { send(data: string): void }).send(frame(ackId));
  });
}

const JWT_SECRET = 'socket-test-secret-that-is-long-enough-0123456789';

let t: TestServer;
let owner: TestUser;
let workspaceId: string;
let channelId: string;

beforeAll(async () => {
  t = await startTestServer({ jwtSecret: JWT_SECRET });
  owner = await t.signup('Owner');
  workspaceId = await t.createWorkspace(owner, 'Sockets');
  channelId = (await t.request('GET', `/api/workspaces/${workspaceId}/channels`, { token: owner.token })).body
    .channels[0].id;
});
afterAll(async () => {
  await t.close();
});

/** The server still answers HTTP and sockets, and stores a message sent normally. */
async function assertServerStillServes(socket: Socket): Promise<void> {
  expect((await t.request('GET', '/healthz')).status).toBe(200);
  const sent = await emitWithAck(socket, 'message:send', { workspaceId, channelId, text: `alive ${randomUUID()}` });
  expect(sent.ok).toBe(true);
}

describe('hostile socket frames', () => {
  it('answers a typing frame nested 12,000 levels deep with an error ack, and stays up', async () => {
    const socket = await t.connect(owner.token);
    const deep = '['.repeat(12_000) + ']'.repeat(12_000);
    const ack = await rawEmitWithAck(socket, (id) => `2${id}["typing",${deep}]`);
    expect(ack).toMatchObject({ ok: false, error: { code: 'input_too_deep' } });
    expect(ack.error.fields[0].message).toMatch(/more than 64 levels/);
    await assertServerStillServes(socket);
  });

  it('answers a message:send whose payload nests 5,000 levels with an error ack naming the field, and stays up', async () => {
    const socket = await t.connect(owner.token);
    const payload = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const ack = await rawEmitWithAck(
      socket,
      (id) =>
        `2${id}["message:send",{"workspaceId":"${workspaceId}","channelId":"${channelId}","text":"x","payload":${payload}}]`,
    );
    expect(ack).toMatchObject({ ok: false, error: { code: 'input_too_deep' } });
    // The path names where it went too deep: payload.a.a.a...
    expect(ack.error.fields[0].path).toMatch(/^payload(\.a)+$/);
    await assertServerStillServes(socket);
  });

  it('accepts nesting up to the documented depth and refuses one level more', async () => {
    const socket = await t.connect(owner.token);
    // The event payload object is level 1, `payload` level 2: 62 more arrays reach exactly 64.
    const nested = (levels: number) => `${'['.repeat(levels)}"x"${']'.repeat(levels)}`;
    const frame = (levels: number) => (id: number) =>
      `2${id}["message:send",{"workspaceId":"${workspaceId}","channelId":"${channelId}","text":"depth","payload":${nested(levels)}}]`;
    expect(await rawEmitWithAck(socket, frame(62))).toMatchObject({ ok: true });
    expect(await rawEmitWithAck(socket, frame(63))).toMatchObject({ ok: false, error: { code: 'input_too_deep' } });
  });

  it('refuses NUL characters anywhere, even deep inside arrays, with the path', async () => {
    const socket = await t.connect(owner.token);
    const ack = await emitWithAck(socket, 'message:send', {
      workspaceId,
      channelId,
      text: 'ok',
      payload: { rows: [['fine', 'x\u0000y']] },
    });
    expect(ack).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', fields: [{ path: 'payload.rows.0.1', message: expect.stringMatching(/NUL/) }] },
    });
  });

  it('survives wide and large frames and events nobody listens to', async () => {
    const socket = await t.connect(owner.token);
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i])));
    expect(await rawEmitWithAck(socket, (id) => `2${id}["typing",${wide}]`)).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    const unknown = await rawEmitWithAck(
      socket,
      (id) => `2${id}["no:such:event",${'['.repeat(9_000)}${']'.repeat(9_000)}]`,
    );
    expect(unknown).toMatchObject({ ok: false, error: { code: 'input_too_deep' } });
    // A frame that is not even valid socket.io, or one over the 256 KiB frame limit, closes that one connection,
    // nobody else's.
    const other = await t.connect(owner.token);
    for (const frame of ['2["typing",', `2["typing","${'x'.repeat(300_000)}"]`]) {
      const broken = await t.connect(owner.token, { reconnection: false });
      const closed = new Promise<string>((resolve) => broken.once('disconnect', (reason) => resolve(reason)));
      (broken.io.engine as unknown as { send(data: string): void }).send(frame);
      expect(await closed).toMatch(/transport (close|error)/);
    }
    await assertServerStillServes(other);
  });
});

describe('socket throttling', () => {
  it('answers events past the per-connection rate with rate_limited error acks (retry hint), then recovers', async () => {
    const t2 = await startTestServer({ socketEventsPerSecond: 1, socketEventBurst: 3 });
    try {
      const user = await t2.signup('Fast');
      const ws = await t2.createWorkspace(user, 'Throttle');
      const socket = await t2.connect(user.token);
      const payload = { workspaceId: ws, channelId: randomUUID(), typing: true };
      const acks = await Promise.all(Array.from({ length: 5 }, () => emitWithAck(socket, 'typing', payload)));
      expect(acks.map((a) => (a.ok ? 'ok' : a.error.code))).toEqual(['ok', 'ok', 'ok', 'rate_limited', 'rate_limited']);
      expect(acks[3].error.retryAfterMs).toBeGreaterThan(0);
      expect(acks[3].error.retryAfterMs).toBeLessThanOrEqual(1000);
      // Another connection has its own bucket.
      const second = await t2.connect(user.token);
      expect((await emitWithAck(second, 'typing', payload)).ok).toBe(true);
      // After the hinted wait, the first connection may send again.
      await new Promise((r) => setTimeout(r, acks[4].error.retryAfterMs + 50));
      expect((await emitWithAck(socket, 'typing', payload)).ok).toBe(true);
    } finally {
      await t2.close();
    }
  });

  it('caps open connections per user, and new connections per minute', async () => {
    const t2 = await startTestServer({ socketMaxConnections: 2, socketConnectsPerMinute: 4 });
    try {
      const user = await t2.signup('Tabs');
      const other = await t2.signup('Other');
      const first = await t2.connect(user.token);
      await t2.connect(user.token);
      await expect(t2.connect(user.token)).rejects.toMatchObject({ data: { code: 'too_many_connections' } });
      // Someone else is not affected.
      await t2.connect(other.token);
      first.disconnect();
      await new Promise((r) => setTimeout(r, 100));
      await t2.connect(user.token); // 4th connect of the minute: allowed, a slot is free again
      const refused = await t2
        .connect(user.token)
        .catch((error: { data?: { code: string; retryAfter: number } }) => error);
      expect(refused).toMatchObject({ data: { code: 'rate_limited', retryAfter: expect.any(Number) } });
    } finally {
      await t2.close();
    }
  });
});

describe('socket credential expiry', () => {
  const key = new TextEncoder().encode(JWT_SECRET);
  const sign = (claims: { sub: string; sid: string }, expiresInSeconds: number) =>
    new SignJWT({ sid: claims.sid, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer('ionflux')
      .setAudience('ionflux-api')
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(key);

  it('tells the client its token expired (auth:expired) and disconnects it at expiry', async () => {
    const token = await sign({ sub: owner.id, sid: randomUUID() }, 2);
    const socket = await t.connect(token, { reconnection: false });
    const expired = nextEvent(socket, 'auth:expired', () => true, 10_000);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    expect(await expired).toEqual({ code: 'token_expired', message: expect.stringMatching(/refresh/) });
    expect(await disconnected).toBe('io server disconnect');
  });

  it('lets a socket swap in a fresh token of the same user (auth:refresh), never someone else’s', async () => {
    const socket = await t.connect(await sign({ sub: owner.id, sid: randomUUID() }, 60));
    const fresh = await sign({ sub: owner.id, sid: randomUUID() }, 600);
    const ack = await emitWithAck(socket, 'auth:refresh', { token: fresh });
    expect(ack.ok).toBe(true);
    const expectedExpiry = JSON.parse(Buffer.from(fresh.split('.')[1]!, 'base64url').toString()).exp * 1000;
    expect(Date.parse(ack.expiresAt)).toBe(expectedExpiry);
    const stranger = await t.signup('Stranger');
    expect(await emitWithAck(socket, 'auth:refresh', { token: stranger.token })).toMatchObject({
      ok: false,
      error: { code: 'session_mismatch' },
    });
    expect(await emitWithAck(socket, 'auth:refresh', { token: 'not-a-token' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_token' },
    });
  });

  it('refuses to connect with an expired token', async () => {
    const token = await sign({ sub: owner.id, sid: randomUUID() }, -5);
    await expect(t.connect(token, { reconnection: false })).rejects.toMatchObject({ data: { code: 'token_expired' } });
  });
});
