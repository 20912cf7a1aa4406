import { compileAgent } from '@ionflux/compiler';
import { formatDiagnostics, parseDuration, type Diagnostic } from '@ionflux/dsl';
import type { AgentRunResult, CredentialTable, NodeEvent } from '@ionflux/engine';
// The argument checks only, without n8n: they run before anything is started.
import { checkRunArguments } from '@ionflux/engine/dist/run-arguments.js';
import { RunInputError } from '@ionflux/engine/dist/inputs.js';
import { readText } from '../files';
import { failureDocument, useColor, UsageError, type CliIO } from '../io';

export interface RunOptions {
  input?: string;
  trigger?: string;
  sandbox?: boolean;
  format?: 'text' | 'json';
  server?: string;
  token?: string;
  timeout?: string;
  seed?: string;
  /** With --sandbox: a sandbox of this run's own instead of the warm local one. */
  fresh?: boolean;
}

function parseJsonOption(name: string, value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw new UsageError(
      `--${name} must be JSON, e.g. --${name} '{"period":"last_30_days"}' (${(error as Error).message}).`,
      `invalid_${name}`,
    );
  }
}

function runInputUsageError(error: RunInputError): UsageError {
  const code = error.field.startsWith('trigger') ? 'invalid_trigger' : 'invalid_input';
  return new UsageError(error.message, code, { field: error.field });
}

/** Credentials from the environment, for runs against real accounts (without --sandbox). */
export function environmentCredentials(env: Record<string, string | undefined>): CredentialTable {
  const table: CredentialTable = {};
  if (env.SHOPIFY_SHOP_DOMAIN && env.SHOPIFY_ACCESS_TOKEN) {
    table.ionfluxShopifyAccessTokenApi = {
      shopDomain: env.SHOPIFY_SHOP_DOMAIN,
      accessToken: env.SHOPIFY_ACCESS_TOKEN,
      apiVersion: env.SHOPIFY_API_VERSION ?? '2025-10',
      appSecret: env.SHOPIFY_APP_SECRET ?? '',
    };
  }
  if (env.OPENAI_API_KEY) {
    table.ionfluxLlmApi = {
      baseUrl: env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
      apiKey: env.OPENAI_API_KEY,
      model: env.IONFLUX_LLM_MODEL ?? 'gpt-4o-mini',
      embeddingModel: env.IONFLUX_EMBEDDING_MODEL ?? 'text-embedding-3-small',
    };
  }
  if (env.TIKTOK_BUSINESS_ACCESS_TOKEN || env.TIKTOK_ACCESS_TOKEN) {
    table.ionfluxTikTokOAuth2Api = {
      clientKey: env.TIKTOK_CLIENT_KEY ?? '',
      clientSecret: env.TIKTOK_CLIENT_SECRET ?? '',
      accessToken: env.TIKTOK_ACCESS_TOKEN ?? '',
      refreshToken: '',
      businessAccessToken: env.TIKTOK_BUSINESS_ACCESS_TOKEN ?? '',
      tcmAccountId: env.TIKTOK_TCM_ACCOUNT_ID ?? '',
      advertiserId: env.TIKTOK_ADVERTISER_ID ?? '',
    };
  }
  if (env.PINECONE_API_KEY && env.PINECONE_INDEX)
    table.ionfluxPineconeApi = { apiKey: env.PINECONE_API_KEY, indexName: env.PINECONE_INDEX };
  return table;
}

/** Live progress: a line per node as it finishes (on a terminal, the running node is shown meanwhile). */
function progressPrinter(io: CliIO, color: boolean): (event: NodeEvent) => void {
  const dim = (s: string) => (color ? `\u001b[2m${s}\u001b[0m` : s);
  const mark = (ok: boolean) => (ok ? (color ? '\u001b[32m✓\u001b[0m' : '✓') : color ? '\u001b[31m✗\u001b[0m' : '✗');
  return (event) => {
    if (event.type === 'start') {
      if (io.isTTY) io.stdout(`  ${dim('…')} ${event.node}\r`);
      return;
    }
    const items = `${event.outputItems} item${event.outputItems === 1 ? '' : 's'}`;
    const tokens = event.usage ? `, ${event.usage.totalTokens} tokens` : '';
    const where = event.status === 'error' && event.source?.line ? ` at line ${event.source.line}` : '';
    io.stdout(
      `${io.isTTY ? '\u001b[2K' : ''}  ${mark(event.status === 'success')} ${event.node} ${dim(`${event.durationMs} ms, ${items}${tokens}${where}`)}\n`,
    );
  };
}

