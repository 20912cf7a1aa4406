'use strict';
// The agent editor's analysis worker, keystroke by keystroke, in Node (no browser): what studio/src/editor/
// agent.worker.ts runs for each keystroke (analysis.ts `createAgentAnalyser`: `check`, the DSL's incremental
// validation and what changed for the page, then `graph`, the compiled workflow's graph) on the 1,017-line agent of
// bench/dsl, typing the sentence bench/studio types into a step's instructions in the middle of the agent.
//
// Each measurement is a fresh Node process: it opens the agent (the first check and graph), then types KEYSTROKES
// (default 400) characters; the first COLD (default 20) are the cold keystrokes (code not yet optimised, as right
// after the editor opens), the last WARM (default 300) the warm ones. PROCESSES (default 6) processes per source tree.
// Prints milliseconds per keystroke (check, graph, both) and CPU per keystroke, with the load average.
//
// The sources run as the tests run them: TypeScript compiled by SWC (jest.config.js's transform) into CommonJS, the
// studio's editor modules, the DSL and the compiler together, in a scratch folder. So any commit can be measured
// against the working tree: REFS=main,1a2b3c4 adds those commits (read with `git show`), each measured in alternation
// with the others (the order swapped every round: this VM's speed drifts within seconds).
// The compiler hashes with its portable SHA-256, as in the browser (node:crypto hidden from it).
// CPU_PROF=dir writes a CPU profile of each process (node --cpu-prof) into dir.
// Run: npm run bench:studio-analysis   (asserts nothing)
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const KEYSTROKES = Number(process.env.KEYSTROKES || 400);
const COLD = Math.min(Number(process.env.COLD || 20), KEYSTROKES);
const WARM = Math.min(Number(process.env.WARM || 300), KEYSTROKES - COLD);
const PROCESSES = Number(process.env.PROCESSES || 6);
const SENTENCE = 'Keep it short and mention free shipping over $75. ';

/** The files to compile, from the working tree or from a commit. */
function sourceFiles(ref) {
  const dirs = ['dsl/src', 'compiler/src', 'studio/src/editor'];
  const list = ref
    ? execFileSync('git', ['ls-tree', '-r', '--name-only', ref, '--', ...dirs], { cwd: root, encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
    : dirs.flatMap((dir) =>
        fs.readdirSync(path.join(root, dir), { recursive: true }).map((file) => path.join(dir, String(file))),
      );
  // The editor's analysis needs only its pure modules (no React, no Monaco): those without a JSX or DOM dependency.
  const editorModules = new Set(['analysis.ts', 'graph-model.ts', 'value-change.ts']);
  return list
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .filter((file) => !file.startsWith('studio/') || editorModules.has(path.basename(file)))
    .map((file) => ({
      file,
      text: ref
        ? execFileSync('git', ['show', `${ref}:${file}`], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 })
        : fs.readFileSync(path.join(root, file), 'utf8'),
    }));
}

/**
 * Compiles one source tree into `<out>`: the DSL and the compiler as node_modules/@ionflux/{dsl,compiler} (so the
 * editor's modules and the compiler find them by name), the editor's modules under studio/. Other packages (yaml,
 * ajv, dagre) come from the repository's node_modules through NODE_PATH.
 */
function compileTree(ref, out) {
  const swc = require('@swc/core');
  fs.rmSync(out, { recursive: true, force: true });
  for (const { file, text } of sourceFiles(ref)) {
    const [pkg] = file.split('/');
    const relative = file.slice(file.indexOf('/src/') + 1);
    const target =
      pkg === 'studio'
        ? path.join(out, 'studio', path.basename(file))
        : path.join(out, 'node_modules', '@ionflux', pkg, relative);
    const { code } = swc.transformSync(text, {
      filename: file,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
      module: { type: 'commonjs' },
    });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target.replace(/\.ts$/, '.js'), code);
  }
  for (const pkg of ['dsl', 'compiler']) {
    fs.writeFileSync(
      path.join(out, 'node_modules', '@ionflux', pkg, 'package.json'),
      JSON.stringify({ name: `@ionflux/${pkg}`, main: 'src/index.js' }),
    );
  }
}

