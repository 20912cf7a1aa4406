#!/usr/bin/env node
'use strict';
// bench/engine: compiled agents run in-process on n8n-core's WorkflowExecute through @ionflux/engine's runAgent,
// against real services on loopback (a child process serves the sandbox emulators and an IONFLUX server).
//   - a 3-node agent: manual trigger -> Inputs -> IONFLUX LLM classify (one HTTP call to the offline model)
//   - Revenue Tracker Lite (examples/agents): manual trigger -> Inputs -> Shopify revenue summary (GraphQL pages of
//     the last 7 days of orders) -> Output -> IONFLUX Canvas write (REST call to the server)
// Each agent is compiled once, then run on the calling thread (runAgent) one at a time (latency) and with CONCURRENCY
// runs in flight (throughput), and with CONCURRENCY runs in flight on an EnginePool of POOL worker threads.
// Prints runs/s and p50/p99; asserts nothing. Goal: >= 1,000 runs/s for the 3-node agent. Run: npm run bench:engine
// Each measurement is repeated ROUNDS times (this VM's speed drifts by tens of percent between runs): the line shows
// the median round (runs/s, latencies, CPU) and the best round's runs/s. "CPU ms/run" is the engine process's CPU
// time per run (all its threads), the figure that does not depend on how the cores are shared.
// Env: DURATION (s per round, default 4), ROUNDS (default 3), CONCURRENCY (default 16), WARMUP (runs, default 200),
// POOL (worker threads, default: the number of cores).
const { fork } = require('node:child_process');
const { readFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { compileAgent } = require('@ionflux/compiler');
const { EnginePool, runAgent, sandboxCredentials, tableCredentialResolver } = require('@ionflux/engine');

const DURATION_MS = Number(process.env.DURATION ?? 4) * 1000;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const WARMUP = Number(process.env.WARMUP ?? 200);
const POOL = Number(process.env.POOL ?? os.availableParallelism());

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
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

function compile(name, text) {
  const { workflow, diagnostics } = compileAgent(text);
  if (!workflow) throw new Error(`${name} does not compile: ${JSON.stringify(diagnostics)}`);
  return workflow;
}

/** CPU time (ms) the services process has used so far. */
function servicesCpu(services) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (!message.cpu) return;
      services.off('message', onMessage);
      resolve((message.cpu.user + message.cpu.system) / 1000);
    };
    services.on('message', onMessage);
    services.send('cpu');
  });
}

/** Runs the agent with `concurrency` runs in flight for DURATION_MS; every run must succeed. */
async function measure(run, concurrency, services) {
  const servicesBefore = await servicesCpu(services);
  const cpuBefore = process.cpuUsage();
  const latencies = [];
  let failed;
  const deadline = now() + DURATION_MS;
  const start = now();
  const worker = async () => {
    while (now() < deadline && !failed) {
      const t = now();
      const result = await run();
      if (result.status !== 'success') failed = result;
      latencies.push(now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const engineCpu = ((cpu.user + cpu.system) / 1000 / elapsed) * 100;
  const servicesCpuPercent = (((await servicesCpu(services)) - servicesBefore) / elapsed) * 100;
  if (failed) throw new Error(`a run failed: ${JSON.stringify(failed.error)}`);
  latencies.sort((a, b) => a - b);
  return {
    runs: latencies.length,
    perSecond: (latencies.length / elapsed) * 1000,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    max: latencies[latencies.length - 1],
    engineCpu,
    servicesCpu: servicesCpuPercent,
  };
}

async function main() {
  const services = fork(join(__dirname, 'services.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise((resolve, reject) => {
    services.once('message', resolve);
    services.once('exit', (code) => reject(new Error(`services exited with ${code}`)));
  });
  try {
    const credentials = tableCredentialResolver(
      sandboxCredentials({
        sandboxBaseUrl: ready.sandboxUrl,
        ionflux: { baseUrl: ready.serverUrl, token: ready.apiToken },
      }),
    );
    const agents = [
      ['3-node agent (LLM classify)', compile('3-node agent', THREE_NODE_AGENT)],
      [
        'Revenue Tracker Lite',
        compile(
          'Revenue Tracker Lite',
          readFileSync(join(__dirname, '..', '..', 'examples', 'agents', 'revenue-tracker-lite.yaml'), 'utf8'),
        ),
      ],
    ];
    console.log(
      `bench/engine on Node ${process.version}, ${os.cpus().length} cores; ${ROUNDS} rounds of ${DURATION_MS / 1000} s per line; services in a child process on loopback\n`,
    );
    const pool = new EnginePool({ size: POOL, credentials });
    console.log(
      'agent                          nodes  engine           in flight     runs   runs/s   best/s   p50 ms   p99 ms   max ms  engine CPU  CPU ms/run  services CPU',
    );
    try {
      for (const [name, workflow] of agents) {
        const modes = [
          ['calling thread', () => runAgent({ workflow, credentials }), [1, CONCURRENCY]],
          [`pool of ${POOL}`, () => pool.run({ workflow }), [CONCURRENCY]],
        ];
        for (const [mode, run, concurrencies] of modes) {
          // Warm-up, with as many runs in flight as there are workers, so each worker is warm.
          let remaining = WARMUP;
          await Promise.all(
            Array.from({ length: POOL }, async () => {
              while (remaining-- > 0) {
                const result = await run();
                if (result.status !== 'success')
                  throw new Error(`${name}: warm-up run failed: ${JSON.stringify(result.error)}`);
              }
            }),
          );
          for (const concurrency of concurrencies) {
            const rounds = [];
            for (let round = 0; round < ROUNDS; round++) rounds.push(await measure(run, concurrency, services));
            rounds.sort((a, b) => a.perSecond - b.perSecond);
            const r = rounds[Math.floor(rounds.length / 2)];
            const best = rounds[rounds.length - 1];
            console.log(
              `${name.padEnd(30)} ${String(workflow.nodes.length).padStart(5)}  ${mode.padEnd(15)}  ${String(concurrency).padStart(9)}  ${String(r.runs).padStart(7)}  ${r.perSecond.toFixed(0).padStart(7)}  ${best.perSecond.toFixed(0).padStart(7)}  ${r.p50.toFixed(2).padStart(7)}  ${r.p99.toFixed(2).padStart(7)}  ${r.max.toFixed(1).padStart(7)}  ${`${r.engineCpu.toFixed(0)}%`.padStart(10)}  ${((r.engineCpu * 10) / r.perSecond).toFixed(2).padStart(10)}  ${`${r.servicesCpu.toFixed(0)}%`.padStart(12)}`,
            );
          }
        }
      }
    } finally {
      await pool.close();
    }
    console.log('\ngoal: >= 1,000 runs/s for the 3-node agent');
  } finally {
    services.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
