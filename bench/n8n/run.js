#!/usr/bin/env node
'use strict';
// bench/n8n: the same webhook agent (Webhook -> Inputs -> IONFLUX LLM classify against the sandbox model) served by
// a real n8n 2.41.1 and by IONFLUX's own server path, one after the other on this machine, with the same bounded
// loopback load (CONNECTIONS requests in flight for DURATION seconds, after a warm-up):
//   - n8n: the compiled workflow deployed with `deployWorkflow` and activated, its Webhook node answering after the
//     last node (responseMode lastNode), so a response means the run finished; called at its production URL.
//   - IONFLUX: the built server as a child process (NODE_ENV=production, PGlite, sandbox mounted); the agent's
//     webhook URL (POST /api/hooks/agents/<id>/<secret>) stores a durable run and answers 202, the executor claims
//     it, runs it on the engine pool, stores the result and announces run:finished on the workspace socket; a
//     request's latency runs from the POST to that event (the result is stored and readable by then).
// Both call the same sandbox model (mounted in the IONFLUX server process). Prints, for each: req/s, p50/p99 and CPU
// per run (the CPU time of n8n's processes and their task runners / of the IONFLUX server process, over the
// measurement, divided by the runs), then the ratios. Goal (issue 15): IONFLUX >= 20x n8n's req/s with a lower p99.
// Also prints deploy times. Asserts nothing. Run: npm run bench:n8n (sets IONFLUX_N8N_TARBALL).
// Env: DURATION (s per engine, default 15), CONNECTIONS (default 10), WARMUP (requests, default 30).
const fs = require('node:fs');
const os = require('node:os');
const { io } = require('socket.io-client');
const { compileAgent } = require('@ionflux/compiler');
const engine = require('@ionflux/engine');
const { startServerProcess, summarize, api } = require('../api/support');

const DURATION_MS = Number(process.env.DURATION ?? 15) * 1000;
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const WARMUP = Number(process.env.WARMUP ?? 30);
const AGENT = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: bench-webhook-triage, displayName: Bench Webhook Triage, version: 1.0.0 }
spec:
  trigger: { webhook: { path: bench-webhook-triage, method: POST } }
  steps:
    - id: triage
      uses: llm.classify
      with:
        text: "{{ trigger.body.text }}"
        labels: [order_status, refund, product_question, complaint]
