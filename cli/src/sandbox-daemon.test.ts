import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonDir, daemonHealth, daemonSocketPath, type DaemonHealth } from './sandbox-daemon';

/**
 * The local sandbox of `ionflux run --sandbox`, through the built binary as a user runs it: the first run starts it,
 * later runs reuse the same process and give the same figures as a run on a sandbox of its own, a quiet one stops
 * itself, a stale one (another build) is stopped, and `ionflux sandbox stop` stops it.
 */
const root = join(__dirname, '..', '..');
const node = join(root, 'node_modules', '.bin', 'node');
const bin = join(root, 'cli', 'bin', 'ionflux.js');
const cacheDir = mkdtempSync(join(tmpdir(), 'ionflux-daemon-'));
const { IONFLUX_SANDBOX_DAEMON: _off, ...inherited } = process.env;
const env = { ...inherited, IONFLUX_CACHE_DIR: cacheDir, NO_COLOR: '1' };
const agent = 'examples/agents/revenue-tracker-lite.yaml';

afterAll(() => {
  spawnSync(node, [bin, 'sandbox', 'stop'], { env });
  rmSync(cacheDir, { recursive: true, force: true });
});

function ionflux(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(node, [bin, ...args], { cwd: root, env: { ...env, ...extraEnv } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 240_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the local sandbox (ionflux run --sandbox)', () => {
  it('stops itself after its quiet period, removing its socket', async () => {
    const socketPath = daemonSocketPath(cacheDir, 11, '00000000000000aa')!;
    const child = spawn(node, [bin, 'sandbox', 'daemon', '--seed', '11', '--key', '00000000000000aa'], {
      env: { ...env, IONFLUX_SANDBOX_IDLE: '2s' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const health = await until('the sandbox to be ready', async () => {
      const h = await daemonHealth(socketPath);
      return h?.ready || h?.error ? h : undefined;
    });
    expect(health).toMatchObject({ pid: child.pid, seed: 11, ready: true, idleMs: 2000 });
    expect(health.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Only its user may connect.
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    expect(statSync(daemonDir(cacheDir)).mode & 0o777).toBe(0o700);
    // No request from here on: it ends by itself.
    expect(await exited).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
  }, 300_000);

  it('is started by the first run, reused by later ones with the same figures as a sandbox of their own, and stopped', async () => {
    // A local sandbox of another build of the CLI, as a fake that records being told to stop.
    mkdirSync(daemonDir(cacheDir), { recursive: true, mode: 0o700 });
    const stalePath = daemonSocketPath(cacheDir, 42, 'ffffffffffffffff')!;
    const staleStops: string[] = [];
    const stale = createServer((req, res) => {
      staleStops.push(`${req.method} ${req.url}`);
      res.end(JSON.stringify({ pid: 999_999 }));
    });
    await new Promise<void>((resolve) => stale.listen(stalePath, resolve));

    const fresh = await ionflux(['run', agent, '--sandbox', '--fresh', '--format', 'json']);
    expect(fresh.code).toBe(0);
    const expected = JSON.parse(fresh.out).output;
    expect(expected.orders).toBeGreaterThan(0);

    const first = await ionflux(['run', agent, '--sandbox']);
    expect({ code: first.code, err: first.err }).toEqual({ code: 0, err: '' });
    expect(first.out).toContain('Starting the local sandbox');
    expect(first.out).toMatch(
      /Sandbox: local IONFLUX sandbox http:\/\/127\.0\.0\.1:\d+ \(demo workspace, sign in as demo@ionflux\.local/,
    );
    expect(first.out).toMatch(/✓ Revenue summary \d+ ms, 1 item/);
    expect(first.out).toContain('Run succeeded');
    expect(staleStops).toEqual(['POST /stop']);
    stale.close();

    // The one of this build (the key hashes the built files the binary runs, not the sources Jest loads).
    const sockets = readdirSync(daemonDir(cacheDir)).filter((n) => /^sandbox-42-[0-9a-f]{16}\.sock$/.test(n));
    expect(sockets).toHaveLength(1);
    const socketPath = join(daemonDir(cacheDir), sockets[0]!);
    const before = (await daemonHealth(socketPath)) as DaemonHealth;
    expect(before).toMatchObject({ ready: true, seed: 42 });
    expect(alive(before.pid)).toBe(true);

    const second = await ionflux(['run', agent, '--sandbox', '--format', 'json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({ status: 'success', output: expected });
    // What the run wrote is in the local sandbox's demo workspace: the block of its canvas output.
    const login = await fetch(`${before.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'demo@ionflux.local', password: before.login!.split(' / ')[1] }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const authorization = { authorization: `Bearer ${accessToken}` };
    const { workspaces } = (await (await fetch(`${before.url}/api/workspaces`, { headers: authorization })).json()) as {
      workspaces: { id: string }[];
    };
    const block = await fetch(
      `${before.url}/api/workspaces/${workspaces[0]!.id}/blocks/by-key?page=${encodeURIComponent('Revenue Tracker Lite')}&key=revenue`,
      { headers: authorization },
    );
    expect(block.status).toBe(200);
    expect(((await block.json()) as { block: { content: { data: unknown } } }).block.content.data).toEqual(expected);

    const third = await ionflux(['run', agent, '--sandbox', '--input', '{"period":"last_30_days"}']);
    expect(third.code).toBe(0);
    expect(third.out).not.toContain('Starting the local sandbox');
    expect(third.out).toContain('Run succeeded');
    // Same process: started once.
    expect((await daemonHealth(socketPath))?.pid).toBe(before.pid);

    const stopped = await ionflux(['sandbox', 'stop']);
    expect(stopped).toMatchObject({ code: 0, out: `Stopped the local sandbox (pid ${before.pid}).\n` });
    await until('the sandbox process to end', () => (alive(before.pid) ? undefined : true), 60_000);
    expect(existsSync(socketPath)).toBe(false);
    expect(await ionflux(['sandbox', 'stop'])).toMatchObject({ code: 0, out: 'No local sandbox is running.\n' });
  }, 600_000);
});
