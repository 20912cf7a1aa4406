import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  findAgentConfiguration,
  findAgentConfigurationById,
  disabledMessage,
  hitWebhookWindow,
  setWebhookSecretHash,
} from '../../data-access/agents-repository';
import { AppError, conflict, forbidden, notFound } from '../../errors';
import { hasRole, type AppContext, type WorkspaceAccess } from '../context';
import type { AgentRun } from '../model';
import { checkedAgentOf, type AgentRuns } from './agent-runs';
import { loadEngine } from './engine';

const SECRET_PREFIX = 'whs_';
/** Compared against when the agent has no secret, so a miss costs what a hit costs. */
const NO_SECRET = createHash('sha256').update('no webhook secret').digest();
/** Request headers never stored in a run's trigger payload (credentials of the caller). */
const UNSTORED_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization', 'x-api-key']);
const WINDOW_MS = 60_000;

/** Where an agent's webhook answers: `/api/hooks/agents/<agentId>/<secret>`. */
export function webhookPath(agentId: string, secret: string): string {
  return `/api/hooks/agents/${agentId}/${secret}`;
}

/** An issued webhook address: shown once (the server keeps only the secret's SHA-256). */
export interface IssuedWebhook {
  url: string;
  path: string;
  secret: string;
  issuedAt: string;
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/**
 * Webhook triggers: each webhook-triggered agent gets a URL holding an unguessable secret (256 random bits; the
 * server stores its SHA-256 only), which a member can rotate (the old URL stops at once) or revoke. A request to
 * the URL starts a run with the request as its trigger payload, limited per agent (`webhookRequestsPerMinute` in fixed
 * one-minute windows counted in the database, so the limit holds across every server process sharing it). A wrong or revoked secret and an unknown agent answer the same 404, the secret compared in
 * constant time.
 */
export class AgentWebhooks {
  readonly #ctx: AppContext;
  readonly #runs: AgentRuns;

  constructor(ctx: AppContext, runs: AgentRuns) {
    this.#ctx = ctx;
    this.#runs = runs;
  }

  /** Issues a new secret for the agent's webhook (replacing any previous one); `baseUrl` prefixes the path. */
  async rotate(access: WorkspaceAccess, agentId: string, baseUrl: string): Promise<IssuedWebhook> {
    requireMember(access);
    const config = await findAgentConfiguration(this.#ctx.db, { workspaceId: access.workspaceId, agentId });
    if (!config) throw notFound('agent');
    if (config.trigger_kind !== 'webhook')
      throw conflict(
        'not_a_webhook_agent',
        `Agent "${config.name}" starts on ${config.trigger_kind}, not on a webhook; give it trigger: { webhook: {} } first`,
      );
    const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
    const at = new Date();
    const row = await setWebhookSecretHash(this.#ctx.db, {
      workspaceId: access.workspaceId,
      agentId,
      hash: hashSecret(secret).toString('hex'),
      at,
    });
    if (!row) throw notFound('agent');
    const path = webhookPath(agentId, secret);
    return { url: `${baseUrl}${path}`, path, secret, issuedAt: at.toISOString() };
  }

  /** Removes the agent's webhook secret: its URL answers 404 from now on. */
  async revoke(access: WorkspaceAccess, agentId: string): Promise<void> {
    requireMember(access);
    const row = await setWebhookSecretHash(this.#ctx.db, {
      workspaceId: access.workspaceId,
      agentId,
      hash: null,
      at: null,
    });
    if (!row) throw notFound('agent');
  }

  /**
   * A request to an agent's webhook URL: 404 unless the secret is the agent's current one, 429 (Retry-After) past
   * the agent's limit, 409 when the agent is disabled, 405 for another method than its trigger's; otherwise its run
   * is queued with `{ body, headers, query, method }` as the trigger payload.
   */
  async receive(request: {
    agentId: string;
    secret: string;
    method: string;
    body: unknown;
    headers: Record<string, string | string[] | undefined>;
    query: Record<string, unknown>;
  }): Promise<AgentRun> {
    const config = await findAgentConfigurationById(this.#ctx.db, request.agentId);
    const stored = config?.webhook_secret_hash ? Buffer.from(config.webhook_secret_hash, 'hex') : NO_SECRET;
    const matches = timingSafeEqual(hashSecret(request.secret), stored.length === 32 ? stored : NO_SECRET);
    if (!config || !config.webhook_secret_hash || !matches || config.trigger_kind !== 'webhook')
      throw new AppError({ status: 404, code: 'webhook_not_found', message: 'No webhook at this address' });
    const now = this.#ctx.clock();
    const window = await hitWebhookWindow(this.#ctx.db, {
      agentId: config.id,
      windowStart: new Date(Math.floor(now / WINDOW_MS) * WINDOW_MS),
    });
    if (window.requests > this.#ctx.config.webhookRequestsPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((window.windowStart.getTime() + WINDOW_MS - now) / 1000));
      throw new AppError({
        status: 429,
        code: 'rate_limited',
        message: `This agent takes ${this.#ctx.config.webhookRequestsPerMinute} webhook requests a minute; retry in ${retryAfter} s`,
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
    if (!config.enabled)
      throw conflict(config.suspended_reason ? 'agent_suspended' : 'agent_disabled', disabledMessage(config));
    const trigger = (checkedAgentOf(config.yaml).agent.spec.trigger as { webhook?: { method?: string } }).webhook;
    const method = trigger?.method ?? 'POST';
    if (request.method !== method)
      throw new AppError({
        status: 405,
        code: 'method_not_allowed',
        message: `This webhook takes ${method} requests (got ${request.method})`,
        headers: { Allow: method },
      });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (value !== undefined && !UNSTORED_HEADERS.has(name.toLowerCase()))
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.query)) if (typeof value === 'string') query[name] = value;
    const payload = { body: request.body ?? null, headers, query, method: request.method };
    const { RunInputError } = loadEngine();
    let run: AgentRun;
    try {
      run = await this.#ctx.db
        .transaction()
        .execute((trx) => this.#runs.queueTriggeredRun(trx, { config, triggerKind: 'webhook', trigger: payload }));
    } catch (error) {
      if (!(error instanceof RunInputError)) throw error;
      throw new AppError({
        status: 422,
        code: 'invalid_inputs',
        message: `The agent's configured inputs do not fit it: ${error.message}`,
      });
    }
    this.#runs.announce([run]);
    return run;
  }
}

function requireMember(access: WorkspaceAccess): void {
  if (!hasRole(access.role, 'member'))
    throw forbidden('insufficient_role', `Managing agent webhooks needs the member role (you are ${access.role})`);
}
