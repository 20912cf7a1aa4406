#!/usr/bin/env node
// `npm run lint [-- --fix]`: ESLint over the repository with the toolchain in tools/lint, installed there on first use
// (it needs TypeScript's JavaScript API, TypeScript <= 6.0, while the workspace builds with TypeScript 7).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tools = path.join(root, 'tools', 'lint');
const eslint = path.join(tools, 'node_modules', 'eslint', 'bin', 'eslint.js');

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (!fs.existsSync(eslint)) {
  console.log('[lint] installing the lint toolchain in tools/lint (npm ci)...');
  const status = run('npm', ['ci', '--no-audit', '--no-fund'], tools);
  if (status !== 0) process.exit(status);
}
process.exit(
  run(
    process.execPath,
    [eslint, '--config', path.join(tools, 'eslint.config.mjs'), '--max-warnings', '0', ...process.argv.slice(2), '.'],
    root,
  ),
);
