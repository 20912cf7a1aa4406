import { createHash } from 'node:crypto';
import { validateAgent, type AgentDocument, type ConnectionType, type InputDefinition } from '@ionflux/dsl';
import {
  deleteAgentConfiguration,
  findAgentConfiguration,
  findAgentRevision,
  insertAgentConfiguration,
  listAgentConfigurations,
  listAgentRevisions,
  saveAgentRevision,
  setAgentLayout,
  toAgentConfiguration,
  toAgentRevision,
  type AgentConfigurationRow,
  type AgentState,
} from '../../data-access/agents-repository';
import { findBrand, findCreator } from '../../data-access/profiles-repository';
import { AppError, conflict, forbidden, isUniqueViolation, notFound, type FieldProblem } from '../../errors';
import { hasRole, type AppContext, type WorkspaceAccess } from '../context';
import type { AgentConfiguration, AgentRevision, AgentRevisionDiff, ConnectionBinding } from '../model';
import { actingUserId } from '../workspace-access';
import { summarizeAgentChange, unifiedDiff } from './agent-diff';
import { scheduleOf } from './cron-schedule';
import { loadEngine } from './engine';

/** What a caller may set on a configuration (create: yaml required; update: any subset). */
export interface AgentConfigurationInput {
  yaml?: string;
  name?: string;
  description?: string;
  definitionId?: string | null;
  inputs?: Record<string, unknown>;
  bindings?: Record<string, ConnectionBinding>;
  enabled?: boolean;
  tokenBudget?: number | null;
  usdBudget?: number | null;
}

/** A configuration's agent, validated: the typed document and its trigger kind. */
export interface CheckedAgent {
  agent: AgentDocument;
  triggerKind: AgentConfiguration['trigger'];
}

export function contentHash(yaml: string): string {
  return createHash('sha256').update(yaml, 'utf8').digest('hex');
}

/**
 * Validates agent YAML with @ionflux/dsl; an invalid agent is a 422 `invalid_agent` whose `details.diagnostics` are
 * the diagnostics `ionflux validate --format json` prints (code, severity, message, path, range with line/col).
 */
export function checkAgentYaml(yaml: string): CheckedAgent {
  const validation = validateAgent(yaml);
  if (!validation.agent) {
    const errors = validation.diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    throw new AppError({
      status: 422,
      code: 'invalid_agent',
      message: `The agent YAML has ${errors.length} error${errors.length === 1 ? '' : 's'}${
        first ? `; first at ${first.range.start.line}:${first.range.start.col}: ${first.code} ${first.message}` : ''
      }`,
      details: { diagnostics: validation.diagnostics },
    });
  }
  const triggerKind = Object.keys(validation.agent.spec.trigger)[0] as AgentConfiguration['trigger'];
  return { agent: validation.agent, triggerKind };
}

/** Input values checked against the declarations (type, enum, range); required ones may come at run time. */
function checkInputValues(agent: AgentDocument, inputs: Record<string, unknown>): void {
  const declared: Record<string, InputDefinition> = {};
  for (const [name, definition] of Object.entries(agent.spec.inputs ?? {}))
    declared[name] = { ...definition, required: false };
  const { resolveInputs, RunInputError } = loadEngine();
  try {
    resolveInputs(declared, inputs);
  } catch (error) {
    if (!(error instanceof RunInputError)) throw error;
    throw new AppError({
      status: 422,
      code: 'invalid_inputs',
      message: error.message,
      fields: [{ path: error.field, message: error.message }],
    });
  }
}

/** Connection types a Brand or Creator fills; the others (llm, pinecone) fall back to the workspace default. */
const PROFILE_OF: Partial<Record<ConnectionType, 'brandId' | 'creatorId'>> = {
  shopify: 'brandId',
  tiktok: 'creatorId',
};

/**
 * Agent configurations: agents installed in a workspace, each save a revision (who, when, YAML, content hash),
 * with diff and restore, and the revision number as the precondition of every save (409 on a lost update).
 */
