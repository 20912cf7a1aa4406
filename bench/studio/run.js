#!/usr/bin/env node
'use strict';
// bench/studio: the web app's weight and speed. Prints numbers; asserts nothing.
// 1. Bundle sizes of the production build (studio/dist, from Vite's manifest): the initial JavaScript (entry chunk
//    and its static imports, raw and gzip; goal < 350 KB gzip) and every lazily loaded chunk (screens, Chart.js).
// 2. In Debian's Chromium (playwright-core, headless), against the built server on loopback: time to the sign-in
//    screen on a cold load, and time from navigation to a rendered canvas page of BLOCKS blocks (default 200), then
//    the time one keyboard move of a block takes to show on that page. Median and max of RUNS loads (default 5),
//    each in a fresh browser profile (no cache).
// Run: npm run bench:studio   (builds the server and the studio first; env BLOCKS, RUNS, IONFLUX_CHROMIUM)
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { api, startServerProcess, summarize } = require('../api/support');

const root = path.resolve(__dirname, '..', '..');
const dist = path.join(root, 'studio', 'dist');
const BLOCKS = Number(process.env.BLOCKS || 200);
const RUNS = Math.min(Number(process.env.RUNS || 5), 20);
const CHROMIUM = process.env.IONFLUX_CHROMIUM || '/usr/bin/chromium';
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function bundleSizes() {
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));
  const size = (file) => {
    const data = fs.readFileSync(path.join(dist, file));
    return { raw: data.length, gzip: zlib.gzipSync(data, { level: 9 }).length };
  };
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
  const initial = new Set();
  const visit = (key) => {
    if (initial.has(key)) return;
    initial.add(key);
    for (const next of manifest[key].imports || []) visit(next);
  };
  visit(entryKey);
  const sum = (keys) =>
    [...keys].reduce(
      (acc, key) => {
        const s = size(manifest[key].file);
        return { raw: acc.raw + s.raw, gzip: acc.gzip + s.gzip };
      },
      { raw: 0, gzip: 0 },
    );
  const css = (manifest[entryKey].css || [])
    .map(size)
    .reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), {
      raw: 0,
      gzip: 0,
    });
  console.log('studio bundle (vite build, gzip level 9)');
  const total = sum(initial);
  console.log(
    `  initial JS: ${kb(total.raw)} raw, ${kb(total.gzip)} gzip (${initial.size} file(s)); CSS ${kb(css.gzip)} gzip`,
  );
  const lazy = Object.keys(manifest).filter((k) => manifest[k].file.endsWith('.js') && !initial.has(k));
  for (const key of lazy.sort((a, b) => size(manifest[b].file).gzip - size(manifest[a].file).gzip)) {
    const s = size(manifest[key].file);
    console.log(`  lazy ${manifest[key].name || key}: ${kb(s.raw)} raw, ${kb(s.gzip)} gzip`);
  }
}

function blockBody(i) {
  const position = { x: (i % 4) * 320 + 20, y: Math.floor(i / 4) * 180 + 20 };
  const size = { width: 300, height: 160 };
  switch (i % 4) {
    case 0:
      return { type: 'heading', content: { text: `Section ${i}: holiday campaign`, level: 2 }, position, size };
    case 1:
      return {
        type: 'checklist',
        content: {
          items: Array.from({ length: 4 }, (_, k) => ({ text: `Task ${k} of block ${i}`, checked: k % 2 === 0 })),
        },
        position,
        size,
      };
    case 2:
      return {
        type: 'agent_snippet',
        content: {
          title: `Creators ${i}`,
          status: 'succeeded',
          data: Array.from({ length: 5 }, (_, k) => ({
            handle: `@creator${i}_${k}`,
            followers: 1000 * (k + 1),
            engagementRate: 0.05,
          })),
        },
        position,
        size,
      };
    default:
      return {
        type: 'text',
        content: {
          text: `**Goal ${i}**: drive _20%_ more sales.\n- bundles\n- gift guides\n- [brief](https://example.com)`,
        },
        position,
        size,
      };
  }
}

async function main() {
  bundleSizes();
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`\nNo Chromium at ${CHROMIUM} (apt-get install chromium): skipping the browser timings.`);
    return;
  }
  const { chromium } = require('playwright-core');
  const server = await startServerProcess();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const email = `bench-${Date.now()}@example.com`;
    const password = 'a long benchmark passphrase';
    const session = await api(server.url, 'POST', '/api/auth/signup', {
      body: { email, password, displayName: 'Bench' },
    });
    const token = session.accessToken;
    const { workspace } = await api(server.url, 'POST', '/api/workspaces', { token, body: { name: 'Bench' } });
    const { page } = await api(server.url, 'POST', `/api/workspaces/${workspace.id}/pages`, {
      token,
      body: { title: 'Big page' },
    });
    for (let i = 0; i < BLOCKS; i++)
      await api(server.url, 'POST', `/api/workspaces/${workspace.id}/pages/${page.id}/blocks`, {
        token,
        body: blockBody(i),
      });
    const pageUrl = `${server.url}/workspaces/${workspace.id}/pages/${page.id}`;

    const signInTimes = [];
    const pageTimes = [];
    const moveTimes = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const tab = await context.newPage();
      let started = Date.now();
      await tab.goto(`${server.url}/login`);
      await tab.getByRole('button', { name: 'Sign in' }).waitFor();
      signInTimes.push(Date.now() - started);
      await tab.getByLabel('Email').fill(email);
      await tab.getByLabel('Password').fill(password);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByRole('navigation', { name: 'Workspace navigation' }).waitFor();
      started = Date.now();
      await tab.goto(pageUrl);
      await tab.waitForFunction((n) => document.querySelectorAll('article.block').length >= n, BLOCKS, {
        polling: 'raf',
        timeout: 60_000,
      });
      pageTimes.push(Date.now() - started);
      // One keyboard move of a block: key press to the new position on screen.
      const handle = tab
        .locator('article.block')
        .first()
        .getByRole('button', { name: /^Move / });
      await handle.focus();
      const before = await tab
        .locator('article.block')
        .first()
        .evaluate((el) => el.style.left);
      started = Date.now();
      await handle.press('ArrowRight');
      await tab.waitForFunction((left) => document.querySelector('article.block').style.left !== left, before, {
        polling: 'raf',
      });
      moveTimes.push(Date.now() - started);
      await context.close();
    }
    const line = (label, values) => {
      const s = summarize(values);
      console.log(`  ${label}: median ${s.p50.toFixed(0)} ms, max ${s.max.toFixed(0)} ms (${values.length} runs)`);
    };
    console.log(`\nstudio in Chromium (${CHROMIUM}), built server on loopback, fresh profile per run`);
    line('cold load to the sign-in screen', signInTimes);
    line(`navigation to a rendered canvas page of ${BLOCKS} blocks`, pageTimes);
    line(`keyboard move of a block on that page (key press to paint)`, moveTimes);
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
