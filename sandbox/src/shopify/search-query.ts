/**
 * Shopify's search syntax for the `query` argument of connections
 * (https://shopify.dev/docs/api/usage/search-syntax):
 *
 *   created_at:>=2026-01-01 created_at:<'2026-02-01T00:00:00Z' financial_status:paid -status:cancelled
 *   title:*shirt* OR (vendor:"Peak Gear" AND inventory_total:<10)
 *
 * Terms are ANDed by default; `OR`, `AND`, `NOT`, a leading `-` and parentheses combine them. `field:value` compares a
 * field; `:>`, `:>=`, `:<`, `:<=` compare ranges; `*` is a wildcard in string values; a bare word searches the
 * resource's default fields. Like Shopify, an unknown field does not fail the request: the term is ignored and a warning
 * is reported in `extensions.search`.
 */

export type Comparator = '=' | '>' | '>=' | '<' | '<=';

export type SearchNode =
  | { kind: 'and'; nodes: SearchNode[] }
  | { kind: 'or'; nodes: SearchNode[] }
  | { kind: 'not'; node: SearchNode }
  | { kind: 'term'; field: string | null; comparator: Comparator; value: string }
  | { kind: 'all' };

export interface SearchWarning {
  field: string;
  message: string;
}

type Token = { type: 'word'; text: string; quoted: boolean } | { type: 'lparen' } | { type: 'rparen' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(') {
      tokens.push({ type: 'lparen' });
      i++;
      continue;
    }
    if (ch === ')') {
      tokens.push({ type: 'rparen' });
      i++;
      continue;
    }
    // A word runs to whitespace or a paren; quoted sections (anywhere in the word) may contain both.
    let text = '';
    let quoted = false;
    while (i < input.length && !/\s/.test(input[i]!) && input[i] !== '(' && input[i] !== ')') {
      const c = input[i]!;
      if (c === '"' || c === "'") {
        const end = input.indexOf(c, i + 1);
        const stop = end === -1 ? input.length : end;
        text += input.slice(i + 1, stop);
        quoted = true;
        i = stop + 1;
      } else if (c === '\\' && i + 1 < input.length) {
        text += input[i + 1];
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    tokens.push({ type: 'word', text, quoted });
  }
  return tokens;
}

function parseTerm(text: string, quoted: boolean): SearchNode {
  if (!quoted || /^[a-z_]+:/i.test(text)) {
    const match = /^([a-z_][a-z0-9_.]*):(>=|<=|>|<|=)?(.*)$/i.exec(text);
    if (match) {
      return {
        kind: 'term',
        field: match[1]!.toLowerCase(),
        comparator: (match[2] as Comparator | undefined) ?? '=',
        value: match[3]!,
      };
    }
  }
  return { kind: 'term', field: null, comparator: '=', value: text };
}

/** Parses a query string; never throws (unbalanced parentheses are tolerated). */
export function parseSearchQuery(input: string): SearchNode {
  const tokens = tokenize(input);
  let pos = 0;

  function parseOr(): SearchNode {
    const nodes = [parseAnd()];
    while (pos < tokens.length) {
      const t = tokens[pos]!;
      if (t.type === 'word' && !t.quoted && t.text === 'OR') {
        pos++;
        nodes.push(parseAnd());
      } else break;
    }
    return nodes.length === 1 ? nodes[0]! : { kind: 'or', nodes };
  }

  function parseAnd(): SearchNode {
    const nodes: SearchNode[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos]!;
      if (t.type === 'rparen') break;
      if (t.type === 'word' && !t.quoted && t.text === 'OR') break;
      if (t.type === 'word' && !t.quoted && t.text === 'AND') {
        pos++;
        continue;
      }
      nodes.push(parseUnary());
    }
    if (nodes.length === 0) return { kind: 'all' };
    return nodes.length === 1 ? nodes[0]! : { kind: 'and', nodes };
  }

  function parseUnary(): SearchNode {
    const t = tokens[pos]!;
    if (t.type === 'word' && !t.quoted && t.text === 'NOT') {
      pos++;
      return pos < tokens.length ? { kind: 'not', node: parseUnary() } : { kind: 'all' };
    }
    if (t.type === 'lparen') {
      pos++;
      const inner = parseOr();
      if (pos < tokens.length && tokens[pos]!.type === 'rparen') pos++;
      return inner;
    }
    if (t.type === 'rparen') {
      pos++;
      return { kind: 'all' };
    }
    pos++;
    if (!t.quoted && t.text.startsWith('-') && t.text.length > 1)
      return { kind: 'not', node: parseTerm(t.text.slice(1), false) };
    return parseTerm(t.text, t.quoted);
  }

  const root = parseOr();
  // Stray closing parentheses: parse what follows and AND it in.
  const rest: SearchNode[] = [];
  while (pos < tokens.length) {
    pos++;
    if (pos < tokens.length) rest.push(parseOr());
  }
  return rest.length === 0 ? root : { kind: 'and', nodes: [root, ...rest] };
}

