/**
 * TikTok API for Business (host business-api.tiktok.com) and Creative Center trends (host ads.tiktok.com), under
 * `/sandbox/tiktok`:
 *
 *   POST /open_api/v1.3/tcm/creator/discover/          Creator Marketplace "Discover creators" (JSON body)
 *   GET  /open_api/v1.3/tto/tcm/creator/discover/      TikTok One Creator Marketplace variant (query parameters)
 *   GET  /open_api/v1.3/tcm/creator/public/            public account insights of a creator by handle
 *   GET  /open_api/v1.3/tto/tcm/creator/public/        TikTok One variant
 *   GET  /open_api/v1.3/tcm/creator/public/video/list/ a creator's public videos with stats
 *   GET  /creative_radar_api/v1/popular_trend/hashtag/list   Creative Center trending hashtags
 *   GET  /creative_radar_api/v1/popular_trend/sound/list     Creative Center trending sounds (alias: song/list)
 *
 * Business API shapes follow the API for Business docs as mirrored by the Go SDK github.com/bububa/tiktok-business
 * (model/tcm/creator: DiscoverRequest/Creator/PublicVideoListRequest/Post; envelope `{ code, message, request_id,
 * data }`, `page_info { page, page_size, total_number, total_page }`). Creative Center has no public contract: the
 * shapes mirror the JSON its web page reads (`{ code, msg, request_id, data: { list, pagination } }`, items with
 * hashtag_id, hashtag_name, country_info, industry_info, trend[{time,value}], creators[{nick_name,avatar_url}],
 * publish_cnt, video_views, rank, rank_diff, rank_diff_type). TikTok has no public API for hashtag trends by keyword,
 * so the emulator adds a `keyword` filter to the Creative Center list (documented in GET /sandbox).
 *
 * Deviation, on purpose: the real Business API answers errors with HTTP 200 and a non-zero `code`; the sandbox sends
 * the same body with a 4xx status (401 auth, 400 params, 429 rate limit) so clients never mistake an error for data.
 */
import express from 'express';
import type { Request, Response, Router } from 'express';
import { randomBytes } from 'node:crypto';
import type { HashtagPeriodStats, SoundPeriodStats, TikTokCreator, TikTokDataset, TikTokVideo } from './dataset';
import { SlidingWindowLimiter } from './rate-limit';
import { NICHES, REGIONS, REGION_NAMES } from './vocabulary';
import type { RegionCode } from './vocabulary';

export interface BusinessApiOptions {
  dataset: TikTokDataset;
  accessToken: string;
  tcmAccountId: string;
  clock: () => number;
  limiters: { business: SlidingWindowLimiter; creativeCenter: SlidingWindowLimiter };
}

class BusinessError extends Error {
  constructor(
    readonly code: number,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new BusinessError(40002, 400, message);

function requestId(clock: () => number): string {
  const stamp = new Date(clock())
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14);
  return `${stamp}${randomBytes(10).toString('hex').toUpperCase()}`;
}

function intParam(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw invalid(`${name} must be an integer between ${min} and ${max}`);
  return n;
}

function jsonArrayParam(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value) as unknown;
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // fall through
    }
  }
  throw invalid(`${name} must be a JSON array of strings, e.g. ["US"]`);
}

const TOPIC_VALUES = NICHES.map((n) => n.topic);

function audience(creator: TikTokCreator, dataset: TikTokDataset) {
  const home = creator.region;
  const homeShare = 0.55 + ((creator.followers % 17) / 17) * 0.2;
  const others = REGIONS.filter((r) => r !== home).slice(0, 2);
  void dataset;
  return {
    audience_countries: [
      { country: home, percentage: Math.round(homeShare * 1000) / 1000 },
      { country: others[0]!, percentage: Math.round((1 - homeShare) * 0.6 * 1000) / 1000 },
      { country: others[1]!, percentage: Math.round((1 - homeShare) * 0.25 * 1000) / 1000 },
    ],
    audience_genders: [
      { gender: 'FEMALE', percentage: Math.round(creator.audienceFemaleShare * 1000) / 1000 },
      { gender: 'MALE', percentage: Math.round((1 - creator.audienceFemaleShare) * 0.97 * 1000) / 1000 },
      { gender: 'NONE', percentage: Math.round((1 - creator.audienceFemaleShare) * 0.03 * 1000) / 1000 },
    ],
    audience_ages: [
      { age: '18-24', percentage: creator.niche.id === 'gaming' ? 0.52 : 0.38 },
      { age: '25-34', percentage: creator.niche.id === 'gaming' ? 0.33 : 0.4 },
      { age: '35+', percentage: creator.niche.id === 'gaming' ? 0.15 : 0.22 },
    ],
  };
}

