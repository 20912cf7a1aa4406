/**
 * Structural comparison for contract tests: does `actual` have every key of the documented example `expected`, with
 * the same JSON type at every path? `null` in the example means "nullable, any type"; an array in the example is
 * matched element-wise against its first element. Extra keys in `actual` are allowed (the emulator may return more).
 */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function shapeMismatches(actual: unknown, expected: unknown, path = '$'): string[] {
  if (expected === null) return [];
  const te = jsonType(expected);
  const ta = jsonType(actual);
  if (te !== ta) return [`${path}: expected ${te}, got ${ta}`];
  if (te === 'array') {
    const example = (expected as unknown[])[0];
    if (example === undefined) return [];
    return (actual as unknown[]).flatMap((item, i) => shapeMismatches(item, example, `${path}[${i}]`));
  }
  if (te === 'object') {
    const out: string[] = [];
    for (const [key, value] of Object.entries(expected as Record<string, unknown>)) {
      if (key === '_source') continue; // where the example comes from, not part of the shape
      if (!(key in (actual as Record<string, unknown>))) out.push(`${path}.${key}: missing`);
      else out.push(...shapeMismatches((actual as Record<string, unknown>)[key], value, `${path}.${key}`));
    }
    return out;
  }
  return [];
}
