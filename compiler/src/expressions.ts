import { isDefinitely, type Expression, type FunctionName, type ValueType } from '@ionflux/dsl';
import type { TemplatePartIR, ValueIR } from './ir';

/**
 * Translates DSL expressions into n8n expressions (JavaScript inside `={{ }}`) and back. Text templates in node
 * parameters use n8n's own template form instead (`n8nTemplate`).
 *
 * Every DSL function becomes an immediately invoked arrow function whose source is fixed (`FUNCTIONS` below), so
 * the translation can be reversed exactly, and so the JavaScript is self-contained (n8n's expression sandbox has no
 * helpers of ours). Each computes what `@ionflux/dsl`'s reference implementation (`referenceFunctions`) defines;
 * the engine's expression differential test runs both on generated data and compares. Shared conversions are
 * default parameters (`t = <text>`), which calls never pass because they give at most the function's arity.
 *
 * What n8n's expression evaluator does to JavaScript, and so what the generated code must avoid:
 * - When an expression calls one of n8n's extension methods (`.first()` does), n8n rewrites every optional chain,
 *   and a computed key with a variable (`v?.[f]`) becomes a fixed name (`v.f`): the field read gives undefined
 *   without any error. Only literal keys (`?.["a b"]`, `?.[0]`) survive; variable keys go through `FIELD`.
 * - Any variable computed key (`v[k]`) is checked by n8n's sanitizer, which refuses names such as `constructor`.
 * Member access is null-safe (`?.`): a missing field gives undefined instead of failing the run. String literals
 * escape `{` and `}` so generated code never contains `{{` or `}}` inside text.
 */
const TEXT = '(x) => x == null ? "" : typeof x === "object" ? JSON.stringify(x) : String(x)';
const NUMERIC_TEXT = 'parseFloat(v.replace(/[^0-9eE+.-]/g, ""))';
/** `number(value)`. */
const NUMBER = `(v) => typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "string" ? ((n) => Number.isFinite(n) ? n : 0)(${NUMERIC_TEXT}) : 0`;
/** The number an aggregate counts, undefined for a value it skips. */
const AGGREGATE_NUMBER = `(v) => typeof v === "number" ? (Number.isFinite(v) ? v : undefined) : typeof v === "string" ? ((n) => Number.isFinite(n) ? n : undefined)(${NUMERIC_TEXT}) : undefined`;
/** An own field (or index) of a value; undefined when missing. */
const FIELD =
  '(v, k) => (k = typeof k === "number" ? k : String(k), v != null && Object.hasOwn(Object(v), k) ? v[k] : undefined)';
/** Value equality: missing equals null, lists and objects by their JSON. */
const SAME =
  '(a, b) => (a = a ?? null, b = b ?? null, typeof a === "object" && typeof b === "object" && a !== null && b !== null ? JSON.stringify(a) === JSON.stringify(b) : a === b)';
const LIST = '(Array.isArray(l) ? l : [])';
const AGGREGATE = `(l = ${LIST}.map((v) => num(f == null ? v : get(v, f))).filter((n) => n !== undefined), `;
const SORT_NUMBER =
  '(v) => typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : undefined';
const SORT_RANK = '(v) => v == null ? 3 : n(v) !== undefined ? 0 : typeof v === "string" ? 1 : 2';
const SORT_COMPARE =
  '(a, b, ra = rank(a), rb = rank(b)) => ra === 3 || rb === 3 ? ra - rb : ra !== rb ? o * (ra - rb) : ra === 0 ? o * (n(a) - n(b)) : (a = t(a), b = t(b), o * (a < b ? -1 : a > b ? 1 : 0))';
const DIGITS = (min: number, max: number) =>
  `(d = Math.trunc(num(d ?? 0)), d = Number.isFinite(d) ? Math.min(${max}, Math.max(${min}, d)) : 0, `;

