#!/usr/bin/env node
// Runs after `npm install` / `npm ci` at the repository root: builds every TypeScript package so that
// `npx ionflux ...` works straight after install, then the web studio (studio/dist). npm puts node_modules/.bin (Node 24) first on PATH here.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
// The web studio's production build, which the server serves on its own port.
const studio = spawnSync(process.execPath, [path.join(__dirname, 'build-studio.js')], { cwd: root, stdio: 'inherit' });
process.exit(studio.status ?? 1);
