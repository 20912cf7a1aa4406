import type { FunctionName } from './functions';

/**
 * What every expression function means, as executable TypeScript: the reference the compiled n8n expressions are
 * tested against (engine `expression-differential.test.ts` evaluates generated expressions both ways and compares).
 * The compiler's helpers (compiler `expressions.ts`) must compute exactly these values; change both together.
 *
 * Values are JSON values plus `undefined` for a missing field. The conventions shared by the functions:
 * - Text: `null`/missing is empty text, objects and lists are their JSON, anything else `String(value)`. Text
 *   lengths and positions count characters (Unicode code points), so an emoji is one character.
 * - Fields of objects are read as own properties only (`readField`): a list of objects never yields JavaScript
 *   built-ins such as `toString`, and a missing field is `undefined`.
 * - Numbers: `number(value)` converts text such as `"$1,234.50"` to 1234.5 (0 when there is no number); the list
 *   aggregates (`sum`, `avg`, `min`, `max`) skip values that are not numbers or numeric text (missing fields, null,
 *   booleans, objects), as SQL aggregates skip NULL.
 * - Equality (`where`, `contains`, `unique`, `==`) compares values: missing equals null, lists and objects are equal
 *   when their JSON is.
 */

/** How a value reads as text (also how `{{ }}` interpolates a value into a text). */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The number in a text, ignoring currency signs, thousands separators and spaces; NaN when there is none. */
function parseNumericText(text: string): number {
  return parseFloat(text.replace(/[^0-9eE+.-]/g, ''));
}

/** `number(value)`: numbers as they are, booleans as 1/0, numeric text parsed, anything else 0. */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const parsed = parseNumericText(value);
    return Number.isFinite(parsed) ? parsed : 0;
  }
  return 0;
}

