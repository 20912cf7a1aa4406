import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { parameterError, readStringList } from '../../../shared/parameters';
import { TikTokApi } from '../../transport';

export const meta: OperationMeta = { action: 'tiktok.videos.stats', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('video', 'stats', [
  {
    displayName: 'Video IDs',
    name: 'ids',
    type: 'json',
    default: '[]',
    required: true,
    placeholder: '["7311234567890123456"]',
    description: 'IDs of the videos (1 to 100), as a JSON list of texts: the IDs are 64-bit and lose digits as numbers',
  },
]);

const DAY_MS = 86_400_000;
/** The Research API accepts at most 30 days between start_date and end_date. */
const MAX_WINDOW_DAYS = 30;
/** TikTok launched internationally in 2017; older timestamps in an id mean it is not a video id. */
const EARLIEST_VIDEO = Date.UTC(2016, 8, 1);
const FIELDS = ['id', 'video_description', 'create_time', 'view_count', 'like_count', 'comment_count', 'share_count'];

interface ResearchVideo {
  id: string | number;
  video_description?: string;
  create_time: number;
  view_count?: number;
  like_count?: number;
  comment_count?: number;
  share_count?: number;
}

const yyyymmdd = (t: number) => new Date(t).toISOString().slice(0, 10).replace(/-/g, '');

/**
 * Groups ids into Research API date windows. A TikTok video id carries its creation time (seconds) in its top 32
 * bits, so each id can be looked up in a window of at most 30 days around it.
 */
export function dateWindows(
  ids: { id: string; createdAt: number }[],
  now = Date.now(),
): { start: number; end: number; ids: string[] }[] {
  const sorted = [...ids].sort((a, b) => a.createdAt - b.createdAt);
  const windows: { start: number; end: number; ids: string[] }[] = [];
  for (const { id, createdAt } of sorted) {
    const day = Math.floor(createdAt / DAY_MS) * DAY_MS;
    const current = windows[windows.length - 1];
    if (current && day - current.start <= (MAX_WINDOW_DAYS - 1) * DAY_MS) {
      current.end = Math.max(current.end, day);
      current.ids.push(id);
    } else windows.push({ start: day, end: Math.min(day, Math.floor(now / DAY_MS) * DAY_MS), ids: [id] });
  }
  return windows;
}

/** Views, likes, comments and shares of videos by id (Research API video query, `video_id IN [...]`). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const ids = readStringList(this, 'ids', itemIndex, { required: true, minItems: 1, maxItems: 100 })!;
  const unique = [...new Set(ids.map((id) => id.trim()))];
  const dated = unique.map((id) => {
    if (!/^\d{1,20}$/.test(id) || BigInt(id) > 0xffffffffffffffffn)
      throw parameterError(
        this,
        'ids',
        itemIndex,
        `must contain TikTok video ids (digits only), but "${id}" is not one.`,
      );
    const createdAt = Number(BigInt(id) >> 32n) * 1000;
    if (createdAt < EARLIEST_VIDEO || createdAt > Date.now() + DAY_MS) {
      throw parameterError(
        this,
        'ids',
        itemIndex,
        `contains "${id}", which is not a TikTok video id (its embedded creation time is not a plausible date).`,
      );
    }
    return { id, createdAt };
  });
  const tiktok = await TikTokApi.forItem(this, itemIndex);
  const found = new Map<string, ResearchVideo>();
  for (const window of dateWindows(dated)) {
    let cursor = 0;
    let searchId: string | undefined;
    for (;;) {
      const data = (await tiktok.research('/v2/research/video/query/', FIELDS, {
        query: { and: [{ operation: 'IN', field_name: 'video_id', field_values: window.ids }] },
        start_date: yyyymmdd(window.start),
        end_date: yyyymmdd(window.end),
        max_count: 100,
        ...(cursor > 0 ? { cursor } : {}),
        ...(searchId ? { search_id: searchId } : {}),
      })) as { videos?: ResearchVideo[]; cursor?: number; has_more?: boolean; search_id?: string };
      for (const video of data?.videos ?? []) found.set(String(video.id), video);
      if (!data?.has_more || typeof data.cursor !== 'number') break;
      cursor = data.cursor;
      searchId = data.search_id;
    }
  }
  const videos = unique
    .filter((id) => found.has(id))
    .map((id) => {
      const video = found.get(id)!;
      return {
        id,
        description: video.video_description ?? '',
        views: video.view_count ?? 0,
        likes: video.like_count ?? 0,
        comments: video.comment_count ?? 0,
        shares: video.share_count ?? 0,
        createdAt: new Date(video.create_time * 1000).toISOString(),
      };
    });
  return { videos, count: videos.length };
}
