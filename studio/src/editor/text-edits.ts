/**
 * The one replacement that turns `before` into `after` (common prefix and suffix kept): a graph edit becomes a
 * single undoable edit of the YAML model, touching only the characters that changed.
 */
export function replacementBetween(before: string, after: string): { start: number; end: number; text: string } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { start, end: endBefore, text: after.slice(start, endAfter) };
}

/** A fresh step id for an action: the last two parts of its name in camelCase, numbered when taken. */
export function stepIdFor(action: string, taken: Iterable<string>): string {
  const parts = action.split('.').slice(-2);
  const base = parts
    .map((p, i) => (i === 0 ? p.charAt(0).toLowerCase() + p.slice(1) : p.charAt(0).toUpperCase() + p.slice(1)))
    .join('')
    .replace(/[^a-zA-Z0-9_]/g, '');
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}
