import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

let t: TestServer;
let owner: TestUser;
let member: TestUser;
let workspaceId: string;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.signup('Owner');
  member = await t.signup('Member');
  workspaceId = await t.createWorkspace(owner, 'Library');
  await t.addMember({ owner, user: member, workspaceId, role: 'member' });
});
afterAll(async () => {
  await t.close();
});

const base = () => `/api/workspaces/${workspaceId}`;

describe('prompt libraries', () => {
  it('stores prompts with detected {{variables}} and renders them', async () => {
    const library = await t.request('POST', `${base()}/prompt-libraries`, {
      token: member.token,
      body: { name: 'Campaign briefs' },
    });
    expect(library.status).toBe(201);
    const libraryId = library.body.library.id;
    expect(
      (
        await t.request('POST', `${base()}/prompt-libraries`, {
          token: member.token,
          body: { name: 'Campaign briefs' },
        })
      ).status,
    ).toBe(409);
    const prompt = await t.request('POST', `${base()}/prompt-libraries/${libraryId}/prompts`, {
      token: member.token,
      body: { name: 'Holiday brief', template: 'Write a brief for {{ brand }} about {{product}} for {{brand}} fans.' },
    });
    expect(prompt.body.prompt.variables).toEqual(['brand', 'product']);
    const promptId = prompt.body.prompt.id;
    const rendered = await t.request('POST', `${base()}/prompts/${promptId}/render`, {
      token: member.token,
      body: { variables: { brand: 'Acme' } },
    });
    expect(rendered.body).toEqual({
      text: 'Write a brief for Acme about {{product}} for Acme fans.',
      missing: ['product'],
    });
    const updated = await t.request('PATCH', `${base()}/prompts/${promptId}`, {
      token: member.token,
      body: { template: 'Short brief for {{audience}}' },
    });
    expect(updated.body.prompt.variables).toEqual(['audience']);
    const libraries = await t.request('GET', `${base()}/prompt-libraries`, { token: owner.token });
    expect(libraries.body.libraries[0]).toMatchObject({ name: 'Campaign briefs', promptCount: 1 });
    const movedToNowhere = await t.request('PATCH', `${base()}/prompts/${promptId}`, {
      token: member.token,
      body: { libraryId: '6f1c7a52-3b5a-4c1e-9a43-6c2f0b9e1d11' },
    });
    expect(movedToNowhere.status).toBe(400);
    expect((await t.request('DELETE', `${base()}/prompt-libraries/${libraryId}`, { token: member.token })).status).toBe(
      204,
    );
    expect((await t.request('GET', `${base()}/prompts/${promptId}`, { token: member.token })).status).toBe(404);
  });
});

describe('notifications', () => {
  it('lists, marks read one by one or all, and counts unread', async () => {
    const created = await t.request('POST', `${base()}/notifications`, {
      token: owner.token,
      body: { userIds: [member.id, member.id], title: 'Review the plan', kind: 'task', link: '/workspaces/x/pages/y' },
    });
    expect(created.body.notifications).toHaveLength(1);
    await t.request('POST', `${base()}/notifications`, {
      token: owner.token,
      body: { userIds: [member.id], title: 'Second' },
    });
    let list = await t.request('GET', '/api/notifications', { token: member.token });
    expect(list.body.unreadCount).toBe(2);
    expect(list.body.notifications.map((n: { title: string }) => n.title)).toEqual(['Second', 'Review the plan']);
    const one = await t.request('POST', `/api/notifications/${created.body.notifications[0].id}/read`, {
      token: member.token,
      body: {},
    });
    expect(one.body.notification.read).toBe(true);
    list = await t.request('GET', '/api/notifications?unread=true', { token: member.token });
    expect(list.body.notifications.map((n: { title: string }) => n.title)).toEqual(['Second']);
    const all = await t.request('POST', '/api/notifications/read-all', { token: member.token, body: { workspaceId } });
    expect(all.body.updated).toBe(1);
    expect((await t.request('GET', '/api/notifications', { token: member.token })).body.unreadCount).toBe(0);
    // Someone else's notification is not yours to touch.
    expect(
      (
        await t.request('POST', `/api/notifications/${created.body.notifications[0].id}/read`, {
          token: owner.token,
          body: {},
        })
      ).status,
    ).toBe(404);
    const badLink = await t.request('POST', `${base()}/notifications`, {
      token: owner.token,
      body: { userIds: [member.id], title: 'x', link: 'javascript:alert(1)' },
    });
    expect(badLink.status).toBe(400);
  });

  it('accepts only real paths of this app (or https URLs) as links: never //host or /\\host', async () => {
    const create = (link: string) =>
      t.request('POST', `${base()}/notifications`, {
        token: owner.token,
        body: { userIds: [member.id], title: 'x', link },
      });
    for (const link of [
      '//evil.example',
      '/\\evil.example',
      '/\\/evil.example',
      '/ /evil.example',
      '/\tevil',
      'http://evil.example',
      'evil.example/x',
      'https://',
    ]) {
      const res = await create(link);
      expect({ link, status: res.status, field: res.body.error?.fields?.[0]?.path }).toEqual({
        link,
        status: 400,
        field: 'link',
      });
    }
    for (const link of ['/workspaces/1/pages/2?x=1#b', '/', 'https://shop.example/orders/1']) {
      const res = await create(link);
      expect({ link, status: res.status }).toEqual({ link, status: 201 });
      expect(res.body.notifications[0].link).toBe(link);
    }
  });
});

