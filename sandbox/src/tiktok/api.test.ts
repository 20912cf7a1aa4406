import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_CREDENTIALS } from '../credentials';
import { startSandboxServer } from '../server';
import type { SandboxServer } from '../server';
import { shapeMismatches } from '../shared/shape';

const creds = SANDBOX_CREDENTIALS.tiktok;
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8'));
let clock = Date.parse('2026-02-01T12:00:00Z');
let sandbox: SandboxServer;

beforeAll(async () => {
  sandbox = await startSandboxServer({
    seed: 42,
    now: '2026-02-01',
    clock: () => clock,
    tiktokRateLimits: { display: { windowMs: 60_000, max: 5 } },
  });
});
afterAll(async () => {
  await sandbox.close();
});

const url = (path: string) => `${sandbox.url}/sandbox/tiktok${path}`;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });
const form = (body: Record<string, string>) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body).toString(),
});

describe('TikTok OAuth v2', () => {
  it('runs the authorization code flow with PKCE, refresh rotation and revoke', async () => {
    const verifier = 'sandbox-verifier-0123456789-abcdefghijklmnopqrstuvwxyz';
    const challenge = createHash('sha256').update(verifier).digest('hex');
    const authorize = await fetch(
      url(
        `/v2/auth/authorize/?client_key=${creds.clientKey}&response_type=code&scope=user.info.basic,user.info.stats,video.list&redirect_uri=${encodeURIComponent('http://127.0.0.1:5678/tiktok/callback')}&state=xyz&code_challenge=${challenge}&code_challenge_method=S256`,
      ),
      { redirect: 'manual' },
    );
    expect(authorize.status).toBe(302);
    const location = new URL(authorize.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('scopes')).toBe('user.info.basic,user.info.stats,video.list');
    const code = location.searchParams.get('code')!;

    const wrongVerifier = await fetch(
      url('/v2/oauth/token/'),
      form({
        client_key: creds.clientKey,
        client_secret: creds.clientSecret,
        code,
        grant_type: 'authorization_code',
        redirect_uri: 'http://127.0.0.1:5678/tiktok/callback',
        code_verifier: 'nope',
      }),
    );
    expect(wrongVerifier.status).toBe(400);
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant', log_id: expect.any(String) });

    const again = await fetch(
      url(
        `/v2/auth/authorize/?client_key=${creds.clientKey}&response_type=code&scope=user.info.basic,video.list&redirect_uri=${encodeURIComponent('http://127.0.0.1:5678/callback/')}&code_challenge=${challenge}`,
      ),
      { redirect: 'manual' },
    );
    const code2 = new URL(again.headers.get('location')!).searchParams.get('code')!;
    const token = await fetch(
      url('/v2/oauth/token/'),
      form({
        client_key: creds.clientKey,
        client_secret: creds.clientSecret,
        code: code2,
        grant_type: 'authorization_code',
        redirect_uri: 'http://127.0.0.1:5678/callback/',
        code_verifier: verifier,
      }),
    );
    expect(token.status).toBe(200);
    const body = (await token.json()) as Record<string, string>;
    expect(shapeMismatches(body, fixture('oauth-token.json'))).toEqual([]);
    expect(body.scope).toBe('user.info.basic,video.list');

    const info = await fetch(url('/v2/user/info/?fields=open_id,union_id,avatar_url,display_name'), {
      headers: bearer(body.access_token!),
    });
    expect(info.status).toBe(200);
    const infoBody = (await info.json()) as any;
    expect(infoBody.data.user.open_id).toBe(body.open_id);
    const stats = await fetch(url('/v2/user/info/?fields=follower_count'), { headers: bearer(body.access_token!) });
    expect(stats.status).toBe(401);
    expect(((await stats.json()) as any).error.code).toBe('scope_not_authorized');

    const refreshed = (await (
      await fetch(
        url('/v2/oauth/token/'),
        form({
          client_key: creds.clientKey,
          client_secret: creds.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: body.refresh_token!,
        }),
      )
    ).json()) as Record<string, string>;
    expect(refreshed.access_token).toMatch(/^act\./);
    const reused = await fetch(
      url('/v2/oauth/token/'),
      form({
        client_key: creds.clientKey,
        client_secret: creds.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: body.refresh_token!,
      }),
    );
    expect(reused.status).toBe(400);

    await fetch(
      url('/v2/oauth/revoke/'),
      form({ client_key: creds.clientKey, client_secret: creds.clientSecret, token: refreshed.access_token! }),
    );
    const revoked = await fetch(url('/v2/user/info/?fields=open_id'), { headers: bearer(refreshed.access_token!) });
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as any).error.code).toBe('access_token_invalid');
  });

  it('rejects bad token requests in the OAuth error shape', async () => {
    const wrongSecret = await fetch(
      url('/v2/oauth/token/'),
      form({ client_key: creds.clientKey, client_secret: 'x', grant_type: 'client_credentials' }),
    );
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({
      error: 'invalid_client',
      error_description: expect.any(String),
      log_id: expect.any(String),
    });
    const json = await fetch(url('/v2/oauth/token/'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    const unknownClient = await fetch(
      url(
        '/v2/auth/authorize/?client_key=nope&response_type=code&scope=user.info.basic&redirect_uri=http://localhost/',
      ),
      { redirect: 'manual' },
    );
    expect(unknownClient.status).toBe(400);
  });
});

