import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import type { N8nWorkflow } from '@ionflux/compiler';
import type { DocumentPath, Range } from '@ionflux/dsl';
import type { AgentRunResult, NodeEvent } from '@ionflux/engine';

/**
 * The local sandbox: a background process that keeps an IONFLUX server with its sandbox emulators, the demo workspace
 * and n8n's engine warm between `ionflux run --sandbox` calls, so a run costs what the agent costs, not the start-up
 * of a server, a database and n8n (about 10 CPU-seconds) every time.
 *
 * It is reached through a Unix socket in the user's cache folder (mode 0600: only its user can connect) and speaks
 * HTTP on it: `GET /health`, `POST /run` (the compiled workflow in, newline-delimited JSON out: node events, then the
 * result), `POST /stop`. It stops itself after a quiet period (15 minutes by default). One runs per sandbox seed and
 * per build of the code: the socket's name carries a hash of the built packages, so a rebuilt CLI starts a new one
 * and stops the old.
 *
 * What runs write (canvas blocks, chat messages, sandbox orders) stays in it until it stops, like a dev server; `ionflux
 * run --fresh` runs on a sandbox of its own instead, and `ionflux sandbox stop` stops it.
 */

export const DEFAULT_IDLE_MS = 15 * 60_000;

export interface DaemonHealth {
  pid: number;
  seed: number;
  key: string;
  /** The IONFLUX server of the sandbox (studio, API, /sandbox emulators); set once it is ready. */
  url?: string;
  ready: boolean;
  /** The demo account's sign-in (`email / password`) for the studio at `url`. */
  login?: string;
  /** Why the sandbox could not start (then it exits). */
  error?: string;
  idleMs: number;
}

export interface DaemonRunRequest {
  workflow: N8nWorkflow;
  sourceMap?: Record<string, { path: DocumentPath; range: Range }>;
  input?: Record<string, unknown>;
  trigger?: unknown;
  timeoutMs?: number;
  /** Stream node events (live progress). */
  events: boolean;
}

/** One line of `POST /run`'s answer. */
export type DaemonRunMessage =
  | { type: 'event'; event: NodeEvent }
  | { type: 'result'; result: AgentRunResult }
  | { type: 'failed'; error: { name: string; message: string; field?: string } };

/** Where the sockets and logs of the local sandboxes live. */
export function daemonDir(cacheDir: string): string {
  return join(cacheDir, 'sandbox-daemon');
}

/** The socket of the local sandbox for `seed` and this build, or undefined when the path is too long for a socket. */
export function daemonSocketPath(cacheDir: string, seed: number, key: string): string | undefined {
  const path = join(daemonDir(cacheDir), `sandbox-${seed}-${key}.sock`);
  // Unix socket paths are limited to 108 bytes (104 on macOS).
  return Buffer.byteLength(path) < 100 ? path : undefined;
}

/**
 * A hash of the built packages the sandbox runs (names, sizes and modification times of their files): a rebuilt
 * package means a new local sandbox, never a stale one.
 */
export async function daemonKey(): Promise<string> {
  const hash = createHash('sha256');
  const roots = ['@ionflux/server', '@ionflux/engine', '@ionflux/sandbox', '@ionflux/compiler', '@ionflux/dsl'].map(
    (name) => dirname(require.resolve(name)),
  );
  roots.push(__dirname, dirname(require.resolve('n8n-nodes-ionflux')));
  for (const root of roots) {
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    const files = entries
      .filter((e) => e.isFile() && /\.(js|json|wasm|yaml)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name))
      .sort();
    for (const file of files) {
      const { size, mtimeMs } = await stat(file);
      hash.update(`${file}\0${size}\0${mtimeMs}\0`);
    }
  }
  hash.update(process.version);
  return hash.digest('hex').slice(0, 16);
}

/** An HTTP request over the socket; resolves with the status and the parsed JSON body. */
function call<T>(
  socketPath: string,
  method: string,
  path: string,
  timeoutMs: number,
): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T });
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the local sandbox did not answer ${method} ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** The health of the local sandbox on `socketPath`, or undefined when none answers there. */
export async function daemonHealth(socketPath: string): Promise<DaemonHealth | undefined> {
  try {
    return (await call<DaemonHealth>(socketPath, 'GET', '/health', 5_000)).body;
  } catch {
    return undefined;
  }
}

/** Asks the local sandbox on `socketPath` to stop; resolves with its pid, or undefined when none answered. */
export async function stopDaemon(socketPath: string): Promise<number | undefined> {
  try {
    return (await call<{ pid: number }>(socketPath, 'POST', '/stop', 10_000)).body.pid;
  } catch {
    return undefined;
  }
}

