#!/usr/bin/env node
// `npm run test:n8n`: the real-n8n lane. Installs n8n (pinned, cached outside the workspace: scripts/n8n/install.sh),
// packs the node package, builds, then runs the *.n8n.test.ts suites (they start n8n on loopback themselves).
// Extra arguments go to Jest; `--bench` runs bench/n8n instead (npm run bench:n8n). Runs on any Node; the tests run on the workspace's Node 24.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const node24 = path.join(root, 'node_modules', '.bin', 'node');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status === null ? 1 : result.status);
  return result;
}

const installed = spawnSync('bash', [path.join(__dirname, 'install.sh')], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
if (installed.status !== 0) {
  console.error('[test:n8n] installing n8n failed');
  process.exit(1);
}
const installDir = installed.stdout.trim().split('\n').pop();

run(node24, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
fs.mkdirSync(path.join(root, '.scratch'), { recursive: true });
run(node24, [path.join(root, 'nodes', 'scripts', 'copy-assets.js')]);
const repack = spawnSync('npm', ['pack', '--json', '--pack-destination', path.join(root, '.scratch')], {
  cwd: path.join(root, 'nodes'),
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
if (repack.status !== 0) {
  console.error('[test:n8n] npm pack failed');
  process.exit(1);
}
const tarball = path.join(root, '.scratch', JSON.parse(repack.stdout)[0].filename);

const env = { ...process.env, IONFLUX_N8N_DIR: installDir, IONFLUX_N8N_TARBALL: tarball };
if (process.argv[2] === '--bench') {
  // npm run bench:n8n: the same install and package, then bench/n8n instead of the tests.
  run(node24, [path.join(root, 'bench', 'n8n', 'run.js')], { env });
  process.exit(0);
}
run(
  node24,
  [
    path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--config',
    path.join(root, 'jest.n8n.config.js'),
    '--runInBand',
    ...process.argv.slice(2),
  ],
  { env },
);
