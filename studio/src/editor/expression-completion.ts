import type { ValueType } from '@ionflux/dsl';
import type { CompletionScope } from './analysis';

/**
 * Completion inside `{{ }}`: after `inputs.`, `trigger.`, `steps.` and `steps.<id>.output.` it offers what the
 * checker knows there (declared inputs, the trigger's payload fields, step ids and their action's output fields);
 * at the start of a name, the roots and the expression functions. Pure: the Monaco provider maps the result.
 */
export interface ExpressionCompletion {
  label: string;
  kind: 'field' | 'function' | 'root' | 'step';
  detail: string;
  documentation?: string;
  insertText: string;
}

export interface ExpressionCompletions {
  items: ExpressionCompletion[];
  /** 0-based index in the line prefix where the partial word being completed starts. */
  from: number;
}

/** The text of the `{{ ... ` the prefix ends in, or undefined when the cursor is not inside an expression. */
export function openExpression(prefix: string): string | undefined {
  const open = prefix.lastIndexOf('{{');
  if (open < 0 || prefix.indexOf('}}', open) >= 0) return undefined;
  return prefix.slice(open + 2);
}

export function describeType(type: ValueType): string {
  switch (type.kind) {
    case 'array':
      return `list of ${describeType(type.items)}`;
    case 'object':
      return 'object';
    case 'union':
      return type.types.map(describeType).join(' | ');
    default:
      return type.kind;
  }
}

function fieldsOf(type: ValueType): Record<string, ValueType> {
  if (type.kind === 'object') return type.fields;
  if (type.kind === 'union')
    return Object.assign({}, ...type.types.filter((t) => t.kind === 'object').map((t) => fieldsOf(t)));
  return {};
}

export function expressionCompletions(prefix: string, scope: CompletionScope): ExpressionCompletions | undefined {
  const expression = openExpression(prefix);
  if (expression === undefined) return undefined;
  const path = /([A-Za-z_][\w]*(?:\s*\.\s*[\w]*)*)$/.exec(expression);
  const chain = path ? path[1]!.split('.').map((s) => s.trim()) : [''];
  const partial = chain[chain.length - 1]!;
  const from = prefix.length - partial.length;
  const parents = chain.slice(0, -1);
  // A member access after something that is not a name (a call, an index): nothing known to offer.
  if (parents.length === 0 && /\.\s*$/.test(expression.slice(0, expression.length - partial.length)))
    return { items: [], from };
  if (parents.length === 0) {
    const roots: ExpressionCompletion[] = [
      { label: 'inputs', kind: 'root', detail: 'the agent inputs', insertText: 'inputs' },
      { label: 'trigger', kind: 'root', detail: 'what started the run', insertText: 'trigger' },
      { label: 'steps', kind: 'root', detail: 'outputs of earlier steps', insertText: 'steps' },
      ...(scope.connections.length > 0
        ? [{ label: 'connections', kind: 'root' as const, detail: 'declared connections', insertText: 'connections' }]
        : []),
    ];
    const functions: ExpressionCompletion[] = scope.functions.map((f) => ({
      label: f.name,
      kind: 'function',
      detail: f.signature,
      documentation: f.description,
      insertText: `${f.name}(`,
    }));
    return { items: [...roots, ...functions], from };
  }
  const [root, ...rest] = parents;
  let items: ExpressionCompletion[] = [];
  if (root === 'steps') {
    if (rest.length === 0) {
      items = Object.entries(scope.steps).map(([id, s]) => ({
        label: id,
        kind: 'step',
        detail: s.uses ?? 'step',
        insertText: id,
      }));
    } else if (rest.length === 1) {
      const step = scope.steps[rest[0]!];
      if (step) items = [{ label: 'output', kind: 'field', detail: describeType(step.type), insertText: 'output' }];
    } else if (rest[1] === 'output') {
      const step = scope.steps[rest[0]!];
      let type: ValueType = step?.type ?? { kind: 'unknown' };
      for (const key of rest.slice(2)) type = fieldsOf(type)[key] ?? { kind: 'unknown' };
      items = fieldItems(type);
    }
  } else if (root === 'inputs' && rest.length === 0) {
    items = Object.entries(scope.inputs).map(([name, input]) => ({
      label: name,
      kind: 'field',
      detail: describeType(input.type),
      ...(input.description ? { documentation: input.description } : {}),
      insertText: name,
    }));
  } else if (root === 'inputs') {
    let type: ValueType = scope.inputs[rest[0]!]?.type ?? { kind: 'unknown' };
    for (const key of rest.slice(1)) type = fieldsOf(type)[key] ?? { kind: 'unknown' };
    items = fieldItems(type);
  } else if (root === 'trigger') {
    let type = scope.trigger;
    for (const key of rest) type = fieldsOf(type)[key] ?? { kind: 'unknown' };
    items = fieldItems(type);
  } else if (root === 'connections' && rest.length === 0) {
    items = scope.connections.map((name) => ({ label: name, kind: 'field', detail: 'connection', insertText: name }));
  }
  return { items, from };
}

function fieldItems(type: ValueType): ExpressionCompletion[] {
  return Object.entries(fieldsOf(type)).map(([name, t]) => ({
    label: name,
    kind: 'field',
    detail: describeType(t),
    insertText: name,
  }));
}

/** The type of a reference path (`['steps', 'revenue', 'output', 'total']`) as far as the checker knows it. */
export function typeOfPath(chain: string[], scope: CompletionScope): ValueType | undefined {
  const [root, ...rest] = chain;
  let type: ValueType;
  if (root === 'inputs') {
    if (rest.length === 0) return undefined;
    type = scope.inputs[rest.shift()!]?.type ?? { kind: 'unknown' };
  } else if (root === 'trigger') {
    type = scope.trigger;
  } else if (root === 'steps') {
    if (rest.length < 2 || rest[1] !== 'output') return undefined;
    type = scope.steps[rest[0]!]?.type ?? { kind: 'unknown' };
    rest.splice(0, 2);
  } else {
    return undefined;
  }
  for (const key of rest) type = fieldsOf(type)[key] ?? { kind: 'unknown' };
  return type;
}

/**
 * The reference under a cursor inside `{{ }}` on a line: its dotted path up to the word under the cursor, and the
 * 0-based span of that path. Undefined outside an expression or a reference.
 */
export function referenceAt(line: string, offset: number): { chain: string[]; start: number; end: number } | undefined {
  if (openExpression(line.slice(0, offset)) === undefined) return undefined;
  const word = /[\w]/;
  let end = offset;
  while (end < line.length && word.test(line[end]!)) end++;
  let start = offset;
  while (start > 0 && (word.test(line[start - 1]!) || line[start - 1] === '.')) start--;
  const text = line.slice(start, end);
  if (!/^[A-Za-z_]\w*(\.\w+)*$/.test(text)) return undefined;
  return { chain: text.split('.'), start, end };
}
