import { useCallback, useEffect, useRef, useState } from 'react';
import { api, describeError } from '../api/client';
import type { Notification } from '../api/types';
import { timeAgo } from '../hooks';
import { realtime } from '../realtime';
import { navigate } from '../router';

/** The signed-in user's notifications, live (notification:new), newest first. */
export function useNotifications() {
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);

  const reload = useCallback(async () => {
    try {
      const body = await api.get<{ notifications: Notification[]; unreadCount: number }>('/api/notifications?limit=50');
      setItems(body.notifications);
      setUnread(body.unreadCount);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setLoaded(true);
    }
  }, []);

  useEffect(() => {
    void reload();
    const socket = realtime();
    const onNew = (n: Notification) => {
      setItems((current) => (current.some((x) => x.id === n.id) ? current : [n, ...current]));
      if (!n.read) setUnread((u) => u + 1);
    };
    const onConnect = () => {
      if (!socket.recovered) void reload();
    };
    socket.on('notification:new', onNew);
    socket.on('connect', onConnect);
    return () => {
      socket.off('notification:new', onNew);
      socket.off('connect', onConnect);
    };
  }, [reload]);

  const markRead = useCallback(async (n: Notification, read = true) => {
    if (n.read === read) return;
    const body = await api.post<{ notification: Notification }>(`/api/notifications/${n.id}/read`, { read });
    setItems((current) => current.map((x) => (x.id === n.id ? body.notification : x)));
    setUnread((u) => Math.max(0, u + (read ? -1 : 1)));
  }, []);

  const markAllRead = useCallback(async () => {
    await api.post('/api/notifications/read-all', {});
    setItems((current) => current.map((x) => ({ ...x, read: true })));
    setUnread(0);
  }, []);

  return { items, unread, error, loaded, reload, markRead, markAllRead };
}

type NotificationsState = ReturnType<typeof useNotifications>;

function open(n: Notification, state: NotificationsState) {
  void state.markRead(n).catch(() => undefined);
  if (!n.link) return;
  if (n.link.startsWith('/')) navigate(n.link);
  else window.open(n.link, '_blank', 'noopener,noreferrer');
}

export function NotificationList({ state, onNavigate }: { state: NotificationsState; onNavigate?: () => void }) {
  if (!state.loaded) return <p role="status">Loading notifications…</p>;
  if (state.error)
    return (
      <p role="alert" className="error">
        {state.error}
      </p>
    );
  if (state.items.length === 0) return <p className="empty">No notifications yet.</p>;
  return (
    <ul className="notification-list">
      {state.items.map((n) => (
        <li key={n.id} className={n.read ? 'read' : 'unread'}>
          <button
            type="button"
            className="notification-open"
            onClick={() => {
              open(n, state);
              onNavigate?.();
            }}
          >
            <span className="notification-title">
              {!n.read && <span className="visually-hidden">Unread: </span>}
              {n.title}
            </span>
            {n.body && <span className="notification-body">{n.body}</span>}
            <span className="hint">
              {n.kind} · {timeAgo(n.createdAt)}
            </span>
          </button>
          <button
            type="button"
            className="link-button"
            onClick={() => void state.markRead(n, !n.read)}
            aria-label={`${n.read ? 'Mark unread' : 'Mark read'}: ${n.title}`}
          >
            {n.read ? 'Mark unread' : 'Mark read'}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The bell in the top bar: unread count, a panel with the list (Escape closes, focus returns to the bell). */
export function NotificationBell({ state }: { state: NotificationsState }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!panel.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  return (
    <div className="bell">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls="notifications-panel"
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">🔔</span>
        <span className="visually-hidden">Notifications</span>
        {state.unread > 0 && (
          <span className="badge">
            {state.unread}
            <span className="visually-hidden"> unread</span>
          </span>
        )}
      </button>
      {open && (
        <div
          ref={panel}
          id="notifications-panel"
          className="popover"
          role="region"
          aria-label="Notifications"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setOpen(false);
              button.current?.focus();
            }
          }}
        >
          <div className="popover-head">
            <h2>Notifications</h2>
            <button type="button" onClick={() => void state.markAllRead()} disabled={state.unread === 0}>
              Mark all read
            </button>
          </div>
          <NotificationList state={state} onNavigate={() => setOpen(false)} />
        </div>
      )}
    </div>
  );
}