export const FUNCTIONS: Record<FunctionName, string> = {
  length:
    '((v) => typeof v === "string" ? Array.from(v).length : Array.isArray(v) ? v.length : v !== null && typeof v === "object" ? Object.keys(v).length : 0)',
  lower: `((s, t = ${TEXT}) => t(s).toLowerCase())`,
  upper: `((s, t = ${TEXT}) => t(s).toUpperCase())`,
  trim: `((s, t = ${TEXT}) => t(s).trim())`,
  truncate: `((s, n, t = ${TEXT}, num = ${NUMBER}) => (s = Array.from(t(s)), n = Math.max(0, Math.trunc(num(n))), s.length > n ? s.slice(0, Math.max(0, n - 1)).join("") + "\\u2026" : s.join("")))`,
  join: `((l, sep, t = ${TEXT}) => ${LIST}.map((v) => t(v)).join(sep == null ? ", " : t(sep)))`,
  split: `((s, sep, t = ${TEXT}) => (s = t(s), sep = t(sep), sep === "" ? Array.from(s) : s.split(sep)))`,
  number: `(${NUMBER})`,
  // Not `(${TEXT})`: that is INTERPOLATE, and the decompiler tells them apart by their source.
  string: `((v, t = ${TEXT}) => t(v))`,
  json: '((v) => JSON.stringify(v ?? null))',
  round: `((v, d, num = ${NUMBER}) => ${DIGITS(-15, 15)}d = 10 ** d, v = num(v), Math.sign(v) * Math.round(Math.abs(v) * d * (1 + Number.EPSILON)) / d))`,
  sum: `((l, f, num = ${AGGREGATE_NUMBER}, get = ${FIELD}) => ${AGGREGATE}l.reduce((a, n) => a + n, 0)))`,
  avg: `((l, f, num = ${AGGREGATE_NUMBER}, get = ${FIELD}) => ${AGGREGATE}l.length ? l.reduce((a, n) => a + n, 0) / l.length : 0))`,
  min: `((l, f, num = ${AGGREGATE_NUMBER}, get = ${FIELD}) => ${AGGREGATE}l.length ? l.reduce((a, b) => b < a ? b : a) : null))`,
  max: `((l, f, num = ${AGGREGATE_NUMBER}, get = ${FIELD}) => ${AGGREGATE}l.length ? l.reduce((a, b) => b > a ? b : a) : null))`,
  pluck: `((l, f, get = ${FIELD}) => ${LIST}.map((v) => get(v, f) ?? null))`,
  where: `((l, f, x, get = ${FIELD}, same = ${SAME}) => ${LIST}.filter((v) => same(get(v, f), x)))`,
  sortBy: `((l, f, o, get = ${FIELD}, t = ${TEXT}, n = ${SORT_NUMBER}, rank = ${SORT_RANK}, compare = ${SORT_COMPARE}) => (o = o === "desc" ? -1 : 1, [...${LIST}].sort((a, b) => f == null ? compare(a, b) : compare(get(a, f), get(b, f)))))`,
  unique: `((l, same = ${SAME}) => ${LIST}.filter((v, i, all) => all.findIndex((w) => same(w, v)) === i))`,
  first: '((l) => Array.isArray(l) && l.length ? l[0] ?? null : null)',
  last: '((l) => Array.isArray(l) && l.length ? l[l.length - 1] ?? null : null)',
  slice: `((v, a, b, num = ${NUMBER}) => (a = num(a), b = b == null ? undefined : num(b), typeof v === "string" ? Array.from(v).slice(a, b).join("") : (Array.isArray(v) ? v : []).slice(a, b)))`,
  contains: `((h, n, t = ${TEXT}, same = ${SAME}) => Array.isArray(h) ? h.some((v) => same(v, n)) : n == null ? false : t(h).includes(t(n)))`,
  keys: '((o) => o !== null && typeof o === "object" && !Array.isArray(o) ? Object.keys(o) : [])',
  default: '((v, f) => v == null || v === "" ? f : v)',
  now: '(() => new Date().toISOString())',
  today: '(() => new Date().toISOString().slice(0, 10))',
  daysAgo: `((n, num = ${NUMBER}) => (n = new Date(Date.now() - num(n) * 86400000), Number.isNaN(n.getTime()) ? null : n.toISOString().slice(0, 10)))`,
  money: `((a, c, num = ${NUMBER}, t = ${TEXT}, code) => (a = num(a), c = t(c).trim(), code = c.toUpperCase() || "USD", /^[A-Z]{3}$/.test(code) ? new Intl.NumberFormat("en-US", { style: "currency", currency: code }).format(a) : new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(a) + " " + c))`,
  percent: `((r, d, num = ${NUMBER}) => ${DIGITS(0, 20)}(num(r) * 100).toFixed(d) + "%"))`,
};

/** Text interpolation: how a value reads inside a template (objects as JSON, null as nothing): `textOf`. */
export const INTERPOLATE = `(${TEXT})`;

/** `a[k]` with a key that is not a literal (n8n would turn `a?.[k]` into `a.k`): an own field, as `readField`. */
export const FIELD_ACCESS = `(${FIELD})`;
/** `a == b` / `a != b` when neither side is a literal: value equality, as `sameValue`. */
export const EQUALS = `(${SAME})`;
export const NOT_EQUALS = `((a, b, same = ${SAME}) => !same(a, b))`;

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
    case 'index': {
      const key = expression.index;
      const literalKey =
        key.kind === 'literal' &&
        (typeof key.value === 'string' ||
          (typeof key.value === 'number' && Number.isSafeInteger(key.value) && key.value >= 0));
      return literalKey
        ? `${lower(expression.object)}?.[${lower(key)}]`
        : `${FIELD_ACCESS}(${lower(expression.object)}, ${lower(key)})`;
    }
    case 'call':
      return `${FUNCTIONS[expression.callee as FunctionName]}(${expression.args.map(lower).join(', ')})`;
    case 'unary':
      return `(${expression.operator}${lower(expression.operand)})`;
    case 'binary':
      return lowerBinary(expression, lower);
    case 'conditional':
      return `(${lower(expression.test)} ? ${lower(expression.consequent)} : ${lower(expression.alternate)})`;
    case 'array':
      return `[${expression.items.map(lower).join(', ')}]`;
  }
}