function creatorJson(dataset: TikTokDataset, creator: TikTokCreator) {
  const stats = dataset.creatorStats(creator);
  return {
    creator_id: creator.userId,
    handle_name: creator.handle,
    display_name: creator.displayName,
    profile_image: `https://p16-sign.tiktokcdn-us.com/sandbox/avatar/${creator.handle}~c5_720x720.jpeg`,
    followers_count: creator.followers,
    followings_count: creator.following,
    videos_count: stats.videoCount,
    likes_count: creator.totalLikes,
    bio: creator.bio,
    is_on_vacation: creator.isOnVacation,
    creator_rate:
      creator.rateUsd === null
        ? { rate: null, currency: null, is_negotiable_type: true }
        : { rate: creator.rateUsd, currency: 'USD', is_negotiable_type: false },
    location: creator.region,
    topics: [creator.niche.topic],
    creator_badges: [
      ...(creator.followers > 500_000 ? ['EXPERIENCED'] : []),
      'PROFILE_COMPLETE',
      ...(creator.postProbability > 0.5 ? ['RESPONSIVE'] : []),
    ],
    ...audience(creator, dataset),
    average_views: stats.averageViews,
    average_likes: stats.averageLikes,
    average_comments: stats.averageComments,
    average_shares: stats.averageShares,
    engagement_rate: stats.engagementRate,
    followers_growth_rate: creator.followersGrowthRate,
    completion_rate: Math.round((0.18 + creator.targetEngagementRate * 1.5) * 1000) / 1000,
    six_seconds_views_rate: Math.round((0.42 + creator.targetEngagementRate * 2) * 1000) / 1000,
  };
}

function postJson(video: TikTokVideo) {
  const engagements = video.likes + video.comments + video.shares;
  return {
    video_id: video.id,
    caption: video.description,
    display_name: video.creator.displayName,
    likes: video.likes,
    comments: video.comments,
    shares: video.shares,
    video_views: video.views,
    engagement_count: engagements,
    engagement_rate: video.views > 0 ? Math.round((engagements / video.views) * 10_000) / 10_000 : 0,
    embed_url: `https://www.tiktok.com/@${video.creator.handle}/video/${video.id}`,
    thumbnail_url: `https://p16-sign.tiktokcdn-us.com/sandbox/cover/${video.id}.jpeg`,
    create_time: new Date(video.createTime * 1000).toISOString().replace('T', ' ').slice(0, 19),
  };
}

/** Tokens of a keyword query ("holiday gifts" → ["holiday", "gifts"]). */
function keywordTokens(keyword: string): string[] {
  return keyword
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 1);
}

/** How well a keyword matches a niche/name: hashtag or sound names first, then niche keywords. */
function keywordScore(tokens: string[], name: string, nicheKeywords: readonly string[], nicheLabel: string): number {
  let score = 0;
  const lower = name.toLowerCase();
  for (const t of tokens) {
    const stem = t.replace(/s$/, '');
    if (lower.includes(stem)) score += 3;
    if (nicheKeywords.some((k) => k.includes(stem) || stem.includes(k))) score += 1;
    if (nicheLabel.toLowerCase().includes(stem)) score += 1;
  }
  return score;
}

function normalizedTrend(series: { day: number; value: number }[]) {
  const max = Math.max(1, ...series.map((p) => p.value));
  return series.map((p) => ({
    time: Math.floor((p.day * 86_400_000) / 1000),
    value: Math.round((p.value / max) * 100) / 100,
  }));
}

/**
 * Rank change between the previous and the current period. `rank_diff_type`: 1 rose, 2 unchanged, 3 fell, 4 new
 * entry (Creative Center's encoding as observed in its responses; rank_diff is the absolute change).
 */
