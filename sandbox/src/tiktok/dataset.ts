/**
 * The TikTok dataset: hashtags and sounds with daily view series per region, ~300 creators across niches, and their
 * recent videos with stats. Everything is derived from the seed and the clock:
 *
 * - A hashtag's views on day D in region R depend only on (seed, hashtag, D): a seasonal niche curve, a per-hashtag
 *   wave, weekday rhythm and noise. Period totals, growth and ranks are sums over those days, so they move smoothly as
 *   the clock advances.
 * - A creator posts on day D with a per-creator probability drawn from (seed, creator, D); a video's final stats depend
 *   on (seed, video) and accrue with its age (most views arrive in the first days), like real videos.
 */
import {
  DISPLAY_SURNAMES,
  FIRST_NAMES,
  NICHES,
  REGIONS,
  REGION_NAMES,
  REGION_WEIGHTS,
  SOUND_ARTISTS,
  SOUNDS,
} from './vocabulary';
import type { NicheSpec, RegionCode } from './vocabulary';
import { DAY_MS, dateOfDay, dayNumberOf, startOfUtcDay } from '../shared/dates';
import { streamFor } from '../shared/prng';

export interface TikTokHashtag {
  id: string;
  name: string;
  niche: NicheSpec;
  /** Median daily views worldwide. */
  baseDailyViews: number;
  /** Views per post (publish_cnt = views / this). */
  viewsPerPost: number;
  regionShare: Record<RegionCode, number>;
  wave: { period: number; phase: number; amplitude: number };
  /** Day the hashtag started trending (earlier days have a fraction of the volume). */
  emergedDay: number;
  promoted: boolean;
}

export interface TikTokSound {
  songId: string;
  clipId: string;
  title: string;
  author: string;
  duration: number;
  niche: NicheSpec;
  baseDailyPosts: number;
  regionShare: Record<RegionCode, number>;
  wave: { period: number; phase: number; amplitude: number };
  emergedDay: number;
  promoted: boolean;
}

export interface TikTokCreator {
  userId: string;
  openId: string;
  handle: string;
  displayName: string;
  niche: NicheSpec;
  region: RegionCode;
  followers: number;
  following: number;
  totalLikes: number;
  bio: string;
  verified: boolean;
  /** Engagement rate the creator's videos are drawn around ((likes + comments + shares) / views). */
  targetEngagementRate: number;
  targetAverageViews: number;
  postProbability: number;
  followersGrowthRate: number;
  /** Starting rate in USD, or null when negotiable. */
  rateUsd: number | null;
  audienceFemaleShare: number;
  isOnVacation: boolean;
  isBrandAccount: boolean;
}

export interface TikTokVideo {
  /** 64-bit id as a decimal string (the top 32 bits are the creation time, as in real TikTok ids). */
  id: string;
  creator: TikTokCreator;
  createTime: number;
  description: string;
  hashtags: string[];
  musicId: string;
  regionCode: RegionCode;
  duration: number;
  views: number;
  likes: number;
  comments: number;
  shares: number;
  favorites: number;
}

export interface HashtagPeriodStats {
  hashtag: TikTokHashtag;
  views: number;
  posts: number;
  previousViews: number;
  /** Daily views over the period, oldest first. */
  series: { day: number; views: number }[];
}

export interface SoundPeriodStats {
  sound: TikTokSound;
  posts: number;
  previousPosts: number;
  views: number;
  series: { day: number; posts: number }[];
}

const CREATORS_PER_NICHE = 30;
const VIDEO_WINDOW_DAYS = 60;

function regionShares(rng: ReturnType<typeof streamFor>, home?: RegionCode): Record<RegionCode, number> {
  const raw = REGIONS.map((r) => REGION_WEIGHTS[r] * rng.logNormal(1, 0.5) * (r === home ? 4 : 1));
  const sum = raw.reduce((a, b) => a + b, 0);
  return Object.fromEntries(REGIONS.map((r, i) => [r, raw[i]! / sum])) as Record<RegionCode, number>;
}

function seasonal(niche: NicheSpec, day: number): number {
  const month = dateOfDay(day).getUTCMonth();
  const date = dateOfDay(day).getUTCDate();
  let factor = niche.seasonality?.[month] ?? 1;
  if (niche.id === 'gifts' && month === 11 && date > 25) factor = 0.7; // gifting ends at Christmas
  return factor;
}

function waveFactor(wave: { period: number; phase: number; amplitude: number }, day: number): number {
  return 1 + wave.amplitude * Math.sin((2 * Math.PI * (day + wave.phase)) / wave.period);
}

function emergence(emergedDay: number, day: number): number {
  if (day >= emergedDay) return 1;
  return Math.max(0.03, Math.exp((day - emergedDay) / 6));
}

