#!/usr/bin/env node
'use strict';
// bench/webhooks: the Shopify webhook intake (POST /webhooks/shopify) under a burst of signed orders/create webhooks:
// accepted per second and the acknowledgement latency (p50/p99/max; Shopify wants an answer within 5 s), on embedded
// PGlite and on a PostgreSQL server, plus the time from a $150 order's webhook to Sales Sentinel's message in #sales.
// Every webhook must be acknowledged (200) once; on PostgreSQL the inbox rows are counted afterwards (nothing lost).
// Goal on this machine: >= 1,000 accepted/s with p99 < 50 ms on PostgreSQL. Prints numbers; asserts nothing.
// Run: npm run bench:webhooks   (builds the server first; env COUNT, CONCURRENCY, BENCH_DATABASE_URL)
const { createHmac, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { api, ms, startPostgres, startServerProcess, summarize } = require('../api/support');

const COUNT = Math.min(Number(process.env.COUNT || 3000), 20_000);
const CONCURRENCY = Math.min(Number(process.env.CONCURRENCY || 32), 256);
const SECRET = 'ionflux-sandbox-shopify-secret'; // the sandbox app's (SANDBOX_CREDENTIALS.shopify.clientSecret)
const SENTINEL = fs.readFileSync(
  path.join(__dirname, '..', '..', 'examples', 'agents', 'shopify-sales-sentinel.yaml'),
  'utf8',
);

function order(id, total) {
  return {
    id,
    name: `#${id}`,
    total_price: total,
    currency: 'USD',
    email: 'buyer@example.com',
    line_items: [{ title: 'Product X', quantity: 1, price: total }],
  };
}

// node:http with keep-alive connections (as Shopify's deliveries reuse theirs): the load generator shares the machine's
// cores with the server, and undici's fetch costs it about three times the CPU per request.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function deliver(url, shop, body) {
  const raw = Buffer.from(JSON.stringify(body));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/webhooks/shopify`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': raw.length,
          'x-shopify-topic': 'orders/create',
          'x-shopify-shop-domain': shop,
          'x-shopify-event-id': randomUUID(),
          'x-shopify-webhook-id': randomUUID(),
          'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(raw).digest('base64'),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode, ms: performance.now() - started }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(raw);
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks: USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

async function measure(label, databaseUrl) {
  const server = await startServerProcess({ databaseUrl, env: { IONFLUX_SANDBOX: '1' } });
  try {
    const { accessToken: token } = await api(server.url, 'POST', '/api/auth/signup', {
      body: { email: `bench-${Date.now()}@example.com`, password: 'bench-password-42', displayName: 'Bench' },
    });
    const w = (await api(server.url, 'POST', '/api/workspaces', { token, body: { name: 'Bench' } })).workspace.id;
    const W = `/api/workspaces/${w}`;
    const brand = (
      await api(server.url, 'POST', `${W}/brands`, {
        token,
        body: { name: 'Bench', shopDomain: 'bench.myshopify.com' },
      })
    ).brand.id;
    const sales = (await api(server.url, 'POST', `${W}/channels`, { token, body: { name: 'sales' } })).channel.id;
    await api(server.url, 'POST', `${W}/agents`, {
      token,
      body: { yaml: SENTINEL, inputs: { threshold: 100, channel: 'sales' }, bindings: { store: { brandId: brand } } },
    });

    // Webhook -> chat message: one $150 order; the message is polled for every 5 ms. Warms the engine up as well.
    const latencies = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const ack = await deliver(server.url, 'bench.myshopify.com', order(900 + i, '150.00'));
      if (ack.status !== 200) throw new Error(`webhook answered ${ack.status}`);
      for (;;) {
        const { messages } = await api(server.url, 'GET', `${W}/channels/${sales}/messages`, { token });
        if (messages.length > i) break;
        if (performance.now() - started > 60_000) throw new Error('no chat message within 60 s');
        await new Promise((r) => setTimeout(r, 5));
      }
      latencies.push(performance.now() - started);
    }

    // The burst: COUNT webhooks from CONCURRENCY connections at once, to a store no agent listens to (the intake
    // alone: verify, dedupe, store, process), then the same to the Sentinel's store (each starts a run).
    const results = {};
    for (const [phase, shop] of [
      ['intake', 'other.myshopify.com'],
      ['with runs', 'bench.myshopify.com'],
    ]) {
      const acks = [];
      let ok = 0;
      let next = 0;
      const cpuBefore = cpuSeconds(server.pid);
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < COUNT) {
            const i = next++;
            const result = await deliver(server.url, shop, order(10_000 + i, '20.00'));
            acks.push(result.ms);
            if (result.status === 200) ok += 1;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpuPerWebhook = ((cpuSeconds(server.pid) - cpuBefore) / COUNT) * 1e6;
      results[phase] = { ok, perSecond: COUNT / seconds, cpuPerWebhook, ...summarize(acks) };
    }
    let stored = 'n/a (PGlite: the server holds the database)';
    if (databaseUrl) {
      const pg = require('pg');
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const { rows } = await client.query('select count(*)::int as n from shopify_webhook_inbox');
      await client.end();
      stored = `${rows[0].n} inbox rows (expected ${2 * COUNT + 3})`;
    }
    console.log(`\n${label} (load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores)`);
    for (const [phase, r] of Object.entries(results))
      console.log(
        `  ${phase.padEnd(10)} ${r.perSecond.toFixed(0).padStart(6)} accepted/s  acknowledged ${r.ok}/${COUNT}  ` +
          `ack p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  max ${ms(r.max)}  ` +
          `server CPU ${Number.isFinite(r.cpuPerWebhook) ? r.cpuPerWebhook.toFixed(0) : 'n/a'} µs/webhook`,
      );
    console.log(`  stored     ${stored}`);
    console.log(
      `  webhook -> Sales Sentinel message in #sales: ${latencies.map((v) => ms(v)).join(', ')} (first one starts the engine)`,
    );
  } finally {
    await server.stop();
  }
}

async function main() {
  console.log(`bench/webhooks: ${COUNT} signed orders/create webhooks per phase, ${CONCURRENCY} at once`);
  await measure('PGlite (embedded)');
  const postgres = startPostgres();
  if (!postgres) {
    console.log('\nPostgreSQL: skipped (no BENCH_DATABASE_URL and no PostgreSQL binaries)');
    return;
  }
  try {
    await measure('PostgreSQL', postgres.url);
  } finally {
    postgres.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