/**
 * Operators are JavaScript's, except equality, which compares values (`sameValue`): against a text, number or
 * boolean literal that is `===`, against `null` it is `== null` (missing equals null), otherwise `EQUALS`.
 */
function lowerBinary(expression: Extract<Expression, { kind: 'binary' }>, lower: (e: Expression) => string): string {
  const { operator, left, right } = expression;
  if (operator !== '==' && operator !== '!=') return `(${lower(left)} ${operator} ${lower(right)})`;
  const isLiteral = (e: Expression) => e.kind === 'literal';
  if (isLiteral(left) || isLiteral(right)) {
    const isNull = (e: Expression) => e.kind === 'literal' && e.value === null;
    const strict = isNull(left) || isNull(right) ? operator : `${operator}=`;
    return `(${lower(left)} ${strict} ${lower(right)})`;
  }
  return `${operator === '==' ? EQUALS : NOT_EQUALS}(${lower(left)}, ${lower(right)})`;
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

/** Whether an expression computes anything with arithmetic (`+ - * / %`), which can give NaN. */
function hasArithmetic(expression: Expression): boolean {
  switch (expression.kind) {
    case 'literal':
    case 'identifier':
      return false;
    case 'member':
      return hasArithmetic(expression.object);
    case 'index':
      return hasArithmetic(expression.object) || hasArithmetic(expression.index);
    case 'call':
      return expression.args.some(hasArithmetic);
    case 'unary':
      return hasArithmetic(expression.operand);
    case 'binary':
      return (
        ['+', '-', '*', '/', '%'].includes(expression.operator) ||
        [expression.left, expression.right].some(hasArithmetic)
      );
    case 'conditional':
      return [expression.test, expression.consequent, expression.alternate].some(hasArithmetic);
    case 'array':
      return expression.items.some(hasArithmetic);
  }
}

/**
 * Whether n8n's own `{{ }}` in a text renders this interpolation as the DSL does (`textOf`). n8n joins the pieces
 * of a text as `v || v === 0 || v === false ? v : ""` then `Array.prototype.join`: the same text for a string, a
 * boolean, null and a missing value, and for a number other than NaN; a list or an object would read
 * `a,b` / `[object Object]` instead of JSON. So: only when the checker proved the value is one of those types (a
 * number only when no arithmetic could have made it NaN).
 */
export function rendersNatively(part: { expression: Expression; type?: ValueType }): boolean {
  if (!part.type) return false;
  if (isDefinitely(part.type, ['string', 'boolean', 'null'])) return true;
  return isDefinitely(part.type, ['string', 'boolean', 'null', 'number']) && !hasArithmetic(part.expression);
}

/**
 * A text template in n8n's own form, as a person would type it: `=Order {{ $("Inputs").first().json.trigger?.name
 * }} is late`. Interpolations n8n renders the same way stay bare; the others keep `textOf` (`INTERPOLATE`).
 * Undefined when the text has braces or backslashes (n8n's template splitter treats them specially), in which case
 * the caller writes the JavaScript form.
 */
export function n8nTemplate(parts: TemplatePartIR[], scope: ExpressionScope): string | undefined {
  if (parts.some((part) => 'text' in part && /[{}\\]/.test(part.text))) return undefined;
  const code = (js: string) => `{{ ${js.replace(/\}\}/g, '} }').replace(/\{\{/g, '{ {')} }}`;
  return `=${parts
    .map((part) => {
      if ('text' in part) return part.text;
      const js = lowerExpression(part.expression, scope);
      return code(rendersNatively(part) ? js : `${INTERPOLATE}(${js})`);
    })
    .join('')}`;
}

/**
 * An n8n parameter value for a DSL value: literals stay literal (strings starting with `=` are wrapped so n8n never
 * evaluates them), anything with an expression becomes an n8n expression. `json`: lists and objects as JSON text;
 * `anyJson`: the parameter takes any type in a JSON field.
 */
export function parameterValue(
  value: ValueIR,
  scope: ExpressionScope,
  { json = false, anyJson = false }: { json?: boolean; anyJson?: boolean } = {},
): unknown {
  if (value.kind === 'literal') {
    const literal = value.value;
    // An "any" parameter's JSON field reads the text `null` (its default) as unset: the text "null" is an expression.
    const unsetText = anyJson && literal === 'null';
    if (typeof literal === 'string')
      return literal.startsWith('=') || literal.includes('{{') || unsetText
        ? n8nExpression(jsString(literal))
        : literal;
    if (literal !== null && typeof literal === 'object') {
      if (json) return JSON.stringify(literal, null, 2);
      return n8nExpression(literalJs(literal));
    }
    return literal;
  }
  if (value.kind === 'template') {
    const template = n8nTemplate(value.parts, scope);
    if (template !== undefined) return template;
  }
  return n8nExpression(lowerValue(value, scope));
}
