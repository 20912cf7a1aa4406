import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { agentToYaml, compileAgent, decompileWorkflow, mergeAgentText, type N8nWorkflow } from '@ionflux/compiler';
import { formatDiagnostics } from '@ionflux/dsl';
import type { CredentialTable } from '@ionflux/engine';
import { readText } from '../files';
import { useColor, UsageError, type CliIO } from '../io';
import { unifiedDiff } from '../text-diff';
import { environmentCredentials } from './run';

export interface N8nTarget {
  n8nUrl?: string;
  n8nApiKey?: string;
}

export interface DeployOptions extends N8nTarget {
  activate?: boolean;
  sandbox?: boolean;
  server?: string;
  token?: string;
  format?: 'text' | 'json';
}

async function n8nApi(options: N8nTarget, io: CliIO) {
  const baseUrl = options.n8nUrl ?? io.env.N8N_URL;
  const apiKey = options.n8nApiKey ?? io.env.N8N_API_KEY;
  if (!baseUrl) throw new UsageError('Give the n8n server with --n8n-url URL (or N8N_URL).');
  if (!/^https?:\/\//.test(baseUrl)) throw new UsageError(`--n8n-url must be an http(s) URL (got ${baseUrl}).`);
  if (!apiKey)
    throw new UsageError('Give an n8n API key with --n8n-api-key KEY (or N8N_API_KEY); n8n: Settings > n8n API.');
  const engine = await import('@ionflux/engine');
  return { engine, api: new engine.N8nApi({ baseUrl, apiKey }) };
}

/** Reports what n8n refused or why it could not be reached, as a usage problem (no stack). */
async function talkingToN8n<T>(baseUrl: string, work: () => Promise<T>): Promise<T> {
  const engine = await import('@ionflux/engine');
  try {
    return await work();
  } catch (error) {
    if (error instanceof engine.N8nApiError)
      throw new UsageError(error.message, 'n8n-refused', { status: error.status });
    if (error instanceof engine.DeployError) throw new UsageError(error.message, 'missing-credentials');
    // (fetch's TypeError may come from another realm than this module's: matched by name)
    const failure = error as { name?: string; message?: string; cause?: { message?: string } };
    if (failure?.name === 'TypeError' && /fetch failed/.test(String(failure.message)))
      throw new UsageError(
        `Cannot reach n8n at ${baseUrl} (${String(failure.cause?.message ?? failure.message)}).`,
        'n8n-unreachable',
      );
    throw error;
  }
}

function compileFile(file: string, io: CliIO): N8nWorkflow | undefined {
  const text = readText(file, io.cwd);
  const compiled = compileAgent(text);
  if (!compiled.workflow) {
    io.stderr(`${formatDiagnostics({ file, text, diagnostics: compiled.diagnostics, color: useColor(io) })}\n`);
    return undefined;
  }
  return compiled.workflow;
}

/**
 * `ionflux deploy <agent.yaml> --n8n-url URL --n8n-api-key KEY [--activate]`: compiles the agent and creates or
 * updates its workflow on an n8n server through the public API, with the credentials it needs (linked by name, or
 * created from the environment or, with --sandbox, for the sandbox emulators of --server). Never prints secrets.
 */
export async function deployCommand(file: string, options: DeployOptions, io: CliIO): Promise<number> {
  const workflow = compileFile(file, io);
  if (!workflow) return 1;
  const { engine, api } = await n8nApi(options, io);
  const serverUrl = options.server ?? io.env.IONFLUX_URL;
  const token = options.token ?? io.env.IONFLUX_API_TOKEN;
  if (serverUrl && !token)
    throw new UsageError('--server needs --token (a workspace API token), or IONFLUX_API_TOKEN.');
  let credentials: CredentialTable;
  if (options.sandbox) {
    if (!serverUrl)
      throw new UsageError(
        '--sandbox needs --server URL --token T: a running IONFLUX server (its /sandbox emulators and workspace), reachable from n8n.',
      );
    credentials = engine.sandboxCredentials({
      sandboxBaseUrl: serverUrl,
      ionflux: { baseUrl: serverUrl, token: token! },
    });
  } else {
    credentials = environmentCredentials(io.env);
    if (serverUrl) credentials.ionfluxApi = { baseUrl: serverUrl, token: token! };
  }
  const result = await talkingToN8n(api.baseUrl, () =>
    engine.deployWorkflow({ api, workflow, credentials, activate: options.activate ?? false }),
  );
  if (options.format === 'json') {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  io.stdout(
    `Deployed ${workflow.name} (${result.agent}) to ${api.baseUrl}: workflow ${result.workflowId} ${result.change}, ${result.active ? 'active' : 'inactive'}.\n`,
  );
  for (const c of result.credentials)
    io.stdout(`  credential ${c.name} (${c.type}): ${c.created ? 'created' : 'linked'} ${c.id}\n`);
  for (const t of result.triggers) io.stdout(`  trigger ${t.node}: ${t.method} ${t.url}\n`);
  if (result.note) io.stdout(`  ${result.note}\n`);
  else if (!result.active && result.triggers.length > 0) io.stdout('  (activate with --activate to receive events)\n');
  return 0;
}

/** `ionflux undeploy <agent.yaml | agent-name>`: removes the agent's workflow from n8n (credentials stay). */
export async function undeployCommand(agent: string, options: N8nTarget, io: CliIO): Promise<number> {
  let name = agent;
  if (/\.ya?ml$/i.test(agent)) {
    const workflow = compileFile(agent, io);
    if (!workflow) return 1;
    name = workflow.meta.ionflux.agent;
  }
  const { engine, api } = await n8nApi(options, io);
  const removed = await talkingToN8n(api.baseUrl, () => engine.undeployAgent(api, name));
  if (!removed) {
    io.stderr(`No workflow of agent ${name} on ${api.baseUrl}.\n`);
    return 1;
  }
  io.stdout(`Removed workflow ${removed.id} (${removed.name}) of agent ${name} from ${api.baseUrl}.\n`);
  return 0;
}

/**
 * `ionflux pull <workflow id> [agent.yaml]`: reads a workflow from n8n (edited in its editor, say) and decompiles
 * it. With a local file, the changes are applied onto it with text-preserving edits (comments kept) and the diff is
 * shown; without, the agent YAML is printed.
 */
export async function pullCommand(
  workflowId: string,
  file: string | undefined,
  options: N8nTarget & { dryRun?: boolean },
  io: CliIO,
): Promise<number> {
  const { engine, api } = await n8nApi(options, io);
  const record = await talkingToN8n(api.baseUrl, () => api.getWorkflow(workflowId));
  // Credential references back to IONFLUX's (`ionflux:<connection>`): n8n's ids mean nothing outside that server.
  const nodes = record.nodes.map((node) =>
    node.credentials
      ? {
          ...node,
          credentials: Object.fromEntries(
            Object.entries(node.credentials).map(([type, ref]) => [
              type,
              { id: engine.ionfluxCredentialId(ref.name), name: ref.name },
            ]),
          ),
        }
      : node,
  );
  const decompiled = decompileWorkflow({ ...record, nodes } as unknown as N8nWorkflow);
  for (const d of decompiled.diagnostics)
    io.stderr(
      `${workflowId}: ${d.severity} ${d.code}: ${d.message}${d.node ? ` [node "${d.node}", type ${d.type}]` : ''}\n`,
    );
  if (!decompiled.agent || !decompiled.yaml) return 1;
  if (!file) {
    io.stdout(decompiled.yaml);
    return 0;
  }
  const before = readText(file, io.cwd);
  const merged = mergeAgentText(before, decompiled.agent, (agent) => agentToYaml(agent));
  const diff = unifiedDiff({
    before,
    after: merged.text,
    fromName: `${file} (local)`,
    toName: `${file} (n8n ${workflowId})`,
  });
  if (!diff) {
    io.stdout(`${file} is up to date with workflow ${workflowId}.\n`);
    return 0;
  }
  io.stdout(diff);
  if (!merged.preserved)
    io.stderr('The changes could not be applied in place: the file is rewritten from the workflow (comments lost).\n');
  if (options.dryRun) return 0;
  writeFileSync(resolve(io.cwd, file), merged.text);
  io.stderr(`Updated ${file}.\n`);
  return 0;
}
