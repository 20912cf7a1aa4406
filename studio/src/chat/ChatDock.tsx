import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useWorkspace } from '../app/workspace-context';
import { ChatView } from './ChatView';

const MIN = 280;
const MAX = 720;
const WIDTH_KEY = 'ionflux.chatDock.width';
const OPEN_KEY = 'ionflux.chatDock.open';

function stored(key: string, fallback: string): string {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}
function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode: the dock just forgets its size.
  }
}

/** The chat beside the canvas: collapsible, resizable (drag the edge, or arrow keys on it), with a channel picker. */
export function ChatDock({ openPageId }: { openPageId?: string }) {
  const { workspace, channels } = useWorkspace();
  const [open, setOpen] = useState(() => stored(OPEN_KEY, 'true') === 'true');
  const [width, setWidth] = useState(() => Math.min(MAX, Math.max(MIN, Number(stored(WIDTH_KEY, '380')) || 380)));
  const [channelId, setChannelId] = useState<string | null>(null);
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);

  useEffect(() => {
    if (channelId && channels.some((c) => c.id === channelId)) return;
    const preferred = channels.find((c) => c.name === 'general') ?? channels.find((c) => c.isMember) ?? channels[0];
    setChannelId(preferred?.id ?? null);
  }, [channels, channelId, workspace.id]);

  useEffect(() => store(OPEN_KEY, String(open)), [open]);
  useEffect(() => store(WIDTH_KEY, String(width)), [width]);

  function onKey(event: KeyboardEvent<HTMLDivElement>) {
    const step = event.shiftKey ? 80 : 20;
    if (event.key === 'ArrowLeft') setWidth((w) => Math.min(MAX, w + step));
    else if (event.key === 'ArrowRight') setWidth((w) => Math.max(MIN, w - step));
    else return;
    event.preventDefault();
  }
  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startX: event.clientX, startWidth: width };
  }
  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    if (!drag.current) return;
    setWidth(Math.min(MAX, Math.max(MIN, drag.current.startWidth + (drag.current.startX - event.clientX))));
  }
  function onPointerUp(event: PointerEvent<HTMLDivElement>) {
    drag.current = null;
    event.currentTarget.releasePointerCapture(event.pointerId);
  }

  const unread = channels.reduce((sum, c) => sum + c.unreadCount, 0);
  if (!open)
    return (
      <aside className="chat-dock collapsed" aria-label="Chat">
        <button type="button" aria-expanded="false" aria-controls="chat-dock-body" onClick={() => setOpen(true)}>
          Chat{unread > 0 ? ` (${unread} unread)` : ''}
        </button>
      </aside>
    );
  return (
    <aside className="chat-dock" aria-label="Chat" style={{ width }}>
      <div
        className="dock-resizer"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize chat"
        aria-valuemin={MIN}
        aria-valuemax={MAX}
        aria-valuenow={width}
        tabIndex={0}
        onKeyDown={onKey}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
      />
      <div id="chat-dock-body" className="dock-body">
        <div className="dock-top">
          <label htmlFor="dock-channel" className="visually-hidden">
            Chat channel
          </label>
          <select id="dock-channel" value={channelId ?? ''} onChange={(e) => setChannelId(e.target.value)}>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                #{c.name}
                {c.unreadCount > 0 ? ` (${c.unreadCount})` : ''}
              </option>
            ))}
          </select>
          <button type="button" aria-expanded="true" aria-controls="chat-dock-body" onClick={() => setOpen(false)}>
            Hide chat
          </button>
        </div>
        {channelId ? (
          <ChatView key={channelId} channelId={channelId} openPageId={openPageId} compact />
        ) : (
          <p className="empty">No channels.</p>
        )}
      </div>
    </aside>
  );
}
