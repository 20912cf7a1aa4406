import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, describeError, session } from '../api/client';
import type { Block, Channel, Member, Message } from '../api/types';
import { OutputView } from '../agents/OutputView';
import { useWorkspace } from '../app/workspace-context';
import { Markdown } from '../components/Markdown';
import { emitWithAck, realtime } from '../realtime';
import { Composer, type ComposerSubmit } from './Composer';

const PAGE = 50;

function byId(list: Member[]): Map<string, Member> {
  return new Map(list.map((m) => [m.userId, m]));
}

function authorName(message: Message): string {
  return message.author.kind === 'agent' ? message.author.name : message.author.displayName;
}

function clientId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

/**
 * One channel: messages kept by sequence number (duplicates collapse; a reconnect that socket.io could not recover
 * refills the gap from ?after=<last seq>), threads, typing, the composer, and "Copy to canvas" on agent messages.
 */
export function ChatView({
  channelId,
  openPageId,
  compact,
}: {
  channelId: string;
  openPageId?: string;
  compact?: boolean;
}) {
  const { workspace, channels, putChannel, reloadChannels } = useWorkspace();
  const w = workspace.id;
  const channel = channels.find((c) => c.id === channelId);
  const me = session.user?.id;
  const [messages, setMessages] = useState<Map<number, Message>>(new Map());
  const [pending, setPending] = useState<Array<{ clientMessageId: string; text: string; failed?: string }>>([]);
  const [state, setState] = useState<{ loading: boolean; error: string | null }>({ loading: true, error: null });
  const [hasOlder, setHasOlder] = useState(false);
  const [typing, setTyping] = useState<Map<string, number>>(new Map());
  const [members, setMembers] = useState<Member[]>([]);
  const [thread, setThread] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const lastSeq = useRef(0);
  const listRef = useRef<HTMLOListElement>(null);

  const store = useCallback((list: Message[]) => {
    if (list.length === 0) return;
    setMessages((current) => {
      const next = new Map(current);
      for (const m of list) {
        const known = next.get(m.seq);
        if (!known || (m.editedAt ?? '') >= (known.editedAt ?? '') || m.deleted) next.set(m.seq, m);
        lastSeq.current = Math.max(lastSeq.current, m.seq);
      }
      return next;
    });
    setPending((current) => current.filter((p) => !list.some((m) => m.clientMessageId === p.clientMessageId)));
  }, []);

  const markRead = useCallback(
    (seq: number) => {
      if (!channel?.isMember || seq <= (channel?.lastReadSeq ?? 0) || document.visibilityState === 'hidden') return;
      void emitWithAck<{ channel: Channel }>('channel:read', { workspaceId: w, channelId, seq })
        .then((ack) => putChannel(ack.channel))
        .catch(() => undefined);
    },
    [w, channelId, channel?.isMember, channel?.lastReadSeq, putChannel],
  );

  const catchUp = useCallback(async () => {
    for (;;) {
      const body = await api.get<{ messages: Message[]; hasMore: boolean }>(
        `/api/workspaces/${w}/channels/${channelId}/messages?after=${lastSeq.current}&limit=200`,
      );
      store(body.messages);
      if (!body.hasMore) return;
    }
  }, [w, channelId, store]);

  useEffect(() => {
    let live = true;
    setMessages(new Map());
    setPending([]);
    setThread(null);
    lastSeq.current = 0;
    setState({ loading: true, error: null });
    const socket = realtime();
    const join = () => emitWithAck('channel:join', { workspaceId: w, channelId }).catch(() => undefined);
    void join();
    api
      .get<{ messages: Message[]; hasMore: boolean }>(
        `/api/workspaces/${w}/channels/${channelId}/messages?limit=${PAGE}`,
      )
      .then(
        (body) => {
          if (!live) return;
          store(body.messages);
          setHasOlder(body.hasMore);
          setState({ loading: false, error: null });
        },
        (e: unknown) => live && setState({ loading: false, error: describeError(e) }),
      );
    api
      .get<{ members: Member[] }>(`/api/workspaces/${w}/members`)
      .then((b) => live && setMembers(b.members))
      .catch(() => undefined);
    const onNew = (m: Message) => m.channelId === channelId && store([m]);
    const onUpdated = (m: Message) => m.channelId === channelId && store([m]);
    const onTyping = ({ channelId: c, userId, typing: t }: { channelId: string; userId: string; typing: boolean }) => {
      if (c !== channelId || userId === me) return;
      setTyping((current) => {
        const next = new Map(current);
        if (t) next.set(userId, Date.now());
        else next.delete(userId);
        return next;
      });
    };
    const onConnect = () => {
      if (socket.recovered) return;
      void join().then(() => catchUp().catch(() => undefined));
    };
    socket.on('message:new', onNew);
    socket.on('message:updated', onUpdated);
    socket.on('typing', onTyping);
    socket.on('connect', onConnect);
    // Typing indicators fade if the "stopped" signal was lost.
    const sweep = setInterval(
      () =>
        setTyping((current) => {
          const stale = [...current].filter(([, at]) => Date.now() - at > 6000);
          if (stale.length === 0) return current;
          const next = new Map(current);
          for (const [id] of stale) next.delete(id);
          return next;
        }),
      2000,
    );
    return () => {
      live = false;
      clearInterval(sweep);
      socket.off('message:new', onNew);
      socket.off('message:updated', onUpdated);
      socket.off('typing', onTyping);
      socket.off('connect', onConnect);
    };
  }, [w, channelId, me, store, catchUp]);

  const ordered = useMemo(() => [...messages.values()].sort((a, b) => a.seq - b.seq), [messages]);
  const main = ordered.filter((m) => !m.threadRootId);
  const newest = ordered.length ? ordered[ordered.length - 1]!.seq : 0;

  useEffect(() => {
    if (newest > 0) markRead(newest);
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [newest, markRead, pending.length]);

  // Opening a thread loads all its replies (older ones may be outside the loaded pages).
  useEffect(() => {
    if (!thread) return;
    api
      .get<{ root: Message; replies: Message[] }>(
        `/api/workspaces/${w}/channels/${channelId}/messages/${thread}/thread`,
      )
      .then((body) => store([body.root, ...body.replies]))
      .catch((e: unknown) => setNotice(describeError(e)));
  }, [thread, w, channelId, store]);

  async function loadOlder() {
    const oldest = ordered[0]?.seq;
    if (!oldest) return;
    const body = await api.get<{ messages: Message[]; hasMore: boolean }>(
      `/api/workspaces/${w}/channels/${channelId}/messages?before=${oldest}&limit=${PAGE}`,
    );
    store(body.messages);
    setHasOlder(body.hasMore);
  }

  async function send({ text, mentions }: ComposerSubmit, threadRootId?: string) {
    const clientMessageId = clientId();
    setPending((p) => [...p, { clientMessageId, text }]);
    try {
      const ack = await emitWithAck<{ message: Message }>('message:send', {
        workspaceId: w,
        channelId,
        clientMessageId,
        text,
        mentions,
        ...(threadRootId ? { threadRootId } : {}),
      });
      store([ack.message]);
    } catch (e) {
      setPending((p) => p.map((x) => (x.clientMessageId === clientMessageId ? { ...x, failed: describeError(e) } : x)));
    }
  }

  async function copyToCanvas(message: Message) {
    if (!openPageId) return;
    setNotice(null);
    try {
      const body = await api.get<{ blocks: Block[] }>(`/api/workspaces/${w}/pages/${openPageId}`);
      const bottom = body.blocks.reduce((max, b) => Math.max(max, b.position.y + b.size.height), 0);
      await api.post(`/api/workspaces/${w}/pages/${openPageId}/blocks`, {
        type: 'text',
        content: { text: message.text },
        position: { x: 40, y: Math.round((bottom + 20) / 10) * 10 },
        size: { width: 560, height: Math.min(600, 120 + 22 * message.text.split('\n').length) },
      });
      setNotice('Copied to the page.');
    } catch (e) {
      setNotice(describeError(e));
    }
  }

  async function joinChannel() {
    try {
      await api.post(`/api/workspaces/${w}/channels/${channelId}/members`, { userId: me });
      await reloadChannels();
    } catch (e) {
      setNotice(describeError(e));
    }
  }

  const people = byId(members);
  const typingNames = [...typing.keys()].map((id) => people.get(id)?.displayName ?? 'Someone');
  const threadRoot = thread ? ordered.find((m) => m.id === thread) : undefined;
  const canWrite = workspace.role !== 'viewer' && channel?.isMember;

  const renderMessage = (m: Message, inThread = false) => (
    <li key={m.id} className={`message${m.author.kind === 'agent' ? ' agent' : ''}`} data-seq={m.seq}>
      <div className="message-meta">
        <strong>{authorName(m)}</strong>
        {m.author.kind === 'agent' && <span className="agent-tag">agent</span>}
        <time dateTime={m.createdAt}>
          {new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
        </time>
      </div>
      {m.deleted ? (
        <p className="empty">(deleted)</p>
      ) : m.author.kind === 'agent' && m.payload && typeof m.payload === 'object' ? (
        <div className="agent-card">
          <OutputView data={m.payload} markdown={m.text} title={`${authorName(m)} output`} />
        </div>
      ) : (
        <Markdown text={m.text} />
      )}
      <div className="message-actions">
        {!inThread && m.replyCount > 0 && (
          <button type="button" className="link-button" onClick={() => setThread(m.id)}>
            {m.replyCount} {m.replyCount === 1 ? 'reply' : 'replies'}
          </button>
        )}
        {!inThread && canWrite && m.replyCount === 0 && (
          <button
            type="button"
            className="link-button"
            onClick={() => setThread(m.id)}
            aria-label={`Reply in thread to ${authorName(m)}`}
          >
            Reply
          </button>
        )}
        {m.author.kind === 'agent' && openPageId && workspace.role !== 'viewer' && (
          <button type="button" className="link-button" onClick={() => void copyToCanvas(m)}>
            Copy to canvas
          </button>
        )}
      </div>
    </li>
  );

  if (!channel) return <p className="empty">Choose a channel.</p>;
  return (
    <section className={`chat-view${compact ? ' compact' : ''}`} aria-label={`Channel ${channel.name}`}>
      <header className="chat-header">
        <h2># {channel.name}</h2>
        {channel.topic && <p className="hint">{channel.topic}</p>}
      </header>
      {state.loading && <p role="status">Loading messages…</p>}
      {state.error && (
        <p role="alert" className="error">
          {state.error}
        </p>
      )}
      {!state.loading && !state.error && (
        <ol className="messages" ref={listRef} aria-label={`Messages in ${channel.name}`} tabIndex={0}>
          {hasOlder && (
            <li className="older">
              <button type="button" onClick={() => void loadOlder()}>
                Load older messages
              </button>
            </li>
          )}
          {main.length === 0 && pending.length === 0 && <li className="empty">No messages yet. Say hello!</li>}
          {main.map((m) => renderMessage(m))}
          {pending.map((p) => (
            <li key={p.clientMessageId} className="message pending">
              <div className="message-meta">
                <strong>{session.user?.displayName}</strong>{' '}
                <span className="hint">{p.failed ? 'not sent' : 'sending…'}</span>
              </div>
              <Markdown text={p.text} />
              {p.failed && (
                <p role="alert" className="error small">
                  {p.failed}
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
      <p className="typing" aria-live="polite">
        {typingNames.length > 0 ? `${typingNames.join(', ')} ${typingNames.length === 1 ? 'is' : 'are'} typing…` : ''}
      </p>
      {notice && (
        <p role="status" className="small">
          {notice}
        </p>
      )}
      {canWrite ? (
        <Composer channel={channel} members={members} onSubmit={(s) => void send(s)} />
      ) : channel.isMember ? (
        <p className="hint">Viewers can read but not write.</p>
      ) : (
        <button type="button" onClick={() => void joinChannel()}>
          Join #{channel.name}
        </button>
      )}
      {threadRoot && (
        <section className="thread" aria-label="Thread">
          <header className="chat-header">
            <h3>Thread</h3>
            <button type="button" onClick={() => setThread(null)}>
              Close thread
            </button>
          </header>
          <ol className="messages">
            {renderMessage(threadRoot, true)}
            {ordered.filter((m) => m.threadRootId === threadRoot.id).map((m) => renderMessage(m, true))}
          </ol>
          {canWrite && (
            <Composer
              channel={channel}
              members={members}
              label="Reply in thread"
              onSubmit={(s) => void send(s, threadRoot.id)}
            />
          )}
        </section>
      )}
    </section>
  );
}
