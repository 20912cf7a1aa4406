import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChannelFollower } from '../../testing/chat-client';
import {
  collect,
  emitWithAck,
  nextEvent,
  startTestServer,
  waitUntil,
  type TestServer,
  type TestUser,
} from '../../testing/test-server';

let t: TestServer;
let ana: TestUser;
let bo: TestUser;
let viewer: TestUser;
let workspaceId: string;
let generalId: string;

beforeAll(async () => {
  t = await startTestServer();
  ana = await t.signup('Ana');
  bo = await t.signup('Bo');
  viewer = await t.signup('Vi');
  workspaceId = await t.createWorkspace(ana, 'Chat');
  await t.addMember({ owner: ana, user: bo, workspaceId, role: 'member' });
  await t.addMember({ owner: ana, user: viewer, workspaceId, role: 'viewer' });
  const channels = await t.request('GET', `/api/workspaces/${workspaceId}/channels`, { token: ana.token });
  generalId = channels.body.channels.find((c: { name: string }) => c.name === 'general').id;
});
afterAll(async () => {
  await t.close();
});

const base = () => `/api/workspaces/${workspaceId}`;

async function createChannel(
  name: string,
  visibility: 'public' | 'private' = 'public',
  memberIds: string[] = [],
): Promise<string> {
  const res = await t.request('POST', `${base()}/channels`, {
    token: ana.token,
    body: { name, visibility, memberIds },
  });
  expect(res.status).toBe(201);
  return res.body.channel.id;
}

async function send(user: TestUser, channelId: string, body: Record<string, unknown>) {
  return t.request('POST', `${base()}/channels/${channelId}/messages`, { token: user.token, body });
}