export class TikTokDataset {
  readonly hashtags: TikTokHashtag[];
  readonly sounds: TikTokSound[];
  readonly creators: TikTokCreator[];
  /** The account that the sandbox user access token belongs to (a brand account). */
  readonly brandAccount: TikTokCreator;
  readonly now: Date;
  readonly today: number;
  private videosCache: TikTokVideo[] | null = null;
  private readonly videosByCreator = new Map<string, TikTokVideo[]>();

  constructor(
    readonly seed: number,
    now: Date,
  ) {
    this.now = new Date(now.getTime());
    this.today = dayNumberOf(now);
    this.hashtags = this.generateHashtags();
    this.sounds = this.generateSounds();
    this.creators = this.generateCreators();
    this.brandAccount = this.creators.find((c) => c.isBrandAccount)!;
  }

  private generateHashtags(): TikTokHashtag[] {
    const out: TikTokHashtag[] = [];
    for (const niche of NICHES) {
      niche.hashtags.forEach((name, i) => {
        const rng = streamFor(this.seed, 'hashtag', name);
        out.push({
          id: String(1_600_000 + (NICHES.indexOf(niche) * 10 + i) * 7_919 + rng.int(0, 7_000)),
          name,
          niche,
          baseDailyViews: Math.round(rng.logNormal(i < 3 ? 9_000_000 : 1_800_000, 0.8)),
          viewsPerPost: Math.round(rng.logNormal(6_000, 0.5)),
          regionShare: regionShares(rng),
          wave: { period: rng.int(21, 120), phase: rng.int(0, 120), amplitude: rng.float(0.05, 0.45) },
          // A few hashtags emerge recently: they show as new entrants with steep growth.
          emergedDay: rng.chance(0.12) ? this.today - rng.int(3, 40) : this.today - 2000,
          promoted: rng.chance(0.08),
        });
      });
    }
    return out;
  }

  private generateSounds(): TikTokSound[] {
    return SOUNDS.map(({ title, niche: nicheId }, i) => {
      const rng = streamFor(this.seed, 'sound', title);
      const niche = NICHES.find((n) => n.id === nicheId);
      if (!niche) throw new Error(`Sound "${title}" names niche "${nicheId}", which is not one of NICHES.`);
      const songId = String(7_000_000_000_000_000_000n + BigInt(i) * 104_729_000_000n + BigInt(rng.int(0, 99_999_999)));
      return {
        songId,
        clipId: String(7_300_000_000_000_000_000n + BigInt(i) * 99_991_000_000n + BigInt(rng.int(0, 99_999_999))),
        title,
        author: rng.pick(SOUND_ARTISTS),
        duration: rng.int(12, 60),
        niche,
        baseDailyPosts: Math.round(rng.logNormal(2_500, 0.9)),
        regionShare: regionShares(rng),
        wave: { period: rng.int(14, 90), phase: rng.int(0, 90), amplitude: rng.float(0.1, 0.6) },
        emergedDay: rng.chance(0.2) ? this.today - rng.int(2, 30) : this.today - 2000,
        promoted: rng.chance(0.05),
      };
    });
  }

