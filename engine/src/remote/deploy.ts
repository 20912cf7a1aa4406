import {
  ionfluxMetaOf,
  toPublicApiWorkflow,
  DEFAULT_LLM_CREDENTIAL,
  WORKSPACE_CREDENTIAL,
  type N8nWorkflow,
} from '@ionflux/compiler';
import type { CredentialTable } from '../sandbox-credentials';
import type { N8nApi, N8nCredentialRecord, N8nWorkflowRecord } from './n8n-api';

/** A credential the workflow refers to, as n8n knows it after the deploy. */
export interface DeployedCredential {
  name: string;
  type: string;
  id: string;
  /** Created by this deploy (false: an existing credential of that name and type was linked). */
  created: boolean;
}

export interface TriggerUrl {
  node: string;
  type: string;
  method: string;
  url: string;
}

export interface DeployResult {
  workflowId: string;
  agent: string;
  hash: string;
  /** What happened to the workflow: created, updated, or unchanged (same agent hash and credentials). */
  change: 'created' | 'updated' | 'unchanged';
  active: boolean;
  /** Why --activate did nothing, when it did nothing. */
  note?: string;
  credentials: DeployedCredential[];
  triggers: TriggerUrl[];
}

export class DeployError extends Error {}

/** The compiled reference of a credential named `name` (as the compiler writes it), from its name in n8n. */
export function ionfluxCredentialId(name: string): string {
  if (name === WORKSPACE_CREDENTIAL.name) return WORKSPACE_CREDENTIAL.id;
  if (name === DEFAULT_LLM_CREDENTIAL.name) return DEFAULT_LLM_CREDENTIAL.id;
  return `ionflux:${name}`;
}

/** The credentials (type and name) a compiled workflow refers to. */
export function credentialReferences(workflow: Pick<N8nWorkflow, 'nodes'>): { type: string; name: string }[] {
  const seen = new Map<string, { type: string; name: string }>();
  for (const node of workflow.nodes)
    for (const [type, reference] of Object.entries(node.credentials ?? {}))
      seen.set(`${type}\u0000${reference.name}`, { type, name: reference.name });
  return [...seen.values()].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}

/** The deployed workflow of an agent on this n8n, found by the agent name IONFLUX keeps in its static data. */
export async function findAgentWorkflow(api: N8nApi, agent: string): Promise<N8nWorkflowRecord | undefined> {
  const found = (await api.listWorkflows()).filter((w) => ionfluxMetaOf(w)?.agent === agent);
  // Oldest first: a second copy (made by hand in the editor, say) never replaces the one deploys maintain.
  found.sort((a, b) => String(a.createdAt ?? '').localeCompare(String(b.createdAt ?? '')));
  return found[0];
}

/** The URLs n8n serves for the workflow's trigger (webhook-like triggers only). */
export function triggerUrls(baseUrl: string, workflow: Pick<N8nWorkflow, 'nodes'>): TriggerUrl[] {
  const base = baseUrl.replace(/\/+$/, '');
  const urls: TriggerUrl[] = [];
  for (const node of workflow.nodes) {
    if (node.type === 'n8n-nodes-base.webhook') {
      const path = String(node.parameters.path ?? '').replace(/^\/+/, '');
      urls.push({
        node: node.name,
        type: node.type,
        method: String(node.parameters.httpMethod ?? 'GET'),
        url: `${base}/webhook/${path}`,
      });
    } else if (node.type === 'n8n-nodes-ionflux.ionfluxChatTrigger') {
      urls.push({
        node: node.name,
        type: node.type,
        method: 'POST',
        url: `${base}/webhook/${node.webhookId}/chat-command`,
      });
    } else if (node.type === 'n8n-nodes-ionflux.ionfluxShopifyTrigger') {
      urls.push({ node: node.name, type: node.type, method: 'POST', url: `${base}/webhook/${node.webhookId}/webhook` });
    }
  }
  return urls;
}

/**
 * Deploys a compiled agent to n8n through its public API, idempotently: the credentials the workflow refers to
 * are linked by name and type or created from `credentials` (data by credential type, never printed); the
 * workflow is created, or the agent's existing workflow (found by agent name) updated when its hash or
 * credentials changed; then activated when asked.
 *
 * @example
 * const result = await deployWorkflow({ api, workflow: compileAgent(yaml).workflow!, credentials, activate: true });
 */
