#!/usr/bin/env node
'use strict';
// bench/runs: the durable run path end to end. A client calls startAgentRun over HTTP (the run is stored in the
// queue before the 202), the server's executor claims it from the database, runs it on its engine pool, stores the
// run and its step log, and announces run:finished on the workspace's socket room; the latency is from the request
// to that event (the result is readable by then). The agent is bench/engine's 3-node agent (manual trigger -> Inputs
// -> LLM classify against the sandbox model). The server runs as a child process (built server, NODE_ENV=production,
// sandbox mounted), once on embedded PGlite and once on PostgreSQL (BENCH_DATABASE_URL, or a throwaway cluster).
// Prints, per database: closed loop (CONCURRENCY runs in flight) runs/s and p50/p99; open loop at RATE runs/s p50/p99;
// and, for reference, the raw EnginePool figure of the same agent measured in this run, in slices that alternate with
// the closed loop's (goal: the durable path at least half of it; p99 < 100 ms at 100 runs/s). Asserts nothing.
// Run: npm run bench:runs
// Also prints the CPU a run costs (from /proc: the server process, and PostgreSQL's processes), durable and raw,
// which moves far less than runs/s when other jobs share the machine; for the durable path, the server's split by
// thread (main, worker threads, V8's helpers) and the load generator's own CPU (it shares the cores); and how the
// machine's cores were spent during each side's slices (busy, idle, stolen by the hypervisor: /proc/stat).
// Env: DURATION (s per measurement, default 5), SLICES (the closed loop's and the raw pool's DURATION each cut into
// this many alternating slices, default 6), CONCURRENCY (default 16), RATE (default 100), WARMUP (default 100).
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { io } = require('socket.io-client');
const { compileAgent } = require('@ionflux/compiler');
const { EnginePool, sandboxCredentials, tableCredentialResolver } = require('@ionflux/engine');
const { startServerProcess, startPostgres, summarize, api } = require('../api/support');

const DURATION_MS = Number(process.env.DURATION ?? 5) * 1000;
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const RATE = Number(process.env.RATE ?? 100);
const WARMUP = Number(process.env.WARMUP ?? 100);
const SLICES = Number(process.env.SLICES ?? 6);

const THREE_NODE_AGENT = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: order-triage, displayName: Order Triage, version: 1.0.0 }
spec:
  inputs:
    text: { type: string, default: "Where is my parcel? Order 1001 has not arrived yet." }
  trigger: { manual: {} }
  steps:
    - id: triage
      uses: llm.classify
      with:
        text: "{{ inputs.text }}"
        labels: [order_status, complaint, other]
