import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { emitWithAck, nextEvent, startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

let t: TestServer;
let owner: TestUser;
let viewer: TestUser;
let workspaceId: string;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.signup('Owner');
  viewer = await t.signup('Viewer');
  workspaceId = await t.createWorkspace(owner, 'Canvas');
  await t.addMember({ owner, user: viewer, workspaceId, role: 'viewer' });
});
afterAll(async () => {
  await t.close();
});

const base = () => `/api/workspaces/${workspaceId}`;

async function createPage(title: string): Promise<string> {
  const res = await t.request('POST', `${base()}/pages`, { token: owner.token, body: { title } });
  expect(res.status).toBe(201);
  return res.body.page.id;
}

describe('pages', () => {
  it('creates, orders, renames and archives pages', async () => {
    const first = await createPage('First');
    const second = await createPage('Second');
    let list = await t.request('GET', `${base()}/pages`, { token: viewer.token });
    const titles = list.body.pages.map((p: { title: string }) => p.title);
    expect(titles.indexOf('First')).toBeLessThan(titles.indexOf('Second'));

    await t.request('PATCH', `${base()}/pages/${second}`, {
      token: owner.token,
      body: { position: -1, title: 'Second (moved up)', icon: '📌' },
    });
    list = await t.request('GET', `${base()}/pages`, { token: viewer.token });
    expect(list.body.pages[0]).toMatchObject({ id: second, title: 'Second (moved up)', icon: '📌' });

    const archived = await t.request('PATCH', `${base()}/pages/${first}`, {
      token: owner.token,
      body: { archived: true },
    });
    expect(archived.body.page.archived).toBe(true);
    list = await t.request('GET', `${base()}/pages`, { token: viewer.token });
    expect(list.body.pages.map((p: { id: string }) => p.id)).not.toContain(first);
    const archivedList = await t.request('GET', `${base()}/pages?archived=true`, { token: viewer.token });
    expect(archivedList.body.pages.map((p: { id: string }) => p.id)).toEqual([first]);
  });

  it('lets viewers read but not write', async () => {
    const res = await t.request('POST', `${base()}/pages`, { token: viewer.token, body: { title: 'Nope' } });
    expect(res.status).toBe(403);
  });
});

