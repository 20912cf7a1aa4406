#!/usr/bin/env node
'use strict';
// bench/chat: message fan-out. CLIENTS socket.io clients (distinct users) sit in one channel; one more client sends
// RATE messages/s for DURATION s through `message:send` (stored, then broadcast). Each receiver records the time
// from send to delivery; we print delivery p50/p90/p99/max, the send acknowledgement latency, and whether every
// client got every message once and in order. Goal: 200 clients, 100 msgs/s, delivery p99 < 50 ms on loopback.
// Receivers run in worker threads so that parsing 20,000 deliveries/s does not queue behind the sender; the server
// runs in its own process. Loopback only, bounded in count and time. Prints numbers; asserts nothing.
// Run: npm run bench:chat   (builds the server first; env CLIENTS, RATE, DURATION, WARMUP, WORKERS, STORES=pglite,postgres)
const { performance } = require('node:perf_hooks');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const { io } = require('socket.io-client');

const epochNow = () => performance.timeOrigin + performance.now();

if (!isMainThread) {
  // A receiver worker: connects its share of clients and records delivery latencies for the measured messages.
  const { url, tokens, workspaceId, channelId } = workerData;
  const latencies = [];
  const perClient = tokens.map(() => ({ received: 0, duplicates: 0, outOfOrder: 0, lastSeq: 0 }));
  let measuring = false;
  const sockets = tokens.map((token, index) => {
    const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    socket.on('message:new', (message) => {
      const stats = perClient[index];
      if (message.seq <= stats.lastSeq) {
        if (message.seq === stats.lastSeq) stats.duplicates += 1;
        else stats.outOfOrder += 1;
      }
      stats.lastSeq = Math.max(stats.lastSeq, message.seq);
      if (!measuring || !message.payload || message.payload.phase !== 'measure') return;
      stats.received += 1;
      latencies.push(epochNow() - message.payload.sentAt);
    });
    return socket;
  });
  Promise.all(
    sockets.map(
      (socket) =>
        new Promise((resolve, reject) => {
          socket.once('connect_error', reject);
          socket.once('connect', () => {
            socket
              .timeout(10_000)
              .emitWithAck('channel:join', { workspaceId, channelId })
              .then((ack) => (ack.ok ? resolve() : reject(new Error(JSON.stringify(ack)))), reject);
          });
        }),
    ),
  ).then(
    () => parentPort.postMessage({ type: 'ready' }),
    (error) => parentPort.postMessage({ type: 'error', message: String(error && error.message) }),
  );
  parentPort.on('message', (command) => {
    if (command === 'measure') measuring = true;
    if (command === 'report') {
      parentPort.postMessage({ type: 'report', latencies: Float64Array.from(latencies), perClient });
      for (const socket of sockets) socket.close();
    }
  });
  return;
}

const os = require('node:os');
const { api, ms, startPostgres, startServerProcess, summarize } = require('../api/support');

const CLIENTS = Math.min(Number(process.env.CLIENTS || 200), 1000);
const RATE = Math.min(Number(process.env.RATE || 100), 1000);
const DURATION_S = Math.min(Number(process.env.DURATION || 10), 60);
const WARMUP_S = Math.min(Number(process.env.WARMUP || 2), 30);
const WORKERS = Math.max(1, Math.min(Number(process.env.WORKERS || Math.min(4, os.availableParallelism())), CLIENTS));
const STORES = (process.env.STORES || 'pglite,postgres').split(',');
const sleep = (msToWait) => new Promise((resolve) => setTimeout(resolve, msToWait));

async function setUp(url) {
  const suffix = `${Date.now()}-${process.pid}`;
  const signup = (i) =>
    api(url, 'POST', '/api/auth/signup', {
      body: { email: `chat-${i}-${suffix}@example.com`, password: 'bench password', displayName: `User ${i}` },
    });
  const owner = await signup('owner');
  const { workspace } = await api(url, 'POST', '/api/workspaces', {
    token: owner.accessToken,
    body: { name: 'Chat bench' },
  });
  const { channel } = await api(url, 'POST', `/api/workspaces/${workspace.id}/channels`, {
    token: owner.accessToken,
    body: { name: 'fanout' },
  });
  const tokens = [];
  for (let start = 0; start < CLIENTS; start += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, CLIENTS - start) }, async (_, k) => {
        const user = await signup(start + k);
        const invite = await api(url, 'POST', `/api/workspaces/${workspace.id}/invitations`, {
          token: owner.accessToken,
          body: { email: user.user.email, role: 'member' },
        });
        await api(url, 'POST', '/api/invitations/accept', { token: user.accessToken, body: { token: invite.token } });
        return user.accessToken;
      }),
    );
    tokens.push(...batch);
  }
  return { ownerToken: owner.accessToken, workspaceId: workspace.id, channelId: channel.id, tokens };
}

function startWorkers({ url, tokens, workspaceId, channelId }) {
  const shares = Array.from({ length: WORKERS }, (_, w) => tokens.filter((_, i) => i % WORKERS === w));
  return Promise.all(
    shares.map(
      (share) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(__filename, { workerData: { url, tokens: share, workspaceId, channelId } });
          worker.once('error', reject);
          worker.once('message', (message) =>
            message.type === 'ready' ? resolve(worker) : reject(new Error(message.message)),
          );
        }),
    ),
  );
}

