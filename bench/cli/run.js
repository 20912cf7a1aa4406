#!/usr/bin/env node
'use strict';
// bench/cli: wall time of `ionflux` commands as whole processes (what a user waits for, start-up included):
// `validate`, `compile` and `run --sandbox` of Revenue Tracker Lite, REPS times each (default 5), median, min and
// max. The first `run --sandbox` fills the sandbox database cache (IONFLUX_CACHE_DIR, here a fresh temporary folder
// unless set) and starts the local sandbox: it is reported on its own line; later ones run on the warm local sandbox
// (the goal: under 3 s); `run --sandbox --fresh` starts a sandbox of its own every time (from the cached database).
// The local sandbox is stopped at the end. Prints numbers; asserts nothing. Run: npm run bench:cli
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { cpus, tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const node = process.execPath;
const bin = join(root, 'cli', 'bin', 'ionflux.js');
const agent = 'examples/agents/revenue-tracker-lite.yaml';
const reps = Number(process.env.REPS ?? 5);
const scratch = mkdtempSync(join(tmpdir(), 'ionflux-bench-cli-'));
// As a user's shell has it (the local sandbox on).
const env = {
  ...process.env,
  IONFLUX_CACHE_DIR: process.env.IONFLUX_CACHE_DIR ?? join(scratch, 'cache'),
  NO_COLOR: '1',
};
delete env.IONFLUX_SANDBOX_DAEMON;

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(node, [bin, ...args], { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`ionflux ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return ms;
}

const commands = [
  ['validate', ['validate', agent]],
  ['compile', ['compile', agent, '-o', join(scratch, 'workflow.json')]],
  ['run --sandbox', ['run', agent, '--sandbox']],
  ['run --sandbox --fresh', ['run', agent, '--sandbox', '--fresh']],
];
console.log(`bench/cli on Node ${process.version}, ${cpus().length} cores, ${reps} repetitions, whole processes\n`);
console.log('command                      median ms     min ms     max ms');
const line = (name, samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(
    `${name.padEnd(26)} ${median.toFixed(0).padStart(10)} ${sorted[0].toFixed(0).padStart(10)} ${sorted.at(-1).toFixed(0).padStart(10)}`,
  );
};
try {
  for (const [name, args] of commands) {
    if (name === 'run --sandbox') line('run --sandbox (first)', [time(args)]);
    const samples = [];
    for (let i = 0; i < reps; i++) samples.push(time(args));
    line(name, samples);
  }
} finally {
  spawnSync(node, [bin, 'sandbox', 'stop'], { cwd: root, env });
  rmSync(scratch, { recursive: true, force: true });
}
