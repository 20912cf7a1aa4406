import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { io as connectClient } from 'socket.io-client';
import { ConfigError, type ServerOptions } from './config';
import { DEMO_EMAIL, DEMO_PAGE, DEMO_PASSWORD, DEMO_WORKSPACE } from './domain/demo-seed';
import { main } from './main';
import { startServer, stopServer, type ServerHandle } from './server';
import { createTestPostgresDatabase, startTestServer, testDatabaseTarget, waitUntil } from './testing/test-server';

const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
  await stopServer();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Options for a server whose data outlives it: a PGlite data folder, or a fresh PostgreSQL database. */
async function durableStore(): Promise<ServerOptions> {
  if (testDatabaseTarget() === 'postgres') {
    const database = await createTestPostgresDatabase();
    cleanups.push(database.drop);
    return { databaseUrl: database.url };
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ionflux-server-test-'));
  cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
  return { dataDir };
}

// The marketplace seed (the ten examples published on start) has its own tests; these starts skip it, as test servers do.
const quiet = {
  port: 0,
  logLevel: 'silent',
  env: {},
  passwordHashCost: 10,
  seedMarketplace: false,
} satisfies ServerOptions;

async function count(
  server: ServerHandle,
  table: 'users' | 'workspaces' | 'canvas_pages' | 'canvas_blocks' | 'chat_channels' | 'chat_messages',
): Promise<number> {
  return Number(
    (
      await server.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

describe('startServer', () => {
  it('listens on 127.0.0.1 with a port picked by the OS and answers health and readiness', async () => {
    const t = await startTestServer();
    try {
      expect(t.server.host).toBe('127.0.0.1');
      expect(t.server.port).toBeGreaterThan(0);
      expect(t.url).toBe(`http://127.0.0.1:${t.server.port}`);
      expect((await t.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
      expect((await t.request('GET', '/readyz')).body).toEqual({ status: 'ready' });
      const unknown = await t.request('GET', '/api/nope');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('route_not_found');
      expect(unknown.headers.get('x-request-id')).toBe(unknown.body.error.requestId);
      const traced = await t.request('GET', '/healthz', { headers: { 'x-request-id': 'trace-123' } });
      expect(traced.headers.get('x-request-id')).toBe('trace-123');
    } finally {
      await t.close();
    }
  });

  it('rejects bad configuration at boot, listing every problem', async () => {
    const attempt = startServer({
      port: 70_000,
      env: { IONFLUX_LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', IONFLUX_JWT_SECRET: 'short' },
    });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    const error = (await attempt.catch((e: unknown) => e)) as ConfigError;
    expect(error.problems).toHaveLength(4);
    expect(error.message).toMatch(/port must be an integer from 0 to 65535/);
    expect(error.message).toMatch(/DATABASE_URL must start with postgres/);
  });

  it('fails clearly when the port is taken', async () => {
    const first = await startTestServer();
    try {
      await expect(startServer({ ...quiet, inMemory: true, port: first.server.port })).rejects.toThrow(
        `Port ${first.server.port} on 127.0.0.1 is already in use: pass another --port (PORT), or 0 for any free port`,
      );
    } finally {
      await first.close();
    }
  });

  it('fails clearly when PostgreSQL cannot be reached', async () => {
    await expect(startServer({ ...quiet, databaseUrl: 'postgres://nobody:secret@127.0.0.1:1/none' })).rejects.toThrow(
      /Cannot connect to PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/,
    );
  });

  it('seeds the demo idempotently, so a stranger can log in and see the campaign page', async () => {
    const store = await durableStore();
    const first = await startServer({ ...quiet, ...store, demo: true });
    try {
      const login = await fetch(`${first.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
      });
      expect(login.status).toBe(200);
      const token = ((await login.json()) as { accessToken: string }).accessToken;
      const get = async (p: string) =>
        (await fetch(`${first.url}${p}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
      const workspaces = await get('/api/workspaces');
      expect(workspaces.workspaces.map((w: { name: string }) => w.name)).toEqual([DEMO_WORKSPACE]);
      const workspaceId = workspaces.workspaces[0].id as string;
      const pages = await get(`/api/workspaces/${workspaceId}/pages`);
      expect(pages.pages.map((p: { title: string }) => p.title)).toEqual([DEMO_PAGE]);
      const page = await get(`/api/workspaces/${workspaceId}/pages/${pages.pages[0].id}`);
      expect(page.blocks).toEqual([
        expect.objectContaining({
          type: 'text',
          key: 'goal',
          content: { text: 'Goal: Drive 20% more sales for Product X.' },
        }),
      ]);
      const channels = await get(`/api/workspaces/${workspaceId}/channels`);
      expect(channels.channels.map((c: { name: string }) => c.name).sort()).toEqual([
        'general',
        'ops',
        'sales',
        'support',
      ]);
      const general = channels.channels.find((c: { name: string }) => c.name === 'general');
      const history = await get(`/api/workspaces/${workspaceId}/channels/${general.id}/messages?limit=50`);
      const thread = history.messages.find((m: { replyCount: number }) => m.replyCount > 0);
      expect(thread.text).toContain('Q4 holiday campaign');
      expect(thread.replyCount).toBe(6);
    } finally {
      await first.close();
    }
    const second = await startServer({ ...quiet, ...store, demo: true });
    try {
      // Demo user and teammate; one workspace, page and block; four channels; welcome message and the 7-message thread.
      expect(
        await Promise.all(
          (['users', 'workspaces', 'canvas_pages', 'canvas_blocks', 'chat_channels', 'chat_messages'] as const).map(
            (table) => count(second, table),
          ),
        ),
      ).toEqual([2, 1, 1, 1, 4, 8]);
    } finally {
      await second.close();
    }
  });

  it('keeps sessions and data across restarts (secrets and database persist)', async () => {
    const store = await durableStore();
    const options =
      testDatabaseTarget() === 'postgres'
        ? { ...store, dataDir: await fs.mkdtemp(path.join(os.tmpdir(), 'ionflux-secrets-')) }
        : store;
    if (options.dataDir && testDatabaseTarget() === 'postgres')
      cleanups.push(() => fs.rm(options.dataDir!, { recursive: true, force: true }));
    const first = await startServer({ ...quiet, ...options });
    const signup = await fetch(`${first.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'persist@example.com', password: 'persistent pass', displayName: 'P' }),
    });
    const { accessToken } = (await signup.json()) as { accessToken: string };
    await first.close();
    const second = await startServer({ ...quiet, ...options });
    try {
      const me = await fetch(`${second.url}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(me.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses a second server on the same embedded data folder', async () => {
    if (testDatabaseTarget() === 'postgres') return; // the lock protects PGlite data folders only
    const store = await durableStore();
    const first = await startServer({ ...quiet, ...store });
    try {
      await expect(startServer({ ...quiet, ...store })).rejects.toThrow(/already runs a server on the data folder/);
    } finally {
      await first.close();
    }
    const again = await startServer({ ...quiet, ...store });
    await again.close();
  });
});

describe('graceful shutdown', () => {
  it('finishes the writes it accepted, disconnects sockets, then stops', async () => {
    const store = await durableStore();
    const server = await startServer({ ...quiet, ...store });
    const post = (p: string, body: unknown, token?: string) =>
      fetch(`${server.url}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const session = (await (
      await post('/api/auth/signup', { email: 'drain@example.com', password: 'drain password', displayName: 'D' })
    ).json()) as { accessToken: string };
    const workspace = (await (await post('/api/workspaces', { name: 'Drain' }, session.accessToken)).json()) as {
      workspace: { id: string };
    };
    const channels = (await (
      await fetch(`${server.url}/api/workspaces/${workspace.workspace.id}/channels`, {
        headers: { authorization: `Bearer ${session.accessToken}` },
      })
    ).json()) as {
      channels: Array<{ id: string }>;
    };
    const socket = connectClient(server.url, {
      transports: ['websocket'],
      auth: { token: session.accessToken },
      reconnection: false,
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

    let arrived = 0;
    server.http.on('request', () => (arrived += 1));
    const total = 40;
    const sends = Array.from({ length: total }, (_, i) =>
      post(
        `/api/workspaces/${workspace.workspace.id}/channels/${channels.channels[0]!.id}/messages`,
        { text: `m${i}` },
        session.accessToken,
      ).then((r) => r.status),
    );
    await waitUntil(() => arrived >= total, 10_000, 'all requests to arrive');
    await server.close();
    expect(await Promise.all(sends)).toEqual(Array(total).fill(201));
    expect(await disconnected).toBe('io server disconnect');
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    const reopened = await startServer({ ...quiet, ...store });
    try {
      expect(await count(reopened, 'chat_messages')).toBe(total);
    } finally {
      await reopened.close();
    }
  });
});

describe('main()', () => {
  it('starts from argv, prints the URL and the demo login, and stops cleanly', async () => {
    const store = await durableStore();
    const args = store.dataDir
      ? ['--port', '0', '--data-dir', store.dataDir, '--demo']
      : ['--port=0', '--database-url', store.databaseUrl!, '--demo'];
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const previousLevel = process.env.IONFLUX_LOG_LEVEL;
    process.env.IONFLUX_LOG_LEVEL = 'silent';
    try {
      const result = await main(args);
      expect(typeof result).toBe('object');
      const server = result as ServerHandle;
      expect(log.mock.calls.map((c) => c[0])).toEqual([
        `IONFLUX server listening on ${server.url} (API docs: ${server.url}/api/docs)`,
        `Demo login: ${DEMO_EMAIL} / ${DEMO_PASSWORD}`,
      ]);
      expect(server.host).toBe('127.0.0.1');
      await server.close();
    } finally {
      log.mockRestore();
      if (previousLevel === undefined) delete process.env.IONFLUX_LOG_LEVEL;
      else process.env.IONFLUX_LOG_LEVEL = previousLevel;
    }
  });

  it('exits with 2 and the usage on bad arguments', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await main(['--port', 'eighty'])).toBe(2);
      expect(await main(['--what'])).toBe(2);
      expect(String(error.mock.calls[1]![0])).toMatch(
        /unknown argument "--what"[\s\S]*usage: node server\/dist\/main.js/,
      );
    } finally {
      error.mockRestore();
    }
  });
});
