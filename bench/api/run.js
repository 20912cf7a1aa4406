#!/usr/bin/env node
'use strict';
// bench/api: latency of a canvas page load (GET /api/workspaces/:id/pages/:pageId, a page with 200 blocks) under an
// open-loop load of 200 requests/s, against the embedded PGlite store and a PostgreSQL server. Goal: p99 < 25 ms at
// 200 req/s on PostgreSQL. Prints numbers; asserts nothing. Loopback only, bounded in count and time.
// The server keeps serialized pages in memory and reuses them while the page's revision is unchanged, so each store
// is measured twice: read-only (every load is a revision check + cached document) and with EDITS block writes per
// second on the same page during the load (each write forces the next load to rebuild the document).
// Run: npm run bench:api   (builds the server first; env RATE, DURATION, WARMUP, BLOCKS, EDITS, BENCH_DATABASE_URL)
const { performance } = require('node:perf_hooks');
const { api, ms, startPostgres, startServerProcess, summarize } = require('./support');

const RATE = Number(process.env.RATE || 200);
const DURATION_S = Math.min(Number(process.env.DURATION || 10), 60);
const WARMUP_S = Math.min(Number(process.env.WARMUP || 2), 30);
const BLOCKS = Number(process.env.BLOCKS || 200);
const EDITS = Number(process.env.EDITS || 10);
const sleep = (msToWait) => new Promise((resolve) => setTimeout(resolve, msToWait));

/** A realistic mix of block types and sizes. */
function blockBody(i) {
  const position = { x: (i % 4) * 320, y: Math.floor(i / 4) * 160 };
  switch (i % 5) {
    case 0:
      return {
        type: 'heading',
        key: `section-${i}`,
        content: { text: `Section ${i}: holiday campaign workstream`, level: 2 },
        position,
      };
    case 1:
      return {
        type: 'checklist',
        content: {
          items: Array.from({ length: 5 }, (_, k) => ({
            text: `Task ${k} for block ${i}: brief the creators`,
            checked: k % 2 === 0,
          })),
        },
        position,
      };
    case 2:
      return {
        type: 'agent_snippet',
        key: `agent-${i}`,
        content: {
          title: 'Revenue Tracker Lite',
          status: 'succeeded',
          markdown: `**$${(i * 137.5).toFixed(2)}** in the last 7 days`,
          data: { days: [120, 80, 95, 300, 410, 220, 180], currency: 'USD' },
        },
        agentConfigId: '6f1c7a52-3b5a-4c1e-9a43-6c2f0b9e1d11',
        position,
      };
    default:
      return {
        type: 'text',
        content: {
          text: `Goal ${i}: drive 20% more sales for Product X with TikTok creators, a holiday bundle and an email sequence. Owner: @ana. Due: Dec 1.`,
        },
        position,
      };
  }
}

/** Fires requests at fixed times (open loop) so a slow response cannot slow the offered load. */
async function openLoop({ url, token, rate, seconds, record }) {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const inFlight = [];
  const start = performance.now() + 20;
  for (let i = 0; i < total; i += 1) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const sent = performance.now();
    inFlight.push(
      fetch(url, { headers: { authorization: `Bearer ${token}` } })
        .then(async (response) => {
          const body = await response.text();
          const done = performance.now();
          record({ ok: response.status === 200, status: response.status, bytes: body.length, body, sent, due, done });
        })
        .catch((error) =>
          record({ ok: false, status: String(error.code || error.message), sent, due, done: performance.now() }),
        ),
    );
  }
  await Promise.all(inFlight);
  return { total, elapsed: performance.now() - start };
}

