#!/usr/bin/env node
// Builds the web studio (vite build into studio/dist) when its build is missing or older than its sources; with
// --force, always. The server serves studio/dist on its own port. Used by `npm ci` (prepare), `npm start`, the
// studio's browser tests and bench/studio. Runs Vite on Node 24 (node_modules/.bin/node) when called from old Node.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const studio = path.join(root, 'studio');
const dist = path.join(studio, 'dist');

function newestMtime(target) {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** True when studio/dist/index.html is at least as new as every source of the app. */
function studioBuildIsFresh() {
  const index = path.join(dist, 'index.html');
  if (!fs.existsSync(index)) return false;
  // The agent editor bundles the DSL and the compiler from their sources.
  const sources = [
    'src',
    'index.html',
    'vite.config.mts',
    'package.json',
    '../dsl/src',
    '../dsl/package.json',
    '../compiler/src',
    '../compiler/package.json',
  ].map((p) => path.join(studio, p));
  return fs.statSync(index).mtimeMs >= Math.max(...sources.filter((p) => fs.existsSync(p)).map(newestMtime));
}

/**
 * The environment of `vite build`: the caller's, with NODE_ENV=production. Vite builds what NODE_ENV says when it is
 * set, and jest sets it to `test`: a build started by the browser tests was React's development build (its JSX dev
 * runtime and checks: about twice the CPU per keystroke in the agent editor), which `npm start` then served.
 */
function viteBuildEnv(env = process.env) {
  return Object.assign({}, env, { NODE_ENV: 'production' });
}

/** Runs vite build; returns { status, output }. */
function buildStudio() {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const node24 = path.join(root, 'node_modules', '.bin', 'node');
  const node = fs.existsSync(node24) ? node24 : process.execPath;
  const result = spawnSync(node, [vite, 'build', '--logLevel', 'warn'], {
    cwd: studio,
    encoding: 'utf8',
    env: viteBuildEnv(),
  });
  return { status: result.status === null ? 1 : result.status, output: `${result.stdout || ''}${result.stderr || ''}` };
}

function ensureStudioBuilt(options) {
  if (!(options && options.force) && studioBuildIsFresh()) return { built: false, status: 0, output: '' };
  return Object.assign({ built: true }, buildStudio());
}

module.exports = { ensureStudioBuilt, studioBuildIsFresh, studioDist: dist, viteBuildEnv };

if (require.main === module) {
  if (!fs.existsSync(path.join(root, 'node_modules', 'vite'))) {
    console.error('[ionflux] vite is not installed: run npm ci first');
    process.exit(1);
  }
  const result = ensureStudioBuilt({ force: process.argv.includes('--force') });
  if (result.output) process.stdout.write(result.output);
  if (result.built && result.status === 0) console.log('[ionflux] studio built into studio/dist');
  process.exit(result.status);
}
