import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import { SendMessageInputSchema } from '../../domain/chat';
import { principalKey, type Actor, type WorkspaceAccess } from '../../domain/context';
import { findInputProblem, PG_INT_MAX } from '../../domain/input-bounds';
import { FixedWindowLimiter, TokenBucket } from '../../domain/rate-limiter';
import type { ApiTokenScope } from '../../domain/model';
import type { UseCases } from '../../domain/use-cases';
import type { WorkspaceRole } from '../../domain/model';
import { AppError, isAppError, notFound } from '../../errors';
import type { InFlight } from '../http/app';
import { authenticateToken } from '../http/authentication';
import { inputProblemError, toFieldProblems } from '../http/validation';
import { ChannelPresence } from './presence';

/**
 * Socket protocol (socket.io, path /socket.io). Authenticate with `auth: { token }` (access token or API token).
 *
 * Client -> server, each with an acknowledgement `{ ok: true, ... } | { ok: false, error: { code, message, fields? } }`:
 *   workspace:join {workspaceId}                      -> page:changed events for the sidebar
 *   channel:join   {workspaceId, channelId}           -> { channel, presence }; then message:new/updated, typing, presence
 *   channel:leave  {workspaceId, channelId}
 *   message:send   {workspaceId, channelId, clientMessageId?, text, payload?, mentions?, threadRootId?} -> { message, duplicate }
 *   typing         {workspaceId, channelId, typing}   (no ack needed)
 *   channel:read   {workspaceId, channelId, seq}      -> { channel }
 *   page:join      {workspaceId, pageId}              -> block:created/updated/deleted, page:changed
 *   page:leave     {workspaceId, pageId}
 *   auth:refresh   {token}                            -> { expiresAt } (a fresh access token for the same user)
 * Server -> client, always to a room the socket joined after an access check:
 *   message:new, message:updated (Message); typing {channelId, userId, typing}; presence {channelId, userIds};
 *   block:created/updated {pageId, block}; block:deleted {pageId, blockId, version}; page:changed {page};
 *   notification:new (Notification) and channel:read {channelId, lastReadSeq} to the user's own room.
 *
 * Every event goes through the same gate before its handler (see `registerEvent` and the `socket.use` middleware):
 * a per-connection token bucket (`rate_limited` error ack), the credential's expiry (`token_expired`; the server
 * also emits `auth:expired` and disconnects at expiry), the iterative depth/NUL bound on the payload
 * (`input_too_deep` / `invalid_request`), the payload's zod schema, and a catch that turns any failure into an error
 * ack. An event registered with `registerEvent` gets all of it.
 *
 * Missed events: socket.io connection state recovery replays what a briefly dropped socket missed (rooms included);
 * when `socket.recovered` is false the client catches up with GET .../messages?after=<last seq>.
 */
export interface Realtime {
  io: Server;
  close(): Promise<void>;
}

interface SocketData {
  actor: Actor;
  /** Events of this connection (token bucket). */
  events?: TokenBucket;
  /** room -> workspace it belongs to, to leave the right rooms when access is revoked. */
  rooms: Record<string, string>;
}

type AckResult = { ok: true } & Record<string, unknown>;
type Ack = (result: AckResult | { ok: false; error: { code: string; message: string; fields?: unknown } }) => void;

const Ids = { workspaceId: z.uuid(), channelId: z.uuid(), pageId: z.uuid() };
const schemas = {
  workspaceJoin: z.object({ workspaceId: Ids.workspaceId }),
  channel: z.object({ workspaceId: Ids.workspaceId, channelId: Ids.channelId }),
  typing: z.object({ workspaceId: Ids.workspaceId, channelId: Ids.channelId, typing: z.boolean() }),
  read: z.object({ workspaceId: Ids.workspaceId, channelId: Ids.channelId, seq: z.int().min(0).max(PG_INT_MAX) }),
  page: z.object({ workspaceId: Ids.workspaceId, pageId: Ids.pageId }),
  send: z.intersection(z.object({ workspaceId: Ids.workspaceId, channelId: Ids.channelId }), SendMessageInputSchema),
  refresh: z.object({ token: z.string().min(1).max(4096) }),
};