function rankChanges<T>(
  current: T[],
  previousValue: (item: T) => number,
  currentValue: (item: T) => number,
  isNew: (item: T) => boolean,
) {
  const prevOrder = [...current].sort((a, b) => previousValue(b) - previousValue(a));
  const prevRank = new Map(prevOrder.map((item, i) => [item, i + 1]));
  const curOrder = [...current].sort((a, b) => currentValue(b) - currentValue(a));
  return curOrder.map((item, i) => {
    const rank = i + 1;
    const before = prevRank.get(item)!;
    const type = isNew(item) ? 4 : before > rank ? 1 : before === rank ? 2 : 3;
    return { item, rank, rankDiff: type === 4 ? 0 : Math.abs(before - rank), rankDiffType: type };
  });
}

export function createBusinessApiRouter(options: BusinessApiOptions): Router {
  const router = express.Router();
  const { dataset, clock } = options;

  const handle =
    (kind: 'business' | 'creativeCenter', run: (req: Request) => unknown) => (req: Request, res: Response) => {
      const envelope = (code: number, message: string, data: unknown) =>
        kind === 'business'
          ? { code, message, request_id: requestId(clock), data }
          : { code, msg: message, request_id: requestId(clock), data };
      try {
        let key: string;
        if (kind === 'business') {
          const token = req.get('Access-Token');
          if (token !== options.accessToken)
            throw new BusinessError(
              40105,
              401,
              'The access token is invalid or has been revoked. Pass a valid Access-Token header.',
            );
          key = token;
        } else {
          // Creative Center pages call anonymously; limit per anonymous user id (or address).
          key = req.get('Access-Token') ?? req.get('anonymous-user-id') ?? req.ip ?? 'anonymous';
        }
        const limit = options.limiters[kind].hit(key);
        if (!limit.allowed) {
          res.set('Retry-After', String(limit.retryAfter));
          return res
            .status(429)
            .json(envelope(40100, 'Requests made too frequently. Please retry after some time.', {}));
        }
        return res.json(envelope(0, 'OK', run(req)));
      } catch (error) {
        if (error instanceof BusinessError)
          return res.status(error.status).json(envelope(error.code, error.message, {}));
        throw error;
      }
    };

  const checkAccount = (value: unknown, name: string) => {
    if (typeof value !== 'string' || value === '') throw invalid(`${name} is required`);
    if (value !== options.tcmAccountId)
      throw new BusinessError(
        40001,
        403,
        `No permission to operate Creator Marketplace account ${value}. The sandbox account is ${options.tcmAccountId}.`,
      );
  };

  // ---------------------------------------------------------------------------------------------------------------
  // Creator Marketplace

  function discover(params: Record<string, unknown>, accountField: string) {
    checkAccount(params[accountField], accountField);
    const countryCodes =
      params.country_codes !== undefined
        ? jsonArrayParam(params.country_codes, 'country_codes')
        : params.country_code !== undefined
          ? [String(params.country_code)]
          : undefined;
    if (countryCodes) {
      const bad = countryCodes.filter((c) => !(REGIONS as readonly string[]).includes(c));
      if (bad.length > 0)
        throw invalid(`country_code ${bad.join(', ')} is not supported; use one of ${REGIONS.join(', ')}`);
    }
    const minFollowers = intParam(params.min_followers, 'min_followers', 0, 10_000_000_000, 0);
    const maxFollowers = intParam(params.max_followers, 'max_followers', 0, 10_000_000_000, 10_000_000_000);
    if (params.min_followers !== undefined && params.max_followers !== undefined && maxFollowers <= minFollowers)
      throw invalid('max_followers must be greater than min_followers');
    const minAvgViews = intParam(params.min_avg_views, 'min_avg_views', 0, 100_000_000_000, 0);
    const maxAvgViews = intParam(params.max_avg_views, 'max_avg_views', 0, 100_000_000_000, 100_000_000_000);
    const engagementBand = params.engagement_rate;
    const bands: Record<string, [number, number]> = {
      '0-5': [0, 0.05],
      '5-10': [0.05, 0.1],
      '10-15': [0.1, 0.15],
      '15-20': [0.15, 0.2],
      '>20': [0.2, 1],
    };
    if (engagementBand !== undefined && (typeof engagementBand !== 'string' || !bands[engagementBand]))
      throw invalid(`engagement_rate must be one of ${Object.keys(bands).join(', ')}`);
    const categories =
      params.creator_categories !== undefined
        ? jsonArrayParam(params.creator_categories, 'creator_categories')
        : undefined;
    if (categories) {
      const bad = categories.filter((c) => !TOPIC_VALUES.includes(c) && !NICHES.some((n) => n.id === c.toLowerCase()));
      if (bad.length > 0)
        throw invalid(`creator_categories ${bad.join(', ')} not supported; use ${TOPIC_VALUES.join(', ')}`);
    }
    const keywordList =
      params.query !== undefined
        ? [String(params.query)]
        : params.keyword_search !== undefined
          ? jsonArrayParam(params.keyword_search, 'keyword_search')
          : params.search_keyword !== undefined
            ? [String(params.search_keyword)]
            : undefined;
    const sortField = params.sort_field ?? 'follower_count';
    if (!['follower_count', 'avg_views', 'engagement_rate', 'relevance'].includes(String(sortField)))
      throw invalid('sort_field must be one of follower_count, avg_views, engagement_rate, relevance');
    const page = intParam(params.page, 'page', 1, 10_000, 1);
    const pageSize = intParam(params.page_size, 'page_size', 1, 200, 10);
    const tokens = keywordList ? keywordList.flatMap(keywordTokens) : [];

    const scored = dataset.creators
      .filter((c) => !c.isBrandAccount)
      .map((c) => {
        const stats = dataset.creatorStats(c);
        const relevance =
          tokens.length === 0
            ? 1
            : keywordScore(
                tokens,
                `${c.handle} ${c.displayName} ${c.bio}`,
                c.niche.keywords,
                `${c.niche.label} ${c.niche.id} ${c.niche.hashtags.join(' ')}`,
              );
        return { c, stats, relevance };
      })
      .filter(({ c, stats, relevance }) => {
        if (countryCodes && !countryCodes.includes(c.region)) return false;
        if (c.followers < minFollowers || c.followers > maxFollowers) return false;
        if (stats.averageViews < minAvgViews || stats.averageViews > maxAvgViews) return false;
        if (engagementBand) {
          const [lo, hi] = bands[engagementBand as string]!;
          if (stats.engagementRate < lo || stats.engagementRate >= hi) return false;
        }
        if (categories && !categories.some((cat) => cat === c.niche.topic || cat.toLowerCase() === c.niche.id))
          return false;
        return relevance > 0;
      });
    const sortValue = (s: (typeof scored)[number]) =>
      sortField === 'avg_views'
        ? s.stats.averageViews
        : sortField === 'engagement_rate'
          ? s.stats.engagementRate
          : sortField === 'relevance'
            ? s.relevance * 1e9 + s.c.followers
            : s.c.followers;
    scored.sort((a, b) => sortValue(b) - sortValue(a) || a.c.handle.localeCompare(b.c.handle));
    const capped = scored.slice(0, 250); // the real endpoint returns at most 250 creators
    const pageItems = capped.slice((page - 1) * pageSize, page * pageSize);
    return {
      page_info: {
        page,
        page_size: pageSize,
        total_number: capped.length,
        total_page: Math.ceil(capped.length / pageSize),
      },
      creators: pageItems.map((s) => creatorJson(dataset, s.c)),
    };
  }

  router.post(
    '/open_api/v1.3/tcm/creator/discover/',
    handle('business', (req) => discover((req.body ?? {}) as Record<string, unknown>, 'tcm_account_id')),
  );
  router.get(
    '/open_api/v1.3/tto/tcm/creator/discover/',
    handle('business', (req) => discover(req.query as Record<string, unknown>, 'tto_tcm_account_id')),
  );

  function publicProfile(params: Record<string, unknown>, accountField: string) {
    checkAccount(params[accountField], accountField);
    const handleName = params.handle_name;
    if (typeof handleName !== 'string' || handleName === '') throw invalid('handle_name is required');
    const creator = dataset.creatorByHandle(handleName);
    if (!creator) throw invalid(`No public TikTok account found with handle_name '${handleName}'`);
    return creatorJson(dataset, creator);
  }
  router.get(
    '/open_api/v1.3/tcm/creator/public/',
    handle('business', (req) => publicProfile(req.query as Record<string, unknown>, 'tcm_account_id')),
  );
  router.get(
    '/open_api/v1.3/tto/tcm/creator/public/',
    handle('business', (req) => publicProfile(req.query as Record<string, unknown>, 'tto_tcm_account_id')),
  );

  router.get(
    '/open_api/v1.3/tcm/creator/public/video/list/',
    handle('business', (req) => {
      const params = req.query as Record<string, unknown>;
      checkAccount(params.tcm_account_id, 'tcm_account_id');
      if (typeof params.handle_name !== 'string' || params.handle_name === '') throw invalid('handle_name is required');
      const creator = dataset.creatorByHandle(params.handle_name);
      if (!creator) throw invalid(`No public TikTok account found with handle_name '${params.handle_name}'`);
      const limit = intParam(params.limit, 'limit', 1, 10, 10);
      const cursor = intParam(params.cursor, 'cursor', 0, Number.MAX_SAFE_INTEGER, 0);
      const ids = jsonArrayParam(params.video_ids, 'video_ids');
      let videos = dataset.videosOf(creator);
      if (ids) videos = videos.filter((v) => ids.includes(v.id));
      const after = cursor > 0 ? videos.filter((v) => v.createTime * 1000 < cursor) : videos;
      const page = after.slice(0, limit);
      const last = page[page.length - 1];
      return {
        page_info: { has_more: after.length > page.length, cursor: last ? last.createTime * 1000 : 0 },
        posts: page.map(postJson),
      };
    }),
  );

  // ---------------------------------------------------------------------------------------------------------------
  // Creative Center trends

  function trendParams(req: Request) {
    const q = req.query as Record<string, unknown>;
    const page = intParam(q.page, 'page', 1, 1000, 1);
    const limit = intParam(q.limit, 'limit', 1, 50, 20);
    const period = intParam(q.period, 'period', 1, 120, 7);
    if (![7, 30, 120].includes(period)) throw invalid('period must be 7, 30 or 120');
    const country = typeof q.country_code === 'string' && q.country_code !== '' ? q.country_code.toUpperCase() : null;
    if (country && !(REGIONS as readonly string[]).includes(country))
      throw invalid(`country_code must be one of ${REGIONS.join(', ')} (or empty for all regions)`);
    const industryId = q.industry_id !== undefined && q.industry_id !== '' ? Number(q.industry_id) : null;
    if (industryId !== null && !NICHES.some((n) => n.industry.id === industryId))
      throw invalid(`industry_id must be one of ${[...new Set(NICHES.map((n) => n.industry.id))].join(', ')}`);
    const keyword = typeof q.keyword === 'string' && q.keyword.trim() !== '' ? q.keyword : null;
    return {
      page,
      limit,
      period,
      country: country as RegionCode | null,
      industryId,
      keyword,
      sortBy: typeof q.sort_by === 'string' ? q.sort_by : typeof q.rank_type === 'string' ? q.rank_type : 'popular',
    };
  }

  const countryInfo = (country: RegionCode | null) =>
    country
      ? { id: country, value: REGION_NAMES[country], label: country }
      : { id: '', value: 'All regions', label: 'all' };

  router.get(
    '/creative_radar_api/v1/popular_trend/hashtag/list',
    handle('creativeCenter', (req) => {
      const p = trendParams(req);
      if (!['popular', 'new'].includes(p.sortBy)) throw invalid("sort_by must be 'popular' or 'new'");
      const tokens = p.keyword ? keywordTokens(p.keyword) : [];
      let candidates = dataset.hashtags.filter((h) => p.industryId === null || h.niche.industry.id === p.industryId);
      if (tokens.length > 0)
        candidates = candidates.filter((h) => keywordScore(tokens, h.name, h.niche.keywords, h.niche.label) > 0);
      const stats = new Map(
        candidates.map((h) => [h, dataset.hashtagPeriod(h, p.period, p.country ?? undefined)] as const),
      );
      const isNew = (s: HashtagPeriodStats) => s.hashtag.emergedDay > dataset.today - p.period;
      let ranked = rankChanges(
        [...stats.values()],
        (s) => s.previousViews,
        (s) => s.views,
        isNew,
      );
      if (p.sortBy === 'new')
        ranked = ranked.filter((r) => r.rankDiffType === 4 || r.item.views > r.item.previousViews * 1.5);
      const total = ranked.length;
      const slice = ranked.slice((p.page - 1) * p.limit, p.page * p.limit);
      return {
        list: slice.map(({ item, rank, rankDiff, rankDiffType }) => ({
          hashtag_id: item.hashtag.id,
          hashtag_name: item.hashtag.name,
          country_info: countryInfo(p.country),
          industry_info: {
            id: item.hashtag.niche.industry.id,
            value: item.hashtag.niche.industry.value,
            label: `label_${item.hashtag.niche.industry.id}`,
          },
          is_promoted: item.hashtag.promoted,
          trend: normalizedTrend(item.series.map((s) => ({ day: s.day, value: s.views }))),
          creators: dataset.topCreatorsOf(item.hashtag.niche, 3).map((c) => ({
            nick_name: c.handle,
            avatar_url: `https://p16-sign.tiktokcdn-us.com/sandbox/avatar/${c.handle}~c5_100x100.jpeg`,
          })),
          publish_cnt: item.posts,
          video_views: item.views,
          rank,
          rank_diff: rankDiff,
          rank_diff_type: rankDiffType,
        })),
        pagination: { page: p.page, size: p.limit, total, has_more: p.page * p.limit < total },
      };
    }),
  );

  const soundList = handle('creativeCenter', (req) => {
    const p = trendParams(req);
    if (!['popular', 'surging', 'new'].includes(p.sortBy))
      throw invalid("rank_type must be 'popular', 'surging' or 'new'");
    const tokens = p.keyword ? keywordTokens(p.keyword) : [];
    let candidates = dataset.sounds.filter((s) => p.industryId === null || s.niche.industry.id === p.industryId);
    if (tokens.length > 0)
      candidates = candidates.filter(
        (s) => keywordScore(tokens, `${s.title} ${s.author}`, s.niche.keywords, s.niche.label) > 0,
      );
    const stats = candidates.map((s) => dataset.soundPeriod(s, p.period, p.country ?? undefined));
    const isNew = (s: SoundPeriodStats) => s.sound.emergedDay > dataset.today - p.period;
    let ranked = rankChanges(
      stats,
      (s) => s.previousPosts,
      (s) => s.posts,
      isNew,
    );
    if (p.sortBy === 'surging')
      ranked = [...ranked].sort(
        (a, b) => b.item.posts / Math.max(1, b.item.previousPosts) - a.item.posts / Math.max(1, a.item.previousPosts),
      );
    if (p.sortBy === 'new') ranked = ranked.filter((r) => r.rankDiffType === 4);
    const total = ranked.length;
    const slice = ranked.slice((p.page - 1) * p.limit, p.page * p.limit);
    return {
      sound_list: slice.map(({ item, rank, rankDiff, rankDiffType }) => ({
        clip_id: item.sound.clipId,
        song_id: item.sound.songId,
        title: item.sound.title,
        author: item.sound.author,
        country_code: p.country ?? '',
        duration: item.sound.duration,
        link: `https://www.tiktok.com/music/${item.sound.title.replace(/[^A-Za-z0-9]+/g, '-')}-${item.sound.songId}`,
        cover: `https://p16-sign.tiktokcdn-us.com/sandbox/music/${item.sound.songId}.jpeg`,
        promoted: item.sound.promoted,
        trend: normalizedTrend(item.series.map((s) => ({ day: s.day, value: s.posts }))),
        on_list_times: Math.max(
          1,
          Math.round((dataset.today - Math.max(item.sound.emergedDay, dataset.today - 365)) / 7),
        ),
        rank,
        rank_diff: rankDiff,
        rank_diff_type: rankDiffType,
        publish_cnt: item.posts,
        video_views: item.views,
        industry_info: {
          id: item.sound.niche.industry.id,
          value: item.sound.niche.industry.value,
          label: `label_${item.sound.niche.industry.id}`,
        },
      })),
      pagination: { page: p.page, size: p.limit, total, has_more: p.page * p.limit < total },
    };
  });
  router.get('/creative_radar_api/v1/popular_trend/sound/list', soundList);
  router.get('/creative_radar_api/v1/popular_trend/song/list', soundList);

  return router;
}
