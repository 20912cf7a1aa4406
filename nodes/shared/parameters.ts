/**
 * Reading node parameters the way the IONFLUX compiler writes them:
 *
 * - literal lists and objects (parameters of type array/object in the action catalog) arrive as JSON text and are
 *   parsed here; a value computed by an expression arrives already evaluated (an array or object);
 * - numbers may arrive as numbers or, from expressions, as numeric strings;
 * - parameters of "any" type (messages, body) arrive as they are: a string stays a string;
 * - an empty string means "not set" for optional parameters, and so does the JSON text `null` for "any" parameters
 *   (the default of their JSON field).
 *
 * Every failure is a NodeOperationError naming the parameter and the item, with what to write instead.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

type Context = Pick<IExecuteFunctions, 'getNodeParameter' | 'getNode'>;

export function parameterError(
  ctx: Pick<IExecuteFunctions, 'getNode'>,
  name: string,
  itemIndex: number,
  problem: string,
): NodeOperationError {
  return new NodeOperationError(ctx.getNode(), `Parameter "${name}" ${problem}`, { itemIndex });
}

function raw(ctx: Context, name: string, itemIndex: number): unknown {
  // A null fallback: n8n throws "Could not get parameter" for a missing parameter without one.
  return ctx.getNodeParameter(name, itemIndex, null);
}

const isUnset = (value: unknown) => value === undefined || value === null || value === '';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return `a ${typeof value}`;
}

export interface StringOptions {
  required?: boolean;
  /** Allowed values. */
  oneOf?: readonly string[];
}

export function readString(
  ctx: Context,
  name: string,
  itemIndex: number,
  options: StringOptions & { required: true },
): string;
export function readString(ctx: Context, name: string, itemIndex: number, options?: StringOptions): string | undefined;
export function readString(
  ctx: Context,
  name: string,
  itemIndex: number,
  options: StringOptions = {},
): string | undefined {
  const value = raw(ctx, name, itemIndex);
  if (isUnset(value) || (typeof value === 'string' && value.trim() === '')) {
    if (options.required) throw parameterError(ctx, name, itemIndex, 'is required.');
    return undefined;
  }
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else throw parameterError(ctx, name, itemIndex, `must be text, but got ${describe(value)}.`);
  if (options.oneOf && !options.oneOf.includes(text)) {
    throw parameterError(
      ctx,
      name,
      itemIndex,
      `must be one of ${options.oneOf.map((o) => `"${o}"`).join(', ')}, but got "${text}".`,
    );
  }
  return text;
}

export interface NumberOptions {
  required?: boolean;
  min?: number;
  max?: number;
  integer?: boolean;
  /** Allowed values. */
  oneOf?: readonly number[];
}

export function readNumber(
  ctx: Context,
  name: string,
  itemIndex: number,
  options: NumberOptions & { required: true },
): number;
export function readNumber(ctx: Context, name: string, itemIndex: number, options?: NumberOptions): number | undefined;
export function readNumber(
  ctx: Context,
  name: string,
  itemIndex: number,
  options: NumberOptions = {},
): number | undefined {
  const value = raw(ctx, name, itemIndex);
  if (isUnset(value)) {
    if (options.required) throw parameterError(ctx, name, itemIndex, 'is required.');
    return undefined;
  }
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  const kind = options.integer ? 'a whole number' : 'a number';
  if (!Number.isFinite(n)) throw parameterError(ctx, name, itemIndex, `must be ${kind}, but got ${describe(value)}.`);
  if (options.integer && !Number.isInteger(n))
    throw parameterError(ctx, name, itemIndex, `must be a whole number, but got ${n}.`);
  if (options.oneOf && !options.oneOf.includes(n))
    throw parameterError(ctx, name, itemIndex, `must be one of ${options.oneOf.join(', ')}, but got ${n}.`);
  if (options.min !== undefined && n < options.min)
    throw parameterError(ctx, name, itemIndex, `must be at least ${options.min}, but got ${n}.`);
  if (options.max !== undefined && n > options.max)
    throw parameterError(ctx, name, itemIndex, `must be at most ${options.max}, but got ${n}.`);
  return n;
}