  private generateCreators(): TikTokCreator[] {
    const used = new Set<string>();
    const creators: TikTokCreator[] = [];
    const regionEntries = REGIONS.map((r) => [r, REGION_WEIGHTS[r]] as const);
    let serial = 0;
    const make = (niche: NicheSpec, index: number, brand: boolean): TikTokCreator => {
      const rng = streamFor(this.seed, 'creator', niche.id, index, brand ? 'brand' : '');
      const first = rng.pick(FIRST_NAMES);
      let handle = brand ? 'ionflux.demo' : `${first}${rng.pick(['.', '_', '', '.the'])}${rng.pick(niche.handleWords)}`;
      while (used.has(handle)) handle = `${handle}${rng.int(1, 99)}`;
      used.add(handle);
      const followers = brand ? 48_200 : Math.round(Math.min(12_000_000, Math.max(2_000, rng.logNormal(70_000, 1.3))));
      const engagement = Math.min(
        0.25,
        Math.max(0.012, 0.085 * Math.pow(followers / 100_000, -0.14) * rng.logNormal(1, 0.35)),
      );
      const avgViews = Math.round(followers * Math.min(3, Math.max(0.02, rng.logNormal(0.22, 0.6))));
      const region = brand ? 'US' : (rng.weighted(regionEntries) as RegionCode);
      const surname = rng.pick(DISPLAY_SURNAMES);
      const displayName = brand
        ? 'IONFLUX Demo Store'
        : rng.chance(0.5)
          ? `${first[0]!.toUpperCase()}${first.slice(1)} ${surname}`
          : `${first[0]!.toUpperCase()}${first.slice(1)} | ${niche.label}`;
      serial++;
      return {
        userId: String(6_800_000_000_000_000_000n + BigInt(serial) * 1_000_003n * 1_000n + BigInt(rng.int(0, 999_999))),
        openId: `-000${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
        handle,
        displayName,
        niche,
        region,
        followers,
        following: rng.int(40, 1_800),
        totalLikes: Math.round(avgViews * engagement * 0.8 * rng.int(80, 900)),
        bio: brand
          ? 'Cozy apparel, candles and gifts. Official IONFLUX demo shop (sandbox).'
          : `${niche.label} ${rng.pick(['tips', 'finds', 'on a budget', 'daily', 'for real life'])} ${rng.pick(['✨', '🔥', '💫', '🌿', '🎮', '📦'])} | ${REGION_NAMES[region]} | collabs: ${handle.replace(/[^a-z0-9]/g, '')}@example.com`,
        verified: followers > 1_000_000 && rng.chance(0.7),
        targetEngagementRate: engagement,
        targetAverageViews: Math.max(300, avgViews),
        postProbability: brand ? 0.35 : rng.float(0.15, 0.8),
        followersGrowthRate: Math.round(rng.normal(0.03, 0.05) * 10_000) / 10_000,
        rateUsd: rng.chance(0.3) ? null : Math.round((followers / 1000) * rng.float(8, 25) + 50),
        audienceFemaleShare: Math.min(
          0.95,
          Math.max(
            0.05,
            rng.normal(
              niche.id === 'beauty' || niche.id === 'fashion'
                ? 0.72
                : niche.id === 'gaming' || niche.id === 'tech'
                  ? 0.28
                  : 0.52,
              0.1,
            ),
          ),
        ),
        isOnVacation: rng.chance(0.04),
        isBrandAccount: brand,
      };
    };
    for (const niche of NICHES) for (let i = 0; i < CREATORS_PER_NICHE; i++) creators.push(make(niche, i, false));
    creators.push(
      make(
        NICHES.find((n) => n.id === 'home')!,
        0,
        true,
      ),
    );
    return creators;
  }

  creatorByHandle(handle: string): TikTokCreator | undefined {
    const h = handle.replace(/^@/, '').toLowerCase();
    return this.creators.find((c) => c.handle === h);
  }

  /** Videos posted in the 60 days before the clock, newest first. */
  videosOf(creator: TikTokCreator): TikTokVideo[] {
    const cached = this.videosByCreator.get(creator.handle);
    if (cached) return cached;
    const videos: TikTokVideo[] = [];
    const nicheTags = creator.niche.hashtags;
    const nicheSounds = this.sounds.filter((s) => s.niche === creator.niche);
    for (let day = this.today - 1; day >= this.today - VIDEO_WINDOW_DAYS; day--) {
      const rng = streamFor(this.seed, 'post', creator.handle, day);
      if (!rng.chance(creator.postProbability)) continue;
      const createTime = Math.floor((day * DAY_MS) / 1000) + rng.int(6 * 3600, 23 * 3600);
      const ageDays = (this.now.getTime() / 1000 - createTime) / 86_400;
      if (ageDays <= 0) continue;
      const growth = 1 - Math.exp(-ageDays / 2.2); // most views arrive in the first days
      const finalViews = creator.targetAverageViews * rng.logNormal(1, 0.75) * seasonal(creator.niche, day);
      const views = Math.max(1, Math.round(finalViews * growth));
      const er = creator.targetEngagementRate * rng.logNormal(1, 0.25);
      const engagements = views * er;
      const tags = rng.shuffle(nicheTags).slice(0, rng.int(2, 4));
      if (rng.chance(0.35)) tags.push('fyp');
      const caption = rng.pick(creator.niche.captions);
      const sound = nicheSounds.length > 0 && rng.chance(0.75) ? rng.pick(nicheSounds) : rng.pick(this.sounds);
      const low = BigInt(rng.int(0, 0x7fffffff)) * 2n + BigInt(rng.int(0, 1));
      videos.push({
        id: String((BigInt(createTime) << 32n) | low),
        creator,
        createTime,
        description: `${caption} ${tags.map((t) => `#${t}`).join(' ')}`,
        hashtags: tags,
        musicId: sound.songId,
        regionCode: creator.region,
        duration: rng.int(7, 180),
        views,
        likes: Math.round(engagements * 0.84),
        comments: Math.round(engagements * 0.05),
        shares: Math.round(engagements * 0.11),
        favorites: Math.round(engagements * 0.09),
      });
    }
    this.videosByCreator.set(creator.handle, videos);
    return videos;
  }

  /** Every video of every creator, newest first. */
  allVideos(): TikTokVideo[] {
    this.videosCache ??= this.creators
      .flatMap((c) => this.videosOf(c))
      .sort((a, b) => b.createTime - a.createTime || (a.id < b.id ? -1 : 1));
    return this.videosCache;
  }

  video(id: string): TikTokVideo | undefined {
    return this.allVideos().find((v) => v.id === id);
  }

  /** Creator stats over their most recent 30 videos (the window Creator Marketplace uses). */
  creatorStats(creator: TikTokCreator) {
    const recent = this.videosOf(creator).slice(0, 30);
    const n = Math.max(1, recent.length);
    const sum = (f: (v: TikTokVideo) => number) => recent.reduce((s, v) => s + f(v), 0);
    const views = sum((v) => v.views);
    return {
      videoCount: recent.length,
      averageViews: Math.round(views / n),
      averageLikes: Math.round(sum((v) => v.likes) / n),
      averageComments: Math.round(sum((v) => v.comments) / n),
      averageShares: Math.round(sum((v) => v.shares) / n),
      engagementRate:
        views > 0 ? Math.round((sum((v) => v.likes + v.comments + v.shares) / views) * 10_000) / 10_000 : 0,
    };
  }

  /** Daily views of a hashtag on a day (worldwide, or one region). Depends only on (seed, hashtag, day, region). */
  hashtagViewsOn(hashtag: TikTokHashtag, day: number, region?: RegionCode): number {
    const rng = streamFor(this.seed, 'hashtag-day', hashtag.name, day);
    const weekday = dateOfDay(day).getUTCDay();
    const base =
      hashtag.baseDailyViews *
      seasonal(hashtag.niche, day) *
      waveFactor(hashtag.wave, day) *
      emergence(hashtag.emergedDay, day) *
      (weekday === 0 || weekday === 6 ? 1.12 : 1) *
      rng.logNormal(1, 0.12);
    return Math.round(region ? base * hashtag.regionShare[region] * rng.logNormal(1, 0.1) : base);
  }

  soundPostsOn(sound: TikTokSound, day: number, region?: RegionCode): number {
    const rng = streamFor(this.seed, 'sound-day', sound.songId, day);
    const base =
      sound.baseDailyPosts *
      seasonal(sound.niche, day) *
      waveFactor(sound.wave, day) *
      emergence(sound.emergedDay, day) *
      rng.logNormal(1, 0.15);
    return Math.round(region ? base * sound.regionShare[region] * rng.logNormal(1, 0.1) : base);
  }

  /** Totals over the `period` days ending yesterday, and over the period before, for growth and rank changes. */
  hashtagPeriod(hashtag: TikTokHashtag, period: number, region?: RegionCode): HashtagPeriodStats {
    const series: { day: number; views: number }[] = [];
    let previousViews = 0;
    for (let day = this.today - period; day < this.today; day++)
      series.push({ day, views: this.hashtagViewsOn(hashtag, day, region) });
    for (let day = this.today - 2 * period; day < this.today - period; day++)
      previousViews += this.hashtagViewsOn(hashtag, day, region);
    const views = series.reduce((s, p) => s + p.views, 0);
    return { hashtag, views, posts: Math.round(views / hashtag.viewsPerPost), previousViews, series };
  }

  soundPeriod(sound: TikTokSound, period: number, region?: RegionCode): SoundPeriodStats {
    const series: { day: number; posts: number }[] = [];
    let previousPosts = 0;
    for (let day = this.today - period; day < this.today; day++)
      series.push({ day, posts: this.soundPostsOn(sound, day, region) });
    for (let day = this.today - 2 * period; day < this.today - period; day++)
      previousPosts += this.soundPostsOn(sound, day, region);
    const posts = series.reduce((s, p) => s + p.posts, 0);
    return { sound, posts, previousPosts, views: posts * 4_200, series };
  }

  /** Creators of a niche ranked by followers, used as a hashtag's or sound's top creators. */
  topCreatorsOf(niche: NicheSpec, count: number): TikTokCreator[] {
    return this.creators
      .filter((c) => c.niche === niche && !c.isBrandAccount)
      .sort((a, b) => b.followers - a.followers)
      .slice(0, count);
  }
}

/**
 * Generates the TikTok dataset for a seed (and a clock, default: the start of today UTC).
 *
 * @example
 * const tiktok = generateTikTok(42, '2026-02-01');
 * tiktok.creators.length; // 301 (300 creators across 10 niches + the demo brand account)
 */
export function generateTikTok(seed: number, now: Date | string = startOfUtcDay(new Date())): TikTokDataset {
  const date = now instanceof Date ? now : new Date(now);
  if (Number.isNaN(date.getTime())) throw new TypeError(`Invalid now: ${String(now)}`);
  return new TikTokDataset(seed, date);
}

export { NICHES, REGIONS, REGION_NAMES };
