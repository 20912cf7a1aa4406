import { Command, CommanderError, Option } from 'commander';
import { initCommand } from './commands/init';
import { schemaCommand } from './commands/schema';
import { validateCommand } from './commands/validate';
import { processIO, UsageError, type CliIO } from './io';

const VERSION = (require('../package.json') as { version: string }).version;

/**
 * Runs the `ionflux` command line with the given arguments (without `node ionflux`) and returns the exit code.
 * Commands that need the server or the engine load them lazily, so `ionflux validate` stays fast.
 */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  const program = new Command('ionflux')
    .description('IONFLUX: write agents in YAML, compile them to n8n workflows, run them.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
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

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      io.stderr(`ionflux: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await runCli(argv);
  } catch (error) {
    process.stderr.write(`ionflux: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 70;
  }
}
