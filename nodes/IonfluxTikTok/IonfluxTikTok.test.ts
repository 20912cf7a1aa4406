import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IDataObject } from 'n8n-workflow';
import { runNode, runNodeForOutput } from '../test-support/n8n-harness';
import { startTestSandbox } from '../test-support/sandbox';
import type { TestSandbox } from '../test-support/sandbox';
import { parseJsonKeepingBigIntegers } from './transport';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const tiktok = (parameters: IDataObject, credentials: IDataObject = sandbox.credentials.tiktok) =>
  runNode({
    type: 'ionfluxTikTok',
    parameters: { options: {}, ...parameters },
    credentials: { ionfluxTikTokOAuth2Api: credentials as never },
  });
const output = (parameters: IDataObject) =>
  runNodeForOutput({
    type: 'ionfluxTikTok',
    parameters: { options: {}, ...parameters },
    credentials: { ionfluxTikTokOAuth2Api: sandbox.credentials.tiktok as never },
  });

const BUSINESS_TOKEN = 'ionflux-sandbox-business-token-0000000000000000';
const TCM = '7300000000000000001';

/** Direct Creative Center / Business API call to the sandbox (the test's own client). */
async function direct(path: string, query: Record<string, string | number>, init: RequestInit = {}): Promise<any> {
  const url = new URL(`${sandbox.url}/sandbox/tiktok${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  const response = await fetch(url, { ...init, headers: { 'Access-Token': BUSINESS_TOKEN, ...(init.headers ?? {}) } });
  const body = (await response.json()) as { code: number; data: any };
  if (body.code !== 0) throw new Error(`sandbox answered ${JSON.stringify(body)}`);
  return body.data;
}

async function allTrendPages(kind: 'hashtag' | 'sound', query: Record<string, string | number>): Promise<any[]> {
  const out: any[] = [];
  for (let page = 1; ; page++) {
    const data = await direct(`/creative_radar_api/v1/popular_trend/${kind}/list`, { ...query, page, limit: 50 });
    out.push(...(kind === 'hashtag' ? data.list : data.sound_list));
    if (!data.pagination.has_more) return out;
  }
}

/** The growth definition, written out again: later half of the trend against the earlier half. */
function expectedGrowth(trend: { value: number }[]): number {
  const values = trend.map((p) => p.value);
  const half = Math.floor(values.length / 2);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const earlier = mean(values.slice(0, half));
  const later = mean(values.slice(values.length - half));
  return Math.round(((later - earlier) / earlier) * 10_000) / 10_000;
}

describe('IONFLUX TikTok against the sandbox', () => {
  it('trend hashtags: the keywords merged, ranked by views, with posts and growth from Creative Center', async () => {
    const result = await output({
      resource: 'trend',
      operation: 'hashtags',
      keywords: '["holiday gift ideas", "fashion"]',
      region: 'us',
      days: 30,
      limit: 15,
    });
    const union = new Map<string, any>();
    for (const keyword of ['holiday gift ideas', 'fashion']) {
      for (const entry of await allTrendPages('hashtag', {
        keyword,
        country_code: 'US',
        period: 30,
        sort_by: 'popular',
      }))
        union.set(entry.hashtag_id, entry);
    }
    const expected = [...union.values()].sort((a, b) => b.video_views - a.video_views).slice(0, 15);
    expect(union.size).toBeGreaterThan(15);
    expect(result).toEqual({
      hashtags: expected.map((e, i) => ({
        name: e.hashtag_name,
        rank: i + 1,
        views: e.video_views,
        posts: e.publish_cnt,
        growth: expectedGrowth(e.trend),
        region: 'US',
      })),
      count: 15,
    });
  });

  it('trend sounds: ranked by uses, with the song id as id', async () => {
    const result = await output({
      resource: 'trend',
      operation: 'sounds',
      keywords: ['coffee', 'baking'],
      region: 'GB',
      limit: 5,
    });
    const union = new Map<string, any>();
    for (const keyword of ['coffee', 'baking']) {
      for (const entry of await allTrendPages('sound', {
        keyword,
        country_code: 'GB',
        period: 7,
        rank_type: 'popular',
      }))
        union.set(entry.song_id, entry);
    }
    const expected = [...union.values()].sort((a, b) => b.publish_cnt - a.publish_cnt).slice(0, 5);
    expect(result.sounds).toEqual(
      expected.map((e, i) => ({
        id: e.song_id,
        title: e.title,
        artist: e.author,
        rank: i + 1,
        uses: e.publish_cnt,
        growth: expectedGrowth(e.trend),
        durationSec: e.duration,
      })),
    );
  });

  it('creator search: the niche within the follower range, at or above the engagement rate, best first, with recent videos', async () => {
    const result = await output({
      resource: 'creator',
      operation: 'search',
      niche: 'fitness',
      minFollowers: 20000,
      maxFollowers: 500000,
      minEngagementRate: 0.05,
      limit: 8,
    });
    const pool = await direct(
      '/open_api/v1.3/tcm/creator/discover/',
      {},
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          tcm_account_id: TCM,
          query: 'fitness',
          min_followers: 20000,
          max_followers: 500000,
          sort_field: 'engagement_rate',
          page: 1,
          page_size: 200,
        }),
      },
    );
    const expected = (pool.creators as any[]).filter((c) => c.engagement_rate >= 0.05).slice(0, 8);
    const creators = result.creators as IDataObject[];
    expect(creators.map((c) => c.handle)).toEqual(expected.map((c) => c.handle_name));
    expect(
      creators.every(
        (c) =>
          (c.followers as number) >= 20000 && (c.followers as number) <= 500000 && (c.engagementRate as number) >= 0.05,
      ),
    ).toBe(true);
    const rates = creators.map((c) => c.engagementRate as number);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    expect(creators[0]).toMatchObject({
      displayName: expected[0].display_name,
      followers: expected[0].followers_count,
      averageViews: expected[0].average_views,
      region: expected[0].location,
      niche: 'Sports & Fitness',
    });

    const posts = await direct('/open_api/v1.3/tcm/creator/public/video/list/', {
      tcm_account_id: TCM,
      handle_name: expected[0].handle_name,
      limit: 10,
    });
    expect(creators[0]!.recentVideos).toEqual(
      posts.posts.map((p: any) => ({
        id: p.video_id,
        description: p.caption,
        views: p.video_views,
        likes: p.likes,
        comments: p.comments,
        shares: p.shares,
        createdAt: `${p.create_time.replace(' ', 'T')}.000Z`,
      })),
    );

    const british = await output({
      resource: 'creator',
      operation: 'search',
      niche: 'beauty',
      region: 'GB',
      limit: 20,
    });
    expect((british.creators as IDataObject[]).length).toBeGreaterThan(0);
    expect((british.creators as IDataObject[]).every((c) => c.region === 'GB')).toBe(true);
  });

  it('video stats by 64-bit ids: exact ids, stats equal to the creator video list, across 30-day windows', async () => {
    // Collect a creator's videos from today back past 30 days (Creator Marketplace public list, cursor paging).
    const pool = await direct(
      '/open_api/v1.3/tcm/creator/discover/',
      {},
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          tcm_account_id: TCM,
          query: 'food',
          sort_field: 'follower_count',
          page: 1,
          page_size: 5,
        }),
      },
    );
    const handle = pool.creators[0].handle_name;
    const posts: any[] = [];
    for (let cursor = 0; ;) {
      const page = await direct('/open_api/v1.3/tcm/creator/public/video/list/', {
        tcm_account_id: TCM,
        handle_name: handle,
        limit: 10,
        cursor,
      });
      posts.push(...page.posts);
      if (!page.page_info.has_more) break;
      cursor = page.page_info.cursor;
    }
    const newest = posts[0];
    const oldest = posts[posts.length - 1];
    expect(Date.parse(`${newest.create_time}Z`) - Date.parse(`${oldest.create_time}Z`)).toBeGreaterThan(
      31 * 86_400_000,
    );
    const chosen = [newest, posts[Math.floor(posts.length / 2)], oldest];
    expect(chosen.every((p) => !Number.isSafeInteger(Number(p.video_id)))).toBe(true); // beyond 2^53: JSON numbers would lose digits

    const result = await output({
      resource: 'video',
      operation: 'stats',
      ids: JSON.stringify(chosen.map((p) => p.video_id)),
    });
    expect(result).toEqual({
      videos: chosen.map((p) => ({
        id: p.video_id,
        description: p.caption,
        views: p.video_views,
        likes: p.likes,
        comments: p.comments,
        shares: p.shares,
        createdAt: new Date(`${p.create_time.replace(' ', 'T')}Z`).toISOString(),
      })),
      count: 3,
    });

    // Evaluated lists work the same; an id that exists nowhere is left out.
    const evaluated = await output({
      resource: 'video',
      operation: 'stats',
      ids: `={{ ${JSON.stringify([newest.video_id, '7300000000000000000'])} }}`,
    });
    expect((evaluated.videos as IDataObject[]).map((v) => v.id)).toEqual([newest.video_id]);
  });

  it('keeps 64-bit integers exact when parsing TikTok JSON', () => {
    expect(
      parseJsonKeepingBigIntegers(
        '{"videos":[{"id":7311234567890123456,"music_id":7000000000000000123,"view_count":1234,"ratio":0.5}],"text":"id: 7311234567890123456"}',
      ),
    ).toEqual({
      videos: [{ id: '7311234567890123456', music_id: '7000000000000000123', view_count: 1234, ratio: 0.5 }],
      text: 'id: 7311234567890123456',
    });
  });

  it('names the parameter at fault', async () => {
    const cases: [IDataObject, string][] = [
      [
        { resource: 'trend', operation: 'hashtags', keywords: '["fashion",' },
        'Parameter "keywords" must be a list of texts such as ["first", "second"] written as JSON, but its text is not valid JSON',
      ],
      [
        { resource: 'trend', operation: 'hashtags', keywords: '[]' },
        'Parameter "keywords" needs at least 1 entry, but has 0.',
      ],
      [
        { resource: 'trend', operation: 'hashtags', keywords: '["x"]', region: 'USA' },
        'Parameter "region" must be a two-letter country code such as US or GB, but got "USA".',
      ],
      [
        { resource: 'trend', operation: 'hashtags', keywords: '["x"]', days: '={{ 14 }}' },
        'Parameter "days" must be one of 7, 30, 120, but got 14.',
      ],
      [
        { resource: 'creator', operation: 'search', niche: 'food', minFollowers: 5000, maxFollowers: 5000 },
        'Parameter "maxFollowers" must be greater than minFollowers (5000), but got 5000.',
      ],
      [
        { resource: 'creator', operation: 'search', niche: 'food', minEngagementRate: 3 },
        'Parameter "minEngagementRate" must be at most 1, but got 3.',
      ],
      [
        { resource: 'video', operation: 'stats', ids: '["7311234567890123456", "abc"]' },
        'Parameter "ids" must contain TikTok video ids (digits only), but "abc" is not one.',
      ],
      [
        { resource: 'video', operation: 'stats', ids: '["12345"]' },
        'Parameter "ids" contains "12345", which is not a TikTok video id (its embedded creation time is not a plausible date).',
      ],
    ];
    for (const [parameters, message] of cases) expect((await tiktok(parameters)).error?.message).toContain(message);
  });

  it("reports TikTok's error envelopes with TikTok's error code", async () => {
    const badToken = await tiktok(
      { resource: 'creator', operation: 'search', niche: 'food' },
      { ...sandbox.credentials.tiktok, businessAccessToken: 'wrong' },
    );
    expect(badToken.error?.message).toMatch(
      /^TikTok API for Business error 40105: The access token is invalid or has been revoked\. .*\[request_id \w+\]$/,
    );
    const otherAccount = await tiktok(
      { resource: 'creator', operation: 'search', niche: 'food' },
      { ...sandbox.credentials.tiktok, tcmAccountId: '123' },
    );
    expect(otherAccount.error?.message).toMatch(
      /^TikTok API for Business error 40001: No permission to operate Creator Marketplace account 123/,
    );
    const region = await tiktok({ resource: 'trend', operation: 'hashtags', keywords: '["x"]', region: 'ZZ' });
    expect(region.error?.message).toMatch(/^TikTok Creative Center error 40002: country_code must be one of US, GB/);
    const secret = await tiktok(
      { resource: 'video', operation: 'stats', ids: '["7311234567890123456"]' },
      { ...sandbox.credentials.tiktok, clientKey: 'someone-else' },
    );
    expect(secret.error?.message).toBe(
      'TikTok refused the client credentials (invalid_client): Client authentication failed: unknown client_key or wrong client_secret.',
    );
    const noAccount = await tiktok(
      { resource: 'creator', operation: 'search', niche: 'food' },
      { ...sandbox.credentials.tiktok, tcmAccountId: '' },
    );
    expect(noAccount.error?.message).toBe(
      'The TikTok credential has no Creator Marketplace Account ID (tcm_account_id).',
    );
  });
});