/** Stops every local sandbox of the cache folder; returns their pids. */
export async function stopAllDaemons(cacheDir: string, except?: string): Promise<number[]> {
  const names = await readdir(daemonDir(cacheDir)).catch(() => [] as string[]);
  const stopped: number[] = [];
  for (const name of names.filter((n) => n.endsWith('.sock'))) {
    const socketPath = join(daemonDir(cacheDir), name);
    if (socketPath === except) continue;
    const pid = await stopDaemon(socketPath);
    if (pid !== undefined) stopped.push(pid);
    else removeStaleSocket(socketPath);
  }
  return stopped;
}

function removeStaleSocket(socketPath: string): void {
  try {
    unlinkSync(socketPath);
  } catch {
    // already gone
  }
}

/**
 * The local sandbox for `seed`, started in the background when none runs (then this waits until it is ready, as long
 * as starting a server takes). `onStart` is called when a new one is being started.
 */
export async function ensureDaemon(options: {
  cacheDir: string;
  seed: number;
  key: string;
  socketPath: string;
  env: Record<string, string | undefined>;
  onStart?: () => void;
}): Promise<DaemonHealth> {
  const { cacheDir, seed, key, socketPath } = options;
  let health = await daemonHealth(socketPath);
  if (!health) {
    options.onStart?.();
    // Sandboxes of earlier builds would otherwise idle on until their timeout.
    await stopAllDaemons(cacheDir, socketPath);
    removeStaleSocket(socketPath);
    mkdirSync(daemonDir(cacheDir), { recursive: true, mode: 0o700 });
    const logPath = join(daemonDir(cacheDir), `sandbox-${seed}.log`);
    const log = openSync(logPath, 'w', 0o600);
    const child = spawn(
      process.execPath,
      [join(__dirname, '..', 'bin', 'ionflux.js'), 'sandbox', 'daemon', '--seed', String(seed), '--key', key],
      { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...options.env } as NodeJS.ProcessEnv },
    );
    closeSync(log);
    let exited: number | null | undefined;
    child.on('exit', (code) => (exited = code));
    child.unref();
    const readLog = () => readFileSync(logPath, 'utf8').trim().split('\n').slice(-5).join('\n');
    const deadline = Date.now() + 5 * 60_000;
    for (;;) {
      health = await daemonHealth(socketPath);
      if (health?.ready || health?.error) break;
      if (exited !== undefined)
        throw new Error(`The local sandbox stopped while starting (exit ${exited}):\n${readLog()}`);
      if (Date.now() > deadline) throw new Error(`The local sandbox did not start within 5 minutes:\n${readLog()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  while (!health.ready && !health.error) {
    // Another `ionflux run` started it a moment ago.
    await new Promise((resolve) => setTimeout(resolve, 100));
    health = (await daemonHealth(socketPath)) ?? { ...health, error: 'The local sandbox stopped while starting.' };
  }
  if (health.error) throw new Error(`The local sandbox could not start: ${health.error}`);
  return health;
}

/**
 * Runs a compiled workflow on the local sandbox; node events arrive through `onNodeEvent` as they happen. Aborting
 * `signal` cancels the run there.
 */
export function runOnDaemon(
  socketPath: string,
  run: DaemonRunRequest,
  onNodeEvent?: (event: NodeEvent) => void,
): Promise<AgentRunResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method: 'POST', path: '/run', headers: { 'content-type': 'application/json' } },
      (res) => {
        let buffer = '';
        let settled = false;
        res.setEncoding('utf8');
        const handle = (line: string) => {
          const message = JSON.parse(line) as DaemonRunMessage;
          if (message.type === 'event') onNodeEvent?.(message.event);
          else if (message.type === 'result') {
            settled = true;
            resolve(message.result);
          } else {
            settled = true;
            reject(Object.assign(new Error(message.error.message), message.error));
          }
        };
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
            const line = buffer.slice(0, at);
            buffer = buffer.slice(at + 1);
            if (line) handle(line);
          }
        });
        res.on('end', () => {
          if (!settled) reject(new Error('The local sandbox ended the run without a result (it may have stopped).'));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(run));
  });
}

/**
 * `ionflux sandbox daemon`: serves the local sandbox on its socket until `POST /stop`, a signal, or `idleMs` without
 * a request or a run. Listens first (so a second `ionflux run` finds it starting instead of starting another), then
 * starts the server, the sandbox and n8n's engine.
 */
export async function serveDaemon(options: {
  cacheDir: string;
  seed: number;
  key: string;
  socketPath: string;
  idleMs: number;
}): Promise<void> {
  const { cacheDir, seed, key, socketPath, idleMs } = options;
  mkdirSync(daemonDir(cacheDir), { recursive: true, mode: 0o700 });
  const health: DaemonHealth = { pid: process.pid, seed, key, ready: false, idleMs };
  let environment: import('./sandbox-environment').SandboxEnvironment | undefined;
  let engine: typeof import('@ionflux/engine') | undefined;
  let running = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let starting: Promise<void> | undefined;

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      clearTimeout(idleTimer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      removeStaleSocket(socketPath);
      // Stopped while starting: what was being started is closed once it is up.
      await starting;
      await environment?.close();
    })());
  const touch = () => {
    clearTimeout(idleTimer);
    // The quiet period counts from the end of the start (which can take a minute on a busy machine).
    if (running === 0 && health.ready) idleTimer = setTimeout(() => void stop(), idleMs).unref();
  };

  const server = createServer((req, res) => {
    touch();
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'failed', error: { name: 'Error', message: (error as Error).message } })}\n`);
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/health') return json(200, health);
    if (req.method === 'POST' && req.url === '/stop') {
      json(200, { pid: process.pid });
      void stop();
      return;
    }
    if (req.method !== 'POST' || req.url !== '/run') return json(404, { error: 'not found' });
    let text = '';
    req.setEncoding('utf8');
    for await (const chunk of req) text += chunk as string;
    const run = JSON.parse(text) as DaemonRunRequest;
    while (!health.ready && !health.error) await new Promise((resolve) => setTimeout(resolve, 50));
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const send = (message: DaemonRunMessage) => res.write(`${JSON.stringify(message)}\n`);
    if (!environment || !engine) {
      send({ type: 'failed', error: { name: 'Error', message: health.error ?? 'The local sandbox is not ready.' } });
      return void res.end();
    }
    // The caller went away (Ctrl-C): the run stops.
    const canceled = new AbortController();
    res.on('close', () => canceled.abort());
    running++;
    try {
      const result = await engine.runAgent({
        workflow: run.workflow,
        ...(run.input !== undefined ? { input: run.input } : {}),
        ...(run.trigger !== undefined ? { trigger: run.trigger } : {}),
        credentials: engine.tableCredentialResolver(environment.credentialTable),
        accounts: sandboxAccounts(run.workflow, engine.SANDBOX_ACCOUNTS),
        ...(run.sourceMap ? { sourceMap: run.sourceMap } : {}),
        ...(run.timeoutMs !== undefined ? { timeoutMs: run.timeoutMs } : {}),
        ...(run.events ? { onNodeEvent: (event: NodeEvent) => send({ type: 'event', event }) } : {}),
        signal: canceled.signal,
      });
      send({ type: 'result', result });
    } catch (error) {
      const { name, message } = error as Error;
      const field = (error as { field?: unknown }).field;
      send({
        type: 'failed',
        error: {
          name: (error as Error).constructor?.name ?? name,
          message,
          ...(typeof field === 'string' ? { field } : {}),
        },
      });
    } finally {
      running--;
      touch();
      res.end();
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o600);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());

  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  starting = (async () => {
    try {
      const { startSandboxEnvironment } = await import('./sandbox-environment.js');
      environment = await startSandboxEnvironment({ seed, databaseCache: cacheDir, logLevel: 'warn' });
      engine = await import('@ionflux/engine');
      await warmUp(environment, engine);
      health.url = environment.url;
      if (environment.server.demo)
        health.login = `${environment.server.demo.email} / ${environment.server.demo.password}`;
      health.ready = true;
      touch();
    } catch (error) {
      health.error = (error as Error).message;
      // Long enough for the `ionflux run` that started it to read why.
      setTimeout(() => void stop(), 10_000).unref();
    }
  })();
  await starting;
  await closed;
  await stopping;
}