describe('blocks', () => {
  it('creates blocks of every type, validating content per type', async () => {
    const pageId = await createPage('Blocks');
    const bodies = [
      { type: 'text', content: { text: 'Goal: **20%** more sales' } },
      { type: 'heading', content: { text: 'Plan', level: 2 } },
      { type: 'checklist', content: { items: [{ text: 'Brief', checked: true }, { text: 'Launch' }] } },
      {
        type: 'agent_snippet',
        content: { title: 'Revenue Tracker Lite', status: 'succeeded', data: { revenue: 1234.5 } },
        agentConfigId: '6f1c7a52-3b5a-4c1e-9a43-6c2f0b9e1d11',
      },
      { type: 'image', content: { url: 'https://cdn.example.com/a.png', alt: 'chart' } },
      { type: 'embed', content: { url: 'https://www.tiktok.com/@x/video/1' } },
    ];
    const created = [];
    for (const [index, body] of bodies.entries()) {
      const res = await t.request('POST', `${base()}/pages/${pageId}/blocks`, {
        token: owner.token,
        body: { ...body, position: { x: 0, y: index * 100 } },
      });
      expect(res.status).toBe(201);
      expect(res.body.block).toMatchObject({ type: body.type, version: 1, position: { x: 0, y: index * 100 } });
      created.push(res.body.block);
    }
    const page = await t.request('GET', `${base()}/pages/${pageId}`, { token: viewer.token });
    // The page load is serialized by the database: it must be exactly what the block writes returned.
    expect(page.body.blocks).toEqual(created);
    expect(page.body.page).toEqual(
      (await t.request('GET', `${base()}/pages`, { token: viewer.token })).body.pages.find(
        (p: { id: string }) => p.id === pageId,
      ),
    );
    expect(page.body.blocks[1].content).toEqual({ text: 'Plan', level: 2 });
    expect(page.body.blocks[2].content.items[1]).toEqual({ text: 'Launch', checked: false });
    expect(page.body.blocks[3].agentConfigId).toBe('6f1c7a52-3b5a-4c1e-9a43-6c2f0b9e1d11');

    const invalid = [
      [{ type: 'text', content: { txt: 'typo' } }, ['content.text', 'content.txt']],
      [{ type: 'heading', content: { text: 'x', level: 7 } }, ['content.level']],
      [{ type: 'image', content: { url: 'javascript:alert(1)' } }, ['content.url']],
      [{ type: 'video', content: {} }, ['type']],
      [{ type: 'text', content: { text: 'x' }, key: 'Not A Slug' }, ['key']],
      [{ type: 'text', content: { text: 'x'.repeat(70_000) } }, ['content']],
    ] as const;
    for (const [body, paths] of invalid) {
      const res = await t.request('POST', `${base()}/pages/${pageId}/blocks`, { token: owner.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([...paths].sort());
    }
  });

  it('keeps block keys unique within a page', async () => {
    const pageId = await createPage('Keys');
    const body = { type: 'text', content: { text: 'a' }, key: 'summary' };
    expect((await t.request('POST', `${base()}/pages/${pageId}/blocks`, { token: owner.token, body })).status).toBe(
      201,
    );
    const dup = await t.request('POST', `${base()}/pages/${pageId}/blocks`, { token: owner.token, body });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('block_key_taken');
    const otherPage = await createPage('Keys 2');
    expect((await t.request('POST', `${base()}/pages/${otherPage}/blocks`, { token: owner.token, body })).status).toBe(
      201,
    );
  });

  it('never lets two concurrent edits silently overwrite each other: the stale one gets 409 with the current block', async () => {
    const pageId = await createPage('Versions');
    const created = await t.request('POST', `${base()}/pages/${pageId}/blocks`, {
      token: owner.token,
      body: { type: 'text', content: { text: 'v1' } },
    });
    const blockId = created.body.block.id;
    const url = `${base()}/pages/${pageId}/blocks/${blockId}`;
    const [a, b] = await Promise.all([
      t.request('PATCH', url, { token: owner.token, body: { baseVersion: 1, content: { text: 'edit A' } } }),
      t.request('PATCH', url, { token: owner.token, body: { baseVersion: 1, content: { text: 'edit B' } } }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    expect(winner.body.block.version).toBe(2);
    expect(loser.body.error.code).toBe('version_conflict');
    expect(loser.body.error.details.current).toEqual(winner.body.block);

    const retried = await t.request('PATCH', url, {
      token: owner.token,
      body: { baseVersion: 2, content: { text: 'merged A+B' }, position: { x: 10, y: 20 } },
    });
    expect(retried.status).toBe(200);
    expect(retried.body.block).toMatchObject({
      version: 3,
      content: { text: 'merged A+B' },
      position: { x: 10, y: 20 },
    });

    const staleDelete = await t.request('DELETE', `${url}?baseVersion=2`, { token: owner.token });
    expect(staleDelete.status).toBe(409);
    expect((await t.request('DELETE', `${url}?baseVersion=3`, { token: owner.token })).status).toBe(204);
    expect((await t.request('DELETE', `${url}?baseVersion=3`, { token: owner.token })).status).toBe(404);
  });

  it('requires new content when the type changes, and checks content against the new type', async () => {
    const pageId = await createPage('Types');
    const created = await t.request('POST', `${base()}/pages/${pageId}/blocks`, {
      token: owner.token,
      body: { type: 'text', content: { text: 'x' } },
    });
    const url = `${base()}/pages/${pageId}/blocks/${created.body.block.id}`;
    const noContent = await t.request('PATCH', url, { token: owner.token, body: { baseVersion: 1, type: 'heading' } });
    expect(noContent.status).toBe(400);
    const changed = await t.request('PATCH', url, {
      token: owner.token,
      body: { baseVersion: 1, type: 'heading', content: { text: 'Title' } },
    });
    expect(changed.body.block).toMatchObject({ type: 'heading', content: { text: 'Title', level: 1 }, version: 2 });
  });

  it('broadcasts block edits to everyone viewing the page, and only to them', async () => {
    const pageId = await createPage('Live');
    const otherPageId = await createPage('Elsewhere');
    const watcher = await t.connect(viewer.token);
    const elsewhere = await t.connect(viewer.token);
    const joined = await emitWithAck(watcher, 'page:join', { workspaceId, pageId });
    expect(joined.ok).toBe(true);
    expect((await emitWithAck(elsewhere, 'page:join', { workspaceId, pageId: otherPageId })).ok).toBe(true);
    let leaked = 0;
    elsewhere.on('block:created', () => (leaked += 1));

    const created = nextEvent(watcher, 'block:created');
    const res = await t.request('POST', `${base()}/pages/${pageId}/blocks`, {
      token: owner.token,
      body: { type: 'text', content: { text: 'hello' } },
    });
    expect((await created).block).toEqual(res.body.block);

    const updated = nextEvent(watcher, 'block:updated');
    const patch = await t.request('PATCH', `${base()}/pages/${pageId}/blocks/${res.body.block.id}`, {
      token: owner.token,
      body: { baseVersion: 1, content: { text: 'hello world' } },
    });
    expect((await updated).block).toEqual(patch.body.block);

    const deleted = nextEvent(watcher, 'block:deleted');
    await t.request('DELETE', `${base()}/pages/${pageId}/blocks/${res.body.block.id}?baseVersion=2`, {
      token: owner.token,
    });
    expect(await deleted).toEqual({ pageId, blockId: res.body.block.id, version: 3 });
    expect(leaked).toBe(0);
  });

  it('refuses to join a page room of an unknown page', async () => {
    const socket = await t.connect(viewer.token);
    const res = await emitWithAck(socket, 'page:join', { workspaceId, pageId: '6f1c7a52-3b5a-4c1e-9a43-6c2f0b9e1d11' });
    expect(res).toEqual({ ok: false, error: { code: 'page_not_found', message: expect.any(String) } });
    const bad = await emitWithAck(socket, 'page:join', { workspaceId, pageId: 'nope' });
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('invalid_request');
    expect(bad.error.fields[0].path).toBe('pageId');
  });
});

describe('agent routes: blocks by page title and key', () => {
  it('upserts a block by page title + key, then replaces it, recording the run', async () => {
    const pageId = await createPage('Q4 Holiday Campaign Plan');
    const body = {
      page: 'q4 holiday campaign plan',
      key: 'tiktok-trends',
      type: 'agent_snippet',
      content: { title: 'TikTok Stylist', status: 'succeeded', markdown: '#holidaygifts' },
      writtenByRunId: 'run-1',
    };
    const first = await t.request('PUT', `${base()}/blocks/by-key`, { token: owner.token, body });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      created: true,
      page: { id: pageId },
      block: { key: 'tiktok-trends', writtenByRunId: 'run-1', version: 1 },
    });
    const second = await t.request('PUT', `${base()}/blocks/by-key`, {
      token: owner.token,
      body: { ...body, page: pageId, content: { markdown: 'updated' }, writtenByRunId: 'run-2' },
    });
    expect(second.body).toMatchObject({
      created: false,
      block: { id: first.body.block.id, version: 2, writtenByRunId: 'run-2', content: { markdown: 'updated' } },
    });
    const stale = await t.request('PUT', `${base()}/blocks/by-key`, {
      token: owner.token,
      body: { ...body, baseVersion: 1 },
    });
    expect(stale.status).toBe(409);

    const read = await t.request(
      'GET',
      `${base()}/blocks/by-key?page=${encodeURIComponent('Q4 Holiday Campaign Plan')}&key=tiktok-trends`,
      { token: viewer.token },
    );
    expect(read.body.block.id).toBe(first.body.block.id);
  });

  it('creates the page when asked, and refuses ambiguous titles', async () => {
    const created = await t.request('PUT', `${base()}/blocks/by-key`, {
      token: owner.token,
      body: { page: 'Brand New Page', createPageIfMissing: true, key: 'k', type: 'text', content: { text: 'x' } },
    });
    expect(created.status).toBe(200);
    expect(created.body.page.title).toBe('Brand New Page');
    const missing = await t.request('PUT', `${base()}/blocks/by-key`, {
      token: owner.token,
      body: { page: 'Nope', key: 'k', type: 'text', content: { text: 'x' } },
    });
    expect(missing.status).toBe(404);
    await createPage('Twin');
    await createPage('twin');
    const ambiguous = await t.request('PUT', `${base()}/blocks/by-key`, {
      token: owner.token,
      body: { page: 'Twin', key: 'k', type: 'text', content: { text: 'x' } },
    });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error.code).toBe('ambiguous_page_title');
  });

  it('creates one page when concurrent writes ask for the same missing title (parallel runs of one agent)', async () => {
    const writes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.request('PUT', `${base()}/blocks/by-key`, {
          token: owner.token,
          body: {
            page: 'Raced Page',
            createPageIfMissing: true,
            key: `k${i}`,
            type: 'text',
            content: { text: `${i}` },
          },
        }),
      ),
    );
    expect(writes.map((w) => w.status)).toEqual(Array(8).fill(200));
    const pageIds = new Set(writes.map((w) => w.body.page.id));
    expect(pageIds.size).toBe(1);
    const pages = await t.request('GET', `${base()}/pages`, { token: owner.token });
    expect(pages.body.pages.filter((p: { title: string }) => p.title === 'Raced Page')).toHaveLength(1);
    // And the title still addresses it.
    const read = await t.request('GET', `${base()}/blocks/by-key?page=${encodeURIComponent('Raced Page')}&key=k3`, {
      token: owner.token,
    });
    expect(read.body.block.content).toEqual({ text: '3' });
  });

  it('creates exactly one block under concurrent upserts of the same key', async () => {
    await createPage('Race');
    const body = { page: 'Race', key: 'same', type: 'text', content: { text: 'x' } };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => t.request('PUT', `${base()}/blocks/by-key`, { token: owner.token, body })),
    );
    expect(results.map((r) => [r.status, r.body.error?.code])).toEqual(Array(8).fill([200, undefined]));
    expect(results.filter((r) => r.body.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.block.id)).size).toBe(1);
  });
});