/** Sends at fixed times (open loop); returns the acknowledgement latencies. */
async function send({ socket, workspaceId, channelId, phase, seconds }) {
  const total = Math.round(RATE * seconds);
  const interval = 1000 / RATE;
  const acks = [];
  const pending = [];
  let failed = 0;
  const start = performance.now() + 10;
  for (let i = 0; i < total; i += 1) {
    const wait = start + i * interval - performance.now();
    if (wait > 1) await sleep(wait);
    const sentAt = epochNow();
    pending.push(
      socket
        .timeout(10_000)
        .emitWithAck('message:send', {
          workspaceId,
          channelId,
          clientMessageId: `${phase}-${i}`,
          text: `Fan-out message ${i}: the holiday campaign brief is ready for review.`,
          payload: { phase, i, sentAt },
        })
        .then(
          (ack) => {
            if (ack.ok) acks.push(epochNow() - sentAt);
            else failed += 1;
          },
          () => (failed += 1),
        ),
    );
  }
  await Promise.all(pending);
  return { total, acks, failed };
}

async function runAgainst(label, databaseUrl) {
  const server = await startServerProcess({ databaseUrl });
  const workers = [];
  try {
    const setup = await setUp(server.url);
    workers.push(...(await startWorkers({ url: server.url, ...setup })));
    const sender = io(server.url, {
      transports: ['websocket'],
      auth: { token: setup.ownerToken },
      reconnection: false,
      forceNew: true,
    });
    await new Promise((resolve, reject) => {
      sender.once('connect', resolve);
      sender.once('connect_error', reject);
    });
    await send({
      socket: sender,
      workspaceId: setup.workspaceId,
      channelId: setup.channelId,
      phase: 'warmup',
      seconds: WARMUP_S,
    });
    for (const worker of workers) worker.postMessage('measure');
    await sleep(100);
    const sent = await send({
      socket: sender,
      workspaceId: setup.workspaceId,
      channelId: setup.channelId,
      phase: 'measure',
      seconds: DURATION_S,
    });
    await sleep(1000); // deliveries still on the wire
    const reports = await Promise.all(
      workers.map(
        (worker) =>
          new Promise((resolve) => {
            worker.once('message', resolve);
            worker.postMessage('report');
          }),
      ),
    );
    sender.close();
    const latencies = reports.flatMap((r) => Array.from(r.latencies));
    const perClient = reports.flatMap((r) => r.perClient);
    return {
      label,
      sent: sent.total,
      sendFailures: sent.failed,
      expected: (sent.total - sent.failed) * CLIENTS,
      delivered: latencies.length,
      clientsMissing: perClient.filter((c) => c.received < sent.total - sent.failed).length,
      duplicates: perClient.reduce((a, c) => a + c.duplicates, 0),
      outOfOrder: perClient.reduce((a, c) => a + c.outOfOrder, 0),
      delivery: summarize(latencies),
      ack: summarize(sent.acks),
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
    await server.stop();
  }
}

async function main() {
  console.log(
    `bench/chat: ${CLIENTS} clients in one channel (${WORKERS} receiver threads), 1 sender at ${RATE} msgs/s for ${DURATION_S} s after ${WARMUP_S} s warm-up; server in its own process on 127.0.0.1`,
  );
  const results = [];
  if (STORES.includes('pglite')) results.push(await runAgainst('PGlite', undefined));
  if (STORES.includes('postgres')) {
    const postgres = startPostgres();
    if (postgres) {
      try {
        results.push(await runAgainst('PostgreSQL', postgres.url));
      } finally {
        postgres.stop();
      }
    } else console.log('(no PostgreSQL: set BENCH_DATABASE_URL or install the postgresql server binaries)');
  }
  console.log(
    [
      'store'.padEnd(11),
      'sent'.padStart(6),
      'delivered'.padStart(16),
      'p50'.padStart(10),
      'p90'.padStart(10),
      'p99'.padStart(10),
      'max'.padStart(10),
      'ack p50'.padStart(10),
      'ack p99'.padStart(10),
    ].join(' '),
  );
  for (const r of results) {
    console.log(
      [
        r.label.padEnd(11),
        String(r.sent).padStart(6),
        `${r.delivered}/${r.expected}`.padStart(16),
        ms(r.delivery.p50).padStart(10),
        ms(r.delivery.p90).padStart(10),
        ms(r.delivery.p99).padStart(10),
        ms(r.delivery.max).padStart(10),
        ms(r.ack.p50).padStart(10),
        ms(r.ack.p99).padStart(10),
      ].join(' '),
    );
    console.log(
      `  send failures ${r.sendFailures}, clients missing messages ${r.clientsMissing}, duplicate deliveries ${r.duplicates}, out of order ${r.outOfOrder}`,
    );
  }
  console.log(
    'delivery = send (sender) -> message:new (receiver), includes storing the message; ack = send -> acknowledgement.',
  );
  for (const r of results)
    console.log(
      `goal p99 < 50 ms with ${CLIENTS} clients at ${RATE} msgs/s (${r.label}): ${r.delivery.p99 < 50 ? 'met' : 'NOT met'} (${ms(r.delivery.p99)})`,
    );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
