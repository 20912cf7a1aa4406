import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { ServerOptions } from '../../config';
import { createTestPostgresDatabase, testDatabaseTarget } from '../../testing/test-server';

/**
 * The per-agent webhook limit is counted in the database, so it holds across server processes: on PostgreSQL two
 * real server processes (`server/dist/testing/server-process.js`, as in the schedule test) take requests for the
 * same agent; on PGlite (one process per data folder) the count survives a restart. The processes' clock (which
 * dates the rate windows) is a file the test writes, so the window is known and the Retry-After exact.
 */

const root = path.join(__dirname, '..', '..', '..', '..');
const node = path.join(root, 'node_modules', '.bin', 'node');
const script = path.join(root, 'server', 'dist', 'testing', 'server-process.js');
const LIMIT = 5;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

async function startProcess(options: ServerOptions, clockFile: string): Promise<ServerProcess> {
  const child: ChildProcess = spawn(node, [script, JSON.stringify({ options, clockFile })], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /READY (\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`server process exited (${code}): ${stderr}`)));
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0 && code !== null) throw new Error(`server process exited with ${code}: ${stderr}`);
    })());
  cleanups.push(() => stop().catch(() => undefined));
  return { url, stop };
}

/** One request on a connection of its own. */
async function call(url: string, method: string, route: string, token?: string, body?: unknown) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<{ status: number; body: any; retryAfter: string | undefined }>((resolve, reject) => {
    const request = http.request(
      `${url}${route}`,
      {
        method,
        agent: false,
        headers: {
          ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            body: text ? JSON.parse(text) : undefined,
            retryAfter: response.headers['retry-after'] as string | undefined,
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', (error) => reject(new Error(`${method} ${route}: ${error.message}`)));
    request.end(payload);
  });
}

describe('webhook rate limit', () => {
  it('holds across server processes sharing the database (and across a restart)', async () => {
    const twoProcesses = testDatabaseTarget() === 'postgres';
    const dataRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'ionflux-webhook-limit-test-'));
    cleanups.push(() => fs.rm(dataRoot, { recursive: true, force: true }));
    let store: ServerOptions;
    if (twoProcesses) {
      const database = await createTestPostgresDatabase();
      cleanups.push(database.drop);
      store = { databaseUrl: database.url };
    } else {
      store = { dataDir: path.join(dataRoot, 'pglite') };
    }
    let n = 0;
    const encryptionKeys = `k1:${randomBytes(32).toString('base64')}`;
    const options = (): ServerOptions => ({
      port: 0,
      logLevel: 'silent',
      env: {},
      passwordHashCost: 10,
      jwtSecret: 'webhook-limit-test-jwt-secret-0123456789abcdef',
      encryptionKeys,
      shutdownTimeoutMs: 1000,
      webhookRequestsPerMinute: LIMIT,
      ...(twoProcesses ? { dataDir: path.join(dataRoot, `p${n++}`) } : {}),
      ...store,
    });
    // 30 s into a minute: the window ends 30 s later.
    const clockFile = path.join(dataRoot, 'clock');
    const setClock = (iso: string) => fs.writeFile(clockFile, String(Date.parse(iso)));
    await setClock('2030-01-07T10:00:30Z');

    let first = await startProcess(options(), clockFile);
    const email = `hooks-${randomBytes(4).toString('hex')}@example.com`;
    const token = (
      await call(first.url, 'POST', '/api/auth/signup', undefined, {
        email,
        password: 'correct-horse-battery-9',
        displayName: 'H',
      })
    ).body.accessToken as string;
    const w = (await call(first.url, 'POST', '/api/workspaces', token, { name: 'Hooks' })).body.workspace.id;
    const yaml = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: shared-hook, version: 1.0.0 }
spec:
  trigger: { webhook: {} }
  steps:
    - id: tell
      uses: notify
      with: { title: "Order {{ trigger.body.order }}" }
`;
    const agentId = (await call(first.url, 'POST', `/api/workspaces/${w}/agents`, token, { yaml })).body.agent
      .id as string;
    const hook = (await call(first.url, 'POST', `/api/workspaces/${w}/agents/${agentId}/webhook`, token)).body
      .webhook as { path: string };
    const hit = async (server: ServerProcess, order: number) =>
      call(server.url, 'POST', hook.path, undefined, { order });

    // Three requests through the first process...
    const statuses: number[] = [];
    for (const order of [0, 1, 2]) statuses.push((await hit(first, order)).status);
    expect(statuses).toEqual([202, 202, 202]);
    // ... and the rest of the minute's limit through the second (on PGlite: the first, restarted).
    let second: ServerProcess;
    if (twoProcesses) second = await startProcess(options(), clockFile);
    else {
      await first.stop();
      second = first = await startProcess(options(), clockFile);
    }
    for (const order of [3, 4]) statuses.push((await hit(second, order)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    // Both processes now refuse: the count is the agent's, not a process's (a per-process count would allow more).
    const refused = [await hit(second, 5), await hit(first, 6)];
    expect(refused.map((r) => r.status)).toEqual([429, 429]);
    expect(refused.map((r) => r.retryAfter)).toEqual(['30', '30']);
    expect(refused[0]!.body.error.code).toBe('rate_limited');
    // A burst through both at once adds nothing.
    const burst = await Promise.all([7, 8, 9, 10].map((order) => hit(order % 2 ? first : second, order)));
    expect(burst.map((r) => r.status)).toEqual([429, 429, 429, 429]);

    // The next window takes the limit again, from either process, whichever starts it.
    await setClock('2030-01-07T10:01:02Z');
    const next = await Promise.all([11, 12, 13, 14, 15, 16, 17].map((order) => hit(order % 2 ? first : second, order)));
    expect(next.filter((r) => r.status === 202)).toHaveLength(LIMIT);
    expect(next.filter((r) => r.status === 429).map((r) => r.retryAfter)).toEqual(['58', '58']);

    // Exactly the accepted requests started runs: 5 in each window.
    const runs = await call(second.url, 'GET', `/api/workspaces/${w}/runs?agentId=${agentId}&limit=100`, token);
    const orders = (runs.body.runs as { trigger: { payload: { body: { order: number } } } }[])
      .map((r) => r.trigger.payload.body.order)
      .sort((a, b) => a - b);
    const acceptedNext = [11, 12, 13, 14, 15, 16, 17].filter((_, i) => next[i]!.status === 202);
    expect(orders).toEqual([0, 1, 2, 3, 4, ...acceptedNext]);
    await Promise.all([first.stop(), second.stop()]);
  }, 180_000);
});
