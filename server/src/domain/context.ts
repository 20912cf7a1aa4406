import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config';
import type { Database } from '../data-access/schema';
import type { AgentRun, ApiTokenScope, Block, Message, Notification, Page, WorkspaceRole } from './model';
import type { SecretKeyring } from './secrets/index';
import type { AccessTokenVerifier } from './tokens';

/**
 * Who is calling: a signed-in user, or an API token that acts for one workspace (an agent in n8n). An API token acts
 * as the user who created it, limited by its scopes and role, and only while that user is still a member.
 * `expiresAtMs` is when the credential stops working (sockets re-check it on every event).
 */
export type Actor =
  | { kind: 'user'; userId: string; sessionId: string; expiresAtMs?: number }
  | {
      kind: 'apiToken';
      tokenId: string;
      workspaceId: string;
      role: Exclude<WorkspaceRole, 'owner'>;
      scopes: ApiTokenScope[];
      name: string;
      /** The user the token acts as. */
      createdBy: string;
      expiresAtMs?: number;
      /** Set for the short-lived token of an agent run: which run and agent (provenance of what it writes). */
      run?: { runId: string; agentId: string };
    };

/** The user whose visibility an actor has: the user, or the API token's creator. */
export function actingAsUserId(actor: Actor): string {
  return actor.kind === 'user' ? actor.userId : actor.createdBy;
}

/** A stable key per principal (rate limits, socket connection counts). */
export function principalKey(actor: Actor): string {
  return actor.kind === 'user' ? `user:${actor.userId}` : `token:${actor.tokenId}`;
}

/** An actor already checked against one workspace: every use case below scopes its queries by `workspaceId`. */
export interface WorkspaceAccess {
  workspaceId: string;
  role: WorkspaceRole;
  actor: Actor;
}

const roleRank: Record<WorkspaceRole, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** True when `role` is at least `minimum` in owner > admin > member > viewer. */
export function hasRole(role: WorkspaceRole, minimum: WorkspaceRole): boolean {
  return roleRank[role] >= roleRank[minimum];
}

/** What happened, for the real-time layer to broadcast after the write is committed. */
export interface DomainEventMap {
  'page.changed': { workspaceId: string; page: Page };
  'block.created': { workspaceId: string; pageId: string; block: Block };
  'block.updated': { workspaceId: string; pageId: string; block: Block };
  'block.deleted': { workspaceId: string; pageId: string; blockId: string; version: number };
  'message.created': { workspaceId: string; channelId: string; message: Message };
  'message.updated': { workspaceId: string; channelId: string; message: Message };
  'notification.created': { userId: string; notification: Notification };
  /** A notification's text changed (erased at a store's request): its recipient's sockets show the new one. */
  'notification.updated': { userId: string; notification: Notification };
  'channel.read': { userId: string; workspaceId: string; channelId: string; lastReadSeq: number };
  /** Someone lost access (removed from a workspace or a private channel): their sockets must leave the rooms. */
  'access.revoked': { workspaceId: string; userId: string; channelId?: string };
  /** A login session ended (logout, refresh-token reuse): its sockets must go. */
  'session.revoked': { sessionId: string };
  /** An API token was revoked: its sockets must go. */
  'apiToken.revoked': { tokenId: string };
  /**
   * An agent configuration was created, saved (new revision: enabled, disabled, rebound...) or deleted, or suspended
   * or resumed with the store it is bound to.
   */
  'agent.changed': { workspaceId: string; agentId: string };
  /** An agent run was queued (stored). */
  'run.queued': { workspaceId: string; run: AgentRun };
  /** A step of a running run started (with the one that ended before it): what a progress display needs. */
  'run.step': { workspaceId: string; progress: RunProgress };
  /** A run ended (succeeded, failed or canceled), stored with its output, error, steps and usage. */
  'run.finished': { workspaceId: string; run: AgentRun };
}

/**
 * Live progress of a run (socket event `run:step`), one per step boundary: sent when a step starts, it names that
 * step and carries the end of the step before it (`previous`). The last step's end comes with `run:finished` (the
 * run's step log).
 */
export interface RunProgress {
  runId: string;
  agentId: string;
  agentName: string;
  /** The node of the step that starts now, and the step's id (`output.canvas` / `output.chat` for the output). */
  node: string;
  step: string;
  /** 1-based index of this step among the agent's steps that ran so far, and how many steps the agent has. */
  index: number;
  total: number;
  /** Milliseconds since the run started. */
  elapsedMs: number;
  /** The step that ended since the last event (absent for the first step). */
  previous?: StepEnd;
}

/** How a step ended, as `run:step` reports it for the step before the one starting. */
export interface StepEnd {
  node: string;
  step: string;
  status: 'success' | 'error';
  durationMs: number;
  error?: string;
}

export class DomainEvents {
  readonly #emitter = new EventEmitter();
  constructor() {
    this.#emitter.setMaxListeners(50);
  }
  emit<K extends keyof DomainEventMap>(name: K, event: DomainEventMap[K]): void {
    this.#emitter.emit(name, event);
  }
  on<K extends keyof DomainEventMap>(name: K, listener: (event: DomainEventMap[K]) => void): () => void {
    this.#emitter.on(name, listener);
    return () => this.#emitter.off(name, listener);
  }
}

/** Everything a use case needs; built once per server by startServer. */
export interface AppContext {
  db: Kysely<Database>;
  config: ServerConfig;
  logger: Logger;
  events: DomainEvents;
  keyring: SecretKeyring;
  /** HS256 key for access tokens. */
  jwtKey: Uint8Array;
  /** Verifies access tokens signed with jwtKey (with a cache of already verified ones). */
  accessTokens: AccessTokenVerifier;
  /**
   * Revoked sessions (logout, refresh-token reuse, password change, account deletion) -> until when their access
   * tokens could still be valid. Persisted in `revoked_sessions` and loaded at start, so a restart forgets none.
   */
  revokedSessions: Map<string, number>;
  /** Milliseconds since the epoch: the scheduler's clock (tests may move it; Date.now otherwise). */
  clock: () => number;
}
