/** Reading Creative Center trend lists: several keywords merged into one ranking. */

export interface TrendPoint {
  time: number;
  value: number;
}

/**
 * Growth over the window from the trend series (daily values, oldest first, normalized to the series maximum):
 * the mean of the later half against the mean of the earlier half, e.g. 0.35 = +35%. The normalization cancels out.
 */
export function growthOf(trend: TrendPoint[] | undefined): number {
  const values = (trend ?? []).map((p) => p.value).filter((v) => Number.isFinite(v));
  if (values.length < 2) return 0;
  const half = Math.floor(values.length / 2);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const earlier = mean(values.slice(0, half));
  const later = mean(values.slice(values.length - half));
  if (earlier <= 0) return later > 0 ? 1 : 0;
  return Math.round(((later - earlier) / earlier) * 10_000) / 10_000;
}

/** Creative Center pages hold at most 50 entries. */
export const TREND_PAGE_SIZE = 50;

/**
 * Walks a trend list page by page for one keyword until `limit` entries (the list is ranked, so the first `limit`
 * of each keyword contain the overall top `limit`).
 */
export async function collectTrendPages<T>(
  fetchPage: (page: number, size: number) => Promise<{ list: T[]; hasMore: boolean }>,
  limit: number,
): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; out.length < limit; page++) {
    const size = Math.min(TREND_PAGE_SIZE, limit);
    const { list, hasMore } = await fetchPage(page, size);
    out.push(...list);
    if (!hasMore || list.length === 0) break;
  }
  return out.slice(0, limit);
}
