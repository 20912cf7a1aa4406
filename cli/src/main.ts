import { Command, CommanderError, Option } from 'commander';
import { compileCommand, decompileCommand, graphCommand } from './commands/compile';
import { initCommand } from './commands/init';
import { installCommand, publishCommand, type InstallOptions, type PublishOptions } from './commands/marketplace';
import { deployCommand, pullCommand, undeployCommand, type DeployOptions } from './commands/n8n';
import { runCommand, type RunOptions } from './commands/run';
import { sandboxDaemonCommand, sandboxServeCommand, sandboxStopCommand, serveCommand } from './commands/serve';
import { schemaCommand } from './commands/schema';
import { simulateShopifyOrderCommand, type SimulateOrderOptions } from './commands/simulate';
import { validateCommand } from './commands/validate';
import { failureDocument, portInUse, processIO, UsageError, wantsJson, type CliIO } from './io';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json is outside the TypeScript rootDir
const VERSION = (require('../package.json') as { version: string }).version;

/**
 * Runs the `ionflux` command line with the given arguments (without `node ionflux`) and returns the exit code.
 * Commands that need the server or the engine load them lazily, so `ionflux validate` stays fast.
 */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  // With --format json every failure is a JSON document on stdout, including those commander finds in the arguments.
  const json = wantsJson(argv);
  const program = new Command('ionflux')
    .description('IONFLUX: write agents in YAML, compile them to n8n workflows, run them.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: json ? () => undefined : io.stderr })
    .showHelpAfterError('(run ionflux --help for usage)');

  program
    .command('validate')
    .description('Check agent files: schema, references, expressions and types.')
    .argument('<files...>', 'agent YAML files or directories')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((files: string[], options: { format: 'text' | 'json' }) => {
      exitCode = validateCommand(files, options, io);
    });

  program
    .command('schema')
    .description('Print the JSON Schema of agent documents.')
    .action(() => {
      exitCode = schemaCommand(io);
    });

  program
    .command('init')
    .description('Write a starter agent, <name>.yaml.')
    .argument('<name>', 'agent name (lowercase, dashes)')
    .option('--dir <dir>', 'directory to write to', '.')
    .option('--force', 'overwrite an existing file', false)
    .action((name: string, options: { dir: string; force: boolean }) => {
      exitCode = initCommand(name, options, io);
    });

  program
    .command('compile')
    .description('Compile an agent into an n8n workflow (JSON).')
    .argument('<agent>', 'agent YAML file')
    .option('-o, --output <file>', 'write the workflow to a file instead of stdout')
    .action((file: string, options: { output?: string }) => {
      exitCode = compileCommand(file, options, io);
    });

  program
    .command('decompile')
    .description('Turn an n8n workflow (IONFLUX and standard nodes) back into agent YAML.')
    .argument('<workflow>', 'n8n workflow JSON file')
    .option('-o, --output <file>', 'write the agent to a file (and its layout sidecar) instead of stdout')
    .action((file: string, options: { output?: string }) => {
      exitCode = decompileCommand(file, options, io);
    });

  program
    .command('graph')
    .description('Print the nodes and edges of an agent (or a workflow JSON) as text.')
    .argument('<file>', 'agent YAML or workflow JSON')
    .action((file: string) => {
      exitCode = graphCommand(file, io);
    });

  program
    .command('run')
    .description('Compile an agent and run it on the embedded n8n engine, with live progress.')
    .argument('<agent>', 'agent YAML file')
    .option('--input <json>', 'the agent\'s inputs, e.g. \'{"period":"last_30_days"}\'')
    .option('--trigger <json>', 'the trigger payload, e.g. a Shopify order webhook body')
    .option(
      '--sandbox',
      'bind every connection to the sandbox emulators (and an embedded server for canvas/chat)',
      false,
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--server <url>', 'a running IONFLUX server for canvas, chat and notifications (or IONFLUX_URL)')
    .option('--token <token>', 'a workspace API token of that server (or IONFLUX_API_TOKEN)')
    .option('--timeout <duration>', 'stop the run after this long, e.g. 30s')
    .option('--seed <seed>', 'with --sandbox: seed of the sandbox data (same seed, same data; default 42)')
    .option('--fresh', 'with --sandbox: run on a new sandbox of its own instead of the warm local one', false)
    .addHelpText(
      'after',
      `
With --sandbox the run goes to the local sandbox: a background process started by the first run that keeps the
server, the emulators and n8n warm (it keeps what runs wrote until it stops, after 15 minutes unused or with
ionflux sandbox stop). IONFLUX_SANDBOX_DAEMON=off, or --fresh, runs on a sandbox of the run's own instead.

Without --sandbox, connections use real accounts from the environment:
  Shopify   SHOPIFY_SHOP_DOMAIN, SHOPIFY_ACCESS_TOKEN (SHOPIFY_API_VERSION, SHOPIFY_APP_SECRET)
  LLM       OPENAI_API_KEY (OPENAI_BASE_URL for any OpenAI-compatible provider, IONFLUX_LLM_MODEL, IONFLUX_EMBEDDING_MODEL)
  TikTok    TIKTOK_ACCESS_TOKEN or TIKTOK_BUSINESS_ACCESS_TOKEN (TIKTOK_CLIENT_KEY, TIKTOK_CLIENT_SECRET, TIKTOK_TCM_ACCOUNT_ID, TIKTOK_ADVERTISER_ID)
  Pinecone  PINECONE_API_KEY, PINECONE_INDEX
  IONFLUX   IONFLUX_URL, IONFLUX_API_TOKEN (canvas, chat and notification steps)`,
    )
    .action(async (file: string, options: RunOptions) => {
      exitCode = await runCommand(file, options, io);
    });

  const n8nOptions = (command: Command) =>
    command
      .option('--n8n-url <url>', 'the n8n server, e.g. http://127.0.0.1:5678 (or N8N_URL)')
      .option('--n8n-api-key <key>', 'an n8n API key (or N8N_API_KEY)');

  n8nOptions(
    program
      .command('deploy')
      .description("Compile an agent and create or update its workflow on an n8n server (n8n's public API).")
      .argument('<agent>', 'agent YAML file'),
  )
    .option('--activate', 'activate the workflow (triggers start receiving events)', false)
    .option('--sandbox', "bind connections to the sandbox emulators of --server (the server's /sandbox)", false)
    .option('--server <url>', 'the IONFLUX server for canvas, chat and notification steps (or IONFLUX_URL)')
    .option('--token <token>', 'a workspace API token of that server (or IONFLUX_API_TOKEN)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Credentials are linked by name when n8n has them (named as the agent's connections), else created from the
environment (the variables of ionflux run --help) or, with --sandbox, for the sandbox emulators. Deploying again
updates the same workflow (found by the agent's name); an unchanged agent is left as is.`,
    )
    .action(async (file: string, options: DeployOptions) => {
      exitCode = await deployCommand(file, options, io);
    });

  n8nOptions(
    program
      .command('undeploy')
      .description("Remove an agent's workflow from an n8n server.")
      .argument('<agent>', 'agent YAML file or agent name'),
  ).action(async (agent: string, options: DeployOptions) => {
    exitCode = await undeployCommand(agent, options, io);
  });

  n8nOptions(
    program
      .command('pull')
      .description(
        'Read a workflow back from n8n as agent YAML; with a file, apply the changes onto it and show the diff.',
      )
      .argument('<workflow>', 'n8n workflow id')
      .argument('[agent]', 'the local agent YAML file to update (comments and formatting kept)'),
  )
    .option('--dry-run', 'show the diff without writing the file', false)
    .action(async (workflow: string, file: string | undefined, options: DeployOptions & { dryRun?: boolean }) => {
      exitCode = await pullCommand(workflow, file, options, io);
    });

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  program
    .command('publish')
    .description('Sign an agent package with your publisher key (created on first use) and publish it.')
    .argument('<agent>', 'agent YAML file')
    .option('--readme <file>', 'the Markdown readme shown in the marketplace')
    .option('--category <category>', 'catalog category (default from its connections)')
    .option('--tags <tags>', "comma-separated tags (default: the agent's metadata.tags)")
    .option('--price <minor>', 'monthly rental price in minor units (cents); free without it')
    .option('--currency <code>', 'currency of --price (default USD)')
    .option('--publisher-name <name>', "your publisher's name, on the first publish (default: the workspace's name)")
    .option('--workspace <id>', "the publishing workspace (default: the API token's)")
    .option('--server <url>', 'the IONFLUX server (or IONFLUX_URL)')
    .option('--token <token>', 'an API token of the workspace, or an access token (or IONFLUX_API_TOKEN)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string, options: PublishOptions) => {
      exitCode = await publishCommand(file, options, io);
    });

  program
    .command('install')
    .description('Install a marketplace agent into a workspace (its signature is verified by the server).')
    .argument('<agent>', '<name> or <name>@<version>')
    .option('--workspace <id>', "the workspace (default: the API token's)")
    .option('--bind <connection=id>', 'bind a connection to a Brand or Creator id, or "sandbox" (repeatable)', collect)
    .option('--input <name=value>', 'an input value (JSON or text; repeatable)', collect)
    .option('--name <name>', "the installed agent's name (default: its display name)")
    .option('--server <url>', 'the IONFLUX server (or IONFLUX_URL)')
    .option('--token <token>', 'an API token of the workspace, or an access token (or IONFLUX_API_TOKEN)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (agent: string, options: InstallOptions) => {
      exitCode = await installCommand(agent, options, io);
    });

  program
    .command('serve')
    .description('Start the IONFLUX server (embedded PostgreSQL by default), with the sandbox emulators on request.')
    .option('--port <port>', 'port to listen on (default 8080, or PORT)')
    .option('--data-dir <dir>', 'embedded database folder (default .ionflux/data, or IONFLUX_DATA_DIR)')
    .option('--database-url <url>', 'use this PostgreSQL server instead (or DATABASE_URL)')
    .option('--demo', 'seed the demo workspace (demo@ionflux.local) and serve the sandbox emulators', false)
    .option('--sandbox', 'serve the sandbox emulators under /sandbox (or IONFLUX_SANDBOX=1)', false)
    .action(
      async (options: { port?: string; dataDir?: string; databaseUrl?: string; demo?: boolean; sandbox?: boolean }) => {
        exitCode = await serveCommand(options, io);
      },
    );

  const sandbox = program
    .command('sandbox')
    .description('The sandbox emulators (Shopify, TikTok, an OpenAI-compatible offline model).');
  sandbox
    .command('serve')
    .description('Run the emulators on their own, on loopback.')
    .option('--port <port>', 'port to listen on (default: a free one)')
    .option('--seed <seed>', 'data seed (same seed, same data)')
    .action(async (options: { port?: string; seed?: string }) => {
      exitCode = await sandboxServeCommand(options, io);
    });
  sandbox
    .command('stop')
    .description('Stop the local sandbox that ionflux run --sandbox keeps warm (what runs wrote there is dropped).')
    .action(async () => {
      exitCode = await sandboxStopCommand(io);
    });
  sandbox
    .command('daemon', { hidden: true })
    .description('Serve the local sandbox (started by ionflux run --sandbox).')
    .requiredOption('--seed <seed>', 'data seed')
    .requiredOption('--key <key>', 'the build key of the socket name')
    .action(async (options: { seed: string; key: string }) => {
      exitCode = await sandboxDaemonCommand(options, io);
    });

  program
    .command('simulate')
    .description('Make the sandbox emit events, as the real services would.')
    .command('shopify-order')
    .description(
      "Create an order in the server's sandbox store; the sandbox delivers the signed orders/create webhook to the server.",
    )
    .requiredOption('--store <shop>', 'the shop domain (the sandbox store is ionflux-demo.myshopify.com)')
    .requiredOption('--total <amount>', 'order total, e.g. 150')
    .option('--currency <code>', 'currency (the sandbox store sells in USD)', 'USD')
    .option('--server <url>', `the IONFLUX server (or IONFLUX_URL; default ${'http://127.0.0.1:8080'})`)
    .option('--token <token>', "a server admin's access token (or IONFLUX_ACCESS_TOKEN)")
    .option(
      '--email <email>',
      'sign in as this server admin instead (or IONFLUX_ADMIN_EMAIL; default the demo account)',
    )
    .option('--password <password>', 'their password (or IONFLUX_ADMIN_PASSWORD)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (options: SimulateOrderOptions) => {
      exitCode = await simulateShopifyOrderCommand(options, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      if (json) io.stdout(failureDocument({ code: 'usage', message: error.message.replace(/^error: /, '') }));
      return 2;
    }
    const usage = error instanceof UsageError ? error : portInUse(error, 'ionflux');
    if (usage) {
      if (json) io.stdout(failureDocument({ code: usage.code, message: usage.message, ...usage.details }));
      else io.stderr(`ionflux: ${usage.message}\n`);
      return 2;
    }
    if (json) {
      io.stdout(failureDocument({ code: 'internal', message: (error as Error).message ?? String(error) }));
      io.stderr(`ionflux: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
      return 70;
    }
    throw error;
  }
}

export async function main(argv: string[]): Promise<number> {
  // A reader that stops early (`ionflux schema | head`) closes the pipe: that ends the output, it is not a failure.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  try {
    return await runCli(argv);
  } catch (error) {
    process.stderr.write(`ionflux: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 70;
  }
}