/** What `{{ connections.<name>.account }}` shows on the sandbox: its shop domain, handle, ... */
export function sandboxAccounts(
  workflow: N8nWorkflow,
  accounts: Record<string, string | undefined>,
): Record<string, string> {
  const connections = (workflow.meta.ionflux.connections ?? {}) as Record<string, { type: string }>;
  return Object.fromEntries(Object.entries(connections).map(([name, c]) => [name, accounts[c.type] ?? '']));
}

/**
 * Does once, at start, what would otherwise make the first run slow: n8n loads its node package and expression
 * machinery on a first run, and the sandbox store computes its daily sales on a first report.
 */
async function warmUp(
  environment: import('./sandbox-environment').SandboxEnvironment,
  engine: typeof import('@ionflux/engine'),
): Promise<void> {
  const { compileAgent } = await import('@ionflux/compiler');
  const warm = compileAgent(
    [
      'apiVersion: ionflux/v1',
      'kind: Agent',
      'metadata: { name: sandbox-warm-up, version: 1.0.0 }',
      'spec:',
      '  connections:',
      '    store: { type: shopify, scopes: [read_orders] }',
      '  trigger: { manual: {} }',
      '  steps:',
      '    - id: revenue',
      '      uses: shopify.revenue.summary',
      '      with: { period: last_7_days }',
      '',
    ].join('\n'),
  );
  if (!warm.workflow) throw new Error(`the warm-up agent does not compile: ${JSON.stringify(warm.diagnostics)}`);
  await engine.runAgent({
    workflow: warm.workflow,
    credentials: engine.tableCredentialResolver(environment.credentialTable),
    accounts: sandboxAccounts(warm.workflow, engine.SANDBOX_ACCOUNTS),
  });
}
