'use strict';
// Shared by bench/api and bench/chat: run the built server as a child process (so the load generator does not share
// its event loop), start a throwaway PostgreSQL cluster, and summarize latencies. Loopback only.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const serverMain = path.join(root, 'server', 'dist', 'main.js');
const postgresScript = path.join(root, 'server', 'scripts', 'start-test-postgres.sh');

/**
 * Starts `server/dist/main.js` on 127.0.0.1 with a free port; resolves once it prints its URL.
 * `databaseUrl` selects PostgreSQL; otherwise the server uses PGlite in a fresh temporary data folder.
 */
async function startServerProcess({ databaseUrl, env = {} } = {}) {
  if (!fs.existsSync(serverMain)) throw new Error(`${serverMain} is missing: build first (tsc -b server)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ionflux-bench-'));
  const args = [
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--data-dir',
    dataDir,
    ...(databaseUrl ? ['--database-url', databaseUrl] : []),
  ];
  const child = spawn(process.execPath, [serverMain, ...args], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      IONFLUX_LOG_LEVEL: 'warn',
      IONFLUX_PASSWORD_HASH_COST: '10',
      // A load test measures throughput, not the throttles: every client here comes from 127.0.0.1.
      IONFLUX_SIGNUP_MAX_PER_IP: '1000000',
      IONFLUX_LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
      IONFLUX_SOCKET_EVENTS_PER_SECOND: '100000',
      IONFLUX_SOCKET_EVENT_BURST: '100000',
      IONFLUX_SOCKET_CONNECTS_PER_MINUTE: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  child.stdout.resume();
  return {
    url,
    pid: child.pid,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A PostgreSQL server for the run: BENCH_DATABASE_URL when set, else a throwaway cluster from
 * server/scripts/start-test-postgres.sh when the PostgreSQL binaries are installed, else null.
 */
function startPostgres() {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, stop() {} };
  const binaries = process.env.PG_BIN || '/usr/lib/postgresql/15/bin';
  if (!fs.existsSync(path.join(binaries, 'initdb'))) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ionflux-bench-pg-'));
  fs.rmSync(dir, { recursive: true });
  const url = execFileSync(postgresScript, [dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  return {
    url,
    dataDir: path.join(dir, 'data'),
    stop() {
      execFileSync(postgresScript, ['--stop', dir], { stdio: 'ignore' });
    },
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** p50/p90/p99/max of a list of milliseconds. */
function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : 'n/a');

/** Small JSON-over-fetch helper that throws on non-2xx with the server's error. */
async function api(baseUrl, method, route, { token, body } = {}) {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new Error(`${method} ${route} -> ${response.status} ${text}`);
  return json;
}

module.exports = { startServerProcess, startPostgres, summarize, percentile, ms, api };
