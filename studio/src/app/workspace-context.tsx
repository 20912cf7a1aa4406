import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, session } from '../api/client';
import type { Channel, Message, Page, Workspace } from '../api/types';
import { emitWithAck, joinWorkspace, realtime } from '../realtime';

export interface WorkspaceState {
  workspaces: Workspace[];
  workspace: Workspace;
  pages: Page[];
  channels: Channel[];
  reloadWorkspaces: () => Promise<Workspace[]>;
  reloadPages: () => Promise<void>;
  reloadChannels: () => Promise<void>;
  setChannels: (update: (channels: Channel[]) => Channel[]) => void;
  /** Replaces one channel with the server's copy (read acks carry it). */
  putChannel: (channel: Channel) => void;
}

const WorkspaceContext = createContext<WorkspaceState | null>(null);

export function useWorkspace(): WorkspaceState {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error('useWorkspace outside a workspace');
  return value;
}

/** Pages and channels of the open workspace, kept live: page:changed for the sidebar, message:new for unread counts. */
export function WorkspaceProvider(props: {
  workspaces: Workspace[];
  workspace: Workspace;
  reloadWorkspaces: () => Promise<Workspace[]>;
  children: ReactNode;
}) {
  const workspaceId = props.workspace.id;
  const [pages, setPages] = useState<Page[]>([]);
  const [channels, setChannels] = useState<Channel[]>([]);

  const reloadPages = useCallback(async () => {
    const body = await api.get<{ pages: Page[] }>(`/api/workspaces/${workspaceId}/pages`);
    setPages(body.pages);
  }, [workspaceId]);
  const reloadChannels = useCallback(async () => {
    const body = await api.get<{ channels: Channel[] }>(`/api/workspaces/${workspaceId}/channels`);
    setChannels(body.channels);
    // Be in the room of every channel you belong to, so unread counts and mentions arrive live.
    for (const channel of body.channels)
      if (channel.isMember)
        void emitWithAck('channel:join', { workspaceId, channelId: channel.id }).catch(() => undefined);
  }, [workspaceId]);

  useEffect(() => {
    setPages([]);
    setChannels([]);
    void reloadPages().catch(() => undefined);
    void reloadChannels().catch(() => undefined);
    joinWorkspace(workspaceId);
    const socket = realtime();
    const onPage = ({ page }: { page: Page }) => {
      if (page.workspaceId !== workspaceId) return;
      setPages((current) => {
        const others = current.filter((p) => p.id !== page.id);
        return [...others, page].sort((a, b) => a.position - b.position);
      });
    };
    const onReconnect = () => {
      if (!socket.recovered) {
        void reloadPages().catch(() => undefined);
        void reloadChannels().catch(() => undefined);
      }
    };
    // Unread counts move live: a new message by someone else in a channel counts until it is read.
    const onMessage = (message: Message) => {
      if (message.workspaceId !== workspaceId || message.threadRootId) return;
      const mine = message.author.kind === 'user' && message.author.userId === session.user?.id;
      setChannels((current) =>
        current.map((c) =>
          c.id !== message.channelId || message.seq <= c.lastSeq
            ? c
            : {
                ...c,
                lastSeq: message.seq,
                lastReadSeq: mine ? message.seq : c.lastReadSeq,
                unreadCount: mine ? 0 : c.unreadCount + 1,
              },
        ),
      );
    };
    const onRead = ({ channelId, lastReadSeq }: { channelId: string; lastReadSeq: number }) =>
      setChannels((current) =>
        current.map((c) =>
          c.id === channelId && lastReadSeq >= c.lastReadSeq
            ? { ...c, lastReadSeq, unreadCount: Math.max(0, c.lastSeq - lastReadSeq) }
            : c,
        ),
      );
    socket.on('page:changed', onPage);
    socket.on('connect', onReconnect);
    socket.on('message:new', onMessage);
    socket.on('channel:read', onRead);
    return () => {
      socket.off('page:changed', onPage);
      socket.off('connect', onReconnect);
      socket.off('message:new', onMessage);
      socket.off('channel:read', onRead);
    };
  }, [workspaceId, reloadPages, reloadChannels]);

  const value = useMemo<WorkspaceState>(
    () => ({
      workspaces: props.workspaces,
      workspace: props.workspace,
      pages,
      channels,
      reloadWorkspaces: props.reloadWorkspaces,
      reloadPages,
      reloadChannels,
      setChannels,
      putChannel: (channel: Channel) =>
        setChannels((current) => current.map((c) => (c.id === channel.id ? { ...c, ...channel } : c))),
    }),
    [props.workspaces, props.workspace, props.reloadWorkspaces, pages, channels, reloadPages, reloadChannels],
  );
  return <WorkspaceContext.Provider value={value}>{props.children}</WorkspaceContext.Provider>;
}