export function readInteger(
  ctx: Context,
  name: string,
  itemIndex: number,
  options: Omit<NumberOptions, 'integer'> & { required: true },
): number;
export function readInteger(
  ctx: Context,
  name: string,
  itemIndex: number,
  options?: Omit<NumberOptions, 'integer'>,
): number | undefined;
export function readInteger(
  ctx: Context,
  name: string,
  itemIndex: number,
  options: Omit<NumberOptions, 'integer'> = {},
): number | undefined {
  return readNumber(ctx, name, itemIndex, { ...options, integer: true });
}

/** Parses JSON text, failing with an error that names the parameter and the JSON problem. */
function parseJsonText(ctx: Context, name: string, itemIndex: number, text: string, expected: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw parameterError(
      ctx,
      name,
      itemIndex,
      `must be ${expected} written as JSON, but its text is not valid JSON (${(error as Error).message}).`,
    );
  }
}

export interface ListOptions {
  required?: boolean;
  minItems?: number;
  maxItems?: number;
}

/** A list of strings: an evaluated array, or JSON text such as `["a", "b"]`. */
export function readStringList(
  ctx: Context,
  name: string,
  itemIndex: number,
  options: ListOptions = {},
): string[] | undefined {
  const value = raw(ctx, name, itemIndex);
  if (isUnset(value) || (typeof value === 'string' && value.trim() === '')) {
    if (options.required)
      throw parameterError(ctx, name, itemIndex, 'is required: give a list such as ["first", "second"].');
    return undefined;
  }
  const list =
    typeof value === 'string'
      ? parseJsonText(ctx, name, itemIndex, value, 'a list of texts such as ["first", "second"]')
      : value;
  if (!Array.isArray(list))
    throw parameterError(
      ctx,
      name,
      itemIndex,
      `must be a list of texts such as ["first", "second"], but got ${describe(list)}.`,
    );
  const out = list.map((entry, index) => {
    if (typeof entry === 'string') return entry;
    if (typeof entry === 'number' || typeof entry === 'bigint') return String(entry);
    throw parameterError(ctx, name, itemIndex, `must contain only texts, but entry ${index} is ${describe(entry)}.`);
  });
  if (options.minItems !== undefined && out.length < options.minItems)
    throw parameterError(
      ctx,
      name,
      itemIndex,
      `needs at least ${options.minItems} entr${options.minItems === 1 ? 'y' : 'ies'}, but has ${out.length}.`,
    );
  if (options.maxItems !== undefined && out.length > options.maxItems)
    throw parameterError(ctx, name, itemIndex, `takes at most ${options.maxItems} entries, but has ${out.length}.`);
  return out;
}

/** A JSON object: an evaluated object, or JSON text such as `{ "a": 1 }`. */
export function readObject(
  ctx: Context,
  name: string,
  itemIndex: number,
  options: { required?: boolean } = {},
): IDataObject | undefined {
  const value = raw(ctx, name, itemIndex);
  if (isUnset(value) || (typeof value === 'string' && value.trim() === '')) {
    if (options.required)
      throw parameterError(ctx, name, itemIndex, 'is required: give a JSON object such as { "key": "value" }.');
    return undefined;
  }
  const parsed =
    typeof value === 'string'
      ? parseJsonText(ctx, name, itemIndex, value, 'an object such as { "key": "value" }')
      : value;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw parameterError(
      ctx,
      name,
      itemIndex,
      `must be an object such as { "key": "value" }, but got ${describe(parsed)}.`,
    );
  }
  return parsed as IDataObject;
}

/** An object whose values are texts (headers, query parameters); numbers and booleans are turned into text. */
export function readStringRecord(ctx: Context, name: string, itemIndex: number): Record<string, string> | undefined {
  const object = readObject(ctx, name, itemIndex);
  if (!object) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else throw parameterError(ctx, name, itemIndex, `must map names to texts, but "${key}" is ${describe(value)}.`);
  }
  return out;
}

/**
 * A parameter of any type, as given (undefined when unset). Its field is a JSON field whose default is the text
 * `null` (n8n's JSON editor marks an empty one as invalid), so that text means unset too; the compiler writes the
 * DSL text "null" as an expression, never as that text.
 */
export function readAny(ctx: Context, name: string, itemIndex: number): unknown {
  const value = raw(ctx, name, itemIndex);
  return isUnset(value) || (typeof value === 'string' && value.trim() === 'null') ? undefined : value;
}