describe('search', () => {
  it('finds pages, blocks, messages and prompts by word prefixes, best first', async () => {
    const page = (
      await t.request('POST', `${base()}/pages`, { token: owner.token, body: { title: 'Q4 Holiday Campaign Plan' } })
    ).body.page;
    await t.request('POST', `${base()}/pages/${page.id}/blocks`, {
      token: owner.token,
      body: { type: 'checklist', content: { items: [{ text: 'Book holiday influencers' }] } },
    });
    const channels = (await t.request('GET', `${base()}/channels`, { token: owner.token })).body.channels;
    await t.request('POST', `${base()}/channels/${channels[0].id}/messages`, {
      token: owner.token,
      body: { text: 'Holiday campaign kickoff tomorrow' },
    });
    const lib = (
      await t.request('POST', `${base()}/prompt-libraries`, { token: owner.token, body: { name: 'Search lib' } })
    ).body.library;
    await t.request('POST', `${base()}/prompt-libraries/${lib.id}/prompts`, {
      token: owner.token,
      body: { name: 'Holiday email', template: 'Email about the holiday sale' },
    });

    const res = await t.request('GET', `${base()}/search?q=${encodeURIComponent('holid')}`, { token: member.token });
    expect(res.status).toBe(200);
    expect(new Set(res.body.hits.map((h: { type: string }) => h.type))).toEqual(
      new Set(['page', 'block', 'message', 'prompt']),
    );
    const blockHit = res.body.hits.find((h: { type: string }) => h.type === 'block');
    expect(blockHit).toMatchObject({ pageId: page.id, title: 'Q4 Holiday Campaign Plan' });
    expect(blockHit.snippet.filter((s: { match: boolean }) => s.match).map((s: { text: string }) => s.text)).toEqual([
      expect.stringMatching(/^holiday$/i),
    ]);
    const ranks = res.body.hits.map((h: { rank: number }) => h.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);

    const onlyPages = await t.request('GET', `${base()}/search?q=holiday%20camp&types=page`, { token: member.token });
    expect(onlyPages.body.hits.map((h: { id: string }) => h.id)).toEqual([page.id]);
    const none = await t.request('GET', `${base()}/search?q=${encodeURIComponent('&|!')}`, { token: member.token });
    expect(none.status).toBe(400);
    expect(none.body.error.fields[0].path).toBe('q');
    const badType = await t.request('GET', `${base()}/search?q=x&types=page,agents`, { token: member.token });
    expect(badType.status).toBe(400);
  });

  it('keeps private channel messages out of results for non-members', async () => {
    const secret = (
      await t.request('POST', `${base()}/channels`, {
        token: owner.token,
        body: { name: 'board', visibility: 'private' },
      })
    ).body.channel;
    await t.request('POST', `${base()}/channels/${secret.id}/messages`, {
      token: owner.token,
      body: { text: 'Confidential acquisition zebracorn' },
    });
    const ownerHits = await t.request('GET', `${base()}/search?q=zebracorn`, { token: owner.token });
    expect(ownerHits.body.hits).toHaveLength(1);
    const memberHits = await t.request('GET', `${base()}/search?q=zebracorn`, { token: member.token });
    expect(memberHits.body.hits).toEqual([]);
  });
});

describe('search snippets are data', () => {
  it('returns hostile titles, messages, blocks and prompts as plain-text segments, the match flagged, no markup added', async () => {
    const img = '<img src=x onerror=alert(1)>';
    const script = '<script>alert(document.cookie)</script>';
    const page = (
      await t.request('POST', `${base()}/pages`, { token: owner.token, body: { title: `${img} quokkaword` } })
    ).body.page;
    await t.request('POST', `${base()}/pages/${page.id}/blocks`, {
      token: owner.token,
      body: { type: 'text', content: { text: `quokkaword in a block ${script}` } },
    });
    const channels = (await t.request('GET', `${base()}/channels`, { token: owner.token })).body.channels;
    await t.request(
      'POST',
      `${base()}/channels/${channels.find((c: { name: string }) => c.name === 'general').id}/messages`,
      {
        token: owner.token,
        body: { text: `quokkaword said ${img} and more` },
      },
    );
    const lib = (
      await t.request('POST', `${base()}/prompt-libraries`, { token: owner.token, body: { name: 'Hostile lib' } })
    ).body.library;
    await t.request('POST', `${base()}/prompt-libraries/${lib.id}/prompts`, {
      token: owner.token,
      body: { name: 'Hostile', template: `Write about quokkaword ${script} {{x}}` },
    });

    const res = await t.request('GET', `${base()}/search?q=quokkaword`, { token: member.token });
    expect(res.status).toBe(200);
    const byType = Object.fromEntries(
      res.body.hits.map((h: { type: string; snippet: Array<{ text: string; match: boolean }> }) => [h.type, h.snippet]),
    );
    expect(Object.keys(byType).sort()).toEqual(['block', 'message', 'page', 'prompt']);
    // What PostgreSQL's headline keeps of the hostile markup comes back verbatim, as text (it drops whole tags
    // such as <script>...</script> from fragments on its own).
    const expectedHostile: Record<string, string[]> = {
      page: ['onerror=alert(1)>'],
      block: [],
      message: [img],
      prompt: [],
    };
    for (const [type, segments] of Object.entries(byType) as Array<[string, Array<{ text: string; match: boolean }>]>) {
      // Only the query word is flagged; everything users wrote comes back verbatim, as text.
      expect({ type, matches: segments.filter((s) => s.match).map((s) => s.text) }).toEqual({
        type,
        matches: ['quokkaword'],
      });
      const joined = segments.map((s) => s.text).join('');
      for (const hostile of expectedHostile[type]!)
        expect({ type, contains: joined.includes(hostile) }).toEqual({ type, contains: true });
      expect(joined).not.toMatch(/ifxhl/);
      for (const segment of segments) expect(Object.keys(segment).sort()).toEqual(['match', 'text']);
    }
  });
});
