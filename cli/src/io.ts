/** Where a command reads and writes; tests pass buffers, the binary passes the process streams. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stdout is an interactive terminal (enables colors and live progress). */
  isTTY: boolean;
}

export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
  };
}

export function useColor(io: CliIO): boolean {
  return io.isTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
}

/**
 * A problem the user can fix (bad arguments, unreadable file, a taken port): printed on one line without a stack,
 * exit code 2. `code` names it in `--format json` failures (`{ "status": "failed", "error": { code, message } }`).
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly code: string = 'usage',
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The JSON document of a failure (`--format json`): one shape for every command and every kind of failure. */
export function failureDocument(
  error: { code: string; message: string } & Record<string, unknown>,
  extra: Record<string, unknown> = {},
): string {
  return `${JSON.stringify({ status: 'failed', ...extra, error }, null, 2)}\n`;
}

/** Whether the arguments ask for JSON output (`--format json` or `--format=json`), read before parsing them. */
export function wantsJson(argv: string[]): boolean {
  return argv.some((arg, i) => arg === '--format=json' || (arg === '--format' && argv[i + 1] === 'json'));
}

/** A port that is taken, as a one-line usage error. */
export function portInUse(error: unknown, what: string): UsageError | undefined {
  const { code, port } = error as { code?: string; port?: number };
  if (code !== 'EADDRINUSE') return undefined;
  return new UsageError(
    `Port ${port ?? ''} is already in use, so ${what} cannot listen on it: stop what uses it, or choose another with --port (0 picks a free one).`.replace(
      'Port  is',
      'The port is',
    ),
    'port_in_use',
    port !== undefined ? { port } : {},
  );
}