function summarize(result: AgentRunResult): Record<string, unknown> {
  const document: Record<string, unknown> = {
    // One word for every failure in JSON: `failed` (the run's own `error`), as for usage errors.
    status: result.status === 'error' ? 'failed' : result.status,
    output: result.output ?? null,
    steps: result.steps.map(({ id, node, status, durationMs, items }) => ({ id, node, status, durationMs, items })),
  };
  if (result.error) {
    const error: Record<string, unknown> = {
      code: result.status === 'canceled' ? 'run_canceled' : 'run_failed',
      message: result.error.message,
    };
    if (result.error.line !== undefined) error.line = result.error.line;
    if (result.error.col !== undefined) error.col = result.error.col;
    if (result.error.step) error.step = result.error.step;
    if (result.error.node) error.node = result.error.node;
    document.error = error;
  }
  document.usage = result.usage;
  document.durationMs = result.durationMs;
  document.executionId = result.executionId;
  return document;
}

/**
 * `ionflux run <agent.yaml>`: compiles the agent and runs it on the embedded n8n engine. With --sandbox every
 * connection is bound to the sandbox emulators and canvas/chat/notify go to an embedded IONFLUX server (demo
 * workspace) unless --server/--token name a running one.
 */
export async function runCommand(file: string, options: RunOptions, io: CliIO): Promise<number> {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json (got ${format}).`);
  const input = parseJsonOption('input', options.input);
  if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    throw new UsageError('--input must be a JSON object of input values, e.g. {"threshold": 150}.');
  }
  const trigger = parseJsonOption('trigger', options.trigger);
  const timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout);
  if (options.timeout !== undefined && timeoutMs === undefined)
    throw new UsageError(`--timeout must be a duration such as 30s or 2m (got ${options.timeout}).`);
  const seed = options.seed === undefined ? undefined : Number(options.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed))
    throw new UsageError(`--seed must be an integer, e.g. --seed 7 (got ${options.seed}).`);
  if (seed !== undefined && !options.sandbox)
    throw new UsageError('--seed chooses the sandbox data: use it with --sandbox.');
  if (options.fresh && !options.sandbox)
    throw new UsageError('--fresh starts a sandbox of its own: use it with --sandbox.');

  const text = readText(file, io.cwd);
  const compiled = compileAgent(text);
  if (!compiled.workflow) {
    if (format === 'json') {
      io.stdout(
        failureDocument(
          { code: 'invalid_agent', message: 'The agent has errors.', diagnostics: compiled.diagnostics },
          { output: null, steps: [] },
        ),
      );
    } else {
      io.stderr(`${formatDiagnostics({ file, text, diagnostics: compiled.diagnostics, color: useColor(io) })}\n`);
    }
    return 1;
  }
  // --input and --trigger are checked against the agent before a server or the engine is started.
  try {
    checkRunArguments({
      workflow: compiled.workflow,
      ...(input !== undefined ? { input: input as Record<string, unknown> } : {}),
      ...(trigger !== undefined ? { trigger } : {}),
    });
  } catch (error) {
    if (error instanceof RunInputError) throw runInputUsageError(error);
    throw error;
  }

  const serverUrl = options.server ?? io.env.IONFLUX_URL;
  const color = useColor(io);
  const run = {
    workflow: compiled.workflow,
    ...(input !== undefined ? { input: input as Record<string, unknown> } : {}),
    ...(trigger !== undefined ? { trigger } : {}),
    ...(compiled.sourceMap ? { sourceMap: compiled.sourceMap } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
  const onNodeEvent = format === 'text' ? progressPrinter(io, color) : undefined;
  let result: AgentRunResult;
  if (options.sandbox && !serverUrl && !options.fresh && io.env.IONFLUX_SANDBOX_DAEMON !== 'off') {
    // The warm local sandbox: n8n, the server and the sandbox stay loaded between runs.
    const daemon = await import('../sandbox-daemon.js');
    const { ionfluxCacheDir } = await import('../sandbox-database-cache.js');
    const cacheDir = ionfluxCacheDir(io.env);
    const key = await daemon.daemonKey();
    const socketPath = daemon.daemonSocketPath(cacheDir, seed ?? 42, key);
    if (socketPath) {
      const health = await daemon.ensureDaemon({
        cacheDir,
        seed: seed ?? 42,
        key,
        socketPath,
        env: io.env,
        onStart: () => {
          if (format === 'text') io.stdout('Starting the local sandbox (once: it stays warm between runs)...\n');
        },
      });
      if (format === 'text') {
        io.stdout(
          `Sandbox: local IONFLUX sandbox ${health.url} (demo workspace${health.login ? `, sign in as ${health.login}` : ''}; emulated Shopify/TikTok/LLM; stops after ${health.idleMs >= 60_000 ? `${Math.round(health.idleMs / 60_000)} min` : `${Math.round(health.idleMs / 1000)} s`} unused, or ionflux sandbox stop)\n`,
        );
        io.stdout(`Running ${compiled.workflow.name} (${compiled.workflow.nodes.length} nodes)\n`);
      }
      try {
        result = await daemon.runOnDaemon(socketPath, { ...run, events: onNodeEvent !== undefined }, onNodeEvent);
      } catch (error) {
        const { name, message, field } = error as { name?: string; message: string; field?: string };
        if (name === 'RunInputError' && field !== undefined)
          throw runInputUsageError(new RunInputError(field, message));
        throw error;
      }
      return report(result, { file, text, format, io, color });
    }
  }

  const engine = await import('@ionflux/engine');
  const apiToken = options.token ?? io.env.IONFLUX_API_TOKEN;
  let close: (() => Promise<void>) | undefined;
  let table: CredentialTable;
  let accounts: Record<string, string> = {};
  if (options.sandbox) {
    if (serverUrl) {
      if (!apiToken) throw new UsageError('--server needs --token (a workspace API token), or IONFLUX_API_TOKEN.');
      table = engine.sandboxCredentials({
        sandboxBaseUrl: serverUrl,
        ionflux: { baseUrl: serverUrl, token: apiToken },
      });
    } else {
      const { startSandboxEnvironment } = await import('../sandbox-environment.js');
      const { ionfluxCacheDir } = await import('../sandbox-database-cache.js');
      const environment = await startSandboxEnvironment({
        ...(seed !== undefined ? { seed } : {}),
        databaseCache: ionfluxCacheDir(io.env),
      });
      close = () => environment.close();
      table = environment.credentialTable;
      if (format === 'text')
        io.stdout(
          `Sandbox: embedded IONFLUX server ${environment.url} (demo workspace, emulated Shopify/TikTok/LLM)\n`,
        );
    }
    const { sandboxAccounts } = await import('../sandbox-daemon.js');
    accounts = sandboxAccounts(compiled.workflow, engine.SANDBOX_ACCOUNTS);
  } else {
    table = environmentCredentials(io.env);
    if (serverUrl && apiToken) table.ionfluxApi = { baseUrl: serverUrl, token: apiToken };
  }

  if (format === 'text') io.stdout(`Running ${compiled.workflow.name} (${compiled.workflow.nodes.length} nodes)\n`);
  try {
    result = await engine.runAgent({
      ...run,
      credentials: engine.tableCredentialResolver(table),
      accounts,
      ...(onNodeEvent ? { onNodeEvent } : {}),
    });
  } catch (error) {
    await close?.();
    if (error instanceof engine.RunInputError) throw runInputUsageError(error);
    throw error;
  }
  await close?.();
  return report(result, { file, text, format, io, color });
}

/** Prints a run's result (text or JSON) and returns the exit code. */
function report(
  result: AgentRunResult,
  { file, text, format, io, color }: { file: string; text: string; format: 'text' | 'json'; io: CliIO; color: boolean },
): number {
  if (format === 'json') {
    io.stdout(`${JSON.stringify(summarize(result), null, 2)}\n`);
    return result.status === 'success' ? 0 : 1;
  }
  const seconds = (result.durationMs / 1000).toFixed(2);
  if (result.status === 'success') {
    io.stdout(
      `\n${color ? '\u001b[32m' : ''}Run succeeded${color ? '\u001b[0m' : ''} in ${seconds} s${result.usage.totalTokens ? `, ${result.usage.totalTokens} tokens` : ''}.\nOutput:\n`,
    );
    io.stdout(`${JSON.stringify(result.output ?? null, null, 2)}\n`);
    return 0;
  }
  io.stdout(
    `\n${color ? '\u001b[31m' : ''}Run ${result.status === 'canceled' ? 'was stopped' : 'failed'}${color ? '\u001b[0m' : ''} after ${seconds} s.\n`,
  );
  if (result.error?.line !== undefined) {
    const diagnostic: Diagnostic = {
      code: 'IFX300',
      severity: 'error',
      message: result.error.message,
      path: result.error.path ?? [],
      range: {
        start: { line: result.error.line, col: result.error.col ?? 1 },
        end: { line: result.error.line, col: (result.error.col ?? 1) + 1 },
      },
    };
    // A runtime failure, shown at the step's line like a diagnostic (without a diagnostic code).
    io.stdout(
      `${formatDiagnostics({ file, text, diagnostics: [diagnostic], color }).replace(/ error IFX300:/, ' runtime error:')}\n`,
    );
  } else if (result.error) {
    io.stdout(`${result.error.message}\n`);
  }
  return 1;
}
