import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { ServerOptions } from '../../config';
import { dueOccurrences } from '../../domain/agents/cron-schedule';
import { createTestPostgresDatabase, testDatabaseTarget } from '../../testing/test-server';

/**
 * The scheduler fires each cron occurrence exactly once: with two server processes on one PostgreSQL racing for the
 * same occurrences, across restarts (nothing fired again), and after a stop (occurrences missed while no server ran
 * fire when one is back). The servers are real processes (`server/dist/testing/server-process.js`, built by
 * `npm run build`) whose scheduler clock is a file the test writes, so the test moves time for every process at
 * once; on PGlite (one process per data folder) the same timeline runs with one process at a time.
 */

const root = path.join(__dirname, '..', '..', '..', '..');
const node = path.join(root, 'node_modules', '.bin', 'node');
const script = path.join(root, 'server', 'dist', 'testing', 'server-process.js');

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

/** Every minute of 09:xx in Kolkata (UTC+05:30): 03:30-04:29 UTC. */
const CRON = '* 9 * * *';
const TIMEZONE = 'Asia/Kolkata';
const at = (istTime: string) => Date.parse(`2030-01-07T${istTime}:00+05:30`);

async function startProcess(options: ServerOptions, clockFile: string): Promise<ServerProcess> {
  const child: ChildProcess = spawn(node, [script, JSON.stringify({ options, clockFile })], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, IONFLUX_SCHEDULE_POLL_MS: '100' },
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

/** One request on a connection of its own (servers come and go on reused ports: no pooled connection survives). */
async function call(url: string, method: string, route: string, token?: string, body?: unknown) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
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
        response.on('end', () => resolve({ status: response.statusCode!, body: text ? JSON.parse(text) : undefined }));
        response.on('error', reject);
      },
    );
    request.on('error', (error) => reject(new Error(`${method} ${route}: ${error.message}`)));
    request.end(payload);
  });
}

interface ScheduledRun {
  id: string;
  trigger: { kind: string; payload: { scheduledAt: string; timezone: string } };
}

