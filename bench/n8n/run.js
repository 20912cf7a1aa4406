#!/usr/bin/env node
'use strict';
// bench/n8n: the same compiled agent (manual trigger -> Inputs -> IONFLUX LLM classify against the sandbox model) on
// a real n8n 2.41.1 (the cached install of scripts/n8n/install.sh, started here on loopback with the packed node
// package) and on the embedded engine, one after the other on this machine:
//   - deploy: `deployWorkflow` (credentials linked or created, workflow created) and a second, unchanged deploy;
//   - run latency, RUNS runs one at a time: n8n from POST /rest/workflows/:id/run until the executions API shows the
//     run finished (what IONFLUX sees when it runs agents on n8n), embedded from runAgent's call to its result.
// Prints ms (p50/p99) and the ratio; asserts nothing. Run: npm run bench:n8n (needs TARBALL, set by the script).
// Env: RUNS (default 30), IONFLUX_N8N_TARBALL (the packed n8n-nodes-ionflux).
const { compileAgent } = require('@ionflux/compiler');
const engine = require('@ionflux/engine');
const { startSandboxEnvironment } = require('../../cli/dist/sandbox-environment');

const RUNS = Number(process.env.RUNS ?? 30);
const AGENT = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: bench-order-triage, displayName: Bench Order Triage, version: 1.0.0 }
spec:
  inputs:
    text: { type: string, default: "Where is my parcel? Order 1001 has not arrived yet." }
  trigger: { manual: {} }
  steps:
    - id: triage
      uses: llm.classify
      with:
        text: "{{ inputs.text }}"
        labels: [order_status, refund, product_question, complaint]
`;

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const line = (label, ms) =>
  `${label.padEnd(34)} p50 ${percentile(ms, 50).toFixed(1).padStart(7)} ms   p99 ${percentile(ms, 99).toFixed(1).padStart(7)} ms   (${ms.length} runs)`;

async function main() {
  const tarball = process.env.IONFLUX_N8N_TARBALL;
  if (!tarball) throw new Error('IONFLUX_N8N_TARBALL is not set: run npm run bench:n8n');
  const { workflow } = compileAgent(AGENT);
  const env = await startSandboxEnvironment();
  let n8n;
  try {
    const started = Date.now();
    n8n = await engine.startN8nServer({ tarball, env: { IONFLUX_SANDBOX_ORIGINS: env.url } });
    console.log(
      `n8n ${engine.N8N_VERSION} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (start, owner, API key)`,
    );

    let t = performance.now();
    const first = await engine.deployWorkflow({ api: n8n.api, workflow, credentials: env.credentialTable });
    const deployMs = performance.now() - t;
    t = performance.now();
    const again = await engine.deployWorkflow({ api: n8n.api, workflow, credentials: env.credentialTable });
    const redeployMs = performance.now() - t;
    console.log(`deploy (${first.change}, ${first.credentials.length} credential(s))   ${deployMs.toFixed(0)} ms`);
    console.log(`deploy again (${again.change})              ${redeployMs.toFixed(0)} ms`);

    const trigger = workflow.nodes.find((n) => workflow.meta.ionflux.nodes[n.name]?.role === 'trigger');
    const onN8n = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const t0 = performance.now();
      const id = await n8n.session.runWorkflow(first.workflowId, trigger.name);
      for (;;) {
        const execution = await n8n.api.getExecution(id).catch(() => undefined);
        if (execution && !['running', 'new', 'waiting'].includes(execution.status)) {
          if (execution.status !== 'success') throw new Error(`n8n run ${id}: ${execution.status}`);
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      if (i >= 3) onN8n.push(performance.now() - t0);
    }
    const embedded = [];
    const credentials = engine.tableCredentialResolver(env.credentialTable);
    for (let i = 0; i < RUNS + 3; i++) {
      const t0 = performance.now();
      const result = await engine.runAgent({ workflow, credentials });
      if (result.status !== 'success') throw new Error(`embedded run: ${result.error?.message}`);
      if (i >= 3) embedded.push(performance.now() - t0);
    }
    console.log(line('run on n8n (run endpoint + poll)', onN8n));
    console.log(line('run on the embedded engine', embedded));
    console.log(`ratio (p50): n8n / embedded = ${(percentile(onN8n, 50) / percentile(embedded, 50)).toFixed(1)}x`);
  } finally {
    await n8n?.stop();
    await env.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
