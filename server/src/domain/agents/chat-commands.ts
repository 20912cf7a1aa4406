import { closestMatch, isActionStep, type AgentDocument, type Step } from '@ionflux/dsl';
import { listAgentConfigurations, type AgentConfigurationRow } from '../../data-access/agents-repository';
import { isAppError } from '../../errors';
import type { Chat } from '../chat';
import { hasRole, type Actor, type AppContext, type WorkspaceAccess } from '../context';
import type { AgentRun, Message } from '../model';
import type { WorkspaceAccessPolicy } from '../workspace-access';
import { checkedAgentOf, type AgentRuns } from './agent-runs';

/** The commands the chat understands (also what `/help` lists and autocomplete offers). */
export const CHAT_COMMANDS = [
  { command: '/run_agent', usage: '/run_agent <agent> [action] [key=value ...]', description: 'Run an agent here' },
  { command: '/agents', usage: '/agents', description: 'List the agents you can run and their actions' },
  { command: '/help', usage: '/help', description: 'List the chat commands' },
] as const;

export interface ChatCompletion {
  kind: 'command' | 'agent' | 'action' | 'input';
  /** Text to insert in place of the word being typed. */
  value: string;
  label: string;
  description: string;
}

interface ParsedRun {
  config: AgentConfigurationRow;
  agent: AgentDocument;
  action: string | undefined;
  inputs: Record<string, unknown>;
}

const WORD = /"[^"]*"|'[^']*'|\S+/g;

