#!/usr/bin/env node
// `npm start` and `npm test` on a fresh clone: this file runs on whatever Node the machine has (20 here), installs
// the workspace when node_modules is missing (which also brings Node 24 as a devDependency), builds, then hands
// over to Node 24 for the real work. Keep it dependency-free and compatible with old Node versions.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const node24 = path.join(root, 'node_modules', '.bin', 'node');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status === null ? 1 : result.status);
}

if (!fs.existsSync(node24)) {
  console.log('[ionflux] first run: installing dependencies (npm ci)...');
  run('npm', [fs.existsSync(path.join(root, 'package-lock.json')) ? 'ci' : 'install']);
} else {
  // `npm ci` already built through the `prepare` script; afterwards rebuild incrementally.
  run(node24, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
  // The web studio the server serves, rebuilt when its sources changed.
  run(node24, [path.join(root, 'scripts', 'build-studio.js')]);
}

const [task, ...rest] = process.argv.slice(2);
if (task === 'start') {
  run(node24, [path.join(root, 'cli', 'bin', 'ionflux.js'), 'serve', '--demo', ...rest]);
} else if (task === 'test') {
  // On 2 cores Jest runs the suites in one process (maxWorkers 1 means in band), and the whole suite's modules and
  // servers pass through one heap: Node's default old-space limit (~4 GB) ran out near the end. Give it room.
  run(node24, ['--max-old-space-size=12288', path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...rest]);
} else {
  console.error(`usage: node scripts/bootstrap.js start|test [args...] (got ${task})`);
  process.exit(2);
}