export async function deployWorkflow({
  api,
  workflow,
  credentials,
  activate = false,
}: {
  api: N8nApi;
  workflow: N8nWorkflow;
  credentials: CredentialTable;
  activate?: boolean;
}): Promise<DeployResult> {
  const meta = workflow.meta.ionflux;
  const existingCredentials = await api.listCredentials();
  const deployed: DeployedCredential[] = [];
  const missing: string[] = [];
  for (const { type, name } of credentialReferences(workflow)) {
    const existing = existingCredentials.find((c: N8nCredentialRecord) => c.name === name && c.type === type);
    if (existing) {
      deployed.push({ name, type, id: existing.id, created: false });
      continue;
    }
    const data = credentials[type];
    if (!data) {
      missing.push(`${name} (${type})`);
      continue;
    }
    const created = await api.createCredential({ name, type, data });
    deployed.push({ name, type, id: created.id, created: true });
  }
  if (missing.length > 0)
    throw new DeployError(
      `No account for ${missing.join(', ')}: create the credential in n8n under that name, set the account in the environment, or deploy with --sandbox.`,
    );

  const idOf = new Map(deployed.map((c) => [`${c.type}\u0000${c.name}`, c.id]));
  const nodes = workflow.nodes.map((node) =>
    node.credentials
      ? {
          ...node,
          credentials: Object.fromEntries(
            Object.entries(node.credentials).map(([type, ref]) => [
              type,
              { id: idOf.get(`${type}\u0000${ref.name}`)!, name: ref.name },
            ]),
          ),
        }
      : node,
  );
  const body = toPublicApiWorkflow({ ...workflow, nodes });

  let record = await findAgentWorkflow(api, meta.agent);
  let change: DeployResult['change'];
  if (!record) {
    record = await api.createWorkflow(body);
    change = 'created';
  } else if (ionfluxMetaOf(record)?.hash === meta.hash && sameContent(record, body)) {
    change = 'unchanged';
  } else {
    // n8n keeps its own static data (webhook registrations, polling state) beside IONFLUX's.
    const staticData = { ...(staticDataObject(record.staticData) ?? {}), ...body.staticData };
    record = await api.updateWorkflow(record.id, { ...body, staticData });
    change = 'updated';
  }
  let active = Boolean(record.active);
  // A workflow started only by hand has nothing to activate (n8n refuses: no trigger node).
  const manualOnly = workflow.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger');
  if (activate && !active && !manualOnly) {
    record = await api.activateWorkflow(record.id);
    active = true;
  }
  return {
    workflowId: record.id,
    agent: meta.agent,
    ...(activate && manualOnly ? { note: 'started by hand (manual trigger): nothing to activate' } : {}),
    hash: meta.hash,
    change,
    active,
    credentials: deployed,
    triggers: triggerUrls(api.baseUrl, workflow),
  };
}

/** Removes an agent's workflow (deactivated first). Credentials stay: other agents may use them. */
export async function undeployAgent(api: N8nApi, agent: string): Promise<N8nWorkflowRecord | undefined> {
  const record = await findAgentWorkflow(api, agent);
  if (!record) return undefined;
  if (record.active) await api.deactivateWorkflow(record.id);
  await api.deleteWorkflow(record.id);
  return record;
}

function staticDataObject(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

/**
 * Whether the workflow in n8n is what this deploy would write: same nodes (type, version, parameters, credentials,
 * settings that change a run) and connections. An edit made in n8n's editor since is overwritten by the deploy.
 */
function sameContent(record: N8nWorkflowRecord, body: { nodes: N8nWorkflow['nodes']; connections: unknown }): boolean {
  const project = (nodes: Record<string, unknown>[]) =>
    JSON.stringify(
      nodes
        .map((n) => ({
          name: n.name,
          type: n.type,
          typeVersion: n.typeVersion,
          parameters: n.parameters,
          credentials: n.credentials ?? {},
          disabled: n.disabled ?? false,
          onError: n.onError ?? null,
          retryOnFail: n.retryOnFail ?? false,
          webhookId: n.webhookId ?? null,
        }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
      (_key, value: unknown) =>
        value && typeof value === 'object' && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
          : value,
    );
  return (
    project(record.nodes) === project(body.nodes as unknown as Record<string, unknown>[]) &&
    JSON.stringify(record.connections) === JSON.stringify(body.connections)
  );
}
