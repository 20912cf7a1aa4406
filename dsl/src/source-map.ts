import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
  type Pair,
} from 'yaml';
import type { DocumentPath, Range } from './diagnostics';
import { scalarSourceOffsets } from './scalar-source';

/** Converts 0-based offsets into a 1-based, end-exclusive range. */
export function rangeFromOffsets(lineCounter: LineCounter, start: number, end: number): Range {
  return { start: lineCounter.linePos(start), end: lineCounter.linePos(Math.max(end, start)) };
}

export interface LocatedNode {
  /** The value node at the path (undefined when the path ends at a missing key). */
  node?: Node;
  /** The key node of the pair holding the value, for paths ending in a mapping key. */
  key?: Node;
  /** The deepest node found on the way, when the path does not exist completely. */
  closest: Node | undefined;
  /** How many path segments were found. */
  depth: number;
}

/** Walks a document path (`['spec', 'steps', 0, 'uses']`) to its YAML nodes. Aliases stop the walk. */
export function locatePath(document: Document.Parsed, path: DocumentPath): LocatedNode {
  let current: unknown = document.contents;
  let key: Node | undefined;
  let closest = (document.contents ?? undefined) as Node | undefined;
  let depth = 0;
  for (const segment of path) {
    if (isMap(current)) {
      const pair = findPair(current.items as Pair[], segment);
      if (!pair) return { closest, depth };
      key = pair.key as Node;
      current = pair.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      key = undefined;
      current = current.items[segment];
      if (current === undefined) return { closest, depth };
    } else {
      return { closest, depth };
    }
    depth++;
    if (current && (isCollection(current) || isScalar(current) || isAlias(current))) closest = current as Node;
    if (isAlias(current)) break;
  }
  const located: LocatedNode = { closest, depth };
  if (current !== null && current !== undefined) located.node = current as Node;
  if (key !== undefined) located.key = key;
  return located;
}

function findPair(items: Pair[], segment: string | number): Pair | undefined {
  for (const item of items) {
    if (!isPair(item)) continue;
    const k = item.key;
    if (isScalar(k) ? String(k.value) === String(segment) : k === segment) return item;
  }
  return undefined;
}

function nodeRange(lineCounter: LineCounter, node: Node | undefined): Range | undefined {
  if (!node?.range) return undefined;
  const [start, valueEnd] = node.range;
  return rangeFromOffsets(lineCounter, start, Math.max(valueEnd, start + 1));
}

/**
 * The range to report for a path: the value node, else its key, else the deepest existing ancestor.
 * `prefer: 'key'` points at the key instead (unknown properties, duplicate ids).
 */
export function rangeOfPath(
  document: Document.Parsed | undefined,
  lineCounter: LineCounter,
  path: DocumentPath,
  prefer: 'value' | 'key' = 'value',
): Range {
  const fallback: Range = { start: { line: 1, col: 1 }, end: { line: 1, col: 2 } };
  if (!document) return fallback;
  const located = locatePath(document, path);
  const first = prefer === 'key' ? (located.key ?? located.node) : (located.node ?? located.key);
  return nodeRange(lineCounter, first) ?? nodeRange(lineCounter, located.closest) ?? fallback;
}

/** Source offsets of each string scalar's value characters, computed once per node. */
const valueOffsetsByNode = new WeakMap<Node, number[] | null>();

function valueOffsets(text: string, node: Node, value: string): number[] | undefined {
  if (!isScalar(node) || !node.range || typeof node.value !== 'string' || node.value !== value) return undefined;
  let offsets = valueOffsetsByNode.get(node);
  if (offsets === undefined) {
    const style = node.type;
    offsets =
      style === 'PLAIN' ||
      style === 'QUOTE_SINGLE' ||
      style === 'QUOTE_DOUBLE' ||
      style === 'BLOCK_LITERAL' ||
      style === 'BLOCK_FOLDED'
        ? (scalarSourceOffsets({ text, style, start: node.range[0], end: node.range[1], value }) ?? null)
        : null;
    valueOffsetsByNode.set(node, offsets);
  }
  return offsets ?? undefined;
}

/**
 * The source offsets of characters `start..end` (end exclusive) of a string scalar's value, whatever the scalar's
 * style (plain, quoted or block, over several lines): the start of the first and just after the last character.
 */
export function scalarValueRange(
  text: string,
  node: Node,
  value: string,
  start: number,
  end: number,
): { from: number; to: number } | undefined {
  const offsets = valueOffsets(text, node, value);
  if (!offsets || start < 0 || start > value.length) return undefined;
  if (value.length === 0) return { from: node.range![0], to: node.range![0] };
  const from = start < value.length ? offsets[start]! : offsets[value.length - 1]! + 1;
  const last = Math.min(Math.max(end, start + 1), value.length) - 1;
  const to = Math.max(offsets[last]! + 1, from + 1);
  return { from, to };
}

/**
 * Answers "where in the source is this path?" for the checks, whatever produced the YAML nodes: one document
 * (`documentLocator`) or the segments of the incremental validator.
 */
export interface SourceLocator {
  /** The value's range, else its key's, else the deepest existing ancestor's (`prefer: 'key'` reverses the first two). */
  rangeOf(path: DocumentPath, prefer?: 'value' | 'key'): Range;
  /** Characters `start..end` of the string scalar at `path`, when the scalar's source maps them exactly. */
  rangeInString(path: DocumentPath, value: string, start: number, end: number): Range | undefined;
}

export function documentLocator(
  document: Document.Parsed | undefined,
  lineCounter: LineCounter,
  text: string,
): SourceLocator {
  return {
    rangeOf: (path, prefer = 'value') => rangeOfPath(document, lineCounter, path, prefer),
    rangeInString: (path, value, start, end) => {
      const node = document ? locatePath(document, path).node : undefined;
      if (!node) return undefined;
      const offsets = scalarValueRange(text, node, value, start, end);
      return offsets && rangeFromOffsets(lineCounter, offsets.from, offsets.to);
    },
  };
}
