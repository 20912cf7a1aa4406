#!/usr/bin/env node
'use strict';
// bench/dsl: validation throughput per example, its cost relative to a bare yaml.parseDocument, and re-validation
// latency per keystroke on a 1,000-line agent (the studio validates as you type). Prints numbers; asserts nothing.
// Run: npm run bench:dsl   (builds first; uses the compiled packages)
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const YAML = require('yaml');
const { validateAgent, createAgentValidator } = require('@ionflux/dsl');
const { bigAgentText } = require('./big-agent');

const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');
const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Milliseconds per call of `a` and of `b`, measured in alternating batches (order swapped every round) for at least
 * `minMs`; the median batch of each. This VM's speed drifts by tens of percent within seconds, so measuring one
 * function after the other would put the drift into their ratio.
 */
function compare(a, b, minMs = 800) {
  for (let i = 0; i < 30; i++) {
    a();
    b();
  }
  const batch = (fn) => {
    const start = now();
    for (let i = 0; i < 5; i++) fn();
    return (now() - start) / 5;
  };
  const times = { a: [], b: [] };
  const start = now();
  for (let round = 0; now() - start < minMs || round < 20; round++) {
    if (round % 2 === 0) {
      times.a.push(batch(a));
      times.b.push(batch(b));
    } else {
      times.b.push(batch(b));
      times.a.push(batch(a));
    }
  }
  const median = (list) => list.sort((x, y) => x - y)[Math.floor(list.length / 2)];
  return [median(times.a), median(times.b)];
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

console.log(`bench/dsl on Node ${process.version}, ${require('node:os').cpus().length} cores\n`);
console.log('Full validation (parse + schema + semantic checks) of each example agent');
console.log('agent                          bytes   parse ms  validate ms  agents/s  validate/parse');
const ratios = [];
for (const file of readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const text = readFileSync(join(examplesDir, file), 'utf8');
  if (validateAgent(text).diagnostics.length > 0) throw new Error(`${file} is not valid`);
  const [parse, validate] = compare(
    () => YAML.parseDocument(text),
    () => validateAgent(text),
  );
  ratios.push(validate / parse);
  console.log(
    `${file.replace('.yaml', '').padEnd(30)} ${String(text.length).padStart(5)}   ${parse.toFixed(3).padStart(8)}  ${validate.toFixed(3).padStart(11)}  ${Math.round(
      1000 / validate,
    )
      .toString()
      .padStart(8)}  ${(validate / parse).toFixed(2).padStart(14)}`,
  );
}
ratios.sort((a, b) => a - b);
console.log(
  `validation / bare parse: median ${ratios[Math.floor(ratios.length / 2)].toFixed(2)}, max ${ratios[ratios.length - 1].toFixed(2)} (goal <= 1.50)\n`,
);

// A 1,000-line agent: the Email Wizard's steps repeated under new ids (as valid as the original).
const bigText = bigAgentText();
const bigLines = bigText.split('\n').length;
if (validateAgent(bigText).diagnostics.length > 0) throw new Error('the 1,000-line agent is not valid');

const [fullParse, fullValidate] = compare(
  () => YAML.parseDocument(bigText),
  () => validateAgent(bigText),
  2000,
);
console.log(`1,000-line agent: ${bigLines} lines, ${bigText.length} bytes`);
console.log(`  bare yaml.parseDocument  ${fullParse.toFixed(2)} ms`);
console.log(
  `  full validateAgent       ${fullValidate.toFixed(2)} ms (ratio ${(fullValidate / fullParse).toFixed(2)})`,
);

// Typing: insert a sentence one character at a time into a step's `instructions` in the middle of the document.
const target = bigText.indexOf('instructions: "Write a', Math.floor(bigText.length / 2)) + 'instructions: "'.length;
const sentence = 'Keep it short and mention free shipping over $75. ';
const validator = createAgentValidator();
validator.validate(bigText);
const latencies = [];
let typed = bigText;
for (let round = 0; round < 6; round++) {
  for (let i = 0; i < sentence.length; i++) {
    const at = target + round * sentence.length + i;
    typed = typed.slice(0, at) + sentence[i] + typed.slice(at);
    const start = now();
    const result = validator.validate(typed);
    latencies.push(now() - start);
    if (result.mode !== 'segments') throw new Error('expected segment mode');
  }
}
latencies.sort((a, b) => a - b);
console.log(
  `  keystroke re-validation  p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${latencies[latencies.length - 1].toFixed(2)} ms over ${latencies.length} keystrokes (goal < 16 ms)`,
);
