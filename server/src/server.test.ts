import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from './config';
import { DEMO_EMAIL, DEMO_PAGE, DEMO_PASSWORD, DEMO_WORKSPACE } from './domain/demo-seed';
import { main } from './main';
import { startServer, stopServer } from './server';
import { startTestServer, testDatabaseTarget, type TestServer } from './testing/test-server';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ionflux-server-test-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await stopServer();
  for (const dir of tempDirs) await fs.rm(dir, { recursive: true, force: true });
});

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
    } finally {
      await t.close();
    }
  });

  it('rejects bad configuration at boot, listing every problem', async () => {
    const attempt = startServer({ port: 70_000, env: { IONFLUX_LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', IONFLUX_JWT_SECRET: 'short' } });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    const error = (await attempt.catch((e: unknown) => e)) as ConfigError;
    expect(error.problems).toHaveLength(4);
    expect(error.message).toMatch(/port must be an integer from 0 to 65535/);
    expect(error.message).toMatch(/DATABASE_URL must start with postgres/);
  });

  it('seeds the demo idempotently, so a stranger can log in and see the campaign page', async () => {
    const dataDir = await tempDir();
    const options = testDatabaseTarget() === 'postgres' ? {} : { dataDir };
    const first = await startTestServer({ ...options, demo: true, inMemory: false });
    let databaseUrl: string | undefined;
    try {
      databaseUrl = first.server.config.database.kind === 'postgres' ? first.server.config.database.url : undefined;
      const login = await first.request('POST', '/api/auth/login', { body: { email: DEMO_EMAIL, password: DEMO_PASSWORD } });
      expect(login.status).toBe(200);
      const token = login.body.accessToken as string;
      const workspaces = await first.request('GET', '/api/workspaces', { token });
      expect(workspaces.body.workspaces.map((w: { name: string }) => w.name)).toEqual([DEMO_WORKSPACE]);
      const workspaceId = workspaces.body.workspaces[0].id as string;
      const pages = await first.request('GET', `/api/workspaces/${workspaceId}/pages`, { token });
      expect(pages.body.pages.map((p: { title: string }) => p.title)).toEqual([DEMO_PAGE]);
      const page = await first.request('GET', `/api/workspaces/${workspaceId}/pages/${pages.body.pages[0].id}`, { token });
      expect(page.body.blocks).toHaveLength(1);
      expect(page.body.blocks[0]).toMatchObject({ type: 'text', key: 'goal', content: { text: 'Goal: Drive 20% more sales for Product X.' } });
      const channels = await first.request('GET', `/api/workspaces/${workspaceId}/channels`, { token });
      expect(channels.body.channels.map((c: { name: string }) => c.name)).toEqual(['general', 'sales']);
    } finally {
      await first.server.close();
    }
    // Second start on the same data: nothing duplicated, data still there.
    const second = await startServer({
      port: 0,
      logLevel: 'silent',
      env: {},
      passwordHashCost: 10,
      demo: true,
      ...(databaseUrl ? { databaseUrl } : { dataDir }),
    });
    try {
      const counts = await Promise.all(
        (['users', 'workspaces', 'canvas_pages', 'canvas_blocks', 'chat_channels', 'chat_messages'] as const).map(async (table) =>
          Number((await second.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
        ),
      );
      expect(counts).toEqual([1, 1, 1, 1, 2, 1]);
    } finally {
      await second.close();
      if (databaseUrl) await first.close().catch(() => undefined);
    }
    if (databaseUrl) {
      // drop the database created for `first`
      await first.close();
    }
  });
});
