/**
 * Where asking monaco-yaml for completions can find nothing. Its worker matches the whole agent against
 * the schema on every request (50-300 ms of a core for a 1,000-line agent, competing with the keystroke's own
 * analysis on two cores), and a schema completes a value only from what it lists: `enum`, `const`, `default`,
 * `examples`, booleans, or the alternatives of an `anyOf`/`oneOf`. A property the schema declares, wherever it declares
 * it, as a bare string or number (`instructions`, `prompt`, `text`: free text) gets nothing after its `:`. Pure: no
 * Monaco, no DOM.
 */

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keywords that describe or constrain a scalar without giving a value to offer. */
const DESCRIBING = new Set([
  'type',
  'description',
  'markdownDescription',
  'title',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'format',
  'deprecated',
]);

/** A bare string or number: nothing but `type` and keywords from DESCRIBING. */
function isFreeScalar(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  const { type } = schema;
  if (type !== 'string' && type !== 'number' && type !== 'integer') return false;
  return Object.keys(schema).every((keyword) => DESCRIBING.has(keyword));
}

export interface SchemaCompletionGate {
  /** Property names declared as a free scalar everywhere the schema declares them. */
  freeValueKeys: ReadonlySet<string>;
  /** Properties whose keys the author names (`inputs`, `connections`, `cases`): their values follow other rules. */
  authorNamedMaps: ReadonlySet<string>;
}

/** Reads the whole schema once (every `properties` anywhere, `$defs` included). */
export function schemaCompletionGateOf(schema: unknown): SchemaCompletionGate {
  const declarations = new Map<string, unknown[]>();
  const authorNamedMaps = new Set<string>();
  const resolve = (node: unknown): unknown => {
    if (!isObject(node) || typeof node.$ref !== 'string' || !node.$ref.startsWith('#/')) return node;
    return node.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (at, part) => (isObject(at) ? at[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
        schema,
      );
  };
  // Keys the author names: additional or pattern properties, here, behind a $ref or in an alternative.
  const namesKeys = (node: unknown, depth = 0): boolean => {
    const target = resolve(node);
    if (!isObject(target) || depth > 8) return false;
    if (isObject(target.additionalProperties) || isObject(target.patternProperties)) return true;
    return (['anyOf', 'oneOf', 'allOf'] as const).some(
      (keyword) =>
        Array.isArray(target[keyword]) && (target[keyword] as unknown[]).some((n) => namesKeys(n, depth + 1)),
    );
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    if (isObject(node.properties))
      for (const [key, value] of Object.entries(node.properties)) {
        const list = declarations.get(key) ?? [];
        list.push(value);
        declarations.set(key, list);
        if (namesKeys(value)) authorNamedMaps.add(key);
      }
    Object.values(node).forEach(visit);
  };
  visit(schema);
  const freeValueKeys = new Set([...declarations].filter(([, list]) => list.every(isFreeScalar)).map(([key]) => key));
  return { freeValueKeys, authorNamedMaps };
}

/** `key: "word` at the end of a line's text before the cursor (block style; the key may follow a list dash). */
const VALUE_AFTER_KEY = /^(\s*)(-\s+)?([A-Za-z_][\w.-]*)\s*:\s+["']?[^\s"']*$/;
const KEY_OF_LINE = /^(\s*)(-\s+)?([^\s#:][^:#]*?)\s*:(\s|$)/;

/**
 * Whether a completion at the end of `before` (the line's text before the cursor) can find nothing in the schema: a
 * value of a free-text key. `lineAbove(n)` gives the n-th line above the
 * cursor's (1: the previous one), undefined past the top: a key inside an author-named map (an input called `text`)
 * is no declared property, so the schema's rules for that map decide, and the worker is asked.
 *
 * @example
 * const gate = schemaCompletionGateOf(agentSchema);
 * nothingToComplete(gate, '      instructions: "Kee', () => '    with:'); // true
 */
export function nothingToComplete(
  gate: SchemaCompletionGate,
  before: string,
  lineAbove: (n: number) => string | undefined,
): boolean {
  const match = VALUE_AFTER_KEY.exec(before);
  if (!match || !gate.freeValueKeys.has(match[3]!)) return false;
  // An item of a list (`- text: "..."`) is a mapping of its own: its parent is no author-named map.
  if (match[2]) return true;
  const indent = match[1]!.length;
  for (let n = 1; ; n++) {
    const line = lineAbove(n);
    if (line === undefined) return indent === 0;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const lineIndent = line.length - trimmed.length;
    if (lineIndent >= indent) continue;
    const parent = KEY_OF_LINE.exec(line);
    // The line that holds this mapping: a list item's first key (its sibling, not its parent) or the parent key.
    if (!parent || parent[2]) return !!parent;
    return !gate.authorNamedMaps.has(parent[3]!.replace(/^["']|["']$/g, ''));
  }
}
