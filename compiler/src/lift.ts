import { parseExpressionAt, type Node as AcornNode } from 'acorn';
import type { FunctionName } from '@ionflux/dsl';
import { EQUALS, FIELD_ACCESS, FUNCTIONS, INTERPOLATE, NOT_EQUALS } from './expressions';

/**
 * The inverse of `lowerExpression`: n8n expression JavaScript (as the compiler writes it) back to DSL expression
 * text. It understands the compiler's output and plain JavaScript of the same shapes (paths, operators, literals);
 * anything else is reported as unsupported rather than guessed.
 */

export class UnsupportedExpression extends Error {}

/** How node references map back to DSL roots. */
export interface LiftContext {
  /** What `$("<node>").first().json` / `.item.json` means for a node of the workflow. */
  resolveNode(node: string): NodeMeaning | undefined;
}

export type NodeMeaning =
  | { kind: 'inputs' }
  | { kind: 'step'; id: string }
  /** A forEach loop's end node: `.items` is the loop step's output. */
  | { kind: 'loop-end'; id: string }
  /** A forEach split node: `.value` is the loop variable, the item itself is `loop`. */
  | { kind: 'loop-split'; as: string }
  | { kind: 'handler' };

const FUNCTION_BY_SOURCE = new Map<string, FunctionName>(
  Object.entries(FUNCTIONS).map(([name, source]) => [source, name as FunctionName]),
);

type DslNode =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'path'; root: string; segments: (string | DslNode)[] }
  /** Field access on a computed value, e.g. first(list).name. */
  | { kind: 'access'; object: DslNode; segments: (string | DslNode)[] }
  | { kind: 'call'; name: string; args: DslNode[] }
  | { kind: 'unary'; operator: '!' | '-'; operand: DslNode }
  | { kind: 'binary'; operator: string; left: DslNode; right: DslNode }
  | { kind: 'conditional'; test: DslNode; consequent: DslNode; alternate: DslNode }
  | { kind: 'array'; items: DslNode[] };

/* eslint-disable @typescript-eslint/no-explicit-any */
type Js = AcornNode & Record<string, any>;

function parseJs(source: string): Js {
  try {
    const node = parseExpressionAt(source, 0, { ecmaVersion: 'latest', preserveParens: true }) as Js;
    if (source.slice(node.end).trim() !== '')
      throw new UnsupportedExpression(`unexpected text after the expression: ${source.slice(node.end, node.end + 20)}`);
    return node;
  } catch (error) {
    if (error instanceof UnsupportedExpression) throw error;
    throw new UnsupportedExpression(`not valid JavaScript: ${(error as Error).message}`);
  }
}

/** `((a) => ...)`: the parenthesized arrow functions the compiler emits for DSL functions. */
function isInlineFunction(node: Js): boolean {
  return node.type === 'ParenthesizedExpression' && node.expression.type === 'ArrowFunctionExpression';
}

class Lifter {
  constructor(
    private readonly source: string,
    private readonly context: LiftContext,
  ) {}

  private text(node: Js): string {
    return this.source.slice(node.start, node.end);
  }

  /** `$("name")` -> "name". */
  private nodeCall(node: Js): string | undefined {
    if (
      node.type === 'CallExpression' &&
      node.callee.type === 'Identifier' &&
      node.callee.name === '$' &&
      node.arguments.length === 1
    ) {
      const arg = node.arguments[0];
      if (arg.type === 'Literal' && typeof arg.value === 'string') return arg.value;
    }
    return undefined;
  }

  /** `$("n").first().json` / `$("n").item.json` -> the node name; undefined for anything else. */
  private nodeJson(node: Js): string | undefined {
    if (node.type !== 'MemberExpression' || node.computed || node.property.name !== 'json') return undefined;
    const holder = node.object;
    if (holder.type === 'MemberExpression' && !holder.computed && holder.property.name === 'item')
      return this.nodeCall(holder.object);
    if (
      holder.type === 'CallExpression' &&
      holder.arguments.length === 0 &&
      holder.callee.type === 'MemberExpression' &&
      !holder.callee.computed &&
      holder.callee.property.name === 'first'
    ) {
      return this.nodeCall(holder.callee.object);
    }
    return undefined;
  }