/** The number an aggregate counts for a value, or undefined when it skips it. */
export function aggregateNumberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const parsed = parseNumericText(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** An own field of an object (or an index of a list or text); undefined when missing. */
export function readField(value: unknown, key: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const object = Object(value) as Record<PropertyKey, unknown>;
  const property = typeof key === 'number' ? key : String(key);
  return Object.hasOwn(object, property) ? object[property] : undefined;
}

/** Value equality: missing equals null; lists and objects compare by their JSON. */
export function sameValue(a: unknown, b: unknown): boolean {
  const left = a ?? null;
  const right = b ?? null;
  if (typeof left === 'object' && typeof right === 'object' && left !== null && right !== null) {
    return JSON.stringify(left) === JSON.stringify(right);
  }
  return left === right;
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const characters = (text: string): string[] => Array.from(text);
const fieldOrItem = (item: unknown, field: unknown): unknown =>
  field === null || field === undefined ? item : readField(item, field);

function aggregate(list: unknown, field: unknown): number[] {
  const numbers: number[] = [];
  for (const item of listOf(list)) {
    const number = aggregateNumberOf(fieldOrItem(item, field));
    if (number !== undefined) numbers.push(number);
  }
  return numbers;
}

/** Text that is a plain number ("12.50", " 7 ") sorts as that number. */
function sortNumberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/**
 * Sort order of two field values for `sortBy`: numbers and numeric text (by value) before other text (by UTF-16 code
 * units) before lists, objects and booleans (by their text); `desc` reverses that. Missing and null values come last
 * in both orders.
 */
function compareForSort(a: unknown, b: unknown, direction: number): number {
  const rank = (v: unknown) =>
    v === null || v === undefined ? 3 : sortNumberOf(v) !== undefined ? 0 : typeof v === 'string' ? 1 : 2;
  const ra = rank(a);
  const rb = rank(b);
  if (ra === 3 || rb === 3) return ra - rb;
  if (ra !== rb) return direction * (ra - rb);
  if (ra === 0) return direction * (sortNumberOf(a)! - sortNumberOf(b)!);
  const ta = textOf(a);
  const tb = textOf(b);
  return direction * (ta < tb ? -1 : ta > tb ? 1 : 0);
}

/** A date `days` days before now (YYYY-MM-DD, UTC); null when the result is not a date. */
function dateDaysAgo(days: unknown, now: number): string | null {
  const date = new Date(now - numberOf(days) * 86_400_000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().slice(0, 10);
}

function formatMoney(amount: unknown, currency: unknown): string {
  const value = numberOf(amount);
  const code = textOf(currency).trim().toUpperCase() || 'USD';
  if (/^[A-Z]{3}$/.test(code)) {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).format(value);
  }
  const digits = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  return `${digits} ${textOf(currency).trim()}`;
}

/** Decimal places as a whole number within what toFixed and rounding accept. */
function digitsOf(value: unknown, { min, max }: { min: number; max: number }): number {
  const digits = Math.trunc(numberOf(value ?? 0));
  return Number.isFinite(digits) ? Math.min(max, Math.max(min, digits)) : 0;
}

/** Rounds half away from zero, correcting binary representation error (round(1.005, 2) is 1.01). */
function roundNumber(value: unknown, digits: unknown): number {
  const n = numberOf(value);
  const factor = 10 ** digitsOf(digits, { min: -15, max: 15 });
  return (Math.sign(n) * Math.round(Math.abs(n) * factor * (1 + Number.EPSILON))) / factor;
}

type ReferenceFunction = (...args: unknown[]) => unknown;

/** The clock the time functions read; tests pass their own. */
export interface ReferenceClock {
  now(): number;
}

/** The meaning of every function of `functionCatalog`, by name (a missing one is a type error). */
export function referenceFunctions(
  clock: ReferenceClock = { now: () => Date.now() },
): Record<FunctionName, ReferenceFunction> {
  return {
    length: (value) =>
      typeof value === 'string'
        ? characters(value).length
        : Array.isArray(value)
          ? value.length
          : value !== null && typeof value === 'object'
            ? Object.keys(value).length
            : 0,
    lower: (value) => textOf(value).toLowerCase(),
    upper: (value) => textOf(value).toUpperCase(),
    trim: (value) => textOf(value).trim(),
    truncate: (value, maxLength) => {
      const chars = characters(textOf(value));
      const max = Math.max(0, Math.trunc(numberOf(maxLength)));
      return chars.length > max ? chars.slice(0, Math.max(0, max - 1)).join('') + '\u2026' : chars.join('');
    },
    join: (list, separator) =>
      listOf(list)
        .map(textOf)
        .join(separator === null || separator === undefined ? ', ' : textOf(separator)),
    split: (value, separator) => {
      const text = textOf(value);
      const by = textOf(separator);
      return by === '' ? characters(text) : text.split(by);
    },
    number: (value) => numberOf(value),
    string: (value) => textOf(value),
    json: (value) => JSON.stringify(value ?? null),
    round: (value, digits) => roundNumber(value, digits),
    sum: (list, field) => aggregate(list, field).reduce((total, n) => total + n, 0),
    avg: (list, field) => {
      const numbers = aggregate(list, field);
      return numbers.length ? numbers.reduce((total, n) => total + n, 0) / numbers.length : 0;
    },
    min: (list, field) => {
      const numbers = aggregate(list, field);
      return numbers.length ? numbers.reduce((a, b) => (b < a ? b : a)) : null;
    },
    max: (list, field) => {
      const numbers = aggregate(list, field);
      return numbers.length ? numbers.reduce((a, b) => (b > a ? b : a)) : null;
    },
    pluck: (list, field) => listOf(list).map((item) => readField(item, field) ?? null),
    where: (list, field, value) => listOf(list).filter((item) => sameValue(readField(item, field), value)),
    sortBy: (list, field, order) => {
      const direction = order === 'desc' ? -1 : 1;
      // Array.prototype.sort is stable: items with equal keys keep their order. A null field sorts the items.
      return [...listOf(list)].sort((a, b) => compareForSort(fieldOrItem(a, field), fieldOrItem(b, field), direction));
    },
    unique: (list) =>
      listOf(list).filter((item, index, all) => all.findIndex((other) => sameValue(other, item)) === index),
    first: (list) => (Array.isArray(list) && list.length ? (list[0] ?? null) : null),
    last: (list) => (Array.isArray(list) && list.length ? (list[list.length - 1] ?? null) : null),
    slice: (value, start, end) => {
      const from = numberOf(start);
      const to = end === null || end === undefined ? undefined : numberOf(end);
      if (typeof value === 'string') return characters(value).slice(from, to).join('');
      return listOf(value).slice(from, to);
    },
    contains: (haystack, needle) => {
      if (Array.isArray(haystack)) return haystack.some((item) => sameValue(item, needle));
      if (needle === null || needle === undefined) return false;
      return textOf(haystack).includes(textOf(needle));
    },
    keys: (value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : []),
    default: (value, fallback) => (value === null || value === undefined || value === '' ? fallback : value),
    now: () => new Date(clock.now()).toISOString(),
    today: () => new Date(clock.now()).toISOString().slice(0, 10),
    daysAgo: (days) => dateDaysAgo(days, clock.now()),
    money: (amount, currency) => formatMoney(amount, currency),
    percent: (ratio, digits) => (numberOf(ratio) * 100).toFixed(digitsOf(digits, { min: 0, max: 20 })) + '%',
  };
}