describe('channels', () => {
  it('normalizes names, refuses duplicates, and hides private channels from non-members', async () => {
    const res = await t.request('POST', `${base()}/channels`, {
      token: ana.token,
      body: { name: '#Sales-Team', topic: 'Deals' },
    });
    expect(res.status).toBe(201);
    expect(res.body.channel).toMatchObject({
      name: 'sales-team',
      visibility: 'public',
      isMember: true,
      unreadCount: 0,
      lastSeq: 0,
    });
    const dup = await t.request('POST', `${base()}/channels`, { token: ana.token, body: { name: 'sales-team' } });
    expect(dup.status).toBe(409);
    const bad = await t.request('POST', `${base()}/channels`, { token: ana.token, body: { name: 'has spaces!' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('name');

    const secret = await createChannel('secret', 'private');
    const boList = await t.request('GET', `${base()}/channels`, { token: bo.token });
    expect(boList.body.channels.map((c: { name: string }) => c.name)).not.toContain('secret');
    expect((await t.request('GET', `${base()}/channels/${secret}`, { token: bo.token })).status).toBe(404);
    expect((await t.request('GET', `${base()}/channels/${secret}/messages`, { token: bo.token })).status).toBe(404);
    expect((await send(bo, secret, { text: 'let me in' })).status).toBe(404);
    // Joining a private channel yourself is not possible; a member can add you.
    expect(
      (await t.request('POST', `${base()}/channels/${secret}/members`, { token: bo.token, body: { userId: bo.id } }))
        .status,
    ).toBe(404);
    expect(
      (await t.request('POST', `${base()}/channels/${secret}/members`, { token: ana.token, body: { userId: bo.id } }))
        .status,
    ).toBe(200);
    expect((await t.request('GET', `${base()}/channels/${secret}`, { token: bo.token })).body.channel.isMember).toBe(
      true,
    );
  });

  it('only adds workspace members to channels', async () => {
    const outsider = await t.signup('Outsider');
    const channelId = await createChannel('members-only');
    const res = await t.request('POST', `${base()}/channels/${channelId}/members`, {
      token: ana.token,
      body: { userId: outsider.id },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ path: 'userId', message: 'not a member of this workspace' }]);
  });
});

describe('messages over REST', () => {
  it('persists with per-channel sequence numbers; retries with the same clientMessageId never duplicate', async () => {
    const channelId = await createChannel('seq');
    const first = await send(ana, channelId, { text: 'one', clientMessageId: 'c1' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      duplicate: false,
      message: { seq: 1, text: 'one', author: { kind: 'user', userId: ana.id, displayName: 'Ana' } },
    });
    const retry = await send(ana, channelId, { text: 'one', clientMessageId: 'c1' });
    expect(retry.body).toEqual({ duplicate: true, message: first.body.message });
    // The same client id from someone else is a different message.
    expect((await send(bo, channelId, { text: 'mine', clientMessageId: 'c1' })).body.message.seq).toBe(2);
    const concurrent = await Promise.all(
      Array.from({ length: 8 }, (_, i) => send(bo, channelId, { text: `n${i}`, clientMessageId: `burst-${i % 4}` })),
    );
    expect(new Set(concurrent.map((r) => r.body.message.id)).size).toBe(4);
    const list = await t.request('GET', `${base()}/channels/${channelId}/messages`, { token: ana.token });
    expect(list.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(list.body.lastSeq).toBe(6);
  });

  it('pages history with before and catches up with after=<seq> or after=<message id>', async () => {
    const channelId = await createChannel('history');
    const ids: string[] = [];
    for (let i = 1; i <= 7; i += 1) ids.push((await send(ana, channelId, { text: `m${i}` })).body.message.id);
    const newest = await t.request('GET', `${base()}/channels/${channelId}/messages?limit=3`, { token: bo.token });
    expect(newest.body).toMatchObject({ hasMore: true, lastSeq: 7 });
    expect(newest.body.messages.map((m: { seq: number }) => m.seq)).toEqual([5, 6, 7]);
    const older = await t.request('GET', `${base()}/channels/${channelId}/messages?limit=3&before=5`, {
      token: bo.token,
    });
    expect(older.body.messages.map((m: { seq: number }) => m.seq)).toEqual([2, 3, 4]);
    const after = await t.request('GET', `${base()}/channels/${channelId}/messages?after=4&limit=2`, {
      token: bo.token,
    });
    expect(after.body.messages.map((m: { seq: number }) => m.seq)).toEqual([5, 6]);
    expect(after.body.hasMore).toBe(true);
    const afterId = await t.request('GET', `${base()}/channels/${channelId}/messages?after=${ids[5]}`, {
      token: bo.token,
    });
    expect(afterId.body.messages.map((m: { seq: number }) => m.seq)).toEqual([7]);
    const badAfter = await t.request('GET', `${base()}/channels/${channelId}/messages?after=yesterday`, {
      token: bo.token,
    });
    expect(badAfter.status).toBe(400);
    expect(badAfter.body.error.fields[0].path).toBe('after');
  });

  it('threads: replies carry the root, the root counts them, and replies to replies are refused', async () => {
    const root = (await send(ana, generalId, { text: 'Campaign ideas?' })).body.message;
    const reply1 = await send(bo, generalId, { text: 'UGC creators', threadRootId: root.id });
    const reply2 = await send(ana, generalId, { text: 'TikTok trends', threadRootId: root.id });
    expect(reply1.body.message.threadRootId).toBe(root.id);
    const nested = await send(bo, generalId, { text: 'nested', threadRootId: reply1.body.message.id });
    expect(nested.status).toBe(400);
    expect(nested.body.error.fields[0].path).toBe('threadRootId');
    const thread = await t.request('GET', `${base()}/channels/${generalId}/messages/${root.id}/thread`, {
      token: viewer.token,
    });
    expect(thread.body.root).toMatchObject({ id: root.id, replyCount: 2 });
    expect(thread.body.replies.map((m: { id: string }) => m.id)).toEqual([
      reply1.body.message.id,
      reply2.body.message.id,
    ]);
    const byId = await t.request('GET', `${base()}/messages/${reply2.body.message.id}/thread`, { token: viewer.token });
    expect(byId.body.root.id).toBe(root.id);
  });

  it('edits (author only) and deletes (author or admin) leave a tombstone in sequence', async () => {
    const channelId = await createChannel('edits');
    const message = (await send(bo, channelId, { text: 'typo', mentions: [] })).body.message;
    const url = `${base()}/channels/${channelId}/messages/${message.id}`;
    expect((await t.request('PATCH', url, { token: ana.token, body: { text: 'not yours' } })).status).toBe(403);
    const edited = await t.request('PATCH', url, { token: bo.token, body: { text: 'fixed' } });
    expect(edited.body.message).toMatchObject({ text: 'fixed', editedAt: expect.any(String) });
    const deleted = await t.request('DELETE', url, { token: ana.token });
    expect(deleted.body.message).toMatchObject({ deleted: true, text: '', seq: message.seq });
    expect((await t.request('PATCH', url, { token: bo.token, body: { text: 'revive' } })).status).toBe(409);
  });

  it('stores structured agent payloads and refuses empty messages and oversized payloads', async () => {
    const channelId = await createChannel('payloads');
    const withPayload = await send(ana, channelId, {
      payload: { kind: 'brief', sections: [{ title: 'Goal', body: '20%' }] },
    });
    expect(withPayload.status).toBe(201);
    expect(withPayload.body.message.payload).toEqual({ kind: 'brief', sections: [{ title: 'Goal', body: '20%' }] });
    const empty = await send(ana, channelId, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields[0].path).toBe('text');
    const huge = await send(ana, channelId, { text: 'x', payload: { blob: 'x'.repeat(70_000) } });
    expect(huge.status).toBe(400);
    expect(huge.body.error.fields[0].path).toBe('payload');
    const tooLarge = await send(ana, channelId, { text: 'x'.repeat(200_000) });
    expect(tooLarge.status).toBe(413);
  });

  it('viewers read but cannot post', async () => {
    const res = await send(viewer, generalId, { text: 'hi' });
    expect(res.status).toBe(403);
    expect((await t.request('GET', `${base()}/channels/${generalId}/messages`, { token: viewer.token })).status).toBe(
      200,
    );
  });
});

describe('unread counts and mentions', () => {
  it('counts messages after the read cursor that others wrote, and moves the cursor forward only', async () => {
    const channelId = await createChannel('unread', 'public');
    await t.request('POST', `${base()}/channels/${channelId}/members`, { token: bo.token, body: { userId: bo.id } });
    for (let i = 0; i < 3; i += 1) await send(ana, channelId, { text: `news ${i}` });
    await send(bo, channelId, { text: 'my own' });
    await send(ana, channelId, { text: 'news 3' });
    const channel = async () =>
      (await t.request('GET', `${base()}/channels/${channelId}`, { token: bo.token })).body.channel;
    // Bo's own post moved his cursor to 4; one message from Ana came after it.
    expect(await channel()).toMatchObject({ lastSeq: 5, lastReadSeq: 4, unreadCount: 1 });
    const read = await t.request('PUT', `${base()}/channels/${channelId}/read`, { token: bo.token, body: { seq: 99 } });
    expect(read.body.channel).toMatchObject({ lastReadSeq: 5, unreadCount: 0 });
    await t.request('PUT', `${base()}/channels/${channelId}/read`, { token: bo.token, body: { seq: 1 } });
    expect((await channel()).lastReadSeq).toBe(5);
  });

  it('notifies mentioned members live and lists the notification with a link to the message', async () => {
    const socket = await t.connect(bo.token);
    const live = nextEvent(socket, 'notification:new');
    const sent = await send(ana, generalId, { text: 'Hey @Bo, can you take this?', mentions: [bo.id] });
    const notification = await live;
    expect(notification).toMatchObject({
      kind: 'mention',
      title: 'Ana mentioned you in #general',
      read: false,
      link: `/workspaces/${workspaceId}/channels/${generalId}?message=${sent.body.message.id}`,
      source: { type: 'message', id: sent.body.message.id },
    });
    const list = await t.request('GET', '/api/notifications?unread=true', { token: bo.token });
    expect(list.body.notifications.map((n: { id: string }) => n.id)).toContain(notification.id);
    const outsider = await t.signup('NotHere');
    const badMention = await send(ana, generalId, { text: 'hi', mentions: [outsider.id] });
    expect(badMention.status).toBe(400);
    expect(badMention.body.error.fields).toEqual([{ path: 'mentions.0', message: 'not a member of this workspace' }]);
  });
});

describe('real-time delivery', () => {
  it('delivers a message sent by one socket client to another in the channel, after it is stored', async () => {
    const channelId = await createChannel('live');
    const a = await t.connect(ana.token);
    const b = await t.connect(bo.token);
    expect((await emitWithAck(a, 'channel:join', { workspaceId, channelId })).ok).toBe(true);
    const joined = await emitWithAck(b, 'channel:join', { workspaceId, channelId });
    expect(joined.ok).toBe(true);
    expect(joined.channel.name).toBe('live');

    const received = new Promise<{ message: any; storedSeqs: number[] }>((resolve) => {
      b.once('message:new', async (message) => {
        // Persisted before broadcast: by the time it arrives, the REST history has it.
        const stored = await t.request('GET', `${base()}/channels/${channelId}/messages`, { token: bo.token });
        resolve({ message, storedSeqs: stored.body.messages.map((m: { seq: number }) => m.seq) });
      });
    });
    const ack = await emitWithAck(a, 'message:send', {
      workspaceId,
      channelId,
      clientMessageId: 'sock-1',
      text: 'hello from a',
    });
    expect(ack).toMatchObject({ ok: true, duplicate: false, message: { text: 'hello from a', seq: 1 } });
    const { message, storedSeqs } = await received;
    expect(message).toEqual(ack.message);
    expect(storedSeqs).toContain(1);

    // A retried send with the same client id is acknowledged with the same message and not broadcast again.
    const bDeliveries = collect(b, 'message:new');
    const retry = await emitWithAck(a, 'message:send', {
      workspaceId,
      channelId,
      clientMessageId: 'sock-1',
      text: 'hello from a',
    });
    expect(retry).toMatchObject({ ok: true, duplicate: true, message: { id: ack.message.id } });
    await emitWithAck(a, 'message:send', { workspaceId, channelId, clientMessageId: 'sock-2', text: 'second' });
    await waitUntil(() => bDeliveries.length === 1, 5000, 'second message');
    expect(bDeliveries.map((m) => m.text)).toEqual(['second']);
  });

  it('rejects bad socket payloads and sends from viewers with an error ack', async () => {
    const v = await t.connect(viewer.token);
    const invalid = await emitWithAck(v, 'message:send', { workspaceId, channelId: generalId });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const forbidden = await emitWithAck(v, 'message:send', { workspaceId, channelId: generalId, text: 'hi' });
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'insufficient_role' } });
    const a = await t.connect(ana.token);
    const nul = await emitWithAck(a, 'message:send', { workspaceId, channelId: generalId, text: 'bad\u0000byte' });
    expect(nul).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', fields: [{ path: 'text', message: expect.stringMatching(/NUL/) }] },
    });
    const notAnObject = await emitWithAck(a, 'channel:join', 'general');
    expect(notAnObject).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const noPayload = await a.timeout(5000).emitWithAck('channel:join');
    expect(noPayload).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('shows typing to others in the room and presence of who is there', async () => {
    const channelId = await createChannel('typing');
    const a = await t.connect(ana.token);
    const b = await t.connect(bo.token);
    await emitWithAck(a, 'channel:join', { workspaceId, channelId });
    const presenceWithBoth = nextEvent(a, 'presence', (p: { userIds: string[] }) => p.userIds.length === 2);
    const joined = await emitWithAck(b, 'channel:join', { workspaceId, channelId });
    expect(joined.presence.sort()).toEqual([ana.id, bo.id].sort());
    expect((await presenceWithBoth).userIds.sort()).toEqual([ana.id, bo.id].sort());

    const ownTyping = collect(a, 'typing');
    const typing = nextEvent(b, 'typing');
    a.emit('typing', { workspaceId, channelId, typing: true });
    expect(await typing).toEqual({ channelId, userId: ana.id, typing: true });
    expect(ownTyping).toEqual([]);

    const presenceAfterLeave = nextEvent(a, 'presence', (p: { userIds: string[] }) => p.userIds.length === 1);
    b.disconnect();
    expect((await presenceAfterLeave).userIds).toEqual([ana.id]);
  });

  it("pushes read cursors to the reader's other devices", async () => {
    const channelId = await createChannel('devices');
    await send(ana, channelId, { text: 'x' });
    await t.request('POST', `${base()}/channels/${channelId}/members`, { token: bo.token, body: { userId: bo.id } });
    const phone = await t.connect(bo.token);
    const laptop = await t.connect(bo.token);
    const synced = nextEvent(phone, 'channel:read');
    const ack = await emitWithAck(laptop, 'channel:read', { workspaceId, channelId, seq: 1 });
    expect(ack.channel.unreadCount).toBe(0);
    expect(await synced).toEqual({ channelId, lastReadSeq: 1 });
  });

  it('a client whose transport drops gets every missed message on reconnect, in order, without duplicates', async () => {
    const channelId = await createChannel('recovery');
    const sender = await t.connect(ana.token);
    await emitWithAck(sender, 'channel:join', { workspaceId, channelId });
    const receiver = await t.connect(bo.token);
    const follower = new ChannelFollower(receiver, { baseUrl: t.url, token: bo.token, workspaceId, channelId });
    await follower.start();

    for (let i = 1; i <= 3; i += 1)
      await emitWithAck(sender, 'message:send', { workspaceId, channelId, text: `before ${i}` });
    await waitUntil(() => follower.lastSeq === 3, 5000, 'first three messages');

    receiver.io.engine.close(); // kill the transport: the client will reconnect by itself
    await waitUntil(() => !receiver.connected, 5000, 'disconnect');
    for (let i = 1; i <= 5; i += 1)
      await emitWithAck(sender, 'message:send', { workspaceId, channelId, text: `missed ${i}` });
    await waitUntil(() => receiver.connected, 5000, 'reconnect');
    await waitUntil(() => follower.lastSeq === 8, 5000, 'missed messages');
    await emitWithAck(sender, 'message:send', { workspaceId, channelId, text: 'after' });
    await waitUntil(() => follower.lastSeq === 9, 5000, 'message after reconnect');

    expect(follower.recoveredConnects).toBe(1); // socket.io connection state recovery replayed the gap
    expect(follower.freshConnects).toBe(0);
    expect(follower.deliveries).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(follower.seqs().map((seq) => follower.messages.get(seq)!.text)).toEqual([
      'before 1',
      'before 2',
      'before 3',
      'missed 1',
      'missed 2',
      'missed 3',
      'missed 4',
      'missed 5',
      'after',
    ]);
  });
});

