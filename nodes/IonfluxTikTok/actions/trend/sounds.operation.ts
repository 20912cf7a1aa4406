import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readInteger, readStringList } from '../../../shared/parameters';
import { TikTokApi } from '../../transport';
import { collectTrendPages, growthOf } from '../../trends';
import type { TrendPoint } from '../../trends';
import { keywordsProperty, limitProperty, regionProperty } from '../common.descriptions';
import { readRegion } from '../region';

export const meta: OperationMeta = { action: 'tiktok.trends.sounds', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('trend', 'sounds', [
  keywordsProperty,
  regionProperty,
  limitProperty,
]);

/** Creative Center's default window for sounds. */
const SOUND_PERIOD_DAYS = 7;

interface SoundEntry {
  song_id: string;
  clip_id: string;
  title: string;
  author: string;
  duration: number;
  trend?: TrendPoint[];
  publish_cnt: number;
}

/**
 * Sounds trending for any of the keywords in the region over the last 7 days, ranked by the number of videos using
 * them, merged across keywords. `id` is the song id (the `music_id` of videos).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const keywords = readStringList(this, 'keywords', itemIndex, { required: true, minItems: 1 })!;
  const region = readRegion(this, itemIndex, { required: false }) ?? 'US';
  const limit = readInteger(this, 'limit', itemIndex, { min: 1, max: 100 }) ?? 10;
  const tiktok = await TikTokApi.forItem(this, itemIndex);
  const byId = new Map<string, SoundEntry>();
  for (const keyword of keywords) {
    const entries = await collectTrendPages(async (page, size) => {
      const data = (await tiktok.creativeCenter('/creative_radar_api/v1/popular_trend/sound/list', {
        page,
        limit: size,
        period: SOUND_PERIOD_DAYS,
        country_code: region,
        rank_type: 'popular',
        keyword,
      })) as { sound_list?: SoundEntry[]; pagination?: { has_more?: boolean } };
      return { list: data?.sound_list ?? [], hasMore: data?.pagination?.has_more === true };
    }, limit);
    for (const entry of entries) byId.set(String(entry.song_id), entry);
  }
  const ranked = [...byId.values()]
    .sort((a, b) => b.publish_cnt - a.publish_cnt || a.title.localeCompare(b.title))
    .slice(0, limit);
  const sounds = ranked.map((entry, index) => ({
    id: String(entry.song_id),
    title: entry.title,
    artist: entry.author,
    rank: index + 1,
    uses: entry.publish_cnt,
    growth: growthOf(entry.trend),
    durationSec: Math.round(entry.duration),
  }));
  return { sounds, count: sounds.length };
}