// ---------------------------------------------------------------------------------------------------------------------
// Matching

export type FieldSpec<T> =
  | { type: 'date'; get: (item: T) => Date | null }
  | { type: 'number'; get: (item: T) => number | null }
  /** Case-insensitive string match; `*` wildcards; without wildcards, `word` mode matches any word prefix. */
  | { type: 'string'; get: (item: T) => string | readonly string[] | null; mode?: 'exact' | 'word' }
  | { type: 'boolean'; get: (item: T) => boolean }
  /** A custom predicate for enum-like fields; returning undefined marks the value invalid (term ignored). */
  | {
      type: 'custom';
      test: (item: T, value: string, comparator: Comparator) => boolean;
      valid?: (value: string) => boolean;
    };

export interface SearchFields<T> {
  fields: Record<string, FieldSpec<T>>;
  /** Fields a bare word is matched against. */
  defaultText: (item: T) => string[];
}

/** Date values: `2026-01-01` (start of that UTC day), a full ISO timestamp, or `now`. Returns [start, end) ms. */
export function parseDateValue(value: string, now: Date): [number, number] | null {
  const v = value.trim();
  if (v.toLowerCase() === 'now') return [now.getTime(), now.getTime() + 1];
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const start = Date.parse(`${v}T00:00:00Z`);
    return Number.isNaN(start) ? null : [start, start + 86_400_000];
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : [t, t + 1];
  }
  return null;
}

/**
 * `=` with a date matches the whole day (or the exact second); the range comparators compare with the instant the
 * value denotes (a date means its midnight, as Shopify reads it), so `>=2026-01-01 <2026-02-01` is exactly January.
 */
function compareRange(itemValue: number, range: [number, number], comparator: Comparator): boolean {
  const [start, end] = range;
  switch (comparator) {
    case '=':
      return itemValue >= start && itemValue < end;
    case '>':
      return itemValue > start;
    case '>=':
      return itemValue >= start;
    case '<':
      return itemValue < start;
    case '<=':
      return itemValue <= start;
  }
}

function wildcardRegExp(pattern: string): RegExp {
  const escaped = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 's');
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9@._+-]+|[-_.]/)
    .filter(Boolean);
}

function matchString(candidates: readonly string[], value: string, mode: 'exact' | 'word'): boolean {
  const v = value.toLowerCase();
  if (v.includes('*')) {
    const re = wildcardRegExp(v);
    return candidates.some((c) => re.test(c.toLowerCase()) || words(c).some((w) => re.test(w)));
  }
  if (mode === 'exact') return candidates.some((c) => c.toLowerCase() === v);
  const needle = words(v);
  return candidates.some((c) => {
    const lower = c.toLowerCase();
    if (lower === v) return true;
    const hay = words(c);
    return needle.length > 0 && needle.every((n) => hay.some((h) => h.startsWith(n)));
  });
}

export interface CompiledSearch<T> {
  matches: (item: T) => boolean;
  warnings: SearchWarning[];
  /** [from, to) bounds on `created_at` implied by top-level AND terms, to avoid generating unneeded days. */
  createdAtBounds: [number, number];
  /** Lower bound on `updated_at` of top-level AND terms (-Infinity when none). */
  updatedAtFrom: number;
}