export class AgentConfigurations {
  readonly #ctx: AppContext;

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  async list(access: WorkspaceAccess): Promise<AgentConfiguration[]> {
    return (await listAgentConfigurations(this.#ctx.db, access.workspaceId)).map(toAgentConfiguration);
  }

  async get(access: WorkspaceAccess, agentId: string): Promise<AgentConfiguration> {
    return toAgentConfiguration(await this.#row(access, agentId));
  }

  async create(
    access: WorkspaceAccess,
    input: AgentConfigurationInput & { yaml: string },
  ): Promise<AgentConfiguration> {
    requireMember(access);
    const state = await this.#checkedState(access, {
      yaml: input.yaml,
      name: input.name,
      description: input.description ?? '',
      definitionId: input.definitionId ?? null,
      inputs: input.inputs ?? {},
      bindings: input.bindings ?? {},
      enabled: input.enabled ?? true,
      tokenBudget: input.tokenBudget ?? null,
      usdBudget: input.usdBudget ?? null,
    });
    if (state.triggerKind === 'schedule') state.scheduleSince = new Date(this.#ctx.clock());
    try {
      const row = await insertAgentConfiguration(this.#ctx.db, {
        workspaceId: access.workspaceId,
        state,
        userId: actingUserId(access),
      });
      this.#ctx.events.emit('agent.changed', { workspaceId: access.workspaceId, agentId: row.id });
      return toAgentConfiguration(row);
    } catch (error) {
      throw this.#nameTaken(error, state.name);
    }
  }

  /** Saves a new revision; `baseRevision` must be the current one (else 409 with the current configuration). */
  async update(
    access: WorkspaceAccess,
    agentId: string,
    input: AgentConfigurationInput & { baseRevision: number },
  ): Promise<AgentConfiguration> {
    requireMember(access);
    const current = await this.#row(access, agentId);
    this.#checkBase(current, input.baseRevision);
    const yamlChanged = input.yaml !== undefined && input.yaml !== current.yaml;
    const state = await this.#checkedState(access, {
      yaml: input.yaml ?? current.yaml,
      // A new YAML may rename the agent; a configuration keeps its own name unless one is given.
      name: input.name ?? current.name,
      description: input.description ?? current.description,
      definitionId: input.definitionId !== undefined ? input.definitionId : current.definition_id,
      inputs: input.inputs ?? current.inputs,
      bindings: input.bindings ?? (current.bindings as Record<string, ConnectionBinding>),
      enabled: input.enabled ?? current.enabled,
      tokenBudget: input.tokenBudget !== undefined ? input.tokenBudget : current.token_budget,
      usdBudget: input.usdBudget !== undefined ? input.usdBudget : current.usd_budget,
      // A new YAML that drops an input or a connection drops its stored value or binding, unless new ones are given.
      dropUndeclared: { inputs: yamlChanged && !input.inputs, bindings: yamlChanged && !input.bindings },
    });
    return this.#save(access, current, state, input.baseRevision);
  }

  /** Keeps the editor's node positions (not a revision: the YAML and its revision stay as they are). */
  async setLayout(
    access: WorkspaceAccess,
    agentId: string,
    layout: Record<string, [number, number]>,
  ): Promise<AgentConfiguration> {
    requireMember(access);
    const row = await setAgentLayout(this.#ctx.db, { workspaceId: access.workspaceId, agentId, layout });
    if (!row) throw notFound('agent');
    return toAgentConfiguration(row);
  }

  async remove(access: WorkspaceAccess, agentId: string): Promise<void> {
    requireMember(access);
    if (!(await deleteAgentConfiguration(this.#ctx.db, { workspaceId: access.workspaceId, agentId })))
      throw notFound('agent');
    this.#ctx.events.emit('agent.changed', { workspaceId: access.workspaceId, agentId });
  }

  async revisions(access: WorkspaceAccess, agentId: string): Promise<AgentRevision[]> {
    await this.#row(access, agentId);
    return (await listAgentRevisions(this.#ctx.db, { workspaceId: access.workspaceId, agentId })).map(toAgentRevision);
  }

  async revision(access: WorkspaceAccess, agentId: string, revision: number): Promise<AgentRevision> {
    const row = await findAgentRevision(this.#ctx.db, { workspaceId: access.workspaceId, agentId, revision });
    if (!row) throw notFound('agent revision');
    return toAgentRevision(row);
  }

  /** A unified text diff of two revisions' YAML plus a step-level summary (from -> to). */
  async diff(access: WorkspaceAccess, agentId: string, from: number, to: number): Promise<AgentRevisionDiff> {
    await this.#row(access, agentId);
    const [a, b] = await Promise.all([this.revision(access, agentId, from), this.revision(access, agentId, to)]);
    return {
      from,
      to,
      unifiedDiff: unifiedDiff({
        before: a.yaml,
        after: b.yaml,
        fromLabel: `revision ${from}`,
        toLabel: `revision ${to}`,
      }),
      summary: summarizeAgentChange(a, b),
    };
  }

  /**
   * Makes an earlier revision current again, as a new revision (history is never rewritten). It is checked like any
   * save: a revision whose bindings point at a Brand deleted since is refused with the binding named.
   */
  async restore(
    access: WorkspaceAccess,
    agentId: string,
    args: { revision: number; baseRevision: number },
  ): Promise<AgentConfiguration> {
    requireMember(access);
    const current = await this.#row(access, agentId);
    this.#checkBase(current, args.baseRevision);
    const old = await this.revision(access, agentId, args.revision);
    const state = await this.#checkedState(access, {
      yaml: old.yaml,
      name: old.name,
      description: old.description,
      definitionId: current.definition_id,
      inputs: old.inputs,
      bindings: old.bindings,
      enabled: old.enabled,
      tokenBudget: old.tokenBudget,
      usdBudget: old.usdBudget,
    });
    return this.#save(access, current, state, args.baseRevision, args.revision);
  }

  /** The configuration row (404 outside the workspace). */
  async findRow(workspaceId: string, agentId: string): Promise<AgentConfigurationRow | undefined> {
    return findAgentConfiguration(this.#ctx.db, { workspaceId, agentId });
  }

  async #row(access: WorkspaceAccess, agentId: string): Promise<AgentConfigurationRow> {
    const row = await findAgentConfiguration(this.#ctx.db, { workspaceId: access.workspaceId, agentId });
    if (!row) throw notFound('agent');
    return row;
  }

  #checkBase(current: AgentConfigurationRow, baseRevision: number): void {
    if (current.revision !== baseRevision)
      throw conflict(
        'revision_conflict',
        `This agent was saved by someone else since revision ${baseRevision} (it is at revision ${current.revision}); reload it, reapply your change and save with baseRevision ${current.revision}`,
        { current: toAgentConfiguration(current) },
      );
  }

  async #save(
    access: WorkspaceAccess,
    current: AgentConfigurationRow,
    state: AgentState,
    baseRevision: number,
    restoredFrom?: number,
  ): Promise<AgentConfiguration> {
    // A schedule that starts, changes or is enabled again begins now: occurrences before this are never fired.
    if (state.triggerKind === 'schedule') {
      const before = current.trigger_kind === 'schedule' ? scheduleOf(checkAgentYaml(current.yaml).agent) : undefined;
      const after = scheduleOf(checkAgentYaml(state.yaml).agent);
      if (!before || before.cron !== after?.cron || before.timezone !== after.timezone || !current.enabled)
        state.scheduleSince = new Date(this.#ctx.clock());
    }
    let row: AgentConfigurationRow | undefined;
    try {
      row = await saveAgentRevision(this.#ctx.db, {
        workspaceId: access.workspaceId,
        agentId: current.id,
        baseRevision,
        state,
        userId: actingUserId(access),
        ...(restoredFrom !== undefined ? { restoredFrom } : {}),
      });
    } catch (error) {
      throw this.#nameTaken(error, state.name);
    }
    if (!row) {
      const now = await this.#row(access, current.id);
      this.#checkBase(now, baseRevision);
      throw notFound('agent');
    }
    this.#ctx.events.emit('agent.changed', { workspaceId: access.workspaceId, agentId: row.id });
    return toAgentConfiguration(row);
  }

  #nameTaken(error: unknown, name: string): unknown {
    if (!isUniqueViolation(error)) return error;
    return conflict(
      'agent_name_taken',
      `An agent named "${name}" is already installed in this workspace; choose another name`,
    );
  }

  /** Validates YAML, inputs and bindings together and reports every problem of inputs and bindings at once. */
  async #checkedState(
    access: WorkspaceAccess,
    args: {
      yaml: string;
      name: string | undefined;
      description: string;
      definitionId: string | null;
      inputs: Record<string, unknown>;
      bindings: Record<string, ConnectionBinding>;
      enabled: boolean;
      tokenBudget: number | null;
      usdBudget: number | null;
      dropUndeclared?: { inputs: boolean; bindings: boolean };
    },
  ): Promise<AgentState> {
    const { agent, triggerKind } = checkAgentYaml(args.yaml);
    if (args.dropUndeclared?.inputs) {
      const declared = agent.spec.inputs ?? {};
      args.inputs = Object.fromEntries(Object.entries(args.inputs).filter(([name]) => name in declared));
    }
    if (args.dropUndeclared?.bindings) {
      const declared = agent.spec.connections ?? {};
      args.bindings = Object.fromEntries(Object.entries(args.bindings).filter(([name]) => name in declared));
    }
    checkInputValues(agent, args.inputs);
    await this.#checkBindings(access, agent, args.bindings);
    const displayName = agent.metadata.displayName ?? agent.metadata.name;
    const name = (args.name ?? displayName).trim();
    return {
      name,
      description: args.description || (agent.metadata.description ?? ''),
      definitionId: args.definitionId,
      agentName: agent.metadata.name,
      displayName,
      yaml: args.yaml,
      contentHash: contentHash(args.yaml),
      inputs: args.inputs,
      bindings: args.bindings,
      enabled: args.enabled,
      tokenBudget: args.tokenBudget,
      usdBudget: args.usdBudget,
      triggerKind,
    };
  }

  async #checkBindings(
    access: WorkspaceAccess,
    agent: AgentDocument,
    bindings: Record<string, ConnectionBinding>,
  ): Promise<void> {
    const declared = agent.spec.connections ?? {};
    const problems: FieldProblem[] = [];
    const names = Object.keys(declared);
    for (const [name, binding] of Object.entries(bindings)) {
      const connection = declared[name];
      if (!connection) {
        problems.push({
          path: `bindings.${name}`,
          message: `The agent declares no connection '${name}'${names.length ? ` (its connections: ${names.join(', ')})` : ' (it declares none)'}; remove this binding`,
        });
        continue;
      }
      const profile = PROFILE_OF[connection.type];
      if ('sandbox' in binding) {
        if (!this.#ctx.config.sandbox)
          problems.push({
            path: `bindings.${name}`,
            message:
              'This server does not run the sandbox emulators (start it with --sandbox); bind a Brand or Creator',
          });
        continue;
      }
      if ('brandId' in binding) {
        if (profile !== 'brandId') {
          problems.push({
            path: `bindings.${name}.brandId`,
            message: `Connection '${name}' is a ${connection.type} connection; ${profile ? `bind it with ${profile}` : 'it takes no Brand (bind it with { "sandbox": true } or leave it unbound)'}`,
          });
        } else if (!(await findBrand(this.#ctx.db, { workspaceId: access.workspaceId, brandId: binding.brandId }))) {
          problems.push({ path: `bindings.${name}.brandId`, message: 'No Brand with this id in this workspace' });
        }
        continue;
      }
      if (profile !== 'creatorId') {
        problems.push({
          path: `bindings.${name}.creatorId`,
          message: `Connection '${name}' is a ${connection.type} connection; ${profile ? `bind it with ${profile}` : 'it takes no Creator (bind it with { "sandbox": true } or leave it unbound)'}`,
        });
      } else if (
        !(await findCreator(this.#ctx.db, { workspaceId: access.workspaceId, creatorId: binding.creatorId }))
      ) {
        problems.push({ path: `bindings.${name}.creatorId`, message: 'No Creator with this id in this workspace' });
      }
    }
    for (const [name, connection] of Object.entries(declared)) {
      const profile = PROFILE_OF[connection.type];
      if (profile && !(name in bindings))
        problems.push({
          path: `bindings.${name}`,
          message: `Connection '${name}' (${connection.type}) is not bound: bind it with { "${profile}": "<id>" }${this.#ctx.config.sandbox ? ' or { "sandbox": true }' : ''}`,
        });
    }
    if (problems.length > 0)
      throw new AppError({
        status: 422,
        code: 'invalid_bindings',
        message: `Connections: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        fields: problems,
      });
  }
}

function requireMember(access: WorkspaceAccess): void {
  if (!hasRole(access.role, 'member'))
    throw forbidden(
      'insufficient_role',
      `Installing and changing agents needs the member role (you are ${access.role})`,
    );
}
