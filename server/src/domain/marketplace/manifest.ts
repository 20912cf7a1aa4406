import {
  forEachStep,
  normalizeAgent,
  type ActionStepIR,
  type AgentIR,
  type StepIR,
  type ValueIR,
} from '@ionflux/compiler';
import { connectionCatalog, getAction, validateAgent, type ConnectionType } from '@ionflux/dsl';
import { AppError } from '../../errors';
import type { AgentManifest, ManifestStep } from './model';

/** The external system an action touches, by its namespace. */
function targetOf(uses: string): ManifestStep['target'] {
  const namespace = uses.split('.')[0]!;
  if (namespace === 'http') return 'http';
  if (namespace === 'notify') return 'notifications';
  return namespace as ManifestStep['target'];
}

/**
 * The host a URL value will call: the host of a literal URL, or of a template whose text before the first
 * expression already names it (`https://graph.facebook.com/v21.0/{{ inputs.id }}`); `*` when it is decided at run
 * time (the whole URL, or its host, comes from an expression).
 */
export function hostOfUrlValue(value: ValueIR | undefined): string {
  if (value?.kind === 'literal' && typeof value.value === 'string') {
    const match = /^https?:\/\/([^/?#:]+)/i.exec(value.value);
    return match ? match[1]!.toLowerCase() : '*';
  }
  if (value?.kind === 'template') {
    const first = value.parts[0];
    // The host is known only when the text before the first expression ends it (a path, query or port follows).
    const match = first && 'text' in first ? /^https?:\/\/([^/?#:]+)[/?#:]/i.exec(first.text) : null;
    if (match) return match[1]!.toLowerCase();
  }
  return '*';
}

/**
 * The permissions manifest of an agent, derived from its YAML through the compiler's normalized form (never typed by
 * hand): the connections with their scopes (declared ones plus those its steps require), every action step with
 * whether it writes to an external system or only reads, the hosts `http.request` may call, the inputs, the trigger
 * and where the output goes. Steps and hosts are in document order, scopes sorted.
 */
export function deriveManifest(ir: AgentIR): AgentManifest {
  const steps: ManifestStep[] = [];
  const hosts: string[] = [];
  const scopes = new Map<string, Set<string>>();
  const usedBy = new Map<string, string[]>();
  for (const [name, connection] of Object.entries(ir.connections)) {
    scopes.set(name, new Set(connection.scopes ?? []));
    usedBy.set(name, []);
  }
  const visit = (step: StepIR) => {
    if (step.kind !== 'action') return;
    const action = getAction(step.uses)!;
    const entry: ManifestStep = {
      id: step.id,
      uses: step.uses,
      effect: action.effect,
      target: targetOf(step.uses),
      ...(step.connection ? { connection: step.connection } : {}),
    };
    if (step.uses === 'http.request') {
      const host = hostOfUrlValue(urlParam(step));
      entry.host = host;
      if (!hosts.includes(host)) hosts.push(host);
    }
    if (step.uses === 'chat.post') {
      const channel = step.params.find(([name]) => name === 'channel')?.[1];
      if (channel?.kind === 'literal' && typeof channel.value === 'string') entry.channel = channel.value;
    }
    if (step.connection && scopes.has(step.connection)) {
      for (const scope of action.connection?.scopes ?? []) scopes.get(step.connection)!.add(scope);
      usedBy.get(step.connection)!.push(step.id);
    }
    steps.push(entry);
  };
  forEachStep(ir.steps, visit);
  for (const handler of ir.handlers) forEachStep(handler.steps, visit);
  return {
    connections: Object.entries(ir.connections).map(([name, connection]) => ({
      name,
      type: connection.type,
      scopes: [...scopes.get(name)!].sort(),
      usedBy: usedBy.get(name)!,
    })),
    steps,
    writeSteps: steps.filter((s) => s.effect === 'write').map((s) => s.id),
    readSteps: steps.filter((s) => s.effect === 'read').map((s) => s.id),
    httpHosts: hosts,
    inputs: Object.entries(ir.inputs).map(([name, input]) => ({
      name,
      type: input.type,
      required: input.required === true && input.default === undefined,
      ...(input.default !== undefined ? { default: input.default } : {}),
      ...(input.description ? { description: input.description } : {}),
    })),
    trigger: ir.trigger.kind,
    output: { canvas: ir.output?.canvas !== undefined, chat: ir.output?.chat !== undefined },
  };
}

function urlParam(step: ActionStepIR): ValueIR | undefined {
  return step.params.find(([name]) => name === 'url')?.[1];
}

/** Validates agent YAML and derives its manifest; an invalid agent is a 422 `invalid_agent` with diagnostics. */
export function manifestOfYaml(yaml: string): { ir: AgentIR; manifest: AgentManifest } {
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
  const ir = normalizeAgent({ agent: validation.agent, resolvedConnections: validation.resolvedConnections });
  return { ir, manifest: deriveManifest(ir) };
}

const SCOPE_WORDS: Record<string, string> = {
  read_orders: 'reads orders',
  read_all_orders: 'reads all past orders',
  write_orders: 'changes orders',
  read_products: 'reads products',
  write_products: 'changes products',
  read_inventory: 'reads inventory levels',
  write_inventory: 'changes inventory levels',
  read_customers: 'reads customers',
  write_customers: 'changes customers',
  read_analytics: 'reads analytics',
  read_reports: 'reads reports',
  read_fulfillments: 'reads fulfillments',
  read_discounts: 'reads discounts',
  'user.info.basic': 'reads the basic profile',
  'user.info.profile': 'reads the profile',
  'user.info.stats': 'reads follower and like counts',
  'video.list': 'reads the videos',
  'research.data.basic': 'reads public TikTok trends (hashtags, sounds) through',
  'creator.marketplace': 'searches creators in the Creator Marketplace through',
};

const OF_ACCOUNT: Record<ConnectionType, string> = {
  shopify: 'of the store you bind',
  tiktok: 'of the TikTok account you bind',
  llm: '',
  pinecone: '',
};

/** One permission of a scope, in plain words: "reads orders of the store you bind ('store')". */
export function scopeInWords(type: ConnectionType, scope: string, connection: string): string {
  const words = SCOPE_WORDS[scope] ?? `uses the ${scope} scope`;
  const account = words.endsWith('through') ? ' the TikTok account you bind' : ` ${OF_ACCOUNT[type]}`;
  return `${words}${account} ('${connection}', ${scope})`.replace(/\s+/g, ' ');
}

/** What one step does outside the run, in plain words, or undefined for steps that stay inside it. */
export function stepInWords(step: ManifestStep): string | undefined {
  switch (step.target) {
    case 'chat':
      return step.effect === 'write'
        ? `posts to a chat channel${step.channel ? ` (#${step.channel})` : ''} (step '${step.id}')`
        : `reads chat messages of the workspace (step '${step.id}')`;
    case 'canvas':
      return `writes a block on a canvas page (step '${step.id}')`;
    case 'notifications':
      return `sends notifications to the workspace's members (step '${step.id}')`;
    case 'http':
      return `calls ${step.host === '*' ? 'any web address (decided at run time)' : step.host} over HTTP (step '${step.id}')`;
    case 'vector':
      return step.effect === 'write'
        ? `stores documents in a vector namespace (step '${step.id}')`
        : `searches a vector namespace (step '${step.id}')`;
    case 'llm':
      return `sends text to the workspace's language model (step '${step.id}')`;
    default:
      return undefined;
  }
}

/** The manifest as a list of permissions in plain words, connections first, then writes, then other reads. */
export function permissionsInWords(manifest: AgentManifest): string[] {
  const words: string[] = [];
  for (const connection of manifest.connections) {
    const type = connection.type as ConnectionType;
    if (connection.scopes.length === 0)
      words.push(`uses the ${connectionCatalog[type]?.title ?? connection.type} you bind ('${connection.name}')`);
    for (const scope of connection.scopes) words.push(scopeInWords(type, scope, connection.name));
  }
  const llmSeen = new Set<string>();
  for (const step of manifest.steps) {
    if (step.target === 'llm') {
      if (llmSeen.size === 0) words.push("sends text to the workspace's language model");
      llmSeen.add(step.id);
      continue;
    }
    if (step.target === 'shopify' || step.target === 'tiktok') continue;
    const sentence = stepInWords(step);
    if (sentence) words.push(sentence);
  }
  if (manifest.output.canvas) words.push('writes its output to a canvas block');
  if (manifest.output.chat) words.push('posts its output to a chat channel');
  return words;
}