async function runAgainst(label, databaseUrl) {
  const server = await startServerProcess({ databaseUrl });
  try {
    const session = await api(server.url, 'POST', '/api/auth/signup', {
      body: {
        email: `bench-${Date.now()}-${process.pid}@example.com`,
        password: 'bench password',
        displayName: 'Bench',
      },
    });
    const token = session.accessToken;
    const { workspace } = await api(server.url, 'POST', '/api/workspaces', { token, body: { name: 'Bench' } });
    const { page } = await api(server.url, 'POST', `/api/workspaces/${workspace.id}/pages`, {
      token,
      body: { title: 'Q4 Holiday Campaign Plan' },
    });
    for (let i = 0; i < BLOCKS; i += 1)
      await api(server.url, 'POST', `/api/workspaces/${workspace.id}/pages/${page.id}/blocks`, {
        token,
        body: blockBody(i),
      });
    const url = `${server.url}/api/workspaces/${workspace.id}/pages/${page.id}`;

    const rows = [];
    rows.push(await measure({ label, url, token }));
    if (EDITS > 0) {
      const blocks = JSON.parse(
        await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).text(),
      ).blocks;
      const target = blocks.find((b) => b.type === 'text');
      let version = target.version;
      let writes = 0;
      let stop = false;
      const writer = (async () => {
        while (!stop) {
          const started = performance.now();
          const res = await api(
            server.url,
            'PATCH',
            `/api/workspaces/${workspace.id}/pages/${page.id}/blocks/${target.id}`,
            {
              token,
              body: { baseVersion: version, content: { text: `Edited ${writes} times during the load` } },
            },
          );
          version = res.block.version;
          writes += 1;
          await sleep(Math.max(0, 1000 / EDITS - (performance.now() - started)));
        }
      })();
      try {
        const row = await measure({ label: `${label} +${EDITS} edits/s`, url, token });
        rows.push(row);
      } finally {
        stop = true;
        await writer;
      }
    }
    return rows;
  } finally {
    await server.stop();
  }
}

async function measure({ label, url, token }) {
  await openLoop({ url, token, rate: RATE, seconds: WARMUP_S, record: () => undefined });
  const latencies = [];
  const fromSchedule = [];
  const failures = new Map();
  let bytes = 0;
  let checked = false;
  const { total, elapsed } = await openLoop({
    url,
    token,
    rate: RATE,
    seconds: DURATION_S,
    record: (r) => {
      if (!r.ok) {
        failures.set(r.status, (failures.get(r.status) || 0) + 1);
        return;
      }
      if (!checked) {
        const blocks = JSON.parse(r.body).blocks.length;
        if (blocks !== BLOCKS) throw new Error(`expected ${BLOCKS} blocks, got ${blocks}`);
        checked = true;
      }
      bytes = r.bytes;
      latencies.push(r.done - r.sent);
      fromSchedule.push(r.done - r.due);
    },
  });
  return { label, total, elapsed, bytes, failures, latency: summarize(latencies), scheduled: summarize(fromSchedule) };
}

function printRow(r) {
  const errors = [...r.failures.values()].reduce((a, b) => a + b, 0);
  const cols = [
    r.label.padEnd(26),
    String(r.total).padStart(8),
    String(errors).padStart(7),
    `${((r.latency.count / r.elapsed) * 1000).toFixed(1)}/s`.padStart(9),
    ms(r.latency.p50).padStart(10),
    ms(r.latency.p90).padStart(10),
    ms(r.latency.p99).padStart(10),
    ms(r.latency.max).padStart(10),
    ms(r.scheduled.p99).padStart(12),
  ];
  console.log(cols.join(' '));
  if (errors > 0) console.log(`  errors: ${JSON.stringify(Object.fromEntries(r.failures))}`);
}

async function main() {
  console.log(
    `bench/api: GET a canvas page with ${BLOCKS} blocks, open loop at ${RATE} req/s for ${DURATION_S} s (after ${WARMUP_S} s warm-up), server in its own process on 127.0.0.1`,
  );
  const results = [];
  results.push(...(await runAgainst('PGlite', undefined)));
  const postgres = startPostgres();
  if (postgres) {
    try {
      results.push(...(await runAgainst('PostgreSQL', postgres.url)));
    } finally {
      postgres.stop();
    }
  } else {
    console.log('(no PostgreSQL: set BENCH_DATABASE_URL or install the postgresql server binaries)');
  }
  console.log(`response size: ${(results[0].bytes / 1024).toFixed(1)} KiB`);
  console.log(
    [
      'store'.padEnd(26),
      'requests'.padStart(8),
      'errors'.padStart(7),
      'served'.padStart(9),
      'p50'.padStart(10),
      'p90'.padStart(10),
      'p99'.padStart(10),
      'max'.padStart(10),
      'p99(sched)'.padStart(12),
    ].join(' '),
  );
  for (const r of results) printRow(r);
  console.log(
    'latency = response received - request sent; p99(sched) counts from the scheduled send time (includes any queueing in the load generator).',
  );
  for (const pg of results.filter((r) => r.label.startsWith('PostgreSQL'))) {
    console.log(
      `goal p99 < 25 ms at ${RATE} req/s on PostgreSQL (${pg.label}): ${pg.latency.p99 < 25 ? 'met' : 'NOT met'} (${ms(pg.latency.p99)})`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