`;

const now = () => Number(process.hrtime.bigint()) / 1e6;
const f = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** A client of one server: starts runs over HTTP and resolves each when its run:finished arrives. */
async function connectClient(url) {
  const email = `bench-runs-${process.pid}-${Date.now()}@example.com`;
  const session = await api(url, 'POST', '/api/auth/signup', {
    body: { email, password: 'bench-runs-password-1', displayName: 'Bench' },
  });
  const token = session.accessToken;
  const { workspace } = await api(url, 'POST', '/api/workspaces', { token, body: { name: 'bench/runs' } });
  const { agent } = await api(url, 'POST', `/api/workspaces/${workspace.id}/agents`, {
    token,
    body: { yaml: THREE_NODE_AGENT },
  });
  const socket = io(url, { transports: ['websocket'], auth: { token } });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const joined = await socket.timeout(10_000).emitWithAck('workspace:join', { workspaceId: workspace.id });
  if (!joined.ok) throw new Error(`workspace:join: ${JSON.stringify(joined)}`);
  const waiting = new Map();
  const early = new Map();
  socket.on('run:finished', ({ run }) => {
    const done = waiting.get(run.id);
    if (done) {
      waiting.delete(run.id);
      done(run);
    } else early.set(run.id, run);
  });
  // startAgentRun over node:http on kept-alive connections: fetch (undici's WHATWG streams and headers) cost the load
  // generator, which shares the two cores with the server, about 1 ms of CPU a request more.
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
  const target = new URL(`/api/workspaces/${workspace.id}/agents/${agent.id}/runs`, url);
  const startRun = () =>
    new Promise((resolve, reject) => {
      const request = http.request(
        target,
        {
          method: 'POST',
          agent: keepAlive,
          headers: { 'content-type': 'application/json', 'content-length': 2, authorization: `Bearer ${token}` },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => {
            if (response.statusCode !== 202) reject(new Error(`startAgentRun -> ${response.statusCode} ${text}`));
            else resolve(JSON.parse(text));
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end('{}');
    });
  const runOnce = async () => {
    const { run } = await startRun();
    const finished = early.get(run.id) ?? (await new Promise((resolve) => waiting.set(run.id, resolve)));
    early.delete(run.id);
    if (finished.status !== 'succeeded') throw new Error(`run failed: ${JSON.stringify(finished.error)}`);
    return finished;
  };
  return {
    runOnce,
    close: () => {
      socket.disconnect();
      keepAlive.destroy();
    },
  };
}

/** CPU seconds (user + system, with reaped children) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // After ") ": state is field 0; utime, stime, cutime, cstime are fields 11-14 (clock ticks; USER_HZ is 100).
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds of a PostgreSQL cluster: its postmaster (with reaped backends) and its live backends. 0 for PGlite
 * (`dataDir` undefined: it runs inside the server), NaN for a server this bench did not start (`null`).
 */
function postgresCpuSeconds(dataDir) {
  if (dataDir === undefined) return 0;
  if (dataDir === null) return NaN;
  let postmaster;
  try {
    postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return NaN;
  }
  let total = cpuSeconds(postmaster);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[1]) === postmaster) total += cpuSeconds(entry);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Transactions committed so far in the database of `databaseUrl` (pg_stat_database; NaN when not readable). */
async function postgresCommits(databaseUrl) {
  if (!databaseUrl) return NaN;
  const { Client } = require('pg');
  const client = new Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    // The statistics of the current transaction's snapshot: take fresh ones.
    await client.query('select pg_stat_clear_snapshot()');
    const { rows } = await client.query(
      'select xact_commit::float8 as n from pg_stat_database where datname = current_database()',
    );
    return Number(rows[0].n);
  } catch {
    return NaN;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * CPU seconds per kind of thread of a process (Linux): `main`, `worker` (worker threads: PGlite's and the engine
 * pool's), `v8` (V8's helper threads: garbage collection, compilation) and `other`; {} elsewhere.
 */
function threadCpuSeconds(pid) {
  const kinds = {};
  let tids = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return kinds;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      const kind =
        tid === String(pid) ? 'main' : name === 'WorkerThread' ? 'worker' : /^V8/.test(name) ? 'v8' : 'other';
      kinds[kind] = (kinds[kind] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // exited meanwhile
    }
  }
  return kinds;
}

/**
 * One side of the closed-loop comparison, measured in slices: its latencies, elapsed milliseconds and the CPU seconds
 * of each of `processes` (functions answering a process's CPU seconds so far), summed over its slices.
 */
function tally(processes) {
  return { processes, latencies: [], elapsedMs: 0, cpu: processes.map(() => 0), slices: [], machine: [0, 0, 0] };
}

/**
 * The machine's time so far from /proc/stat (Linux), in clock ticks over all cores: [busy, idle, stolen] (busy: user,
 * nice, system, irq, softirq; idle: idle and iowait; stolen: taken by the hypervisor); zeros elsewhere.
 */
function machineTicks() {
  try {
    const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
    return [user + nice + system + irq + softirq, idle + iowait, steal];
  } catch {
    return [0, 0, 0];
  }
}

/** Runs `runOnce` with CONCURRENCY in flight for `ms` (then lets the runs in flight end) and adds it to `side`. */
async function closedSlice(runOnce, ms, side) {
  const cpuBefore = side.processes.map((cpu) => cpu());
  const machineBefore = machineTicks();
  const counted = side.latencies.length;
  const start = now();
  const deadline = start + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (now() < deadline) {
        const t = now();
        await runOnce();
        side.latencies.push(now() - t);
      }
    }),
  );
  const elapsed = now() - start;
  side.elapsedMs += elapsed;
  side.processes.forEach((cpu, index) => {
    side.cpu[index] += cpu() - cpuBefore[index];
  });
  machineTicks().forEach((ticks, index) => {
    side.machine[index] += ticks - machineBefore[index];
  });
  side.slices.push(((side.latencies.length - counted) / elapsed) * 1000);
}

/** A side's totals: runs/s over its slices, latency percentiles, CPU milliseconds per run for each process. */
function totals(side) {
  const summary = summarize(side.latencies);
  return {
    ...summary,
    perSecond: (summary.count / side.elapsedMs) * 1000,
    cpuMsPerRun: side.cpu.map((seconds) => (seconds * 1000) / summary.count),
  };
}

async function openLoop(runOnce, rate) {
  const latencies = [];
  const pending = [];
  const start = now();
  const total = Math.round((rate * DURATION_MS) / 1000);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const t = now();
    pending.push(runOnce().then(() => latencies.push(now() - t)));
  }
  await Promise.all(pending);
  return { perSecond: (latencies.length / (now() - start)) * 1000, ...summarize(latencies) };
}

/** The raw EnginePool of the same agent in this process (its workers are threads of the load generator), warmed up. */
async function rawPool(url) {
  const { workflow } = compileAgent(THREE_NODE_AGENT);
  const pool = new EnginePool({
    size: Math.min(4, os.availableParallelism()),
    credentials: tableCredentialResolver(sandboxCredentials({ sandboxBaseUrl: url })),
  });
  const runOnce = async () => {
    const result = await pool.run({ workflow });
    if (result.status !== 'success') throw new Error(JSON.stringify(result.error));
  };
  for (let i = 0; i < WARMUP; i++) await runOnce();
  let closing;
  return { runOnce, close: () => (closing ??= pool.close()) };
}

async function benchDatabase(label, databaseUrl, postgresDataDir) {
  const server = await startServerProcess({
    databaseUrl,
    env: { IONFLUX_SANDBOX: '1', IONFLUX_RUN_WORKSPACE_CONCURRENCY: String(CONCURRENCY * 2), IONFLUX_RUN_SLOTS: '64' },
  });
  try {
    const client = await connectClient(server.url);
    try {
      for (let i = 0; i < WARMUP; i++) await client.runOnce();
      const raw = await rawPool(server.url);
      try {
        // The load generator (this process: HTTP requests and socket events, or the raw pool's workers) shares the
        // cores with the server. Durable: the server, PostgreSQL, the load generator; raw: this process (the pool),
        // the server (the sandbox model answering the LLM step).
        const selfCpu = () => {
          const { user, system } = process.cpuUsage();
          return (user + system) / 1e6;
        };
        const durableSide = tally([() => cpuSeconds(server.pid), () => postgresCpuSeconds(postgresDataDir), selfCpu]);
        const rawSide = tally([selfCpu, () => cpuSeconds(server.pid)]);
        const threadCpu = {};
        const commitsBefore = await postgresCommits(databaseUrl);
        // Durable and raw alternate in SLICES slices each (ABBA order), so both meet the same machine: on a shared VM
        // its speed drifts by tens of percent within a minute, more than the difference measured.
        for (let slice = 0; slice < SLICES; slice++) {
          const durableSlice = async () => {
            const before = threadCpuSeconds(server.pid);
            await closedSlice(client.runOnce, DURATION_MS / SLICES, durableSide);
            const after = threadCpuSeconds(server.pid);
            for (const kind of Object.keys(after))
              threadCpu[kind] = (threadCpu[kind] ?? 0) + after[kind] - (before[kind] ?? 0);
          };
          const rawSlice = () => closedSlice(raw.runOnce, DURATION_MS / SLICES, rawSide);
          if (slice % 2 === 0) {
            await durableSlice();
            await rawSlice();
          } else {
            await rawSlice();
            await durableSlice();
          }
        }
        // Backends publish their counts at most once a second while busy: the warm-up before and the open loop after
        // keep them busy, so the lag at both ends is about the same and cancels. Minus the counter's own reads (the
        // raw slices add the executor's idle polls, a few per second).
        const closed = totals(durableSide);
        const rawTotals = totals(rawSide);
        const commitsPerRun = ((await postgresCommits(databaseUrl)) - commitsBefore - 2) / closed.count;
        const perThread = Object.keys(threadCpu)
          .map((kind) => `${kind} ${f((threadCpu[kind] * 1000) / closed.count)}`)
          .join(', ');
        const sliceRatios = durableSide.slices.map((perSecond, index) => perSecond / rawSide.slices[index]);
        await raw.close(); // before the open loop, so that it meets the server alone, as before the slices
        const open = await openLoop(client.runOnce, RATE);
        const durableCpu = closed.cpuMsPerRun[0] + closed.cpuMsPerRun[1];
        const rawCpu = rawTotals.cpuMsPerRun[0] + rawTotals.cpuMsPerRun[1];
        const sorted = [...sliceRatios].sort((x, y) => x - y);
        console.log(
          `${label.padEnd(10)} closed loop (${CONCURRENCY} in flight): ${f(closed.perSecond, 0)} runs/s, p50 ${f(closed.p50)} ms, p99 ${f(closed.p99)} ms`,
        );
        console.log(
          `${''.padEnd(10)} open loop at ${RATE} runs/s: ${f(open.perSecond, 0)} runs/s done, p50 ${f(open.p50)} ms, p99 ${f(open.p99)} ms, max ${f(open.max)} ms`,
        );
        console.log(
          `${''.padEnd(10)} raw EnginePool, same agent and sandbox, in slices alternating with the closed loop: ${f(rawTotals.perSecond, 0)} runs/s (p50 ${f(rawTotals.p50)} ms); durable/raw = ${f(closed.perSecond / rawTotals.perSecond, 2)} (${SLICES} slice pairs: ${f(sorted[0], 2)}-${f(sorted[sorted.length - 1], 2)})`,
        );
        console.log(
          `${''.padEnd(10)} CPU per run: durable ${f(durableCpu)} ms (server ${f(closed.cpuMsPerRun[0])}, PostgreSQL ${f(closed.cpuMsPerRun[1])}), raw ${f(rawCpu)} ms (pool ${f(rawTotals.cpuMsPerRun[0])}, sandbox model ${f(rawTotals.cpuMsPerRun[1])}); raw/durable = ${f(rawCpu / durableCpu, 2)}`,
        );
        console.log(
          `${''.padEnd(10)} durable, per run: server threads ${perThread} ms; load generator ${f(closed.cpuMsPerRun[2])} ms`,
        );
        const shares = (side) => {
          const [busy, idle, stolen] = side.machine;
          const all = busy + idle + stolen;
          return `busy ${f((busy / all) * 100, 0)}%, idle ${f((idle / all) * 100, 0)}%, stolen ${f((stolen / all) * 100, 0)}%`;
        };
        console.log(
          `${''.padEnd(10)} the machine's cores in the slices: durable ${shares(durableSide)}; raw ${shares(rawSide)}`,
        );
        if (databaseUrl)
          console.log(`${''.padEnd(10)} PostgreSQL transactions per run (closed loop): ${f(commitsPerRun, 2)}`);
      } finally {
        await raw.close();
      }
    } finally {
      client.close();
    }
  } finally {
    await server.stop();
  }
}

async function main() {
  console.log(
    `bench/runs on Node ${process.version}, ${os.cpus().length} cores; ${DURATION_MS / 1000} s per measurement; server in a child process on loopback\n`,
  );
  await benchDatabase('PGlite', undefined);
  const postgres = startPostgres();
  if (!postgres) console.log('PostgreSQL: skipped (no BENCH_DATABASE_URL and no /usr/lib/postgresql/15/bin)');
  else {
    try {
      await benchDatabase('PostgreSQL', postgres.url, postgres.dataDir ?? null);
    } finally {
      postgres.stop();
    }
  }
  console.log('\ngoal: durable runs/s >= half the raw pool figure; p99 < 100 ms at 100 runs/s');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