  /** Flattens a member chain: base + segments (names or computed index nodes). */
  private memberChain(node: Js): { base: Js; segments: (string | Js)[] } {
    const segments: (string | Js)[] = [];
    let current = node;
    while (
      current.type === 'MemberExpression' ||
      current.type === 'ChainExpression' ||
      current.type === 'ParenthesizedExpression'
    ) {
      if (current.type === 'ChainExpression' || current.type === 'ParenthesizedExpression') {
        current = current.expression;
        continue;
      }
      if (this.nodeJson(current) !== undefined) break;
      segments.unshift(current.computed ? current.property : current.property.name);
      current = current.object;
    }
    return { base: current, segments };
  }

  lift(node: Js): DslNode {
    switch (node.type) {
      case 'ChainExpression':
      case 'ParenthesizedExpression':
        return this.lift(node.expression);
      case 'Literal':
        if (node.regex) throw new UnsupportedExpression('regular expressions are not supported');
        return { kind: 'literal', value: node.value as string | number | boolean | null };
      case 'Identifier':
        if (node.name === 'undefined') return { kind: 'literal', value: null };
        throw new UnsupportedExpression(`unknown variable ${node.name}`);
      case 'ArrayExpression':
        return {
          kind: 'array',
          items: node.elements.map((e: Js | null) => (e ? this.lift(e) : { kind: 'literal', value: null })),
        };
      case 'UnaryExpression':
        if (node.operator === '!' || node.operator === '-')
          return { kind: 'unary', operator: node.operator, operand: this.lift(node.argument) };
        throw new UnsupportedExpression(`operator ${node.operator}`);
      case 'BinaryExpression':
      case 'LogicalExpression': {
        const operator = node.operator === '===' ? '==' : node.operator === '!==' ? '!=' : node.operator;
        if (!['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '??'].includes(operator)) {
          throw new UnsupportedExpression(`operator ${node.operator}`);
        }
        return { kind: 'binary', operator, left: this.lift(node.left), right: this.lift(node.right) };
      }
      case 'ConditionalExpression': {
        // `$("n").isExecuted ? <access> : undefined` guards a step that may not have run.
        const test = node.test;
        if (
          test.type === 'MemberExpression' &&
          !test.computed &&
          test.property.name === 'isExecuted' &&
          this.nodeCall(test.object) !== undefined &&
          node.alternate.type === 'Identifier' &&
          node.alternate.name === 'undefined'
        ) {
          return this.lift(node.consequent);
        }
        return {
          kind: 'conditional',
          test: this.lift(node.test),
          consequent: this.lift(node.consequent),
          alternate: this.lift(node.alternate),
        };
      }
      case 'CallExpression': {
        if (isInlineFunction(node.callee)) {
          const source = this.text(node.callee);
          if (node.arguments.length === 2 && (source === EQUALS || source === NOT_EQUALS)) {
            const [left, right] = node.arguments as Js[];
            const operator = source === EQUALS ? '==' : '!=';
            return { kind: 'binary', operator, left: this.lift(left!), right: this.lift(right!) };
          }
          if (node.arguments.length === 2 && source === FIELD_ACCESS) {
            const object = this.lift(node.arguments[0]);
            const key = this.lift(node.arguments[1]);
            if (object.kind === 'path') return { kind: 'path', root: object.root, segments: [...object.segments, key] };
            return { kind: 'access', object, segments: [key] };
          }
          const name = FUNCTION_BY_SOURCE.get(source);
          if (!name) throw new UnsupportedExpression('an inline function that is not one of the IONFLUX functions');
          return { kind: 'call', name, args: node.arguments.map((a: Js) => this.lift(a)) };
        }
        throw new UnsupportedExpression(`call of ${this.text(node.callee).slice(0, 40)}`);
      }
      case 'MemberExpression':
        return this.liftMember(node);
      default:
        throw new UnsupportedExpression(`${node.type} is not supported`);
    }
  }

  private liftMember(node: Js): DslNode {
    const { base, segments } = this.memberChain(node);
    const nodeName = this.nodeJson(base);
    const rest = (from: number) => segments.slice(from).map((s) => (typeof s === 'string' ? s : this.lift(s)));
    if (nodeName === undefined) {
      const object = this.lift(base);
      if (object.kind === 'path')
        return { kind: 'path', root: object.root, segments: [...object.segments, ...rest(0)] };
      return { kind: 'access', object, segments: rest(0) };
    }
    const meaning = this.context.resolveNode(nodeName);
    if (!meaning) throw new UnsupportedExpression(`reference to node "${nodeName}", which is not a step`);
    switch (meaning.kind) {
      case 'inputs': {
        const root = segments[0];
        if (root !== 'inputs' && root !== 'trigger' && root !== 'connections')
          throw new UnsupportedExpression(`Inputs.${String(root)}`);
        return { kind: 'path', root, segments: rest(1) };
      }
      case 'step':
        return { kind: 'path', root: 'steps', segments: [meaning.id, 'output', ...rest(0)] };
      case 'loop-end':
        if (segments[0] !== 'items') throw new UnsupportedExpression('loop results are read through .items');
        return { kind: 'path', root: 'steps', segments: [meaning.id, 'output', ...rest(1)] };
      case 'loop-split':
        if (segments[0] === 'value') return { kind: 'path', root: meaning.as, segments: rest(1) };
        return { kind: 'path', root: 'loop', segments: rest(0) };
      case 'handler':
        if (segments[0] !== 'error') throw new UnsupportedExpression('handler nodes are read through .error');
        return { kind: 'path', root: 'error', segments: rest(1) };
    }
  }
}

const PRECEDENCE: Record<string, number> = {
  '??': 1,
  '||': 2,
  '&&': 3,
  '==': 4,
  '!=': 4,
  '<': 5,
  '<=': 5,
  '>': 5,
  '>=': 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  '%': 7,
};

function dslString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}'`;
}