describe('real-time delivery when the socket session cannot be recovered', () => {
  let t2: TestServer;
  beforeAll(async () => {
    // 250 sends in a row from one socket: above the default event throttle (which has its own tests).
    t2 = await startTestServer({ socketRecoveryMs: 0, socketEventsPerSecond: 10_000, socketEventBurst: 10_000 });
  });
  afterAll(async () => {
    await t2.close();
  });

  it('catches up over REST from the last seen sequence number: complete, ordered, no duplicates', async () => {
    const a = await t2.signup('A');
    const b = await t2.signup('B');
    const ws = await t2.createWorkspace(a, 'No recovery');
    await t2.addMember({ owner: a, user: b, workspaceId: ws, role: 'member' });
    const channelId = (
      await t2.request('POST', `/api/workspaces/${ws}/channels`, { token: a.token, body: { name: 'fallback' } })
    ).body.channel.id;
    const sender = await t2.connect(a.token);
    const receiver = await t2.connect(b.token);
    const follower = new ChannelFollower(receiver, { baseUrl: t2.url, token: b.token, workspaceId: ws, channelId });
    await follower.start();
    for (let i = 1; i <= 2; i += 1)
      await emitWithAck(sender, 'message:send', { workspaceId: ws, channelId, text: `m${i}` });
    await waitUntil(() => follower.lastSeq === 2, 5000, 'first messages');

    receiver.io.engine.close();
    await waitUntil(() => !receiver.connected, 5000, 'disconnect');
    for (let i = 3; i <= 250; i += 1)
      await emitWithAck(sender, 'message:send', { workspaceId: ws, channelId, text: `m${i}` });
    await waitUntil(() => follower.lastSeq === 250, 10_000, 'REST catch-up of 248 messages');
    await emitWithAck(sender, 'message:send', { workspaceId: ws, channelId, text: 'm251' });
    await waitUntil(() => follower.lastSeq === 251, 5000, 'live message after catch-up');

    expect(follower.freshConnects).toBe(1);
    expect(follower.recoveredConnects).toBe(0);
    expect(follower.seqs()).toEqual(Array.from({ length: 251 }, (_, i) => i + 1));
    expect(follower.seqs().map((s) => follower.messages.get(s)!.text)).toEqual(
      Array.from({ length: 251 }, (_, i) => `m${i + 1}`),
    );
    // Live deliveries never repeat a message.
    expect(new Set(follower.deliveries).size).toBe(follower.deliveries.length);
  });
});