/** Compiles a parsed query against a resource's fields. */
export function compileSearch<T>(root: SearchNode, spec: SearchFields<T>, now: Date): CompiledSearch<T> {
  const warnings: SearchWarning[] = [];

  function compile(node: SearchNode): (item: T) => boolean {
    switch (node.kind) {
      case 'all':
        return () => true;
      case 'and': {
        const parts = node.nodes.map(compile);
        return (item) => parts.every((p) => p(item));
      }
      case 'or': {
        const parts = node.nodes.map(compile);
        return (item) => parts.some((p) => p(item));
      }
      case 'not': {
        const inner = compile(node.node);
        return (item) => !inner(item);
      }
      case 'term':
        return compileTerm(node);
    }
  }

  function compileTerm(term: { field: string | null; comparator: Comparator; value: string }): (item: T) => boolean {
    if (term.field === null) {
      if (term.value === '') return () => true;
      return (item) => matchString(spec.defaultText(item), term.value, 'word');
    }
    const field = spec.fields[term.field];
    if (!field) {
      warnings.push({ field: term.field, message: 'Invalid search field for this query.' });
      return () => true;
    }
    const value = term.value;
    switch (field.type) {
      case 'date': {
        const range = parseDateValue(value, now);
        if (!range) {
          warnings.push({
            field: term.field,
            message: `Invalid date value '${value}'; use YYYY-MM-DD or an ISO-8601 timestamp.`,
          });
          return () => true;
        }
        return (item) => {
          const d = field.get(item);
          return d !== null && compareRange(d.getTime(), range, term.comparator);
        };
      }
      case 'number': {
        const n = Number(value);
        if (value.trim() === '' || !Number.isFinite(n)) {
          warnings.push({ field: term.field, message: `Invalid numeric value '${value}'.` });
          return () => true;
        }
        return (item) => {
          const x = field.get(item);
          if (x === null) return false;
          switch (term.comparator) {
            case '=':
              return Math.abs(x - n) < 1e-9;
            case '>':
              return x > n;
            case '>=':
              return x >= n - 1e-9;
            case '<':
              return x < n;
            case '<=':
              return x <= n + 1e-9;
          }
        };
      }
      case 'string':
        return (item) => {
          const raw = field.get(item);
          if (raw === null) return false;
          const list = typeof raw === 'string' ? [raw] : raw;
          if (term.comparator !== '=') {
            const v = value.toLowerCase();
            return list.some((s) => {
              const x = s.toLowerCase();
              return term.comparator === '>'
                ? x > v
                : term.comparator === '>='
                  ? x >= v
                  : term.comparator === '<'
                    ? x < v
                    : x <= v;
            });
          }
          return matchString(list, value, field.mode ?? 'word');
        };
      case 'boolean': {
        const v = value.toLowerCase();
        if (v !== 'true' && v !== 'false') {
          warnings.push({ field: term.field, message: `Invalid boolean value '${value}'; use true or false.` });
          return () => true;
        }
        return (item) => field.get(item) === (v === 'true');
      }
      case 'custom':
        if (field.valid && !field.valid(value)) {
          warnings.push({ field: term.field, message: `Invalid value '${value}' for ${term.field}.` });
          return () => true;
        }
        return (item) => field.test(item, value, term.comparator);
    }
  }

  const matches = compile(root);
  let from = -Infinity;
  let to = Infinity;
  const topTerms = root.kind === 'and' ? root.nodes : [root];
  let updatedAtFrom = -Infinity;
  for (const node of topTerms) {
    if (node.kind !== 'term' || node.field !== 'updated_at') continue;
    const range = parseDateValue(node.value, now);
    if (range && (node.comparator === '>' || node.comparator === '>=' || node.comparator === '='))
      updatedAtFrom = Math.max(updatedAtFrom, range[0]);
  }
  for (const node of topTerms) {
    if (node.kind !== 'term' || node.field !== 'created_at') continue;
    const range = parseDateValue(node.value, now);
    if (!range) continue;
    if (node.comparator === '=') {
      from = Math.max(from, range[0]);
      to = Math.min(to, range[1]);
    } else if (node.comparator === '>' || node.comparator === '>=') from = Math.max(from, range[0]);
    else if (node.comparator === '<') to = Math.min(to, range[0]);
    else if (node.comparator === '<=') to = Math.min(to, range[0] + 1);
  }
  return { matches, warnings, createdAtBounds: [from, to], updatedAtFrom };
}
