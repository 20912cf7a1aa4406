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
const net = require('node:net');
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

/** A signed orders/create delivery as the bytes of one HTTP/1.1 request (keep-alive). */
function signedRequest(url, shop, body) {
  const raw = Buffer.from(JSON.stringify(body));
  const head =
    `POST /webhooks/shopify HTTP/1.1\r\nHost: ${new URL(url).host}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${raw.length}\r\nX-Shopify-Topic: orders/create\r\nX-Shopify-Shop-Domain: ${shop}\r\n` +
    `X-Shopify-Event-Id: ${randomUUID()}\r\nX-Shopify-Webhook-Id: ${randomUUID()}\r\n` +
    `X-Shopify-Hmac-Sha256: ${createHmac('sha256', SECRET).update(raw).digest('base64')}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), raw]);
}

/**
 * One keep-alive connection that sends prepared requests one at a time and reads each answer (status line,
 * Content-Length, body) off the socket: a few microseconds of the load generator's CPU per webhook, where
 * node:http's client spends about as much CPU as the server's intake (both processes share the machine's cores).
 */
async function rawConnection(url) {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port), noDelay: true });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let pending;
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    if (!pending) return;
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buffered.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (buffered.length < end + 4 + length) return;
    buffered = buffered.subarray(end + 4 + length);
    const done = pending;
    pending = undefined;
    done.resolve({ status: Number(head.slice(9, 12)), ms: performance.now() - done.started });
  });
  const fail = (error) => {
    const done = pending;
    pending = undefined;
    done?.reject(error ?? new Error('the server closed the connection'));
  };
  socket.on('error', fail);
  socket.on('close', () => fail());
  return {
    send(request) {
      return new Promise((resolve, reject) => {
        pending = { resolve, reject, started: performance.now() };
        socket.write(request);
      });
    },
    close: () => socket.destroy(),
  };
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
      // Requests are signed and connections opened before the clock starts: Shopify's side of the work is not the
      // server's. LOAD_CLIENT=node-http measures with node:http's client instead (as before 2026-12-03).
      const rawClient = process.env.LOAD_CLIENT !== 'node-http';
      const requests = rawClient
        ? Array.from({ length: COUNT }, (_, i) => signedRequest(server.url, shop, order(10_000 + i, '20.00')))
        : [];
      const connections = rawClient
        ? await Promise.all(Array.from({ length: CONCURRENCY }, () => rawConnection(server.url)))
        : [];
      const cpuBefore = cpuSeconds(server.pid);
      const clientCpuBefore = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, c) => {
          while (next < COUNT) {
            const i = next++;
            const result = rawClient
              ? await connections[c].send(requests[i])
              : await deliver(server.url, shop, order(10_000 + i, '20.00'));
            acks.push(result.ms);
            if (result.status === 200) ok += 1;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpuPerWebhook = ((cpuSeconds(server.pid) - cpuBefore) / COUNT) * 1e6;
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const clientCpuPerWebhook = (clientCpu.user + clientCpu.system) / COUNT;
      for (const connection of connections) connection.close();
      results[phase] = { ok, perSecond: COUNT / seconds, cpuPerWebhook, clientCpuPerWebhook, ...summarize(acks) };
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
          `server CPU ${Number.isFinite(r.cpuPerWebhook) ? r.cpuPerWebhook.toFixed(0) : 'n/a'} µs/webhook  ` +
          `load generator CPU ${r.clientCpuPerWebhook.toFixed(0)} µs/webhook`,
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
  console.log(
    `bench/webhooks: ${COUNT} signed orders/create webhooks per phase, ${CONCURRENCY} at once ` +
      `(load generator: ${process.env.LOAD_CLIENT === 'node-http' ? 'node:http' : 'raw keep-alive sockets'})`,
  );
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
