import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostics, validateAgent } from '@ionflux/dsl';
import { readText } from '../files';
import { useColor, UsageError, type CliIO } from '../io';

/** Where the `ionflux` command keeps user settings: `IONFLUX_CONFIG_DIR`, else `$XDG_CONFIG_HOME/ionflux`, else `~/.config/ionflux`. */
export function ionfluxConfigDir(env: Record<string, string | undefined>): string {
  if (env.IONFLUX_CONFIG_DIR) return env.IONFLUX_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'ionflux');
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'ionflux');
  return join(homedir(), '.config', 'ionflux');
}

export const PUBLISHER_KEY_FILE = 'publisher-key.pem';

/**
 * The user's publisher key (Ed25519, PKCS#8 PEM), created on first use in the config folder with mode 0600. Only its
 * public half ever leaves the machine.
 */
export async function publisherKey(io: CliIO): Promise<{ privateKeyPem: string; path: string; created: boolean }> {
  const dir = ionfluxConfigDir(io.env);
  const path = join(dir, PUBLISHER_KEY_FILE);
  if (existsSync(path)) return { privateKeyPem: readFileSync(path, 'utf8'), path, created: false };
  const { generatePublisherKey } = await import('@ionflux/server');
  const { privateKeyPem } = generatePublisherKey();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path, privateKeyPem, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { privateKeyPem, path, created: true };
}

export interface ServerTarget {
  server?: string;
  token?: string;
  format?: 'text' | 'json';
}

