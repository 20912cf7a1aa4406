import type { Expression, FunctionName } from '@ionflux/dsl';
import type { ValueIR } from './ir';

/**
 * Translates DSL expressions into n8n expressions (JavaScript inside `={{ }}`) and back.
 *
 * Every DSL function becomes an immediately invoked arrow function whose source is fixed (`FUNCTIONS` below), so
 * the translation can be reversed exactly, and so the JavaScript is self-contained (n8n's expression sandbox has no
 * helpers of ours). Member access is null-safe (`?.`): a missing field gives undefined instead of failing the run.
 * String literals escape `{` and `}` so generated code never contains `{{` or `}}` inside text.
 */
export const FUNCTIONS: Record<FunctionName, string> = {
  length:
    '((v) => v == null ? 0 : Array.isArray(v) || typeof v === "string" ? v.length : typeof v === "object" ? Object.keys(v).length : 0)',
  lower: '((s) => String(s ?? "").toLowerCase())',
  upper: '((s) => String(s ?? "").toUpperCase())',
  trim: '((s) => String(s ?? "").trim())',
  truncate: '((s, n) => (s = String(s ?? ""), s.length > n ? s.slice(0, Math.max(0, n - 1)) + "\\u2026" : s))',
  join: '((l, sep) => (Array.isArray(l) ? l : []).map((v) => v == null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v)).join(sep ?? ", "))',
  split: '((s, sep) => String(s ?? "").split(String(sep)))',
  number:
    '((v) => typeof v === "number" ? v : (Number.isFinite(parseFloat(String(v ?? "").replace(/[^0-9eE+.-]/g, ""))) ? parseFloat(String(v ?? "").replace(/[^0-9eE+.-]/g, "")) : 0))',
  string: '((v) => v == null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v))',
  json: '((v) => JSON.stringify(v ?? null))',
  round: '((v, d) => Math.round(Number(v) * 10 ** (d ?? 0)) / 10 ** (d ?? 0))',
  sum: '((l, f) => (Array.isArray(l) ? l : []).reduce((a, v) => a + (Number(f == null ? v : v?.[f]) || 0), 0))',
  avg: '((l, f) => (Array.isArray(l) && l.length ? l.reduce((a, v) => a + (Number(f == null ? v : v?.[f]) || 0), 0) / l.length : 0))',
  min: '((l, f) => (l = (Array.isArray(l) ? l : []).map((v) => Number(f == null ? v : v?.[f])).filter((n) => !Number.isNaN(n)), l.length ? Math.min(...l) : null))',
  max: '((l, f) => (l = (Array.isArray(l) ? l : []).map((v) => Number(f == null ? v : v?.[f])).filter((n) => !Number.isNaN(n)), l.length ? Math.max(...l) : null))',
  pluck: '((l, f) => (Array.isArray(l) ? l : []).map((v) => v?.[f]))',
  where: '((l, f, x) => (Array.isArray(l) ? l : []).filter((v) => v?.[f] === x))',
  sortBy:
    '((l, f, o) => [...(Array.isArray(l) ? l : [])].sort((a, b) => (a?.[f] < b?.[f] ? -1 : a?.[f] > b?.[f] ? 1 : 0) * (o === "desc" ? -1 : 1)))',
  unique:
    '((l) => (Array.isArray(l) ? l : []).filter((v, i, all) => all.findIndex((w) => JSON.stringify(w) === JSON.stringify(v)) === i))',
  first: '((l) => Array.isArray(l) && l.length ? l[0] : null)',
  last: '((l) => Array.isArray(l) && l.length ? l[l.length - 1] : null)',
  slice: '((v, a, b) => (v ?? []).slice(a, b))',
  contains:
    '((h, n) => Array.isArray(h) ? h.some((v) => JSON.stringify(v) === JSON.stringify(n)) : String(h ?? "").includes(String(n)))',
  keys: '((o) => Object.keys(o ?? {}))',
  default: '((v, f) => v == null || v === "" ? f : v)',
  now: '(() => new Date().toISOString())',
  today: '(() => new Date().toISOString().slice(0, 10))',
  daysAgo: '((n) => new Date(Date.now() - Number(n) * 86400000).toISOString().slice(0, 10))',
  money:
    '((a, c) => new Intl.NumberFormat("en-US", { style: "currency", currency: c || "USD" }).format(Number(a) || 0))',
  percent: '((r, d) => (Number(r) * 100).toFixed(d ?? 0) + "%")',
};

/** Text interpolation: how a value reads inside a template (objects as JSON, null as nothing). */
export const INTERPOLATE = '((x) => x == null ? "" : typeof x === "object" ? JSON.stringify(x) : String(x))';