const userRoom = (userId: string) => `user:${userId}`;
const channelRoom = (channelId: string) => `channel:${channelId}`;
const pageRoom = (pageId: string) => `page:${pageId}`;
const workspaceRoom = (workspaceId: string) => `workspace:${workspaceId}`;

export function createRealtime(args: {
  httpServer: HttpServer;
  useCases: UseCases;
  logger: Logger;
  inFlight: InFlight;
  recoveryMs: number;
}): Realtime {
  const { useCases, logger, inFlight } = args;
  const { config } = useCases.ctx;
  const io = new Server<
    // socket.io's own default event map (DefaultEventsMap, not exported): handlers are checked per event below.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    Record<string, (...a: any[]) => void>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    Record<string, (...a: any[]) => void>,
    Record<string, never>,
    SocketData
  >(args.httpServer, {
    serveClient: false,
    maxHttpBufferSize: 256 * 1024,
    // Middlewares run for recovered sockets too: the credential in the new handshake is checked (fresh expiry).
    connectionStateRecovery: { maxDisconnectionDuration: args.recoveryMs, skipMiddlewares: false },
  });
  const presence = new ChannelPresence();
  const openSockets = new Map<string, number>();
  const connects = new FixedWindowLimiter({ limit: config.socketConnectsPerMinute, windowMs: 60_000 });
  const refuse = (message: string, data: Record<string, unknown>) => Object.assign(new Error(message), { data });

  io.use((socket, next) => {
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const header = socket.handshake.headers.authorization;
    const token =
      typeof fromAuth === 'string'
        ? fromAuth
        : typeof header === 'string'
          ? header.replace(/^Bearer\s+/i, '')
          : undefined;
    if (!token) {
      next(refuse('Pass your access token or API token as auth.token', { code: 'not_signed_in' }));
      return;
    }
    authenticateToken(useCases, token).then(
      (actor) => {
        const data = socket.data as SocketData;
        const key = principalKey(actor);
        // A recovered session keeps its rooms only for the principal they were checked for.
        if (socket.recovered && data.actor && principalKey(data.actor) !== key) {
          next(refuse('This session belongs to someone else; connect without it', { code: 'session_mismatch' }));
          return;
        }
        if (!connects.tryHit(key)) {
          const retryAfter = connects.retryAfterSeconds(key);
          next(refuse(`Too many new connections; retry in ${retryAfter} s`, { code: 'rate_limited', retryAfter }));
          return;
        }
        if ((openSockets.get(key) ?? 0) >= config.socketMaxConnections) {
          next(
            refuse(`At most ${config.socketMaxConnections} connections at once; close another tab or device first`, {
              code: 'too_many_connections',
            }),
          );
          return;
        }
        data.actor = actor;
        data.rooms ??= {};
        next();
      },
      (error: unknown) => {
        const code = isAppError(error) ? error.code : 'invalid_token';
        next(refuse(isAppError(error) ? error.message : 'Authentication failed', { code }));
      },
    );
  });

  const requireAccess = (
    socket: Socket,
    workspaceId: string,
    minRole: WorkspaceRole,
    scope: ApiTokenScope,
  ): Promise<WorkspaceAccess> =>
    useCases.access.require({ actor: (socket.data as SocketData).actor, workspaceId, minRole, scope });

  const presenceUserId = (socket: Socket): string | undefined => {
    const actor = (socket.data as SocketData).actor;
    return actor.kind === 'user' ? actor.userId : undefined;
  };

  const broadcastPresence = (channelId: string) =>
    io.to(channelRoom(channelId)).emit('presence', { channelId, userIds: presence.userIds(channelId) });

  const joinRoom = async (socket: Socket, room: string, workspaceId: string) => {
    (socket.data as SocketData).rooms[room] = workspaceId;
    await socket.join(room);
  };

  const leaveRoom = async (socket: Socket, room: string) => {
    delete (socket.data as SocketData).rooms[room];
    await socket.leave(room);
    if (room.startsWith('channel:')) {
      const channelId = room.slice('channel:'.length);
      const userId = presenceUserId(socket);
      if (userId && presence.remove({ channelId, userId, socketId: socket.id })) broadcastPresence(channelId);
    }
  };

  const errorAck = (ack: Ack, error: { code: string; message: string } & Record<string, unknown>) => {
    try {
      ack({ ok: false, error });
    } catch (ackError) {
      logger.warn({ err: ackError }, 'could not acknowledge a socket event');
    }
  };

  const isExpired = (actor: Actor | undefined) => actor?.expiresAtMs !== undefined && actor.expiresAtMs <= Date.now();

  /** Tells the client why (so it can refresh and reconnect) and disconnects. */
  const expire = (socket: Socket) => {
    socket.emit('auth:expired', {
      code: 'token_expired',
      message: 'Your access token expired; call POST /api/auth/refresh and reconnect with the new token',
    });
    socket.disconnect(true);
  };

  /**
   * Registers a validated, acknowledged event handler. Nothing that happens inside reaches socket.io's tick (where an
   * exception would end the process): the schema check, the handler and its promise are all caught, and every
   * failure answers `{ ok: false, error }`. Throttling, expiry and the depth/NUL bound already ran (middleware).
   */
  const registerEvent = <S extends z.ZodType>(
    socket: Socket,
    event: string,
    schema: S,
    handler: (payload: z.output<S>) => Promise<Record<string, unknown> | void>,
  ) => {
    socket.on(event, (...args: unknown[]) => {
      // emitWithAck(event) without a payload puts the acknowledgement first.
      const last = args[args.length - 1];
      const ack: Ack = typeof last === 'function' ? (last as Ack) : () => undefined;
      try {
        const payload = typeof args[0] === 'function' ? undefined : args[0];
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          errorAck(ack, {
            code: 'invalid_request',
            message: `Invalid ${event} payload`,
            fields: toFieldProblems(parsed.error),
          });
          return;
        }
        inFlight.begin();
        Promise.resolve()
          .then(() => handler(parsed.data))
          .then((result) => ack({ ok: true, ...(result ?? {}) }))
          .catch((error: unknown) => {
            if (isAppError(error) && error.status < 500) {
              errorAck(ack, {
                code: error.code,
                message: error.message,
                ...(error.fields ? { fields: error.fields } : {}),
              });
            } else {
              logger.error({ err: error, event, socketId: socket.id }, 'socket handler failed');
              errorAck(ack, { code: 'internal_error', message: 'Something went wrong on our side' });
            }
          })
          .finally(() => inFlight.end());
      } catch (error) {
        logger.error({ err: error, event, socketId: socket.id }, 'socket event failed before its handler');
        errorAck(ack, { code: 'internal_error', message: 'Something went wrong on our side' });
      }
    });
  };

  /**
   * The gate every incoming event passes before any listener (also events without one): the connection's token
   * bucket, the credential's expiry, and the iterative depth/NUL bound on every argument. A refused event is dropped
   * with an error ack; it never reaches a handler.
   */
  const gateEvents = (socket: Socket) => {
    const data = socket.data as SocketData;
    data.events = new TokenBucket({ perSecond: config.socketEventsPerSecond, burst: config.socketEventBurst });
    socket.use((packet, next) => {
      const last = packet[packet.length - 1];
      const ack: Ack = typeof last === 'function' ? (last as Ack) : () => undefined;
      try {
        const event = String(packet[0]);
        if (!data.events!.take()) {
          const retryAfterMs = data.events!.retryAfterMs();
          errorAck(ack, {
            code: 'rate_limited',
            message: `Too many events: at most ${config.socketEventsPerSecond} per second; retry in ${retryAfterMs} ms`,
            retryAfterMs,
          });
          return;
        }
        if (isExpired(data.actor)) {
          errorAck(ack, {
            code: 'token_expired',
            message: 'Your access token expired; call POST /api/auth/refresh and reconnect with the new token',
          });
          expire(socket);
          return;
        }
        const problem = findInputProblem(packet.slice(1).filter((arg) => typeof arg !== 'function'));
        if (problem) {
          const error = inputProblemError({ ...problem, path: problem.path.replace(/^0\.?/, '') || '(payload)' });
          errorAck(ack, { code: error.code, message: `Invalid ${event} payload`, fields: error.fields });
          return;
        }
        next();
      } catch (error) {
        logger.error({ err: error, socketId: socket.id }, 'socket event gate failed');
        errorAck(ack, { code: 'internal_error', message: 'Something went wrong on our side' });
      }
    });
  };

  io.on('connection', (socket) => {
    const data = socket.data as SocketData;
    const userId = presenceUserId(socket);
    const key = principalKey(data.actor);
    const open = (openSockets.get(key) ?? 0) + 1;
    openSockets.set(key, open);
    let expiryTimer: NodeJS.Timeout | undefined;
    const scheduleExpiry = () => {
      clearTimeout(expiryTimer);
      const expiresAtMs = data.actor.expiresAtMs;
      // setTimeout holds at most ~24.8 days; longer-lived API tokens are re-checked on every event instead.
      if (expiresAtMs !== undefined && expiresAtMs - Date.now() < 2 ** 31 - 1)
        expiryTimer = setTimeout(() => expire(socket), Math.max(0, expiresAtMs - Date.now()));
    };
    socket.on('disconnect', () => {
      clearTimeout(expiryTimer);
      const remaining = (openSockets.get(key) ?? 1) - 1;
      if (remaining > 0) openSockets.set(key, remaining);
      else openSockets.delete(key);
    });
    // Handshakes racing past the middleware's count: the later ones go.
    if (open > config.socketMaxConnections) {
      socket.emit('connection:refused', {
        code: 'too_many_connections',
        message: `At most ${config.socketMaxConnections} connections at once; close another tab or device first`,
      });
      socket.disconnect(true);
      return;
    }
    scheduleExpiry();
    gateEvents(socket);
    const on = registerEvent;
    if (socket.recovered) {
      // Rooms came back with the session; so must presence.
      for (const room of socket.rooms) {
        if (room.startsWith('channel:') && userId) {
          const channelId = room.slice('channel:'.length);
          if (presence.add({ channelId, userId, socketId: socket.id })) broadcastPresence(channelId);
        }
      }
    } else if (userId) {
      void socket.join(userRoom(userId));
    }

    on(socket, 'workspace:join', schemas.workspaceJoin, async ({ workspaceId }) => {
      const access = await requireAccess(socket, workspaceId, 'viewer', 'canvas:read');
      await joinRoom(socket, workspaceRoom(access.workspaceId), access.workspaceId);
    });

    on(socket, 'channel:join', schemas.channel, async ({ workspaceId, channelId }) => {
      const access = await requireAccess(socket, workspaceId, 'viewer', 'chat:read');
      if (!(await useCases.chat.canSee(access, channelId))) throw notFound('channel');
      await joinRoom(socket, channelRoom(channelId), access.workspaceId);
      if (userId && presence.add({ channelId, userId, socketId: socket.id })) broadcastPresence(channelId);
      const channel = await useCases.chat.getChannel(access, channelId);
      return { channel, presence: presence.userIds(channelId) };
    });

    on(socket, 'channel:leave', schemas.channel, async ({ channelId }) => {
      await leaveRoom(socket, channelRoom(channelId));
    });

    on(socket, 'message:send', schemas.send, async ({ workspaceId, channelId, ...input }) => {
      const access = await requireAccess(socket, workspaceId, 'member', 'chat:write');
      return useCases.chat.sendMessage(access, { channelId, input });
    });

    on(socket, 'typing', schemas.typing, async ({ channelId, typing }) => {
      // Only sockets in the room (who passed the access check) can signal typing there.
      if (!socket.rooms.has(channelRoom(channelId)) || !userId) return;
      socket.to(channelRoom(channelId)).volatile.emit('typing', { channelId, userId, typing });
    });

    on(socket, 'channel:read', schemas.read, async ({ workspaceId, channelId, seq }) => {
      const access = await requireAccess(socket, workspaceId, 'viewer', 'chat:read');
      return { channel: await useCases.chat.markRead(access, { channelId, seq }) };
    });

    on(socket, 'page:join', schemas.page, async ({ workspaceId, pageId }) => {
      const access = await requireAccess(socket, workspaceId, 'viewer', 'canvas:read');
      const { page } = await useCases.canvas.getPage(access, pageId);
      await joinRoom(socket, pageRoom(page.id), access.workspaceId);
      return { page };
    });

    on(socket, 'page:leave', schemas.page, async ({ pageId }) => {
      await leaveRoom(socket, pageRoom(pageId));
    });

    // A long-lived socket swaps in a fresh access token (after POST /api/auth/refresh) instead of reconnecting.
    on(socket, 'auth:refresh', schemas.refresh, async ({ token }) => {
      const actor = await authenticateToken(useCases, token);
      if (principalKey(actor) !== key)
        throw new AppError({
          status: 403,
          code: 'session_mismatch',
          message: 'The new token belongs to someone else; connect a new socket with it',
        });
      data.actor = actor;
      scheduleExpiry();
      return { expiresAt: actor.expiresAtMs === undefined ? null : new Date(actor.expiresAtMs).toISOString() };
    });

    socket.on('disconnect', () => {
      if (!userId) return;
      for (const room of Object.keys(data.rooms ?? {})) {
        if (!room.startsWith('channel:')) continue;
        const channelId = room.slice('channel:'.length);
        if (presence.remove({ channelId, userId, socketId: socket.id })) broadcastPresence(channelId);
      }
    });
  });

  /**
   * Connection state recovery restores a socket's rooms and replays what it missed, skipping the middlewares. A
   * socket that was away while its user lost access (removed from the workspace or a private channel, logged out,
   * token revoked) must not get that: every restore is re-checked against current access, and refused (the client
   * then connects fresh and has to join again) unless the actor may still see every room it was in.
   */
  const mayRestore = async (data: Partial<SocketData> | undefined): Promise<boolean> => {
    const actor = data?.actor;
    if (!actor) return false;
    if (actor.kind === 'user' && (useCases.ctx.revokedSessions.get(actor.sessionId) ?? 0) > Date.now()) return false;
    if (actor.kind === 'apiToken' && !(await useCases.apiTokens.isActive(actor.tokenId))) return false;
    for (const [room, workspaceId] of Object.entries(data.rooms ?? {})) {
      const isChannel = room.startsWith('channel:');
      const access = await useCases.access
        .require({ actor, workspaceId, minRole: 'viewer', scope: isChannel ? 'chat:read' : 'canvas:read' })
        .catch(() => undefined);
      if (!access) return false;
      if (isChannel && !(await useCases.chat.canSee(access, room.slice('channel:'.length)))) return false;
      if (room.startsWith('page:') && !(await useCases.canvas.hasPage(access, room.slice('page:'.length))))
        return false;
    }
    return true;
  };
  const adapter = io.of('/').adapter as unknown as {
    restoreSession(pid: string, offset: string): Promise<{ data?: Partial<SocketData> } | null>;
  };
  const restoreSession = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const session = await restoreSession(pid, offset);
    if (!session) return session;
    try {
      if (!(await mayRestore(session.data))) return null;
    } catch (error) {
      logger.warn({ err: error }, 'could not re-check a recovering socket; it reconnects fresh');
      return null;
    }
    // Take the missed packets again now: what was broadcast while access was being checked (the socket was in no
    // room yet) is in this snapshot, and the socket joins its rooms as soon as this resolves, so nothing falls between.
    return restoreSession(pid, offset);
  };

  const disconnectActors = async (matches: (actor: Actor) => boolean) => {
    for (const socket of await io.fetchSockets()) {
      const actor = (socket.data as SocketData).actor;
      if (actor && matches(actor)) socket.disconnect(true);
    }
  };

  const unsubscribe = [
    useCases.ctx.events.on('session.revoked', ({ sessionId }) => {
      disconnectActors((actor) => actor.kind === 'user' && actor.sessionId === sessionId).catch((error: unknown) =>
        logger.error({ err: error }, 'could not disconnect the sockets of a revoked session'),
      );
    }),
    useCases.ctx.events.on('apiToken.revoked', ({ tokenId }) => {
      disconnectActors((actor) => actor.kind === 'apiToken' && actor.tokenId === tokenId).catch((error: unknown) =>
        logger.error({ err: error }, 'could not disconnect the sockets of a revoked API token'),
      );
    }),
    useCases.ctx.events.on('message.created', ({ channelId, message }) =>
      io.to(channelRoom(channelId)).emit('message:new', message),
    ),
    useCases.ctx.events.on('message.updated', ({ channelId, message }) =>
      io.to(channelRoom(channelId)).emit('message:updated', message),
    ),
    useCases.ctx.events.on('block.created', ({ pageId, block }) =>
      io.to(pageRoom(pageId)).emit('block:created', { pageId, block }),
    ),
    useCases.ctx.events.on('block.updated', ({ pageId, block }) =>
      io.to(pageRoom(pageId)).emit('block:updated', { pageId, block }),
    ),
    useCases.ctx.events.on('block.deleted', ({ pageId, blockId, version }) =>
      io.to(pageRoom(pageId)).emit('block:deleted', { pageId, blockId, version }),
    ),
    // What a list of runs shows, not the run's inputs and trigger payload (a Shopify order can be kilobytes, and a
    // burst of webhooks queues hundreds of runs a second): getAgentRun has the rest.
    useCases.ctx.events.on('run.queued', ({ workspaceId, run }) =>
      io.to(workspaceRoom(workspaceId)).emit('run:queued', {
        run: {
          id: run.id,
          agentId: run.agentId,
          ...(run.agentName !== undefined ? { agentName: run.agentName } : {}),
          revision: run.revision,
          status: run.status,
          trigger: { kind: run.trigger.kind },
          createdAt: run.createdAt,
        },
      }),
    ),
    useCases.ctx.events.on('run.step', ({ workspaceId, progress }) =>
      io.to(workspaceRoom(workspaceId)).emit('run:step', progress),
    ),
    useCases.ctx.events.on('run.finished', ({ workspaceId, run }) =>
      io.to(workspaceRoom(workspaceId)).emit('run:finished', { run }),
    ),
    useCases.ctx.events.on('page.changed', ({ workspaceId, page }) =>
      io.to([pageRoom(page.id), workspaceRoom(workspaceId)]).emit('page:changed', { page }),
    ),
    useCases.ctx.events.on('notification.created', ({ userId, notification }) =>
      io.to(userRoom(userId)).emit('notification:new', notification),
    ),
    useCases.ctx.events.on('notification.updated', ({ userId, notification }) =>
      io.to(userRoom(userId)).emit('notification:updated', notification),
    ),
    useCases.ctx.events.on('agent.changed', ({ workspaceId, agentId }) =>
      io.to(workspaceRoom(workspaceId)).emit('agent:changed', { agentId }),
    ),
    useCases.ctx.events.on('channel.read', ({ userId, channelId, lastReadSeq }) =>
      io.to(userRoom(userId)).emit('channel:read', { channelId, lastReadSeq }),
    ),
    useCases.ctx.events.on('access.revoked', ({ workspaceId, userId, channelId }) => {
      // Whoever lost access stops receiving that workspace's (or that channel's) events at once.
      void (async () => {
        for (const socket of await io.in(userRoom(userId)).fetchSockets()) {
          const rooms = (socket.data as SocketData).rooms ?? {};
          for (const [room, roomWorkspace] of Object.entries(rooms)) {
            if (roomWorkspace !== workspaceId) continue;
            if (channelId && room !== channelRoom(channelId)) continue;
            delete rooms[room];
            socket.leave(room);
            if (room.startsWith('channel:')) {
              const id = room.slice('channel:'.length);
              if (presence.remove({ channelId: id, userId, socketId: socket.id })) broadcastPresence(id);
            }
          }
        }
      })().catch((error: unknown) => logger.error({ err: error }, 'could not remove sockets from rooms'));
    }),
  ];

  return {
    io,
    close: async () => {
      for (const stop of unsubscribe) stop();
      io.disconnectSockets(true);
      // The callback (not the returned promise) is what waits for the HTTP server to close.
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
    },
  };
}
