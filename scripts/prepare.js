#!/usr/bin/env node
// Runs after `npm install` / `npm ci` at the repository root: builds every TypeScript package so that
// `npx ionflux ...` works straight after install. npm puts node_modules/.bin (Node 24) first on PATH here.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