/** A JavaScript string literal that contains no braces (n8n scans for `{{`/`}}` before parsing JavaScript). */
export function jsString(text: string): string {
  return JSON.stringify(text)
    .replace(/\{/g, '\\u007b')
    .replace(/\}/g, '\\u007d')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Where expression roots point in the compiled workflow. */
export interface ExpressionScope {
  /** `inputs`, `trigger` and `connections` live on the Inputs node. */
  inputsNode: string;
  /** JavaScript for `steps.<id>.output`. */
  stepOutput(id: string): string;
  /** JavaScript for a forEach variable or `loop` in scope, undefined when not in a loop. */
  variable(name: string): string | undefined;
}

export function nodeRef(name: string): string {
  return `$(${jsString(name)})`;
}

function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

function propertyAccess(property: string): string {
  return isIdentifier(property) ? `?.${property}` : `?.[${jsString(property)}]`;
}

/** DSL expression -> JavaScript. */
export function lowerExpression(expression: Expression, scope: ExpressionScope): string {
  const lower = (e: Expression): string => lowerExpression(e, scope);
  switch (expression.kind) {
    case 'literal':
      return typeof expression.value === 'string' ? jsString(expression.value) : String(expression.value);
    case 'identifier': {
      const variable = scope.variable(expression.name);
      if (variable !== undefined) return variable;
      if (expression.name === 'inputs' || expression.name === 'trigger' || expression.name === 'connections') {
        return `${nodeRef(scope.inputsNode)}.first().json.${expression.name}`;
      }
      throw new Error(`lowerExpression: unknown root '${expression.name}' (validate the agent first)`);
    }
    case 'member': {
      const object = expression.object;
      if (
        object.kind === 'member' &&
        object.object.kind === 'identifier' &&
        object.object.name === 'steps' &&
        scope.variable('steps') === undefined
      ) {
        if (expression.property !== 'output')
          throw new Error(`lowerExpression: steps.${object.property}.${expression.property}`);
        return scope.stepOutput(object.property);
      }
      return `${lower(object)}${propertyAccess(expression.property)}`;
    }
    case 'index':
      return `${lower(expression.object)}?.[${lower(expression.index)}]`;
    case 'call':
      return `${FUNCTIONS[expression.callee as FunctionName]}(${expression.args.map(lower).join(', ')})`;
    case 'unary':
      return `(${expression.operator}${lower(expression.operand)})`;
    case 'binary': {
      const operator =
        expression.operator === '==' ? '===' : expression.operator === '!=' ? '!==' : expression.operator;
      return `(${lower(expression.left)} ${operator} ${lower(expression.right)})`;
    }
    case 'conditional':
      return `(${lower(expression.test)} ? ${lower(expression.consequent)} : ${lower(expression.alternate)})`;
    case 'array':
      return `[${expression.items.map(lower).join(', ')}]`;
  }
}

/** A JavaScript expression for a value that contains expressions (templates join as text). */
export function lowerValue(value: ValueIR, scope: ExpressionScope): string {
  switch (value.kind) {
    case 'literal':
      return literalJs(value.value);
    case 'expression':
      return lowerExpression(value.expression, scope);
    case 'template':
      return value.parts
        .map((part) =>
          'text' in part ? jsString(part.text) : `${INTERPOLATE}(${lowerExpression(part.expression, scope)})`,
        )
        .join(' + ');
    case 'array':
      return `[${value.items.map((item) => lowerValue(item, scope)).join(', ')}]`;
    case 'object':
      return `({ ${value.entries.map(([key, item]) => `${jsString(key)}: ${lowerValue(item, scope)}`).join(', ')} })`;
  }
}

/** A literal JSON value as JavaScript (strings without braces). */
export function literalJs(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return jsString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(literalJs).join(', ')}]`;
  return `({ ${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${jsString(k)}: ${literalJs(v)}`)
    .join(', ')} })`;
}

/** `={{ js }}`, spacing any `}}`/`{{` that code (never text: text has no braces) would form. */
export function n8nExpression(js: string): string {
  return `={{ ${js.replace(/\}\}/g, '} }').replace(/\{\{/g, '{ {')} }}`;
}

/**
 * An n8n parameter value for a DSL value: literals stay literal (strings starting with `=` are wrapped so n8n never
 * evaluates them), anything with an expression becomes an n8n expression.
 */
export function parameterValue(
  value: ValueIR,
  scope: ExpressionScope,
  { json = false }: { json?: boolean } = {},
): unknown {
  if (value.kind === 'literal') {
    const literal = value.value;
    if (typeof literal === 'string')
      return literal.startsWith('=') || literal.includes('{{') ? n8nExpression(jsString(literal)) : literal;
    if (literal !== null && typeof literal === 'object') {
      if (json) return JSON.stringify(literal, null, 2);
      return n8nExpression(literalJs(literal));
    }
    return literal;
  }
  return n8nExpression(lowerValue(value, scope));
}