`;
const BODY = JSON.stringify({ text: 'Where is my parcel? Order 1001 has not arrived yet.' });

const now = () => Number(process.hrtime.bigint()) / 1e6;
const f = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const TICK_MS = 1000 / (Number(require('node:child_process').execSync('getconf CLK_TCK').toString()) || 100);

/** CPU time (ms) of the processes `pids` and all their descendants, from /proc. */
function cpuMs(pids) {
  let total = 0;
  const seen = new Set();
  const visit = (pid) => {
    if (seen.has(pid)) return;
    seen.add(pid);
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
      for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
        const children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
        for (const child of children ? children.split(' ') : []) visit(Number(child));
      }
    } catch {
      // the process ended meanwhile
    }
  };
  for (const pid of pids) visit(pid);
  return total;
}

/** CONNECTIONS loops calling `once` for DURATION: req/s, latency percentiles and CPU per run. */
async function load(once, pids) {
  for (let i = 0; i < WARMUP; i++) await once();
  const latencies = [];
  const cpuBefore = cpuMs(pids());
  const start = now();
  const deadline = start + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (now() < deadline) {
        const t = now();
        await once();
        latencies.push(now() - t);
      }
    }),
  );
  const elapsed = now() - start;
  const cpu = cpuMs(pids()) - cpuBefore;
  return { perSecond: (latencies.length / elapsed) * 1000, cpuPerRun: cpu / latencies.length, ...summarize(latencies) };
}

const report = (label, r) =>
  `${label.padEnd(44)} ${f(r.perSecond, 1).padStart(8)} req/s   p50 ${f(r.p50).padStart(7)} ms   p99 ${f(r.p99).padStart(7)} ms   CPU ${f(r.cpuPerRun).padStart(6)} ms/run   (${r.count} runs)`;

/** The agent on the IONFLUX server: its webhook URL, and a call that resolves when the run's run:finished arrives. */
async function ionfluxClient(url) {
  const session = await api(url, 'POST', '/api/auth/signup', {
    body: { email: `bench-n8n-${process.pid}@example.com`, password: 'bench-n8n-password-1', displayName: 'Bench' },
  });
  const token = session.accessToken;
  const { workspace } = await api(url, 'POST', '/api/workspaces', { token, body: { name: 'bench/n8n' } });
  const { agent } = await api(url, 'POST', `/api/workspaces/${workspace.id}/agents`, { token, body: { yaml: AGENT } });
  const { webhook } = await api(url, 'POST', `/api/workspaces/${workspace.id}/agents/${agent.id}/webhook`, { token });
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
  const once = async () => {
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: BODY,
    });
    if (response.status !== 202) throw new Error(`IONFLUX webhook: ${response.status} ${await response.text()}`);
    const { run } = await response.json();
    const finished = early.get(run.id) ?? (await new Promise((resolve) => waiting.set(run.id, resolve)));
    early.delete(run.id);
    if (finished.status !== 'succeeded') throw new Error(`IONFLUX run failed: ${JSON.stringify(finished.error)}`);
    if (finished.output?.label !== 'order_status') throw new Error(`unexpected: ${JSON.stringify(finished.output)}`);
  };
  return { once, close: () => socket.disconnect() };
}

async function main() {
  const tarball = process.env.IONFLUX_N8N_TARBALL;
  if (!tarball) throw new Error('IONFLUX_N8N_TARBALL is not set: run npm run bench:n8n');
  console.log(
    `bench/n8n on Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; ` +
      `${CONNECTIONS} requests in flight for ${DURATION_MS / 1000} s per engine after ${WARMUP} warm-up requests\n`,
  );
  const server = await startServerProcess({
    env: {
      IONFLUX_SANDBOX: '1',
      IONFLUX_WEBHOOK_PER_MINUTE: '100000',
      IONFLUX_RUN_WORKSPACE_CONCURRENCY: String(CONNECTIONS * 2),
      IONFLUX_RUN_SLOTS: '64',
    },
  });
  let n8n;
  try {
    const started = Date.now();
    n8n = await engine.startN8nServer({ tarball, env: { IONFLUX_SANDBOX_ORIGINS: server.url } });
    console.log(`n8n ${engine.N8N_VERSION} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // The compiled agent, its Webhook answering once the last node ran (n8n's "respond when last node finishes").
    const { workflow } = compileAgent(AGENT);
    for (const node of workflow.nodes)
      if (node.type === 'n8n-nodes-base.webhook')
        node.parameters = { ...node.parameters, responseMode: 'lastNode', responseData: 'firstEntryJson' };
    const credentials = engine.sandboxCredentials({ sandboxBaseUrl: server.url });
    let t = now();
    const deployed = await engine.deployWorkflow({ api: n8n.api, workflow, credentials, activate: true });
    const deployMs = now() - t;
    t = now();
    const again = await engine.deployWorkflow({ api: n8n.api, workflow, credentials, activate: true });
    console.log(`deploy (${deployed.change}, ${deployed.credentials.length} credential(s)) ${f(deployMs, 0)} ms`);
    console.log(`deploy again (${again.change}) ${f(now() - t, 0)} ms\n`);
    const hook = deployed.triggers[0].url;
    // Activation completes shortly after the call: wait for the webhook to answer.
    for (let tries = 0; ; tries++) {
      const response = await fetch(hook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: BODY,
      });
      if (response.status === 200) break;
      if (tries > 100) throw new Error(`n8n webhook: ${response.status} ${await response.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const onN8n = await load(async () => {
      const response = await fetch(hook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: BODY,
      });
      const body = await response.json();
      if (response.status !== 200 || body.label !== 'order_status')
        throw new Error(`n8n webhook: ${response.status} ${JSON.stringify(body)}`);
    }, n8n.pids);
    console.log(report('n8n 2.41.1 (webhook -> run -> response)', onN8n));
    // n8n stops before IONFLUX is measured: its idle processes stay out of the way.
    await n8n.stop();
    n8n = undefined;

    const client = await ionfluxClient(server.url);
    try {
      const onIonflux = await load(client.once, () => [server.pid]);
      console.log(report('IONFLUX (webhook -> durable run -> engine)', onIonflux));
      console.log(
        `\nIONFLUX / n8n: ${f(onIonflux.perSecond / onN8n.perSecond, 1)}x req/s, p99 ${f(onIonflux.p99)} vs ${f(onN8n.p99)} ms, ` +
          `CPU per run ${f(onN8n.cpuPerRun / onIonflux.cpuPerRun, 1)}x less`,
      );
      console.log('goal (issue 15): IONFLUX >= 20x n8n req/s with a lower p99');
    } finally {
      client.close();
    }
  } finally {
    await n8n?.stop();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
