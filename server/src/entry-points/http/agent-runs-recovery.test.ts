import { afterAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServerOptions } from '../../config';
import { startServer, type ServerHandle } from '../../server';
import { createTestPostgresDatabase, testDatabaseTarget } from '../../testing/test-server';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function durableStore(): Promise<ServerOptions> {
  if (testDatabaseTarget() === 'postgres') {
    const database = await createTestPostgresDatabase();
    cleanups.push(database.drop);
    return { databaseUrl: database.url };
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ionflux-runs-test-'));
  cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
  return { dataDir };
}

const ADMIN = 'runs-admin@example.com';
const PASSWORD = 'correct-horse-battery-9';

async function call(server: ServerHandle, method: string, route: string, token?: string, body?: unknown) {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Reads the whole YAML of a slow agent: a Shopify read (slowed by the sandbox's 429s) then, optionally, a write. */
function slowAgent(name: string, write: boolean): string {
  return `apiVersion: ionflux/v1
kind: Agent
metadata: { name: ${name}, version: 1.0.0 }
spec:
  connections:
    store: { type: shopify, scopes: [read_orders] }
  trigger: { manual: {} }
  steps:
    - id: revenue
      uses: shopify.revenue.summary
      with: { period: today }
${write ? '    - id: tell\n      uses: notify\n      with: { title: "Revenue {{ steps.revenue.output.total }}" }\n' : ''}`;
}

describe('runs survive a server that stops mid-run', () => {
  it('a run left running is re-queued (read-only agent) or failed as interrupted (agent that writes), never stuck', async () => {
    const store = await durableStore();
    const options: ServerOptions = {
      port: 0,
      logLevel: 'silent',
      env: {},
      passwordHashCost: 10,
      sandbox: true,
      adminEmails: [ADMIN],
      // Stale after 5 missed heartbeats: long enough that a loaded machine never re-queues a live run mid-test.
      runHeartbeatMs: 1000,
      ...store,
    };
    // Stopping with no grace period leaves runs in progress as a killed process leaves them: `running`.
    const first = await startServer({ ...options, shutdownTimeoutMs: 0 });
    let token: string;
    let w: string;
    let readRun: string;
    let writeRun: string;
    try {
      token = (
        await call(first, 'POST', '/api/auth/signup', undefined, { email: ADMIN, password: PASSWORD, displayName: 'A' })
      ).body.accessToken;
      w = (await call(first, 'POST', '/api/workspaces', token, { name: 'Recovery' })).body.workspace.id;
      const bindings = { store: { sandbox: true } };
      const reader = (
        await call(first, 'POST', `/api/workspaces/${w}/agents`, token, { yaml: slowAgent('reader', false), bindings })
      ).body.agent.id;
      const writer = (
        await call(first, 'POST', `/api/workspaces/${w}/agents`, token, { yaml: slowAgent('writer', true), bindings })
      ).body.agent.id;
      // The store answers 429 (retry after 30 s) to the next calls: both runs wait inside their Shopify step.
      const fault = await call(first, 'POST', '/sandbox/control/faults', token, {
        service: 'shopify',
        status: 429,
        count: 20,
        retryAfter: 30,
      });
      expect(fault.status).toBe(201);
      readRun = (await call(first, 'POST', `/api/workspaces/${w}/agents/${reader}/runs`, token, {})).body.run.id;
      writeRun = (await call(first, 'POST', `/api/workspaces/${w}/agents/${writer}/runs`, token, {})).body.run.id;
      for (let i = 0; ; i++) {
        const runs = (await call(first, 'GET', `/api/workspaces/${w}/runs`, token)).body.runs as { status: string }[];
        if (runs.every((r) => r.status === 'running')) break;
        if (i > 600) throw new Error(`runs did not start: ${JSON.stringify(runs)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await first.close();
    }

    const second = await startServer(options);
    try {
      const login = await call(second, 'POST', '/api/auth/login', undefined, { email: ADMIN, password: PASSWORD });
      token = login.body.accessToken;
      const until = async (runId: string, done: (status: string) => boolean) => {
        for (let i = 0; ; i++) {
          const run = (await call(second, 'GET', `/api/workspaces/${w}/runs/${runId}`, token)).body.run;
          if (done(run.status)) return run;
          if (i > 1200) throw new Error(`run ${runId} stuck in ${run.status}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      const write = await until(writeRun, (s) => s !== 'running' && s !== 'queued');
      expect(write).toMatchObject({ status: 'failed', error: { code: 'interrupted' }, attempts: 1 });
      // The read-only run went back to the queue and ran again on the new server (its sandbox has no faults).
      const read = await until(readRun, (s) => s === 'succeeded' || s === 'failed');
      expect(read).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(typeof read.output.total).toBe('number');
    } finally {
      await second.close();
    }
  }, 240_000);
});