describe('sockets lose access with their owner', () => {
  async function dropAndRemove(args: { waitForServerToNotice: boolean }) {
    const dee = await t.signup('Dee');
    await t.addMember({ owner: ana, user: dee, workspaceId, role: 'member' });
    const channelId = await createChannel(`leavers-${args.waitForServerToNotice ? 'a' : 'b'}`);
    const watcher = await t.connect(ana.token);
    await emitWithAck(watcher, 'channel:join', { workspaceId, channelId });
    const socket = await t.connect(dee.token, { reconnection: false });
    expect((await emitWithAck(socket, 'channel:join', { workspaceId, channelId })).ok).toBe(true);
    const received = collect(socket, 'message:new');

    const noticed = nextEvent(watcher, 'presence', (p: { userIds: string[] }) => !p.userIds.includes(dee.id));
    socket.io.engine.close();
    await waitUntil(() => !socket.connected, 5000, 'disconnect');
    if (args.waitForServerToNotice) await noticed; // the server stored the session with its rooms
    expect((await t.request('DELETE', `${base()}/members/${dee.id}`, { token: ana.token })).status).toBe(204);
    await send(ana, channelId, { text: 'after removal: not for Dee' });

    socket.connect();
    await waitUntil(() => socket.connected, 5000, 'reconnect');
    // Sentinel: a recovered session replays missed messages on connect, ahead of the answer to this first event.
    expect(await emitWithAck(socket, 'channel:join', { workspaceId, channelId })).toMatchObject({
      ok: false,
      error: { code: 'workspace_not_found' },
    });
    expect(received.map((m) => m.text)).toEqual([]);
    return socket;
  }

  it('a member removed while their socket was away cannot recover the session or its missed messages', async () => {
    const socket = await dropAndRemove({ waitForServerToNotice: true });
    expect(socket.recovered).toBe(false);
  });

  it('the same holds when the removal happens before the server noticed the drop', async () => {
    await dropAndRemove({ waitForServerToNotice: false });
  });

  it('a member removed while connected stops receiving at once', async () => {
    const eve = await t.signup('Eve');
    await t.addMember({ owner: ana, user: eve, workspaceId, role: 'member' });
    const channelId = await createChannel('live-leavers');
    const socket = await t.connect(eve.token);
    await emitWithAck(socket, 'channel:join', { workspaceId, channelId });
    const received = collect(socket, 'message:new');
    await send(ana, channelId, { text: 'seen' });
    await waitUntil(() => received.length === 1, 5000, 'first message');
    const watcher = await t.connect(ana.token);
    await emitWithAck(watcher, 'channel:join', { workspaceId, channelId });
    const watched = collect(watcher, 'message:new');
    expect((await t.request('DELETE', `${base()}/members/${eve.id}`, { token: ana.token })).status).toBe(204);
    await send(ana, channelId, { text: 'not seen' });
    await waitUntil(() => watched.length === 1, 5000, 'the message at a member'); // it was broadcast
    // Sentinel: a round trip on Eve's socket after the broadcast; the message would have arrived ahead of it.
    expect(await emitWithAck(socket, 'channel:join', { workspaceId, channelId })).toMatchObject({ ok: false });
    expect(received.map((m) => m.text)).toEqual(['seen']);
    watcher.disconnect();
  });

  it('logging out disconnects the sockets of that session, and revoking an API token disconnects its sockets', async () => {
    const fay = await t.signup('Fay');
    const socket = await t.connect(fay.token, { reconnection: false });
    const gone = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    await t.request('POST', '/api/auth/logout', { headers: { cookie: fay.cookies, 'x-csrf-token': fay.csrfToken } });
    expect(await gone).toBe('io server disconnect');
    await expect(t.connect(fay.token)).rejects.toThrow(/session was ended/);

    const created = await t.request('POST', `${base()}/api-tokens`, { token: ana.token, body: { name: 'short' } });
    const agent = await t.connect(created.body.token, { reconnection: false });
    const agentGone = new Promise<string>((resolve) => agent.once('disconnect', (reason) => resolve(reason)));
    await t.request('DELETE', `${base()}/api-tokens/${created.body.apiToken.id}`, { token: ana.token });
    expect(await agentGone).toBe('io server disconnect');
  });
});