/** One process's measurement: the opening, then KEYSTROKES keystrokes; prints JSON. */
function child(out, agentFile) {
  const now = () => performance.now();
  const text = fs.readFileSync(agentFile, 'utf8');
  // As in the browser's worker: the compiler's SHA-256 (node ids, the workflow's hash) is its portable JavaScript,
  // not node:crypto's, which compiler/src/hash.ts reaches through process.getBuiltinModule.
  process.getBuiltinModule = undefined;
  const { createAgentAnalyser } = require(path.join(out, 'studio', 'analysis.js'));
  const analyser = createAgentAnalyser();
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  let started = now();
  const opened = analyser.check(text);
  const openCheck = now() - started;
  started = now();
  const openGraph = analyser.graph({});
  const open = { check: openCheck, graph: now() - started, compiles: opened.compiles, hasGraph: !!openGraph.graph };
  // Into a step's instructions in the middle of the agent (bench/studio's place): every keystroke keeps it valid.
  const lines = text.split('\n');
  const line = lines.findIndex((l, i) => i > lines.length / 2 && l.includes('instructions: "Write a'));
  let at = lines.slice(0, line).join('\n').length + 1 + lines[line].indexOf('Write a');
  let typed = text;
  const keystrokes = [];
  let cpuWarm = 0;
  let graphsSent = 0;
  for (let i = 0; i < KEYSTROKES; i++) {
    if (i === KEYSTROKES - WARM) cpuWarm = cpu();
    typed = typed.slice(0, at) + SENTENCE[i % SENTENCE.length] + typed.slice(at);
    at++;
    started = now();
    const checked = analyser.check(typed);
    const check = now() - started;
    if (!checked.compiles || checked.diagnostics.length > 0)
      throw new Error(`keystroke ${i + 1}: the agent has errors`);
    started = now();
    const graph = analyser.graph({});
    const graphMs = now() - started;
    if (graph.compileError) throw new Error(`keystroke ${i + 1}: ${graph.compileError}`);
    if (graph.graph) graphsSent++;
    keystrokes.push([check, graphMs]);
  }
  cpuWarm = (cpu() - cpuWarm) / WARM;
  process.stdout.write(JSON.stringify({ open, keystrokes, cpuWarm, graphsSent }));
}

const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const median = (values) => pct(values, 50);
const ms = (v) => v.toFixed(1);
const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

function main() {
  const refs = (process.env.REFS || '').split(',').filter(Boolean);
  const trees = [{ label: 'working tree' }, ...refs.map((ref) => ({ label: ref, ref }))];
  const scratch = path.join(os.tmpdir(), `ionflux-analysis-bench-${process.pid}`);
  // The agent is made once here (bench/dsl's built package): the measured processes load only the compiled trees.
  const agentFile = path.join(scratch, 'big-agent.yaml');
  fs.mkdirSync(scratch, { recursive: true });
  fs.writeFileSync(agentFile, require('../dsl/big-agent').bigAgentText());
  trees.forEach((tree, index) => {
    tree.out = path.join(scratch, `tree-${index}`);
    compileTree(tree.ref, tree.out);
    tree.runs = [];
  });
  const loadBefore = load();
  for (let round = 0; round < PROCESSES; round++) {
    const order = round % 2 === 0 ? trees : [...trees].reverse();
    for (const tree of order) {
      const profile = process.env.CPU_PROF
        ? ['--cpu-prof', '--cpu-prof-dir', process.env.CPU_PROF, '--cpu-prof-interval', '200']
        : [];
      const result = spawnSync(process.execPath, [...profile, __filename, '--child', tree.out, agentFile], {
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
        maxBuffer: 1 << 26,
      });
      if (result.status !== 0) throw new Error(`${tree.label}: ${result.stderr}`);
      tree.runs.push(JSON.parse(result.stdout));
    }
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  console.log(
    `Analysis worker per keystroke (1,017-line agent, ${KEYSTROKES} keystrokes a process, ${PROCESSES} processes per tree, Node ${process.version})`,
  );
  console.log(`  load average before ${loadBefore}, after ${load()}`);
  for (const tree of trees) {
    const { runs } = tree;
    const cold = runs.flatMap((r) => r.keystrokes.slice(0, COLD));
    const warm = runs.flatMap((r) => r.keystrokes.slice(KEYSTROKES - WARM));
    const line = (list, i) => list.map((k) => (i === undefined ? k[0] + k[1] : k[i]));
    const stats = (values) => `p50 ${ms(median(values))} p99 ${ms(pct(values, 99))} max ${ms(Math.max(...values))}`;
    console.log(`${tree.label}:`);
    console.log(
      `  opening: check ${ms(median(runs.map((r) => r.open.check)))} ms, graph ${ms(median(runs.map((r) => r.open.graph)))} ms (medians)`,
    );
    for (const [label, list] of [
      [`cold (keystrokes 1-${COLD})`, cold],
      [`warm (last ${WARM})`, warm],
    ]) {
      console.log(
        `  ${label}: check ${stats(line(list, 0))}; graph ${stats(line(list, 1))}; both ${stats(line(list))} ms`,
      );
    }
    const firstFive = [0, 1, 2, 3, 4].map((i) => ms(median(runs.map((r) => r.keystrokes[i][0] + r.keystrokes[i][1]))));
    console.log(`  keystrokes #1-#5, check + graph, median of processes: ${firstFive.join(', ')} ms`);
    console.log(
      `  CPU per warm keystroke ${ms(median(runs.map((r) => r.cpuWarm)))} ms (median of processes); graphs sent (changed) per process ${runs[0].graphsSent} of ${KEYSTROKES}`,
    );
  }
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4]);
else main();
