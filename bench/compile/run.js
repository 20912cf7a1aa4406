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

/** Per-call latencies (ms) over at least `minMs` after a warm-up. */
function sample(fn, minMs = 500) {
  for (let i = 0; i < 30; i++) fn();
  const samples = [];
  const start = now();
  while (now() - start < minMs) {
    const t = now();
    fn();
    samples.push(now() - t);
  }
  return samples.sort((a, b) => a - b);
}
const pct = (s, p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
const mean = (s) => s.reduce((a, b) => a + b, 0) / s.length;

console.log(`bench/compile on Node ${process.version}, ${require('node:os').cpus().length} cores\n`);
console.log('agent                        nodes  compile p50  p99 ms  agents/s  validate ms  compile/validate  decompile ms  decompile/compile');
let totalCompile = 0;
let totalCount = 0;
const ratios = [];
for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).sort()) {
  const text = readFileSync(join(examplesDir, file), 'utf8');
  const golden = readFileSync(join(examplesDir, file.replace(/\.yaml$/, '.n8n.json')), 'utf8');
  const compiled = compileAgent(text);
  if (compiled.json !== golden) throw new Error(`${file} does not compile to its golden file`);
  const validate = sample(() => validateAgent(text));
  const compile = sample(() => compileAgent(text));
  const decompile = sample(() => decompileWorkflow(golden));
  totalCompile += compile.reduce((a, b) => a + b, 0);
  totalCount += compile.length;
  const ratio = mean(compile) / mean(validate);
  ratios.push(ratio);
  console.log(
    `${file.replace('.yaml', '').padEnd(28)} ${String(compiled.workflow.nodes.length).padStart(5)}  ${pct(compile, 50).toFixed(3).padStart(11)}  ${pct(compile, 99).toFixed(3).padStart(6)}  ${Math.round(1000 / mean(compile)).toString().padStart(8)}  ${mean(validate).toFixed(3).padStart(11)}  ${ratio.toFixed(2).padStart(16)}  ${mean(decompile).toFixed(3).padStart(12)}  ${(mean(decompile) / mean(compile)).toFixed(2).padStart(17)}`,
  );
}
ratios.sort((a, b) => a - b);
console.log(`\nall examples: ${Math.round((totalCount / totalCompile) * 1000)} agents/s compiled (one core)`);
console.log(`compile / validate: median ${ratios[Math.floor(ratios.length / 2)].toFixed(2)}, max ${ratios[ratios.length - 1].toFixed(2)} (goal <= 1.50)`);
