import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { N8nApi } from '../remote/n8n-api';
import { N8nSession } from '../remote/n8n-session';

/** The pinned n8n version and where `scripts/n8n/install.sh` puts it. */
export const N8N_VERSION = '2.41.1';
export function n8nInstallDir(env: Record<string, string | undefined> = process.env): string {
  return env.IONFLUX_N8N_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ionflux', `n8n-${N8N_VERSION}`);
}

export function n8nInstalled(dir = n8nInstallDir()): boolean {
  return existsSync(join(dir, '.installed'));
}

export interface N8nServer {
  url: string;
  apiKey: string;
  api: N8nApi;
  /** Signed in as the owner (for manual runs). */
  session: N8nSession;
  owner: { email: string; password: string };
  userFolder: string;
  /** Log lines of the main process (and the worker in queue mode). */
  log(): string;
  /** Process ids of n8n main (and the worker in queue mode); their task runners are their children. */
  pids(): number[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, died: () => string | undefined) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = died();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Starts the cached n8n install (see scripts/n8n/install.sh) on 127.0.0.1 with a fresh user folder, IONFLUX's node
 * package installed as a community package (`tarball`, from `npm run pack:tarball -w n8n-nodes-ionflux`), an owner
 * and an API key. With `queue`, n8n runs in queue mode (Redis at that address) with one `n8n worker` that executes
 * the runs.
 */
export async function startN8nServer({
  installDir = n8nInstallDir(),
  tarball,
  queue,
  env: extraEnv = {},
}: {
  installDir?: string;
  tarball: string;
  queue?: { redisHost: string; redisPort: number };
  env?: Record<string, string>;
}): Promise<N8nServer> {
  if (!n8nInstalled(installDir))
    throw new Error(`n8n ${N8N_VERSION} is not installed in ${installDir}: run scripts/n8n/install.sh first.`);
  const node = join(installDir, 'node24', 'node_modules', 'node', 'bin', 'node');
  const n8nBin = join(installDir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n');
  const userFolder = mkdtempSync(join(tmpdir(), 'ionflux-n8n-'));
  const nodesDir = join(userFolder, '.n8n', 'nodes');
  mkdirSync(nodesDir, { recursive: true });
  writeFileSync(join(nodesDir, 'package.json'), '{"name":"installed-nodes","private":true}\n');
  execFileSync('npm', ['install', '--omit=peer', '--omit=dev', '--no-audit', '--no-fund', tarball], {
    cwd: nodesDir,
    stdio: 'pipe',
    env: { ...process.env, PATH: `${join(installDir, 'node24', 'node_modules', 'node', 'bin')}:${process.env.PATH}` },
  });

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const secret = () => randomBytes(24).toString('hex');
  const env: Record<string, string> = {
    PATH: `${join(installDir, 'node24', 'node_modules', 'node', 'bin')}:${process.env.PATH ?? ''}`,
    HOME: userFolder,
    N8N_USER_FOLDER: userFolder,
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_PORT: String(port),
    N8N_PROTOCOL: 'http',
    WEBHOOK_URL: `${url}/`,
    N8N_ENCRYPTION_KEY: secret(),
    N8N_USER_MANAGEMENT_JWT_SECRET: secret(),
    N8N_SECURE_COOKIE: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_DYNAMIC_BANNERS_ENABLED: 'false',
    N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
    N8N_VERIFIED_PACKAGES_ENABLED: 'false',
    N8N_AI_ENABLED: 'false',
    N8N_DISABLED_MODULES: 'mcp-registry',
    N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false',
    N8N_LOG_LEVEL: 'info',
    // The sandbox and the IONFLUX server are on loopback: IONFLUX's SSRF guard lets these through.
    ...extraEnv,
  };
  if (queue) {
    Object.assign(env, {
      EXECUTIONS_MODE: 'queue',
      QUEUE_BULL_REDIS_HOST: queue.redisHost,
      QUEUE_BULL_REDIS_PORT: String(queue.redisPort),
      OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
    });
  }
  const logPath = join(userFolder, 'n8n.log');
  const logStream = createWriteStream(logPath);
  const processes: ChildProcess[] = [];
  const exited = new Map<ChildProcess, string>();
  const launch = (args: string[], extra: Record<string, string> = {}) => {
    const child = spawn(node, [n8nBin, ...args], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(logStream, { end: false });
    child.stderr!.pipe(logStream, { end: false });
    child.once('exit', (code, signal) => exited.set(child, `n8n ${args[0]} exited (${signal ?? code})`));
    processes.push(child);
    return child;
  };
  const main = launch(['start']);
  const log = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  const died = () => (exited.has(main) ? `${exited.get(main)}\n${log().slice(-3000)}` : undefined);
  const stop = async () => {
    await Promise.all(
      processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (exited.has(child) || child.exitCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    logStream.end();
    if (!process.env.IONFLUX_KEEP_N8N_FOLDER) rmSync(userFolder, { recursive: true, force: true });
  };
  try {
    await waitFor('n8n start', async () => (await fetch(`${url}/healthz/readiness`)).status === 200, 600_000, died);
    if (queue) {
      const worker = launch(['worker', '--concurrency=10'], {
        N8N_RUNNERS_BROKER_PORT: String(await freePort()),
        QUEUE_HEALTH_CHECK_ACTIVE: 'true',
        QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
        N8N_PORT: String(await freePort()),
      });
      await waitFor(
        'n8n worker',
        async () => /n8n worker is now ready/i.test(log()),
        600_000,
        () => (exited.has(worker) ? `${exited.get(worker)}\n${log().slice(-3000)}` : undefined),
      );
    }
    const owner = { email: 'owner@ionflux.local', password: `Ionflux-${secret().slice(0, 12)}1` };
    const session = new N8nSession(url);
    await session.setupOwner({ ...owner, firstName: 'IONFLUX', lastName: 'Tests' });
    await session.login(owner.email, owner.password);
    const apiKey = await session.createApiKey('ionflux tests');
    const pids = () => processes.filter((child) => !exited.has(child) && child.pid).map((child) => child.pid!);
    return { url, apiKey, api: new N8nApi({ baseUrl: url, apiKey }), session, owner, userFolder, log, pids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