async function scheduledRuns(url: string, token: string, w: string, agentId: string): Promise<ScheduledRun[]> {
  const runs: ScheduledRun[] = [];
  let cursor: string | null = null;
  do {
    const page = await call(
      url,
      'GET',
      `/api/workspaces/${w}/runs?agentId=${agentId}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      token,
    );
    expect(page.status).toBe(200);
    runs.push(...(page.body.runs as ScheduledRun[]));
    cursor = page.body.nextCursor;
  } while (cursor);
  return runs;
}

/** Waits until the occurrence at `instant` has a run. */
async function untilFired(url: string, token: string, w: string, agentId: string, instant: number) {
  const iso = new Date(instant).toISOString();
  for (let i = 0; ; i++) {
    const runs = await scheduledRuns(url, token, w, agentId);
    if (runs.some((r) => r.trigger.payload.scheduledAt === iso)) return;
    if (i > 1500)
      throw new Error(`occurrence ${iso} never fired; fired: ${runs.map((r) => r.trigger.payload.scheduledAt)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('schedule trigger', () => {
  it('fires every due occurrence exactly once: two processes racing, a restart, and a stop in between', async () => {
    const twoProcesses = testDatabaseTarget() === 'postgres';
    const dataRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'ionflux-schedule-test-'));
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
    const options = (): ServerOptions => ({
      port: 0,
      logLevel: 'silent',
      env: {},
      passwordHashCost: 10,
      jwtSecret: 'schedule-test-jwt-secret-0123456789abcdef',
      encryptionKeys: `k1:${randomBytes(32).toString('base64')}`,
      ...(twoProcesses ? { dataDir: path.join(dataRoot, `p${n++}`) } : {}),
      ...store,
    });
    const encryptionKeys = `k1:${randomBytes(32).toString('base64')}`;
    const processOptions = () => ({ ...options(), encryptionKeys, shutdownTimeoutMs: 1000 });
    const clockFile = path.join(dataRoot, 'clock');
    const setClock = (istTime: string) => fs.writeFile(clockFile, String(at(istTime)));
    const startAll = () =>
      Promise.all((twoProcesses ? [0, 1] : [0]).map(() => startProcess(processOptions(), clockFile)));

    // Before 09:00 in Kolkata: install the agent (its schedule begins at 08:40).
    await setClock('08:40');
    const setup = await startProcess(processOptions(), clockFile);
    const email = `scheduler-${randomBytes(4).toString('hex')}@example.com`;
    const password = 'correct-horse-battery-9';
    let token = (await call(setup.url, 'POST', '/api/auth/signup', undefined, { email, password, displayName: 'S' }))
      .body.accessToken as string;
    const w = (await call(setup.url, 'POST', '/api/workspaces', token, { name: 'Schedules' })).body.workspace.id;
    const yaml = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: morning-ping, version: 1.0.0 }
spec:
  trigger: { schedule: { cron: "${CRON}", timezone: ${TIMEZONE} } }
  steps:
    - id: ping
      uses: notify
      with: { title: "Ping {{ trigger.scheduledAt }}" }
`;
    const created = await call(setup.url, 'POST', `/api/workspaces/${w}/agents`, token, { yaml });
    expect(created.status).toBe(201);
    const agentId = created.body.agent.id as string;
    await setClock('08:50');
    await setup.stop();

    // Down from 08:50 to 09:10. Two processes start (at 08:59: nothing due), then the clock jumps to 09:10 for both
    // at once: both race for 09:00 ... 09:10; then live, up to 09:30.
    await setClock('08:59');
    let servers = await startAll();
    token = (await call(servers[0]!.url, 'POST', '/api/auth/login', undefined, { email, password })).body.accessToken;
    await setClock('09:10');
    await untilFired(servers[servers.length - 1]!.url, token, w, agentId, at('09:10'));
    await setClock('09:30');
    await untilFired(servers[0]!.url, token, w, agentId, at('09:30'));
    await Promise.all(servers.map((s) => s.stop()));

    // Restart after a stop (down from 09:30 to 09:45): nothing fired again, nothing missed, up to 09:59.
    await setClock('09:30');
    servers = await startAll();
    await setClock('09:45');
    await untilFired(servers[servers.length - 1]!.url, token, w, agentId, at('09:45'));
    await setClock('10:30');
    const last = servers[0]!;
    await untilFired(last.url, token, w, agentId, at('09:59'));
    // The last occurrence of the day has fired: whatever runs now was fired once by the servers still running.
    for (const server of servers.slice(1)) await server.stop();
    const runs = await scheduledRuns(last.url, token, w, agentId);
    await last.stop();

    // Independent: the cron's instants between 08:40 and 10:00 in Kolkata are 09:00 ... 09:59 (60 of them).
    const expected = Array.from({ length: 60 }, (_, minute) => new Date(at('09:00') + minute * 60_000).toISOString());
    const ist = new Intl.DateTimeFormat('en-GB', { timeZone: TIMEZONE, hour: '2-digit', hourCycle: 'h23' });
    expect(expected.every((iso) => ist.format(new Date(iso)) === '09')).toBe(true);
    expect(
      dueOccurrences({
        cron: CRON,
        timezone: TIMEZONE,
        after: new Date(at('08:40')),
        until: new Date(at('10:00')),
        max: 100,
      }).map((d) => d.toISOString()),
    ).toEqual(expected);

    const fired = runs.map((r) => r.trigger.payload.scheduledAt).sort();
    expect(fired).toEqual(expected);
    expect(new Set(runs.map((r) => r.trigger.kind))).toEqual(new Set(['schedule']));
    expect(new Set(runs.map((r) => r.trigger.payload.timezone))).toEqual(new Set([TIMEZONE]));
  }, 300_000);
});
