import { describe, expect, it } from '@jest/globals';
import { generateTikTok } from './dataset';
import { NICHES } from './vocabulary';

const NOW = '2026-02-01T00:00:00Z';

describe('generateTikTok', () => {
  it('is deterministic for a seed and clock', () => {
    const a = generateTikTok(42, NOW);
    const b = generateTikTok(42, NOW);
    const view = (d: typeof a) =>
      JSON.stringify({
        creators: d.creators.map((c) => ({ ...c, niche: c.niche.id })),
        videos: d.allVideos().map((v) => ({ ...v, creator: v.creator.handle })),
      });
    expect(view(a)).toBe(view(b));
    expect(view(generateTikTok(7, NOW))).not.toBe(view(a));
  });

  it('has ~300 unique creators across every niche, with plausible stats', () => {
    const d = generateTikTok(42, NOW);
    expect(d.creators.length).toBe(301);
    expect(new Set(d.creators.map((c) => c.handle)).size).toBe(d.creators.length);
    for (const niche of NICHES) expect(d.creators.filter((c) => c.niche === niche).length).toBeGreaterThanOrEqual(30);
    for (const c of d.creators) {
      expect(c.followers).toBeGreaterThanOrEqual(2000);
      const stats = d.creatorStats(c);
      expect(stats.engagementRate).toBeGreaterThan(0);
      expect(stats.engagementRate).toBeLessThan(0.5);
    }
  });

  it('gives videos stats that are consistent and accrue with age', () => {
    const d = generateTikTok(42, NOW);
    const videos = d.allVideos();
    expect(videos.length).toBeGreaterThan(3000);
    for (const v of videos.slice(0, 500)) {
      expect(v.likes).toBeLessThanOrEqual(v.views);
      expect(v.createTime * 1000).toBeLessThan(Date.parse(NOW));
      expect(BigInt(v.id) >> 32n).toBe(BigInt(v.createTime)); // the top bits of a TikTok id are its creation time
      expect(v.hashtags.length).toBeGreaterThanOrEqual(2);
    }
    // The same video seen a day later has at least as many views.
    const later = generateTikTok(42, new Date(Date.parse(NOW) + 86_400_000));
    const v = videos[0]!;
    expect(later.video(v.id)!.views).toBeGreaterThanOrEqual(v.views);
  });

  it("gives every niche sounds of its own, which its creators' videos use most", () => {
    const d = generateTikTok(42, NOW);
    const nicheOf = (title: string) => d.sounds.find((s) => s.title === title)!.niche.id;
    expect(['Last Christmas (Sped Up)', 'Jingle Beat', 'Wishlist'].map(nicheOf)).toEqual(['gifts', 'gifts', 'gifts']);
    expect(['Runway Walk', 'Speedrun Theme', 'Desk Setup Chill'].map(nicheOf)).toEqual(['fashion', 'gaming', 'tech']);
    for (const niche of NICHES) {
      const videos = d.allVideos().filter((v) => v.creator.niche === niche);
      const own = videos.filter((v) => d.sounds.find((s) => s.songId === v.musicId)?.niche === niche);
      expect(own.length).toBeGreaterThan(videos.length / 2);
    }
  });

  it('makes gifting hashtags peak in the holiday season', () => {
    const d = generateTikTok(42, NOW);
    const gift = d.hashtags.find((h) => h.name === 'giftideas')!;
    const december = d.hashtagViewsOn(gift, Math.floor(Date.parse('2025-12-10T00:00:00Z') / 86_400_000));
    const march = d.hashtagViewsOn(gift, Math.floor(Date.parse('2025-03-10T00:00:00Z') / 86_400_000));
    expect(december).toBeGreaterThan(march * 2);
  });
});