describe('TikTok redirect URIs', () => {
  const authorizeWith = (redirectUri: string, scope = 'user.info.basic') =>
    fetch(
      url(
        `/v2/auth/authorize/?client_key=${creds.clientKey}&response_type=code&scope=${scope}&redirect_uri=${encodeURIComponent(redirectUri)}&state=s`,
      ),
      { redirect: 'manual' },
    );

  it('redirects only to a URI registered for the app (loopback entries may leave the port open)', async () => {
    for (const uri of ['http://127.0.0.1:5678/callback/', 'http://127.0.0.1:41234/callback/']) {
      const ok = await authorizeWith(uri);
      expect({ uri, status: ok.status }).toEqual({ uri, status: 302 });
      expect(ok.headers.get('location')!.startsWith(uri)).toBe(true);
    }
    for (const uri of [
      'https://evil.example/callback/',
      'http://localhost:41234/callback/',
      'http://127.0.0.1:5678/callback/?next=x',
      'http://127.0.0.1:5678/other/',
    ]) {
      // Not even a scope error is reported by redirecting to an unregistered URI.
      for (const scope of ['user.info.basic', 'steal.everything']) {
        const refused = await authorizeWith(uri, scope);
        expect({ uri, scope, status: refused.status, location: refused.headers.get('location') }).toEqual({
          uri,
          scope,
          status: 400,
          location: null,
        });
        expect(await refused.json()).toMatchObject({ error: 'invalid_request' });
      }
    }
  });
});