function serverTarget(options: ServerTarget, io: CliIO): { url: string; token: string } {
  const url = options.server ?? io.env.IONFLUX_URL;
  const token = options.token ?? io.env.IONFLUX_API_TOKEN;
  if (!url) throw new UsageError('Give the IONFLUX server with --server URL (or IONFLUX_URL).');
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--server must be an http(s) URL (got ${url}).`);
  if (!token) throw new UsageError('Give a token with --token T (an API token ifx_..., or IONFLUX_API_TOKEN).');
  return { url: url.replace(/\/$/, ''), token };
}

/** Calls the server's API; a refusal becomes a usage error quoting the server's code and message. */
async function api<T>(
  target: { url: string; token: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new UsageError(`Cannot reach the IONFLUX server at ${target.url} (${cause}).`, 'server-unreachable');
  }
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    const error = (parsed.error ?? {}) as { code?: string; message?: string; fields?: unknown };
    throw new UsageError(
      `The server refused (${response.status} ${error.code ?? 'error'}): ${error.message ?? text}`,
      error.code ?? 'server-refused',
      { status: response.status, ...(error.fields ? { fields: error.fields } : {}) },
    );
  }
  return parsed as T;
}

/** The workspace to act in: `--workspace`, else the API token's own workspace. */
async function workspaceOf(target: { url: string; token: string }, workspace: string | undefined): Promise<string> {
  if (workspace) return workspace;
  if (!target.token.startsWith('ifx_'))
    throw new UsageError('Give the workspace with --workspace <id> (or use an API token, which knows its workspace).');
  const described = await api<{ workspace: { id: string } }>(target, 'GET', '/api/api-token');
  return described.workspace.id;
}

export interface PublishOptions extends ServerTarget {
  readme?: string;
  category?: string;
  tags?: string;
  price?: string;
  currency?: string;
  publisherName?: string;
  workspace?: string;
}

/**
 * `ionflux publish <agent.yaml> [--readme README.md] --server URL --token T`: validates the agent, derives its
 * manifest, signs the package with the user's publisher key (created on first use) and uploads it; prints
 * `name@version` and the digest.
 */
export async function publishCommand(file: string, options: PublishOptions, io: CliIO): Promise<number> {
  const target = serverTarget(options, io);
  const yaml = readText(file, io.cwd);
  const validation = validateAgent(yaml);
  if (!validation.agent) {
    io.stderr(`${formatDiagnostics({ file, text: yaml, diagnostics: validation.diagnostics, color: useColor(io) })}\n`);
    return 1;
  }
  const server = await import('@ionflux/server');
  const readme = options.readme ? readText(options.readme, io.cwd) : undefined;
  const types = Object.values(validation.agent.spec.connections ?? {}).map((c) => c.type);
  const category = (options.category ??
    (types.includes('shopify') ? 'commerce' : types.includes('tiktok') ? 'creators' : 'productivity')) as never;
  if (!server.marketplaceCategories.includes(category))
    throw new UsageError(`--category must be one of ${server.marketplaceCategories.join(', ')} (got ${category}).`);
  let pricing: { model: 'free' } | { model: 'monthly'; priceMinor: number; currency: string } = { model: 'free' };
  if (options.price !== undefined) {
    const priceMinor = Number(options.price);
    if (!Number.isSafeInteger(priceMinor) || priceMinor < 1)
      throw new UsageError(
        `--price is the monthly price in minor units (cents), a positive integer (got ${options.price}).`,
      );
    pricing = { model: 'monthly', priceMinor, currency: (options.currency ?? 'USD').toUpperCase() };
  }
  const pkg = server.buildAgentPackage({
    yaml,
    category,
    ...(readme !== undefined ? { readme } : {}),
    ...(options.tags
      ? {
          tags: options.tags
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        }
      : {}),
    pricing,
  });
  const key = await publisherKey(io);
  if (key.created && options.format !== 'json')
    io.stderr(
      `Created your publisher key ${key.path} (${server.keyIdOf(server.publicKeyOf(key.privateKeyPem))}); keep it: later versions must be signed with it.\n`,
    );
  const signed = server.signAgentPackage(pkg, key.privateKeyPem);
  const workspaceId = await workspaceOf(target, options.workspace);
  const published = await api<{
    agent: { name: string; publisher: { name: string } };
    version: { version: string; digest: string; keyId: string };
  }>(target, 'POST', `/api/workspaces/${workspaceId}/marketplace/agents`, {
    ...signed,
    ...(options.publisherName ? { publisherName: options.publisherName } : {}),
  });
  const ref = `${published.agent.name}@${published.version.version}`;
  if (options.format === 'json')
    io.stdout(
      `${JSON.stringify({ status: 'published', agent: ref, digest: published.version.digest, keyId: published.version.keyId, publisher: published.agent.publisher.name }, null, 2)}\n`,
    );
  else
    io.stdout(
      `Published ${ref}\ndigest sha256:${published.version.digest}\nsigned by ${published.version.keyId} (${published.agent.publisher.name})\n`,
    );
  return 0;
}

export interface InstallOptions extends ServerTarget {
  workspace?: string;
  bind?: string[];
  input?: string[];
  name?: string;
}

/**
 * `ionflux install <name>[@version] --workspace <id> --server URL --token T [--bind store=<brandId> ...]`: installs a
 * marketplace agent into the workspace, binding each connection to a Brand or Creator id (or `sandbox`); prints what
 * it may do.
 */
export async function installCommand(reference: string, options: InstallOptions, io: CliIO): Promise<number> {
  const target = serverTarget(options, io);
  const match = /^([a-z][a-z0-9-]*)(?:@(.+))?$/.exec(reference);
  if (!match) throw new UsageError(`Name the agent as <name> or <name>@<version> (got ${reference}).`);
  const [, name, version] = match as unknown as [string, string, string | undefined];
  const workspaceId = await workspaceOf(target, options.workspace);
  const detail = await api<{
    agent: { manifest: { connections: { name: string; type: string }[] } | null; permissions: string[] };
  }>(target, 'GET', `/api/marketplace/agents/${encodeURIComponent(name)}`);
  const connections = new Map((detail.agent.manifest?.connections ?? []).map((c) => [c.name, c.type]));
  const bindings: Record<string, unknown> = {};
  for (const bind of options.bind ?? []) {
    const [connection, value] = bind.split('=', 2) as [string, string | undefined];
    if (!value) throw new UsageError(`--bind takes <connection>=<id> (got ${bind}).`);
    const type = connections.get(connection);
    if (!type)
      throw new UsageError(
        `${name} declares no connection '${connection}' (its connections: ${[...connections.keys()].join(', ') || 'none'}).`,
      );
    bindings[connection] =
      value === 'sandbox' ? { sandbox: true } : type === 'tiktok' ? { creatorId: value } : { brandId: value };
  }
  const inputs: Record<string, unknown> = {};
  for (const input of options.input ?? []) {
    const [key, raw] = input.split('=', 2) as [string, string | undefined];
    if (raw === undefined) throw new UsageError(`--input takes <name>=<value> (got ${input}).`);
    try {
      inputs[key] = JSON.parse(raw);
    } catch {
      inputs[key] = raw;
    }
  }
  const installed = await api<{ agent: { id: string; name: string }; version: { version: string; digest: string } }>(
    target,
    'POST',
    `/api/workspaces/${workspaceId}/marketplace/installs`,
    {
      agent: name,
      ...(version ? { version } : {}),
      ...(options.name ? { name: options.name } : {}),
      bindings,
      inputs,
    },
  );
  const ref = `${name}@${installed.version.version}`;
  if (options.format === 'json')
    io.stdout(
      `${JSON.stringify({ status: 'installed', agent: ref, agentId: installed.agent.id, name: installed.agent.name, digest: installed.version.digest, permissions: detail.agent.permissions }, null, 2)}\n`,
    );
  else
    io.stdout(
      `Installed ${ref} as "${installed.agent.name}" (agent ${installed.agent.id}); signature verified (sha256:${installed.version.digest}).\nIt may:\n${detail.agent.permissions.map((p) => `  - ${p}`).join('\n')}\n`,
    );
  return 0;
}