/** Words of a command line; quoted values keep their spaces (`title="Q4 plan"`). */
function words(text: string): string[] {
  return (text.match(WORD) ?? []).map((w) => w.replace(/^(\w+=)?(["'])(.*)\2$/, '$1$3'));
}

/** The action a configuration answers to: its chat command word, if its trigger is a chat command. */
function actionOf(agent: AgentDocument): string | undefined {
  const trigger = agent.spec.trigger as { 'chat.command'?: { command: string } };
  return trigger['chat.command']?.command;
}

/** Whether the agent posts to chat itself (then the server posts only failures, not a result card). */
function postsToChat(agent: AgentDocument): boolean {
  const visit = (steps: Step[] | undefined): boolean =>
    (steps ?? []).some((step) => {
      if (isActionStep(step)) return step.uses === 'chat.post';
      const s = step as unknown as Record<string, unknown>;
      return [s.then, s.else, s.steps, s.default, ...Object.values((s.cases as object) ?? {})].some(
        (n) => n !== undefined && visit(n as Step[]),
      );
    });
  return agent.spec.output?.chat !== undefined || visit(agent.spec.steps);
}

function coerce(value: string, type: string | undefined): unknown {
  if (type === 'number' || type === 'integer')
    return value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  if (type === 'array' || type === 'object') {
    try {
      return JSON.parse(value);
    } catch {
      return type === 'array' ? value.split(',').map((s) => s.trim()) : value;
    }
  }
  return value;
}

/**
 * A run's output as a chat card: scalar fields, lists of scalars, tables of objects (at most 20 rows), with a plain
 * text fallback for clients that do not render cards.
 */
export function resultCard(agentName: string, run: AgentRun): { text: string; payload: Record<string, unknown> } {
  const output = run.output;
  const fields: { label: string; value: string }[] = [];
  const lists: { label: string; items: string[] }[] = [];
  const tables: { label: string; columns: string[]; rows: unknown[][] }[] = [];
  const show = (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));
  const addArray = (label: string, items: unknown[]) => {
    if (items.every((i) => i !== null && typeof i === 'object' && !Array.isArray(i))) {
      const columns = [...new Set(items.flatMap((i) => Object.keys(i as object)))].slice(0, 8);
      tables.push({ label, columns, rows: items.slice(0, 20).map((i) => columns.map((c) => (i as never)[c] ?? null)) });
    } else lists.push({ label, items: items.slice(0, 50).map(show) });
  };
  if (Array.isArray(output)) addArray('Result', output);
  else if (output !== null && typeof output === 'object') {
    for (const [key, value] of Object.entries(output as Record<string, unknown>)) {
      if (Array.isArray(value)) addArray(key, value);
      else fields.push({ label: key, value: show(value) });
    }
  } else if (output !== null && output !== undefined) fields.push({ label: 'Result', value: show(output) });
  const lines = [`**${agentName}**`];
  for (const f of fields) lines.push(`${f.label}: ${f.value}`);
  for (const l of lists) lines.push(`${l.label}: ${l.items.join(', ')}`);
  for (const t of tables) lines.push(`${t.label}: ${t.rows.length} rows`);
  return {
    text: lines.join('\n').slice(0, 20_000),
    payload: { type: 'agent_result', title: agentName, runId: run.id, agentId: run.agentId, fields, lists, tables },
  };
}

/**
 * Chat commands: `/run_agent <agent> [action] [key=value ...]` runs an installed agent with the channel or thread as
 * its context and posts the result (or the failure) in the same thread as an agent message; `/agents` and `/help`
 * answer in place. Every mistake gets a reply naming the nearest matches, never silence.
 */
export class ChatCommands {
  readonly #ctx: AppContext;
  readonly #access: WorkspaceAccessPolicy;
  readonly #chat: Chat;
  readonly #runs: AgentRuns;

  constructor(ctx: AppContext, deps: { access: WorkspaceAccessPolicy; chat: Chat; runs: AgentRuns }) {
    this.#ctx = ctx;
    this.#access = deps.access;
    this.#chat = deps.chat;
    this.#runs = deps.runs;
    ctx.events.on('message.created', ({ workspaceId, channelId, message }) => {
      if (message.author.kind !== 'user' || !message.text.trimStart().startsWith('/')) return;
      this.#handle(workspaceId, channelId, message).catch((error: unknown) =>
        ctx.logger.error({ err: error, messageId: message.id }, 'chat command failed'),
      );
    });
    ctx.events.on('run.finished', ({ workspaceId, run }) => {
      if (!run.context?.channelId) return;
      this.#reportRun(workspaceId, run).catch((error: unknown) =>
        ctx.logger.error({ err: error, runId: run.id }, 'posting a run result to chat failed'),
      );
    });
  }

  /** Suggestions for the text typed so far (commands, agent names, actions, input keys). */
  async complete(access: WorkspaceAccess, text: string): Promise<ChatCompletion[]> {
    const trimmed = text.trimStart();
    if (!trimmed.startsWith('/')) return [];
    const space = trimmed.search(/\s/);
    if (space < 0)
      return CHAT_COMMANDS.filter((c) => c.command.startsWith(trimmed.toLowerCase())).map((c) => ({
        kind: 'command',
        value: c.command,
        label: c.usage,
        description: c.description,
      }));
    if (trimmed.slice(0, space).toLowerCase() !== '/run_agent') return [];
    const rest = trimmed.slice(space).trimStart().toLowerCase();
    const configs = await listAgentConfigurations(this.#ctx.db, access.workspaceId);
    const matched = this.#matchPrefix(configs, words(rest));
    if (!matched) {
      return configs
        .filter(
          (c) => c.enabled && [c.name, c.display_name, c.agent_name].some((n) => n.toLowerCase().startsWith(rest)),
        )
        .map((c) => ({ kind: 'agent', value: c.name, label: c.name, description: c.description }));
    }
    const typed = text.endsWith(' ') ? '' : (matched.rest[matched.rest.length - 1] ?? '');
    const { agent } = checkedAgentOf(matched.config.yaml);
    const suggestions: ChatCompletion[] = [];
    const action = actionOf(agent);
    if (action && !matched.rest.some((w) => w === action))
      suggestions.push({
        kind: 'action',
        value: action,
        label: action,
        description:
          (agent.spec.trigger as { 'chat.command': { description?: string } })['chat.command'].description ?? '',
      });
    for (const [name, input] of Object.entries(agent.spec.inputs ?? {}))
      if (!matched.rest.some((w) => w.startsWith(`${name}=`)))
        suggestions.push({
          kind: 'input',
          value: `${name}=`,
          label: `${name}=<${input.type}>`,
          description: input.description ?? '',
        });
    return suggestions.filter((s) => s.value.toLowerCase().startsWith(typed.toLowerCase()));
  }

  /** The configuration whose name (or display or agent name) the words start with, the longest match first. */
  #matchPrefix(
    configs: AgentConfigurationRow[],
    tokens: string[],
  ): { config: AgentConfigurationRow; rest: string[] } | undefined {
    for (let n = tokens.length; n >= 1; n--) {
      const name = tokens.slice(0, n).join(' ').toLowerCase();
      const config = configs.find((c) =>
        [c.name, c.display_name, c.agent_name].some((candidate) => candidate.toLowerCase() === name),
      );
      if (config) return { config, rest: tokens.slice(n) };
    }
    return undefined;
  }

  async #handle(workspaceId: string, channelId: string, message: Message): Promise<void> {
    if (message.author.kind !== 'user' || !message.author.userId) return;
    const userId = message.author.userId;
    const actor: Actor = { kind: 'user', userId, sessionId: 'chat-command' };
    let access: WorkspaceAccess;
    try {
      access = await this.#access.require({ actor, workspaceId, minRole: 'member' });
    } catch {
      return;
    }
    const threadRootId = message.threadRootId ?? message.id;
    const reply = (text: string, payload?: unknown) =>
      this.#post(access, { channelId, threadRootId, agentName: 'IONFLUX', text, payload });
    const [command = '', ...rest] = words(message.text.trim());
    const lower = command.toLowerCase();
    if (lower === '/help') {
      await reply(['Commands:', ...CHAT_COMMANDS.map((c) => `\`${c.usage}\`: ${c.description}`)].join('\n'));
      return;
    }
    const configs = await listAgentConfigurations(this.#ctx.db, workspaceId);
    if (lower === '/agents') {
      const runnable = configs.filter((c) => c.enabled);
      await reply(
        runnable.length === 0
          ? 'No agents are installed in this workspace yet.'
          : [
              'Agents you can run:',
              ...runnable.map((c) => {
                const action = actionOf(checkedAgentOf(c.yaml).agent);
                return `- **${c.name}**${action ? ` (action: \`${action}\`)` : ''}${c.description ? `: ${c.description}` : ''}`;
              }),
            ].join('\n'),
      );
      return;
    }
    if (lower !== '/run_agent') {
      const near = closestMatch(
        lower,
        CHAT_COMMANDS.map((c) => c.command),
      );
      await reply(
        `Unknown command \`${command}\`${near ? ` (did you mean \`${near}\`?)` : ''}. Commands: ${CHAT_COMMANDS.map((c) => `\`${c.command}\``).join(', ')}.`,
      );
      return;
    }
    const parsed = this.#parseRun(configs, rest);
    if (typeof parsed === 'string') {
      await reply(parsed);
      return;
    }
    const channel = await this.#chat.getChannel(access, channelId);
    const action = parsed.action ?? actionOf(parsed.agent);
    const trigger = actionOf(parsed.agent)
      ? {
          command: action,
          text: rest.join(' '),
          args: rest,
          channel: channel.name,
          threadId: message.threadRootId ?? null,
          messageId: message.id,
          user: { id: userId, name: message.author.displayName },
        }
      : undefined;
    try {
      await this.#runs.start(access, parsed.config.id, {
        inputs: parsed.inputs,
        ...(trigger ? { trigger, triggerKind: 'chat.command' as const } : { triggerKind: 'chat.command' as const }),
        context: { channelId, threadRootId, messageId: message.id },
      });
    } catch (error) {
      if (!isAppError(error)) throw error;
      await reply(`Could not run **${parsed.config.name}**: ${error.message}`);
    }
  }

  #parseRun(configs: AgentConfigurationRow[], tokens: string[]): ParsedRun | string {
    const names = configs.map((c) => c.name);
    if (tokens.length === 0)
      return `Usage: \`/run_agent <agent> [action] [key=value ...]\`. Agents: ${names.map((n) => `**${n}**`).join(', ') || 'none installed'}.`;
    const matched = this.#matchPrefix(configs, tokens);
    if (!matched) {
      const typed = tokens.filter((t) => !t.includes('=')).join(' ');
      // The agent name is some prefix of the words (an action and inputs may follow): the longest near match wins.
      let near: string | undefined;
      for (let n = tokens.length; n >= 1 && !near; n--) near = closestMatch(tokens.slice(0, n).join(' '), names);
      near ??= names.find((name) => name.toLowerCase().startsWith((tokens[0] ?? '').toLowerCase()));
      return `No agent named "${typed}" here${near ? `; did you mean **${near}**?` : ''}. Agents: ${names.map((n) => `**${n}**`).join(', ') || 'none installed'}.`;
    }
    const { config, rest } = matched;
    if (!config.enabled)
      return config.suspended_reason
        ? `**${config.name}** is suspended: ${config.suspended_reason}`
        : `**${config.name}** is disabled; enable it to run it.`;
    const { agent } = checkedAgentOf(config.yaml);
    const known = actionOf(agent);
    let action: string | undefined;
    const inputs: Record<string, unknown> = {};
    const declared = agent.spec.inputs ?? {};
    for (const token of rest) {
      const eq = token.indexOf('=');
      if (eq < 0) {
        if (action !== undefined || token !== known) {
          return known
            ? `**${config.name}** has no action \`${token}\`; its action is \`${known}\`.`
            : `**${config.name}** takes no action (\`${token}\`); give inputs as key=value${Object.keys(declared).length ? ` (${Object.keys(declared).join(', ')})` : ''}.`;
        }
        action = token;
        continue;
      }
      const key = token.slice(0, eq);
      const definition = declared[key];
      if (!definition) {
        const near = closestMatch(key, Object.keys(declared));
        return `**${config.name}** has no input \`${key}\`${near ? ` (did you mean \`${near}\`?)` : ''}; its inputs: ${Object.keys(declared).join(', ') || 'none'}.`;
      }
      inputs[key] = coerce(token.slice(eq + 1), definition.type);
    }
    return { config, agent, action, inputs };
  }

  async #reportRun(workspaceId: string, run: AgentRun): Promise<void> {
    const context = run.context!;
    if (!context.channelId || !run.startedBy) return;
    if (run.status === 'succeeded') {
      const config = (await listAgentConfigurations(this.#ctx.db, workspaceId)).find((c) => c.id === run.agentId);
      if (!config || postsToChat(checkedAgentOf(config.yaml).agent)) return;
    }
    let access: WorkspaceAccess;
    try {
      access = await this.#access.require({
        actor: { kind: 'user', userId: run.startedBy, sessionId: 'chat-command' },
        workspaceId,
        minRole: 'member',
      });
    } catch {
      return;
    }
    const name = run.agentName ?? 'Agent';
    if (run.status === 'succeeded') {
      const card = resultCard(name, run);
      await this.#post(access, {
        channelId: context.channelId,
        threadRootId: context.threadRootId,
        agentName: name,
        ...card,
      });
      return;
    }
    const where = run.error?.step
      ? ` at step \`${run.error.step}\`${run.error.line !== undefined ? ` (line ${run.error.line}:${run.error.col})` : ''}`
      : '';
    await this.#post(access, {
      channelId: context.channelId,
      threadRootId: context.threadRootId,
      agentName: name,
      text: `**${name}** ${run.status === 'canceled' ? 'was canceled' : `failed${where}`}: ${run.error?.message ?? 'no details'}`,
      payload: { type: 'agent_error', runId: run.id, agentId: run.agentId, error: run.error },
    });
  }

  /** Posts as an agent (author shown by name), on behalf of the user who ran it. */
  async #post(
    access: WorkspaceAccess,
    args: { channelId: string; threadRootId: string | undefined; agentName: string; text: string; payload?: unknown },
  ): Promise<void> {
    if (!hasRole(access.role, 'member')) return;
    const userId = access.actor.kind === 'user' ? access.actor.userId : access.actor.createdBy;
    const agentAccess: WorkspaceAccess = {
      workspaceId: access.workspaceId,
      role: 'member',
      actor: {
        kind: 'apiToken',
        tokenId: '00000000-0000-4000-8000-000000000000',
        workspaceId: access.workspaceId,
        role: 'member',
        scopes: ['chat:write'],
        name: args.agentName,
        createdBy: userId,
      },
    };
    await this.#chat.sendMessage(agentAccess, {
      channelId: args.channelId,
      input: {
        text: args.text,
        ...(args.payload !== undefined ? { payload: args.payload } : {}),
        mentions: [],
        ...(args.threadRootId ? { threadRootId: args.threadRootId } : {}),
        agentName: args.agentName,
      },
    });
  }
}
