import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readInteger, readStringList } from '../../../shared/parameters';
import { TikTokApi } from '../../transport';
import { collectTrendPages, growthOf } from '../../trends';
import type { TrendPoint } from '../../trends';
import { keywordsProperty, limitProperty, regionProperty } from '../common.descriptions';
import { readRegion } from '../region';

export const meta: OperationMeta = { action: 'tiktok.trends.hashtags', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('trend', 'hashtags', [
  keywordsProperty,
  regionProperty,
  {
    displayName: 'Days',
    name: 'days',
    type: 'options',
    options: [
      { name: '7 Days', value: 7 },
      { name: '30 Days', value: 30 },
      { name: '120 Days', value: 120 },
    ],
    default: 7,
    description: 'Trend window in days',
  },
  limitProperty,
]);

interface HashtagEntry {
  hashtag_id: string;
  hashtag_name: string;
  country_info?: { id?: string };
  trend?: TrendPoint[];
  publish_cnt: number;
  video_views: number;
}

/**
 * Hashtags trending for any of the keywords in the region over the window, ranked by views (rank 1 = most viewed),
 * merged across keywords. Growth compares the later half of the window with the earlier half.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const keywords = readStringList(this, 'keywords', itemIndex, { required: true, minItems: 1 })!;
  const region = readRegion(this, itemIndex, { required: false }) ?? 'US';
  const days = readInteger(this, 'days', itemIndex, { oneOf: [7, 30, 120] }) ?? 7;
  const limit = readInteger(this, 'limit', itemIndex, { min: 1, max: 100 }) ?? 10;
  const tiktok = await TikTokApi.forItem(this, itemIndex);
  const byId = new Map<string, HashtagEntry>();
  for (const keyword of keywords) {
    const entries = await collectTrendPages(async (page, size) => {
      const data = (await tiktok.creativeCenter('/creative_radar_api/v1/popular_trend/hashtag/list', {
        page,
        limit: size,
        period: days,
        country_code: region,
        sort_by: 'popular',
        keyword,
      })) as { list?: HashtagEntry[]; pagination?: { has_more?: boolean } };
      return { list: data?.list ?? [], hasMore: data?.pagination?.has_more === true };
    }, limit);
    for (const entry of entries) byId.set(String(entry.hashtag_id), entry);
  }
  const ranked = [...byId.values()]
    .sort((a, b) => b.video_views - a.video_views || a.hashtag_name.localeCompare(b.hashtag_name))
    .slice(0, limit);
  const hashtags = ranked.map((entry, index) => ({
    name: entry.hashtag_name,
    rank: index + 1,
    views: entry.video_views,
    posts: entry.publish_cnt,
    growth: growthOf(entry.trend),
    region: entry.country_info?.id || region,
  }));
  return { hashtags, count: hashtags.length };
}
