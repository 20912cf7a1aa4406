#!/usr/bin/env node
'use strict';
// bench/compile: compile throughput and latency per example agent, the cost of compiling relative to validating
// the same agent (goal: lowering + emitting add at most 50%), and decompile time of each golden workflow
// (goal: faster than compiling it). Prints numbers; asserts nothing. Run: npm run bench:compile
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { validateAgent } = require('@ionflux/dsl');
const { compileAgent, decompileWorkflow } = require('@ionflux/compiler');

const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');
const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Per-call latencies (ms) of each function, called in turn (the order rotating every round) for at least `minMs`
 * after a warm-up, sorted. Interleaving keeps this VM's speed drift, tens of percent within seconds, out of the ratios.
 */
function sampleInterleaved(fns, minMs = 1500) {
  for (let i = 0; i < 30; i++) for (const fn of fns) fn();
  const samples = fns.map(() => []);
  const start = now();
  for (let round = 0; now() - start < minMs; round++) {
    for (let k = 0; k < fns.length; k++) {
      const index = (round + k) % fns.length;
      const t = now();
      fns[index]();
      samples[index].push(now() - t);
    }
  }
  return samples.map((list) => list.sort((a, b) => a - b));
}
const pct = (s, p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
const mean = (s) => s.reduce((a, b) => a + b, 0) / s.length;

console.log(`bench/compile on Node ${process.version}, ${require('node:os').cpus().length} cores\n`);
console.log(
  'agent                        nodes  compile p50  p99 ms  agents/s  validate p50  compile/validate  decompile p50  decompile/compile',
);
let totalCompile = 0;
let totalCount = 0;
const ratios = [];
for (const file of readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const text = readFileSync(join(examplesDir, file), 'utf8');
  const golden = readFileSync(join(examplesDir, file.replace(/\.yaml$/, '.n8n.json')), 'utf8');
  const compiled = compileAgent(text);
  if (compiled.json !== golden) throw new Error(`${file} does not compile to its golden file`);
  const [validate, compile, decompile] = sampleInterleaved([
    () => validateAgent(text),
    () => compileAgent(text),
    () => decompileWorkflow(golden),
  ]);
  totalCompile += compile.reduce((a, b) => a + b, 0);
  totalCount += compile.length;
  const ratio = pct(compile, 50) / pct(validate, 50);
  ratios.push(ratio);
  console.log(
    `${file.replace('.yaml', '').padEnd(28)} ${String(compiled.workflow.nodes.length).padStart(5)}  ${pct(compile, 50).toFixed(3).padStart(11)}  ${pct(compile, 99).toFixed(3).padStart(6)}  ${Math.round(
      1000 / mean(compile),
    )
      .toString()
      .padStart(
        8,
      )}  ${pct(validate, 50).toFixed(3).padStart(11)}  ${ratio.toFixed(2).padStart(16)}  ${pct(decompile, 50).toFixed(3).padStart(12)}  ${(pct(decompile, 50) / pct(compile, 50)).toFixed(2).padStart(17)}`,
  );
}
ratios.sort((a, b) => a - b);
console.log(`\nall examples: ${Math.round((totalCount / totalCompile) * 1000)} agents/s compiled (one core)`);
console.log(
  `compile / validate: median ${ratios[Math.floor(ratios.length / 2)].toFixed(2)}, max ${ratios[ratios.length - 1].toFixed(2)} (goal <= 1.50)`,
);