describe('Display API', () => {
  it('matches the documented user info envelope (contract) and enforces a sliding-window rate limit', async () => {
    const fresh = await startSandboxServer({
      seed: 42,
      now: '2026-02-01',
      clock: () => clock,
      tiktokRateLimits: { display: { windowMs: 60_000, max: 3 } },
    });
    try {
      const call = () =>
        fetch(
          `${fresh.url}/sandbox/tiktok/v2/user/info/?fields=open_id,union_id,avatar_url,display_name,follower_count,likes_count`,
          { headers: bearer(creds.userAccessToken) },
        );
      const first = await call();
      expect(shapeMismatches(await first.json(), fixture('user-info.json'))).toEqual([]);
      await call();
      await call();
      const limited = await call();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(shapeMismatches(await limited.json(), fixture('error-envelope.json'))).toEqual([]);
      clock += 61_000;
      expect((await call()).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  it('lists and queries the authorized user own videos', async () => {
    const list = (await (
      await fetch(url('/v2/video/list/?fields=id,create_time,view_count,like_count,share_url'), {
        method: 'POST',
        headers: bearer(creds.userAccessToken),
        body: JSON.stringify({ max_count: 5 }),
      })
    ).json()) as any;
    expect(list.data.videos.length).toBeGreaterThan(0);
    expect(typeof list.data.videos[0].id).toBe('string');
    const ids = list.data.videos.map((v: any) => v.id);
    const query = (await (
      await fetch(url('/v2/video/query/?fields=id,view_count,like_count,comment_count,share_count'), {
        method: 'POST',
        headers: bearer(creds.userAccessToken),
        body: JSON.stringify({ filters: { video_ids: [ids[0], '123'] } }),
      })
    ).json()) as any;
    expect(query.data.videos).toHaveLength(1);
    expect(query.data.videos[0].id).toBe(ids[0]);
    const bad = await fetch(url('/v2/video/query/?fields=id'), {
      method: 'POST',
      headers: bearer(creds.userAccessToken),
      body: JSON.stringify({ filters: {} }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.code).toBe('invalid_params');
  });
});

describe('Research API', () => {
  const research = (
    body: unknown,
    fields = 'id,username,hashtag_names,view_count,like_count,comment_count,share_count,create_time,region_code,video_description,music_id',
  ) =>
    fetch(url(`/v2/research/video/query/?fields=${fields}`), {
      method: 'POST',
      headers: bearer(creds.clientAccessToken),
      body: JSON.stringify(body),
    });

  it('queries videos by hashtag and region with cursor pagination (contract)', async () => {
    const query = {
      query: { and: [{ operation: 'IN', field_name: 'hashtag_name', field_values: ['giftideas', 'christmasgifts'] }] },
      start_date: '20260101',
      end_date: '20260131',
      max_count: 20,
    };
    const first = await research(query);
    const text = await first.text();
    expect(text).toMatch(/"id":\d{18,20},/); // int64 written as a number, as the real API does
    const body = JSON.parse(text);
    expect(shapeMismatches(body, fixture('research-video-query.json'))).toEqual([]);
    expect(
      body.data.videos.every((v: any) =>
        v.hashtag_names.some((h: string) => h === 'giftideas' || h === 'christmasgifts'),
      ),
    ).toBe(true);
    // Walk every page: no video repeats, and the final cursor counts every video returned.
    const ids = new Set<string>();
    let returned = 0;
    let cursor = 0;
    let searchId: string | undefined;
    for (;;) {
      const page = JSON.parse(
        (
          await (
            await research({ ...query, cursor, ...(searchId ? { search_id: searchId } : {}) }, 'id,create_time')
          ).text()
        ).replace(/"id":(\d+)/g, '"id":"$1"'),
      );
      searchId = page.data.search_id;
      for (const v of page.data.videos) ids.add(v.id);
      returned += page.data.videos.length;
      cursor = page.data.cursor;
      if (!page.data.has_more) break;
    }
    expect(ids.size).toBe(returned);
    expect(cursor).toBe(returned);
    expect(ids.size).toBeGreaterThan(20);
  });

  it('gets video stats by ids', async () => {
    const page = JSON.parse(
      await (
        await research({
          query: { and: [{ operation: 'EQ', field_name: 'region_code', field_values: ['US'] }] },
          start_date: '20260115',
          end_date: '20260131',
          max_count: 3,
        })
      )
        .text()
        .then((t) => t.replace(/"id":(\d+)/g, '"id":"$1"')),
    );
    const ids = page.data.videos.map((v: any) => v.id);
    const byIds = JSON.parse(
      await (
        await research({
          query: { and: [{ operation: 'IN', field_name: 'video_id', field_values: ids }] },
          start_date: '20260101',
          end_date: '20260131',
        })
      )
        .text()
        .then((t) => t.replace(/"id":(\d+)/g, '"id":"$1"')),
    );
    expect(byIds.data.videos.map((v: any) => v.id).sort()).toEqual([...ids].sort());
  });

  it('validates queries with invalid_params and requires a client token', async () => {
    const cases = [
      {
        query: { and: [{ operation: 'LIKE', field_name: 'keyword', field_values: ['x'] }] },
        start_date: '20260101',
        end_date: '20260131',
      },
      {
        query: { and: [{ operation: 'EQ', field_name: 'keyword', field_values: ['x'] }] },
        start_date: '20250101',
        end_date: '20260131',
      },
      {
        query: { and: [{ operation: 'EQ', field_name: 'keyword', field_values: ['x'] }] },
        start_date: '2026-01-01',
        end_date: '20260131',
      },
      { query: {}, start_date: '20260101', end_date: '20260131' },
      {
        query: { and: [{ operation: 'EQ', field_name: 'keyword', field_values: ['x'] }] },
        start_date: '20260101',
        end_date: '20260131',
        max_count: 500,
      },
    ];
    for (const c of cases) {
      const r = await research(c);
      expect(r.status).toBe(400);
      expect(((await r.json()) as any).error.code).toBe('invalid_params');
    }
    const badField = await research(
      {
        query: { and: [{ operation: 'EQ', field_name: 'keyword', field_values: ['x'] }] },
        start_date: '20260101',
        end_date: '20260131',
      },
      'id,secret_field',
    );
    expect(badField.status).toBe(400);
    const userToken = await fetch(url('/v2/research/video/query/?fields=id'), {
      method: 'POST',
      headers: bearer(creds.userAccessToken),
      body: '{}',
    });
    expect(userToken.status).toBe(401);
    const clientCredentials = (await (
      await fetch(
        url('/v2/oauth/token/'),
        form({ client_key: creds.clientKey, client_secret: creds.clientSecret, grant_type: 'client_credentials' }),
      )
    ).json()) as any;
    expect(clientCredentials).toMatchObject({
      access_token: expect.stringMatching(/^clt\./),
      expires_in: 7200,
      token_type: 'Bearer',
    });
    const info = (await (
      await fetch(url('/v2/research/user/info/?fields=display_name,follower_count,is_verified'), {
        method: 'POST',
        headers: bearer(clientCredentials.access_token),
        body: JSON.stringify({ username: 'ionflux.demo' }),
      })
    ).json()) as any;
    expect(info.data).toEqual({ display_name: 'IONFLUX Demo Store', follower_count: 48200, is_verified: false });
  });
});

describe('API for Business: Creator Marketplace', () => {
  const discover = (body: Record<string, unknown>, token: string = creds.businessAccessToken) =>
    fetch(url('/open_api/v1.3/tcm/creator/discover/'), {
      method: 'POST',
      headers: { 'Access-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ tcm_account_id: creds.tcmAccountId, ...body }),
    });

  it('discovers creators by niche keyword with filters and sorting (contract)', async () => {
    const r = await discover({
      query: 'fitness',
      country_code: 'US',
      min_followers: 10_000,
      sort_field: 'engagement_rate',
      page_size: 20,
    });
    const body = (await r.json()) as any;
    expect(shapeMismatches(body, fixture('tcm-discover.json'))).toEqual([]);
    const creators = body.data.creators;
    expect(creators.length).toBeGreaterThan(0);
    expect(
      creators.every(
        (c: any) => c.location === 'US' && c.followers_count >= 10_000 && c.topics.includes('Sports & Fitness'),
      ),
    ).toBe(true);
    const rates = creators.map((c: any) => c.engagement_rate);
    expect(rates).toEqual([...rates].sort((a: number, b: number) => b - a));
    expect(body.data.page_info.total_number).toBeGreaterThanOrEqual(creators.length);
  });

  it('pages through results without repeats', async () => {
    const seen = new Set<string>();
    let total = 0;
    for (let page = 1; page <= 20; page++) {
      const body = (await (await discover({ page, page_size: 50 })).json()) as any;
      total = body.data.page_info.total_number;
      for (const c of body.data.creators) seen.add(c.handle_name);
      if (page >= body.data.page_info.total_page) break;
    }
    expect(seen.size).toBe(total);
    expect(total).toBe(250); // the real endpoint caps discovery at 250 creators
  });

  it('serves a creator profile and recent videos by handle', async () => {
    const profile = (await (
      await fetch(
        url(`/open_api/v1.3/tcm/creator/public/?tcm_account_id=${creds.tcmAccountId}&handle_name=ionflux.demo`),
        { headers: { 'Access-Token': creds.businessAccessToken } },
      )
    ).json()) as any;
    expect(profile.data).toMatchObject({ handle_name: 'ionflux.demo', followers_count: 48200 });
    const videos = (await (
      await fetch(
        url(
          `/open_api/v1.3/tcm/creator/public/video/list/?tcm_account_id=${creds.tcmAccountId}&handle_name=ionflux.demo&limit=3`,
        ),
        { headers: { 'Access-Token': creds.businessAccessToken } },
      )
    ).json()) as any;
    expect(videos.data.posts.length).toBeLessThanOrEqual(3);
    for (const p of videos.data.posts) expect(p.engagement_count).toBe(p.likes + p.comments + p.shares);
  });

  it('rejects bad tokens and parameters with the Business API error body', async () => {
    const bad = await discover({}, 'wrong');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({
      code: 40105,
      message: expect.any(String),
      request_id: expect.any(String),
    });
    const param = await discover({ page_size: 1000 });
    expect(param.status).toBe(400);
    expect(((await param.json()) as any).code).toBe(40002);
    const faulted = await fetch(url('/open_api/v1.3/tcm/creator/discover/'), {
      method: 'POST',
      headers: {
        'Access-Token': creds.businessAccessToken,
        'Content-Type': 'application/json',
        'X-Sandbox-Fault': '429',
      },
      body: '{}',
    });
    expect(faulted.status).toBe(429);
    expect(((await faulted.json()) as any).code).toBe(40100);
  });
});

describe('Creative Center trends', () => {
  it('lists trending hashtags for a keyword and region (contract)', async () => {
    const body = (await (
      await fetch(
        url(
          '/creative_radar_api/v1/popular_trend/hashtag/list?page=1&limit=10&period=30&country_code=US&keyword=holiday%20gifts',
        ),
      )
    ).json()) as any;
    expect(shapeMismatches(body, fixture('creative-center-hashtag-list.json'))).toEqual([]);
    const list = body.data.list;
    expect(list.length).toBeGreaterThan(0);
    expect(
      list.every((h: any) => h.industry_info.value === 'E-Commerce (Non-app)' || /holiday|gift/.test(h.hashtag_name)),
    ).toBe(true);
    expect(list.some((h: any) => h.hashtag_name === 'giftideas')).toBe(true);
    expect(list.map((h: any) => h.rank)).toEqual(list.map((_: unknown, i: number) => i + 1));
    const views = list.map((h: any) => h.video_views);
    expect(views).toEqual([...views].sort((a: number, b: number) => b - a));
    expect(list[0].trend).toHaveLength(30);
  });

  it('lists trending sounds', async () => {
    const body = (await (
      await fetch(
        url('/creative_radar_api/v1/popular_trend/sound/list?limit=5&period=7&country_code=GB&rank_type=popular'),
      )
    ).json()) as any;
    expect(body.data.sound_list).toHaveLength(5);
    expect(body.data.sound_list[0]).toMatchObject({
      song_id: expect.any(String),
      title: expect.any(String),
      rank: 1,
      country_code: 'GB',
    });
    expect(body.data.pagination).toMatchObject({ page: 1, size: 5, has_more: true });
  });

  it('validates parameters', async () => {
    expect((await fetch(url('/creative_radar_api/v1/popular_trend/hashtag/list?period=9'))).status).toBe(400);
    expect((await fetch(url('/creative_radar_api/v1/popular_trend/hashtag/list?country_code=ZZ'))).status).toBe(400);
    expect((await fetch(url('/creative_radar_api/v1/popular_trend/hashtag/list?limit=500'))).status).toBe(400);
  });
});
