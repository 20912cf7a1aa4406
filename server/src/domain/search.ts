import { searchWorkspace, type SearchableType } from '../data-access/search-repository';
import { invalidRequest } from '../errors';
import { actingAsUserId, type AppContext, type WorkspaceAccess } from './context';
import type { SearchHit } from './model';

/**
 * Turns what someone typed in the command palette into a prefix tsquery: every word must match, the last ones as
 * prefixes too (`q=holid camp` finds "Holiday Campaign"). Only letters and digits pass, so no tsquery syntax
 * from the user reaches PostgreSQL. Returns null when nothing searchable remains.
 */
export function toPrefixTsquery(text: string): string | null {
  const words =
    text
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, 12) ?? [];
  if (words.length === 0) return null;
  return words.map((w) => `${w.toLowerCase()}:*`).join(' & ');
}

/** Command-palette search across the workspace. */
export class Search {
  readonly #ctx: AppContext;

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  async search(
    access: WorkspaceAccess,
    args: { q: string; types: SearchableType[]; limit: number },
  ): Promise<SearchHit[]> {
    const tsquery = toPrefixTsquery(args.q);
    if (!tsquery) throw invalidRequest([{ path: 'q', message: 'type at least one letter or digit to search for' }]);
    return searchWorkspace(this.#ctx.db, {
      workspaceId: access.workspaceId,
      tsquery,
      types: args.types,
      viewerUserId: actingAsUserId(access.actor),
      limit: args.limit,
    });
  }
}
