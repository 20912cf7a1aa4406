/**
 * How the agent's plain value changed from one analysis to the next, as the analysis worker sends it to the editor
 * (agent-worker-protocol.ts): a keystroke inside one step's parameter changes one string of the value, so the worker
 * sends that string and its path instead of the whole value (65 KB of structured clone for the 1,017-line agent of
 * bench/dsl, parsed again into a few thousand objects on the page's main thread at every keystroke).
 */
export type ValuePath = (string | number)[];

/** The value at `path` becomes `value` (an empty path: the whole value). */
export interface ValueReplacement {
  path: ValuePath;
  value: unknown;
}

export type ValueChange = { whole: unknown } | { replacements: ValueReplacement[] };

type Obj = Record<string, unknown>;
const isPlainObject = (v: unknown): v is Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  // Object.prototype of any realm (a worker's message is built in the page's), or none.
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
};
const sameKeys = (a: string[], b: string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

/**
 * The replacements that turn `before` into `after` (plain JSON-like values, as YAML parses them): equal parts are
 * skipped (by identity first: the incremental validator keeps the parse of every unchanged step), objects with the
 * same keys in the same order and arrays of the same length are compared item by item, anything else is replaced
 * whole. More than `limit` replacements: the whole value instead (`{ whole }`); nothing changed: undefined.
 *
 * @example valueChangeBetween({ a: 1, b: [2] }, { a: 1, b: [3] }) // { replacements: [{ path: ['b', 0], value: 3 }] }
 */
export function valueChangeBetween(before: unknown, after: unknown, limit = 32): ValueChange | undefined {
  const replacements: ValueReplacement[] = [];
  const path: ValuePath = [];
  const compareAt = (a: unknown, b: unknown, key: string | number): boolean => {
    path.push(key);
    const same = compare(a, b);
    path.pop();
    return same;
  };
  // False once there are more than `limit` replacements.
  const compare = (a: unknown, b: unknown): boolean => {
    if (Object.is(a, b)) return true;
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      for (let i = 0; i < a.length; i++) if (!compareAt(a[i], b[i], i)) return false;
      return true;
    }
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = Object.keys(b);
      if (sameKeys(Object.keys(a), keys)) {
        for (const key of keys) if (!compareAt(a[key], b[key], key)) return false;
        return true;
      }
    }
    replacements.push({ path: [...path], value: b });
    return replacements.length <= limit;
  };
  if (!compare(before, after)) return { whole: after };
  if (replacements.length === 0) return undefined;
  if (replacements.length === 1 && replacements[0]!.path.length === 0) return { whole: after };
  return { replacements };
}

/**
 * `value` with `change` applied, copying only the objects and arrays on the replaced paths (the rest is shared with
 * `value`, which is not modified).
 */
export function applyValueChange(value: unknown, change: ValueChange): unknown {
  if ('whole' in change) return change.whole;
  let root = value;
  // Containers already copied by this call (written in place by the next replacements).
  const copies = new Set<unknown>();
  const copyOf = (container: unknown): Obj | unknown[] => {
    if (copies.has(container)) return container as Obj | unknown[];
    const copy = Array.isArray(container) ? [...(container as unknown[])] : { ...(container as Obj) };
    copies.add(copy);
    return copy;
  };
  const set = (container: Obj | unknown[], key: string | number, item: unknown) => {
    // Own data property even for a key named __proto__ (YAML allows it; an assignment would set the prototype).
    Object.defineProperty(container, key, { value: item, writable: true, enumerable: true, configurable: true });
  };
  for (const { path, value: next } of change.replacements) {
    if (path.length === 0) {
      root = next;
      continue;
    }
    root = copyOf(root);
    let container = root as Obj | unknown[];
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i]!;
      const child = copyOf((container as Obj)[key]);
      set(container, key, child);
      container = child;
    }
    set(container, path[path.length - 1]!, next);
  }
  return root;
}
