import { parseAgentText } from '@ionflux/dsl';
import type { AgentRevisionDiff } from '../model';

type Edit = { kind: 'same' | 'add' | 'remove'; line: string };

/**
 * The shortest edit script between two line lists (Myers' O((N+M)D) algorithm): agent files are a few hundred lines,
 * and revisions usually differ in a few, so this stays cheap where a full LCS table would not.
 */
export function diffLines(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from (n, m) to (0, 0).
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      edits.push({ kind: 'same', line: a[x]! });
    }
    if (d > 0) {
      if (x === prevX) edits.push({ kind: 'add', line: b[--y]! });
      else edits.push({ kind: 'remove', line: a[--x]! });
    }
  }
  return edits.reverse();
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A unified diff (`diff -u` format, 3 lines of context) of two texts; empty when they are equal. */
export function unifiedDiff({
  before,
  after,
  fromLabel,
  toLabel,
  context = 3,
}: {
  before: string;
  after: string;
  fromLabel: string;
  toLabel: string;
  context?: number;
}): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const edits = diffLines(a, b);
  if (edits.every((e) => e.kind === 'same')) return '';
  const out = [`--- ${fromLabel}`, `+++ ${toLabel}`];
  // Positions (in a and b) before each edit.
  const positions: { ai: number; bi: number }[] = [];
  let ai = 0;
  let bi = 0;
  for (const edit of edits) {
    positions.push({ ai, bi });
    if (edit.kind !== 'add') ai++;
    if (edit.kind !== 'remove') bi++;
  }
  let i = 0;
  while (i < edits.length) {
    if (edits[i]!.kind === 'same') {
      i++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change that is within
    // 2 * context lines of the previous one.
    const start = Math.max(0, i - context);
    let end = i;
    let j = i;
    while (j < edits.length) {
      if (edits[j]!.kind !== 'same') {
        end = j;
        j++;
        continue;
      }
      let run = 0;
      while (j + run < edits.length && edits[j + run]!.kind === 'same') run++;
      if (j + run >= edits.length || run > 2 * context) break;
      j += run;
    }
    const stop = Math.min(edits.length, end + context + 1);
    const hunk = edits.slice(start, stop);
    const aStart = positions[start]!.ai;
    const bStart = positions[start]!.bi;
    const aCount = hunk.filter((e) => e.kind !== 'add').length;
    const bCount = hunk.filter((e) => e.kind !== 'remove').length;
    out.push(`@@ -${aCount === 0 ? aStart : aStart + 1},${aCount} +${bCount === 0 ? bStart : bStart + 1},${bCount} @@`);
    for (const edit of hunk) out.push(`${edit.kind === 'same' ? ' ' : edit.kind === 'add' ? '+' : '-'}${edit.line}`);
    i = stop;
  }
  return `${out.join('\n')}\n`;
}

type Obj = Record<string, unknown>;

function asObject(value: unknown): Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

/** Every step of an agent by id (nested branches, loops and handlers included), nested steps left out of each. */
function stepsById(spec: Obj): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (steps: unknown) => {
    if (!Array.isArray(steps)) return;
    for (const step of steps) {
      const s = asObject(step);
      const own: Obj = {};
      for (const [key, value] of Object.entries(s)) {
        if (key === 'then' || key === 'else' || key === 'steps' || key === 'default') visit(value);
        else if (key === 'cases') for (const c of Object.values(asObject(value))) visit(c);
        else own[key] = value;
      }
      if (typeof s.id === 'string') found.set(s.id, JSON.stringify(own));
    }
  };
  visit(spec.steps);
  for (const handler of Object.values(asObject(spec.handlers))) visit(handler);
  return found;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * What changed between two revisions of an agent, step by step: steps added, removed or changed (by id), connections
 * and scopes added or removed, and whether inputs, trigger, output, policy or bindings differ.
 */
export function summarizeAgentChange(
  before: { yaml: string; inputs: Obj; bindings: Obj },
  after: { yaml: string; inputs: Obj; bindings: Obj },
): AgentRevisionDiff['summary'] {
  const specA = asObject(asObject(parseAgentText(before.yaml).value).spec);
  const specB = asObject(asObject(parseAgentText(after.yaml).value).spec);
  const stepsA = stepsById(specA);
  const stepsB = stepsById(specB);
  const connA = asObject(specA.connections);
  const connB = asObject(specB.connections);
  const scopesOf = (c: unknown) => {
    const scopes = asObject(c).scopes;
    return Array.isArray(scopes) ? scopes.map(String) : [];
  };
  const scopesAdded: { connection: string; scopes: string[] }[] = [];
  const scopesRemoved: { connection: string; scopes: string[] }[] = [];
  for (const name of Object.keys(connB)) {
    const a = name in connA ? scopesOf(connA[name]) : [];
    const b = scopesOf(connB[name]);
    const added = b.filter((s) => !a.includes(s));
    if (added.length) scopesAdded.push({ connection: name, scopes: added });
  }
  for (const name of Object.keys(connA)) {
    const a = scopesOf(connA[name]);
    const b = name in connB ? scopesOf(connB[name]) : [];
    const removed = a.filter((s) => !b.includes(s));
    if (removed.length) scopesRemoved.push({ connection: name, scopes: removed });
  }
  const declaredA = asObject(specA.inputs);
  const declaredB = asObject(specB.inputs);
  const inputNames = new Set([
    ...Object.keys(declaredA),
    ...Object.keys(declaredB),
    ...Object.keys(before.inputs),
    ...Object.keys(after.inputs),
  ]);
  const bindingNames = new Set([...Object.keys(before.bindings), ...Object.keys(after.bindings)]);
  return {
    stepsAdded: [...stepsB.keys()].filter((id) => !stepsA.has(id)),
    stepsRemoved: [...stepsA.keys()].filter((id) => !stepsB.has(id)),
    stepsChanged: [...stepsB.keys()].filter((id) => stepsA.has(id) && stepsA.get(id) !== stepsB.get(id)),
    connectionsAdded: Object.keys(connB).filter((name) => !(name in connA)),
    connectionsRemoved: Object.keys(connA).filter((name) => !(name in connB)),
    scopesAdded,
    scopesRemoved,
    inputsChanged: [...inputNames]
      .filter((name) => !same(declaredA[name], declaredB[name]) || !same(before.inputs[name], after.inputs[name]))
      .sort(),
    triggerChanged: !same(specA.trigger, specB.trigger),
    outputChanged: !same(specA.output, specB.output),
    policyChanged: !same(specA.policy, specB.policy),
    bindingsChanged: [...bindingNames].filter((name) => !same(before.bindings[name], after.bindings[name])).sort(),
  };
}
