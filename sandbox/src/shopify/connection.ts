/**
 * Relay-style cursor connections as Shopify serves them (https://shopify.dev/docs/api/usage/pagination-graphql).
 *
 * A cursor encodes the position of its node in the sort order (`{"last_id":..,"last_value":..}`, base64 like
 * Shopify's), not an offset: the page after a cursor is every node sorting after that (value, id) pair. Pages stay
 * correct even if nodes are added while a client walks them, and walking all pages yields each node exactly once.
 */
import { GraphQLError } from 'graphql';

export const MAX_PAGE_SIZE = 250;

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export type SortValue = string | number;

export interface SortKeyed<T> {
  node: T;
  id: number;
  value: SortValue;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

function encodeCursor(id: number, value: SortValue): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: value })).toString('base64');
}

function decodeCursor(cursor: string, argument: string): { id: number; value: SortValue } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as {
      last_id?: unknown;
      last_value?: unknown;
    };
    if (
      typeof parsed.last_id === 'number' &&
      (typeof parsed.last_value === 'number' || typeof parsed.last_value === 'string')
    ) {
      return { id: parsed.last_id, value: parsed.last_value };
    }
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError(`Invalid cursor for '${argument}': pass a cursor returned by this connection.`, {
    extensions: { code: 'BAD_REQUEST', argument },
  });
}

function compareKeys(a: { value: SortValue; id: number }, b: { value: SortValue; id: number }): number {
  if (a.value !== b.value) {
    if (typeof a.value === 'number' && typeof b.value === 'number') return a.value - b.value;
    return String(a.value) < String(b.value) ? -1 : 1;
  }
  return a.id - b.id;
}

/** The sort value an `after`/`before` cursor holds, or null when it is not a cursor of ours (paginate reports that). */
export function cursorSortValue(cursor: string | null | undefined): SortValue | null {
  if (!cursor) return null;
  try {
    return decodeCursor(cursor, 'after').value;
  } catch {
    return null;
  }
}

/** Checks first/last the way Shopify does before any data is read. */
export function validateConnectionArgs(args: ConnectionArgs): void {
  const { first, last } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  }
  if (first !== undefined && first !== null && last !== undefined && last !== null) {
    throw new GraphQLError('providing both first and last is not supported', { extensions: { code: 'BAD_REQUEST' } });
  }
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value === undefined || value === null) continue;
    if (value < 0)
      throw new GraphQLError(`Argument '${name}' must be a non-negative integer.`, {
        extensions: { code: 'BAD_REQUEST', argument: name },
      });
    if (value > MAX_PAGE_SIZE) {
      throw new GraphQLError(
        `The maximum number of records that can be returned by '${name}' is ${MAX_PAGE_SIZE}; got ${value}.`,
        {
          extensions: { code: 'BAD_REQUEST', argument: name, maximum: MAX_PAGE_SIZE },
        },
      );
    }
  }
}

/** Sorts keyed nodes ascending by (value, id), or descending when `reverse`, then slices one page. */
export function paginate<T>(keyed: SortKeyed<T>[], args: ConnectionArgs): Connection<T> {
  validateConnectionArgs(args);
  const direction = args.reverse ? -1 : 1;
  const sorted = [...keyed].sort((a, b) => direction * compareKeys(a, b));
  let start = 0;
  let end = sorted.length;
  if (args.after) {
    const cursor = decodeCursor(args.after, 'after');
    while (start < end && direction * compareKeys(sorted[start]!, cursor) <= 0) start++;
  }
  if (args.before) {
    const cursor = decodeCursor(args.before, 'before');
    let i = start;
    while (i < end && direction * compareKeys(sorted[i]!, cursor) < 0) i++;
    end = i;
  }
  if (args.first !== undefined && args.first !== null) end = Math.min(end, start + args.first);
  else if (args.last !== undefined && args.last !== null) start = Math.max(start, end - args.last);
  const page = sorted.slice(start, end);
  const edges = page.map((k) => ({ cursor: encodeCursor(k.id, k.value), node: k.node }));
  return {
    edges,
    nodes: page.map((k) => k.node),
    pageInfo: {
      hasNextPage: end < sorted.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
