import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { parameterError, readInteger, readNumber, readString } from '../../../shared/parameters';
import { TikTokApi } from '../../transport';
import { readRegion } from '../region';

export const meta: OperationMeta = { action: 'tiktok.creators.search', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('creator', 'search', [
  {
    displayName: 'Niche',
    name: 'niche',
    type: 'string',
    default: '',
    required: true,
    placeholder: 'fashion',
    description: 'Niche such as fashion, beauty, fitness, food, tech',
  },
  {
    displayName: 'Region',
    name: 'region',
    type: 'string',
    default: '',
    description: 'Two-letter country code of the creators; empty means every region',
  },
  {
    displayName: 'Min Followers',
    name: 'minFollowers',
    type: 'number',
    typeOptions: { minValue: 0 },
    default: undefined,
    placeholder: 'No minimum',
    description: 'Only creators with at least this many followers',
  },
  {
    displayName: 'Max Followers',
    name: 'maxFollowers',
    type: 'number',
    typeOptions: { minValue: 0 },
    default: undefined,
    placeholder: 'No maximum',
    description: 'Only creators with at most this many followers',
  },
  {
    displayName: 'Min Engagement Rate',
    name: 'minEngagementRate',
    type: 'number',
    typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 4 },
    default: undefined,
    placeholder: 'No minimum',
    description: '(likes + comments + shares) / views over recent videos, from 0 to 1 (0.05 = 5%)',
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 100 },
    default: 10,
    description: 'Max number of results to return',
  },
]);

const DISCOVER_PAGE_SIZE = 50;
const RECENT_VIDEOS = 10;

interface DiscoverCreator {
  handle_name: string;
  display_name: string;
  followers_count: number;
  engagement_rate: number;
  average_views: number;
  location: string;
  topics?: string[];
}

interface DiscoverPage {
  page_info?: { page: number; total_page: number };
  creators?: DiscoverCreator[];
}

interface PublicPost {
  video_id: string;
  caption: string;
  video_views: number;
  likes: number;
  comments: number;
  shares: number;
  create_time: string;
}

/** Creator Marketplace times are `YYYY-MM-DD HH:MM:SS` in UTC. */
function isoTime(value: string): string {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.replace(' ', 'T')}Z` : value);
  return Number.isNaN(t) ? value : new Date(t).toISOString();
}

/**
 * Creators in a niche (Creator Marketplace discovery by keyword, region and follower range), best engagement first,
 * at or above the minimum engagement rate, with their 10 most recent public videos.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const niche = readString(this, 'niche', itemIndex, { required: true }).trim();
  const region = readRegion(this, itemIndex, { required: false });
  const minFollowers = readInteger(this, 'minFollowers', itemIndex, { min: 0 });
  const maxFollowers = readInteger(this, 'maxFollowers', itemIndex, { min: 0 });
  const minEngagementRate = readNumber(this, 'minEngagementRate', itemIndex, { min: 0, max: 1 }) ?? 0;
  const limit = readInteger(this, 'limit', itemIndex, { min: 1, max: 100 }) ?? 10;
  if (minFollowers !== undefined && maxFollowers !== undefined && maxFollowers <= minFollowers) {
    throw parameterError(
      this,
      'maxFollowers',
      itemIndex,
      `must be greater than minFollowers (${minFollowers}), but got ${maxFollowers}.`,
    );
  }
  const tiktok = await TikTokApi.forItem(this, itemIndex);
  const account = tiktok.connection.tcmAccountId;
  if (!account)
    throw new NodeOperationError(
      this.getNode(),
      'The TikTok credential has no Creator Marketplace Account ID (tcm_account_id).',
      { itemIndex },
    );

  const found: DiscoverCreator[] = [];
  let done = false;
  for (let page = 1; !done && found.length < limit; page++) {
    const data = (await tiktok.business('POST', '/open_api/v1.3/tcm/creator/discover/', {
      body: {
        tcm_account_id: account,
        query: niche,
        sort_field: 'engagement_rate',
        page,
        page_size: DISCOVER_PAGE_SIZE,
        ...(region ? { country_code: region } : {}),
        ...(minFollowers !== undefined ? { min_followers: minFollowers } : {}),
        ...(maxFollowers !== undefined ? { max_followers: maxFollowers } : {}),
      },
    })) as DiscoverPage;
    for (const creator of data?.creators ?? []) {
      // Sorted by engagement rate, highest first: the first one below the minimum ends the search.
      if (creator.engagement_rate < minEngagementRate) {
        done = true;
        break;
      }
      found.push(creator);
      if (found.length >= limit) break;
    }
    if (!data?.page_info || page >= data.page_info.total_page) done = true;
  }

  const creators: IDataObject[] = [];
  for (const creator of found) {
    const posts = (await tiktok.business('GET', '/open_api/v1.3/tcm/creator/public/video/list/', {
      query: { tcm_account_id: account, handle_name: creator.handle_name, limit: RECENT_VIDEOS },
    })) as { posts?: PublicPost[] };
    creators.push({
      handle: creator.handle_name,
      displayName: creator.display_name,
      followers: creator.followers_count,
      engagementRate: creator.engagement_rate,
      averageViews: creator.average_views,
      region: creator.location,
      niche: creator.topics?.[0] ?? niche,
      recentVideos: (posts?.posts ?? []).map((post) => ({
        id: String(post.video_id),
        description: post.caption,
        views: post.video_views,
        likes: post.likes,
        comments: post.comments,
        shares: post.shares,
        createdAt: isoTime(post.create_time),
      })),
    });
  }
  return { creators, count: creators.length };
}