describe('page documents', () => {
  it('serves a fresh page document after every kind of change (revision-checked cache)', async () => {
    const pageId = await createPage('Cached');
    const load = async () => (await t.request('GET', `${base()}/pages/${pageId}`, { token: viewer.token })).body;
    expect((await load()).blocks).toEqual([]);
    const created = (
      await t.request('POST', `${base()}/pages/${pageId}/blocks`, {
        token: owner.token,
        body: { type: 'text', content: { text: 'one' } },
      })
    ).body.block;
    expect((await load()).blocks.map((b: { content: unknown }) => b.content)).toEqual([{ text: 'one' }]);
    await t.request('PATCH', `${base()}/pages/${pageId}/blocks/${created.id}`, {
      token: owner.token,
      body: { baseVersion: 1, content: { text: 'two' } },
    });
    expect((await load()).blocks[0]).toMatchObject({ content: { text: 'two' }, version: 2 });
    await t.request('PATCH', `${base()}/pages/${pageId}`, { token: owner.token, body: { title: 'Cached (renamed)' } });
    expect((await load()).page.title).toBe('Cached (renamed)');
    // A write that bypasses the API entirely (another process, a migration, psql) is seen too.
    await t.server.db
      .updateTable('canvas_blocks')
      .set({ content: JSON.stringify({ text: 'three' }) })
      .where('id', '=', created.id)
      .execute();
    expect((await load()).blocks[0].content).toEqual({ text: 'three' });
    await t.server.db.deleteFrom('canvas_blocks').where('id', '=', created.id).execute();
    expect((await load()).blocks).toEqual([]);
    await t.request('POST', `${base()}/pages/${pageId}/blocks`, {
      token: owner.token,
      body: { type: 'text', content: { text: 'four' } },
    });
    expect((await load()).blocks.map((b: { content: unknown }) => b.content)).toEqual([{ text: 'four' }]);
  });
});