function printSegments(segments: (string | DslNode)[]): string {
  return segments
    .map((s) =>
      typeof s === 'string' ? (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? `.${s}` : `[${dslString(s)}]`) : `[${print(s)}]`,
    )
    .join('');
}

/** Prints DSL expression text with the parentheses its precedence needs, no more. */
function print(node: DslNode, parentPrecedence = 0, rightSide = false): string {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'string' ? dslString(node.value) : String(node.value);
    case 'path':
      return `${node.root}${printSegments(node.segments)}`;
    case 'access':
      return `${print(node.object, 9)}${printSegments(node.segments)}`;
    case 'call':
      return `${node.name}(${node.args.map((a) => print(a)).join(', ')})`;
    case 'array':
      return `[${node.items.map((a) => print(a)).join(', ')}]`;
    case 'unary': {
      const text = `${node.operator}${print(node.operand, 8)}`;
      return parentPrecedence > 8 ? `(${text})` : text;
    }
    case 'binary': {
      const precedence = PRECEDENCE[node.operator]!;
      const text = `${print(node.left, precedence)} ${node.operator} ${print(node.right, precedence, true)}`;
      return precedence < parentPrecedence || (rightSide && precedence === parentPrecedence) ? `(${text})` : text;
    }
    case 'conditional': {
      const text = `${print(node.test, 1)} ? ${print(node.consequent)} : ${print(node.alternate)}`;
      return parentPrecedence > 0 ? `(${text})` : text;
    }
  }
}

/** JavaScript expression -> DSL expression text (without braces). */
export function liftExpression(js: string, context: LiftContext): string {
  return print(new Lifter(js, context).lift(parseJs(js)));
}

/**
 * The JavaScript inside an n8n parameter value (`={{ js }}`) -> the DSL value as written in YAML: a template string
 * (`"Order {{ trigger.order.name }}"`), a whole expression (`"{{ steps.a.output }}"`), or literal text.
 */
export function liftParameter(js: string, context: LiftContext): string {
  const root = parseJs(js);
  const lifter = new Lifter(js, context);
  // A template is a `+` chain of text literals and interpolations.
  const operands: Js[] = [];
  const flatten = (node: Js) => {
    if (node.type === 'BinaryExpression' && node.operator === '+') {
      flatten(node.left);
      flatten(node.right);
    } else operands.push(node);
  };
  flatten(root);
  const isInterpolation = (node: Js) =>
    node.type === 'CallExpression' &&
    isInlineFunction(node.callee) &&
    js.slice(node.callee.start, node.callee.end) === INTERPOLATE;
  if (
    operands.some(isInterpolation) &&
    operands.every((o) => isInterpolation(o) || (o.type === 'Literal' && typeof o.value === 'string'))
  ) {
    return operands
      .map((o) => (isInterpolation(o) ? `{{ ${print(lifter.lift(o.arguments[0]))} }}` : (o.value as string)))
      .join('');
  }
  if (
    root.type === 'Literal' &&
    typeof root.value === 'string' &&
    (root.value.startsWith('=') || root.value.includes('{{'))
  )
    return root.value;
  return `{{ ${print(lifter.lift(root))} }}`;
}

export type TemplateChunk = { kind: 'text'; text: string } | { kind: 'code'; code: string };

