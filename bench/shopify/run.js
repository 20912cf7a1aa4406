#!/usr/bin/env node
'use strict';
// bench/shopify: Revenue Tracker Lite (examples/agents, without its canvas write) on a large sandbox store, for the
// last 7, 30, 90 and 365 days, through ShopifyQL (the store granted read_reports) and by paging orders (a token
// without read_reports, obtained through the sandbox app's OAuth), on n8n-core's WorkflowExecute via runAgent.
// Per report: engine time (wall ms of the run, median of ROUNDS), Admin API calls, query cost points, and the least
// time Shopify's standard bucket (2000 points, 100/s) would add by throttling those points. Asserts nothing.
// The agent's 30 s step timeout and retries are lifted: paging a large store's quarter takes longer than that, and a
// retry would measure the same pages twice.
// Then exports (shopify.export) through a bulk operation and by paging: engine time, records, JSONL size, and the
// engine's peak heap growth over the run (sampled every 20 ms).
// Env: ORDERS (default 200000), HISTORY_DAYS (730), ROUNDS (3), PAGING_ROUNDS (1), WINDOWS (7,30,90,365),
// PAGING_WINDOWS (the windows also run by paging; default WINDOWS), EXPORTS (data:days:path, default
// orders:30:paging,orders:30:bulk,orders:365:bulk,lineItems:365:bulk).
// Run: npm run bench:shopify
const { fork } = require('node:child_process');
const { readFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { compileAgent } = require('@ionflux/compiler');
const { runAgent, sandboxCredentials, tableCredentialResolver } = require('@ionflux/engine');
const { SANDBOX_CREDENTIALS } = require('@ionflux/sandbox');

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PAGING_ROUNDS = Number(process.env.PAGING_ROUNDS ?? 1);
const WINDOWS = (process.env.WINDOWS ?? '7,30,90,365').split(',').map(Number);
const PAGING_WINDOWS = (process.env.PAGING_WINDOWS ?? WINDOWS.join(',')).split(',').map(Number);
const BUCKET = { maximumAvailable: 2000, restoreRate: 100 };
const EXPORTS = (process.env.EXPORTS ?? 'orders:30:paging,orders:30:bulk,orders:365:bulk,lineItems:365:bulk')
  .split(',')
  .filter(Boolean)
  .map((spec) => spec.split(':'));

const EXPORT_AGENT = `apiVersion: ionflux/v1
kind: Agent
metadata:
  name: bench-export
  displayName: Bench export
  version: 1.0.0
  description: Exports store data for bench/shopify.
spec:
  inputs:
    data: { type: string, default: orders }
    period: { type: string, default: last_30_days }
    bulkThreshold: { type: integer, default: 0 }
  connections:
    store: { type: shopify, scopes: [read_orders, read_products, read_customers], description: The store. }
  trigger:
    manual: {}
  steps:
    - id: export
      name: Export
      uses: shopify.export
      with:
        data: "{{ inputs.data }}"
        period: "{{ inputs.period }}"
        bulkThreshold: "{{ inputs.bulkThreshold }}"
        limit: 0
      timeout: 3600s
  output:
    value: "{{ steps.export.output }}"
`;

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

function cpuOf(child) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (!message.cpu) return;
      child.off('message', onMessage);
      resolve((message.cpu.user + message.cpu.system) / 1000);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

/** A token granted read scopes only, through the sandbox app's authorization code grant. */
async function tokenWithoutReports(sandboxUrl) {
  const authorize = new URL(`${sandboxUrl}/sandbox/shopify/admin/oauth/authorize`);
  authorize.searchParams.set('client_id', SANDBOX_CREDENTIALS.shopify.clientId);
  authorize.searchParams.set('scope', 'read_orders,read_all_orders,read_products');
  authorize.searchParams.set('redirect_uri', 'http://127.0.0.1:5678/callback');
  const redirect = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location')).searchParams.get('code');
  const response = await fetch(`${sandboxUrl}/sandbox/shopify/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_id: SANDBOX_CREDENTIALS.shopify.clientId,
      client_secret: SANDBOX_CREDENTIALS.shopify.clientSecret,
      code,
    }),
  });
  return (await response.json()).access_token;
}

async function main() {
  const services = fork(join(__dirname, 'services.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const started = now();
  const ready = await new Promise((resolve, reject) => {
    services.once('message', resolve);
    services.once('exit', (code) => reject(new Error(`services exited with ${code}`)));
  });
  try {
    const yaml = readFileSync(join(__dirname, '..', '..', 'examples', 'agents', 'revenue-tracker-lite.yaml'), 'utf8')
      // The canvas write is a call to the IONFLUX server, not part of what is measured here.
      .replace(/\n {4}canvas:\n( {6}.*\n)+/, '\n')
      .replace(/\n {6}timeout: \S+\n {6}retries: .*\n/, '\n      timeout: 3600s\n');
    const { workflow, diagnostics } = compileAgent(yaml);
    if (!workflow) throw new Error(`Revenue Tracker Lite does not compile: ${JSON.stringify(diagnostics)}`);
    const table = sandboxCredentials({ sandboxBaseUrl: ready.sandboxUrl });
    const paths = [
      ['ShopifyQL', tableCredentialResolver(table), ROUNDS],
      [
        'paging',
        tableCredentialResolver({
          ...table,
          ionfluxShopifyAccessTokenApi: {
            ...table.ionfluxShopifyAccessTokenApi,
            accessToken: await tokenWithoutReports(ready.sandboxUrl),
          },
        }),
        PAGING_ROUNDS,
      ],
    ];
    console.log(
      `bench/shopify on Node ${process.version}, ${os.cpus().length} cores; sandbox store of ${ready.orders} orders over ${process.env.HISTORY_DAYS ?? 730} days (generated in ${((now() - started) / 1000).toFixed(1)} s) in a child process on loopback\n`,
    );
    console.log(
      'window   path       source     orders   engine ms (median)  rounds  API calls  cost points  throttle floor s  sandbox CPU ms',
    );
    for (const days of WINDOWS) {
      const period = `last_${days}_days`;
      for (const [name, credentials, rounds] of paths) {
        if (name === 'paging' && !PAGING_WINDOWS.includes(days)) continue;
        const times = [];
        let output;
        const cpuBefore = await cpuOf(services);
        for (let round = 0; round < rounds; round++) {
          const t = now();
          const result = await runAgent({ workflow, credentials, input: { period } });
          times.push(now() - t);
          if (result.status !== 'success') throw new Error(`${period} ${name}: ${JSON.stringify(result.error)}`);
          output = result.output;
        }
        const sandboxCpu = ((await cpuOf(services)) - cpuBefore) / rounds;
        const floor = Math.max(0, (output.costPoints - BUCKET.maximumAvailable) / BUCKET.restoreRate);
        console.log(
          `${String(days).padStart(4)} d   ${name.padEnd(9)}  ${String(output.source).padEnd(9)}  ${String(output.orders).padStart(6)}   ${median(times).toFixed(0).padStart(17)}  ${String(rounds).padStart(6)}  ${String(output.apiCalls).padStart(9)}  ${String(Math.round(output.costPoints)).padStart(11)}  ${floor.toFixed(0).padStart(16)}  ${sandboxCpu.toFixed(0).padStart(14)}`,
        );
      }
    }
    const exportAgent = compileAgent(EXPORT_AGENT);
    if (!exportAgent.workflow)
      throw new Error(`The export agent does not compile: ${JSON.stringify(exportAgent.diagnostics)}`);
    console.log(
      '\nexport      window  path     source   records   file MB  engine ms  API calls  cost points  peak heap growth MB',
    );
    for (const [data, days, path] of EXPORTS) {
      const heapBefore = process.memoryUsage().heapUsed;
      let peak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().heapUsed - heapBefore);
      }, 20);
      const t = now();
      const result = await runAgent({
        workflow: exportAgent.workflow,
        credentials: paths[0][1],
        input: { data, period: `last_${days}_days`, bulkThreshold: path === 'bulk' ? 0 : 100_000_000 },
      });
      const elapsed = now() - t;
      clearInterval(sampler);
      if (result.status !== 'success') throw new Error(`export ${data} ${days}: ${JSON.stringify(result.error)}`);
      const o = result.output;
      console.log(
        `${data.padEnd(10)}  ${String(days).padStart(4)} d  ${path.padEnd(7)}  ${String(o.source).padEnd(7)}  ${String(o.count).padStart(7)}  ${(o.fileSize === null ? '-' : (o.fileSize / 1048576).toFixed(1)).padStart(8)}  ${elapsed.toFixed(0).padStart(9)}  ${String(o.apiCalls).padStart(9)}  ${String(Math.round(o.costPoints)).padStart(11)}  ${(peak / 1048576).toFixed(1).padStart(19)}`,
      );
    }
  } finally {
    services.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
