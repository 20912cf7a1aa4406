import { io, type Socket } from 'socket.io-client';
import { session } from './api/client';

let socket: Socket | undefined;
const joinedWorkspaces = new Set<string>();

/**
 * The one socket.io connection of this tab, authenticated with the current access token (read again on every
 * reconnect). When the server says the token expired, the session refreshes and the socket reconnects.
 */
export function realtime(): Socket {
  if (socket) return socket;
  const s = io({
    path: '/socket.io',
    autoConnect: false,
    auth: (callback) => callback({ token: session.accessToken ?? '' }),
    transports: ['websocket'],
  });
  s.on('auth:expired', () => {
    void session.refresh().then((ok) => {
      if (ok) s.connect();
    });
  });
  // The server ended the connection (shutdown, revoked token): socket.io does not retry those by itself.
  s.on('disconnect', (reason) => {
    if (reason === 'io server disconnect' && session.user)
      setTimeout(() => {
        if (!s.connected && session.user) void session.refresh().then((ok) => ok && s.connect());
      }, 1_000);
  });
  s.on('connect', () => {
    // Rooms are per connection: join the workspaces again after a reconnect that was not recovered.
    if (!s.recovered)
      for (const workspaceId of joinedWorkspaces) s.emit('workspace:join', { workspaceId }, () => undefined);
  });
  let lastAuthRetry = 0;
  s.on('connect_error', (error: Error & { data?: { code?: string; retryAfter?: number } }) => {
    const code = error.data?.code;
    // Refused by the server's middleware: socket.io does not retry these by itself.
    if (s.active || !session.user) return;
    const wait = code === 'rate_limited' || code === 'too_many_connections' ? (error.data?.retryAfter ?? 5) * 1000 : 0;
    const sinceLast = Date.now() - lastAuthRetry;
    setTimeout(
      () => {
        lastAuthRetry = Date.now();
        void session.refresh().then((ok) => {
          if (ok && !s.connected) s.connect();
        });
      },
      Math.max(wait, 2_000 - sinceLast, 0),
    );
  });
  // A fresh access token replaces the socket's before the old one expires.
  let lastToken = session.accessToken;
  session.subscribe(() => {
    if (!session.user) {
      s.disconnect();
      joinedWorkspaces.clear();
      return;
    }
    if (session.accessToken && session.accessToken !== lastToken) {
      lastToken = session.accessToken;
      if (s.connected) s.emit('auth:refresh', { token: session.accessToken }, () => undefined);
    }
    if (!s.connected && !s.active) s.connect();
  });
  if (session.user) s.connect();
  socket = s;
  return s;
}

export interface Ack<T> {
  ok: boolean;
  error?: { code: string; message: string };
  [key: string]: unknown;
  value?: T;
}

/** Emits an event and resolves with its acknowledgement (rejects with the server's error message). */
export function emitWithAck<T = Record<string, unknown>>(
  event: string,
  payload: unknown,
  timeoutMs = 10_000,
): Promise<T> {
  const s = realtime();
  return new Promise<T>((resolve, reject) => {
    s.timeout(timeoutMs).emit(
      event,
      payload,
      (error: Error | null, ack: { ok: boolean; error?: { message: string } }) => {
        if (error) reject(new Error(`The server did not answer ${event} in time`));
        else if (!ack?.ok) reject(new Error(ack?.error?.message ?? `${event} failed`));
        else resolve(ack as unknown as T);
      },
    );
  });
}

export function joinWorkspace(workspaceId: string): void {
  joinedWorkspaces.add(workspaceId);
  const s = realtime();
  if (s.connected) s.emit('workspace:join', { workspaceId }, () => undefined);
}