/**
 * An n8n expression (without its `=`) split into text and `{{ code }}` chunks the way n8n splits it
 * (`@n8n/tournament`'s `splitExpression`): the first `}}` closes, a `{{` after an odd number of backslashes is text,
 * `\\\\` before an opening reads as one backslash.
 */
export function splitN8nTemplate(expression: string): TemplateChunk[] {
  const chunks: TemplateChunk[] = [];
  let open = true;
  let buffer = '';
  let index = 0;
  while (index < expression.length) {
    const rest = expression.slice(index);
    const at = rest.indexOf(open ? '{{' : '}}');
    if (at < 0) {
      buffer += rest;
      break;
    }
    const before = rest.slice(0, at);
    const backslashes = /\\*$/.exec(before)![0].length;
    if (backslashes % 2 === 1) {
      buffer += rest.slice(0, at + 2);
      index += at + 2;
      continue;
    }
    buffer += before;
    if (open) chunks.push({ kind: 'text', text: buffer.replace(/\\\\/g, '\\') });
    else chunks.push({ kind: 'code', code: buffer.replace('\\}}', '}}') });
    open = !open;
    index += at + 2;
    buffer = '';
  }
  if (buffer !== '' || chunks.length === 0)
    chunks.push(open ? { kind: 'text', text: buffer } : { kind: 'code', code: buffer });
  return chunks;
}

/**
 * The JavaScript of an n8n parameter that is one whole expression (`={{ js }}`, spaces after it allowed); undefined
 * for literal text and for text templates (`=Order {{ js }} is late`).
 */
export function expressionBody(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('=')) return undefined;
  const chunks = splitN8nTemplate(value.slice(1));
  const [first, code, last] = chunks;
  if (chunks.length < 2 || chunks.length > 3 || first!.kind !== 'text' || first!.text !== '') return undefined;
  if (code!.kind !== 'code' || (last && (last.kind !== 'text' || last.text.trim() !== ''))) return undefined;
  return code!.code.trim();
}

/**
 * An n8n text template (`=Order {{ js }} is late`, as the compiler writes templates and as people type them in n8n)
 * -> the DSL template. Undefined when the value is not one (literal text, or one whole expression).
 */
export function liftTemplate(value: unknown, context: LiftContext): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('=') || expressionBody(value) !== undefined) return undefined;
  const chunks = splitN8nTemplate(value.slice(1));
  if (!chunks.some((chunk) => chunk.kind === 'code')) return undefined;
  return chunks
    .map((chunk) => {
      if (chunk.kind === 'text') return chunk.text;
      const js = chunk.code.trim();
      const root = parseJs(js);
      const lifter = new Lifter(js, context);
      const interpolated =
        root.type === 'CallExpression' &&
        root.arguments.length === 1 &&
        isInlineFunction(root.callee) &&
        js.slice(root.callee.start, root.callee.end) === INTERPOLATE
          ? root.arguments[0]
          : root;
      return `{{ ${print(lifter.lift(interpolated))} }}`;
    })
    .join('');
}

/**
 * A parameter's JavaScript back to the YAML value it came from: object and list literals stay YAML mappings and
 * lists (their strings may hold expressions); anything else becomes a template or a whole expression.
 */
export function liftValue(js: string, context: LiftContext): unknown {
  const root = parseJs(js);
  const unwrap = (node: Js): Js => (node.type === 'ParenthesizedExpression' ? unwrap(node.expression) : node);
  const convert = (node: Js): unknown => {
    const inner = unwrap(node);
    if (inner.type === 'ObjectExpression') {
      const result: Record<string, unknown> = {};
      for (const property of inner.properties) {
        if (property.type !== 'Property' || property.computed || property.kind !== 'init')
          throw new UnsupportedExpression('object with computed keys');
        const key = property.key.type === 'Identifier' ? property.key.name : String(property.key.value);
        result[key] = convert(property.value);
      }
      return result;
    }
    if (inner.type === 'ArrayExpression') return inner.elements.map((e: Js | null) => (e ? convert(e) : null));
    if (inner.type === 'Literal' && !inner.regex) {
      return inner.value;
    }
    if (
      inner.type === 'UnaryExpression' &&
      inner.operator === '-' &&
      inner.argument.type === 'Literal' &&
      typeof inner.argument.value === 'number'
    ) {
      return -inner.argument.value;
    }
    return liftParameter(js.slice(node.start, node.end), context);
  };
  return convert(root);
}
