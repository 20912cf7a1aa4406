import { formatDiagnostics, summarizeDiagnostics, validateAgent, type Diagnostic } from '@ionflux/dsl';
import { expandAgentFiles, readText } from '../files';
import { useColor, UsageError, type CliIO } from '../io';

export interface ValidateOptions {
  format: 'text' | 'json';
}

/** `ionflux validate <files...>`: exit 1 when any file has an error, 0 otherwise. */
export function validateCommand(paths: string[], options: ValidateOptions, io: CliIO): number {
  if (options.format !== 'text' && options.format !== 'json') {
    throw new UsageError(`--format must be text or json (got ${String(options.format)}).`);
  }
  const files = expandAgentFiles(paths, io.cwd);
  if (files.length === 0) throw new UsageError('No agent files to validate.');
  const results: { file: string; diagnostics: Diagnostic[]; text: string }[] = files.map((file) => {
    const text = readText(file, io.cwd);
    return { file, text, diagnostics: validateAgent(text).diagnostics };
  });
  const failed = results.some((r) => r.diagnostics.some((d) => d.severity === 'error'));
  if (options.format === 'json') {
    const bad = results.filter((r) => r.diagnostics.some((d) => d.severity === 'error')).length;
    const document = {
      status: failed ? 'failed' : 'success',
      ...(failed
        ? {
            error: {
              code: 'invalid_agent',
              message: `${bad} of ${results.length} file${results.length === 1 ? '' : 's'} ${bad === 1 ? 'has' : 'have'} errors.`,
            },
          }
        : {}),
      files: results.map(({ file, diagnostics }) => ({ file, diagnostics })),
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
    return failed ? 1 : 0;
  }
  const color = useColor(io);
  for (const { file, text, diagnostics } of results) {
    if (diagnostics.length > 0) io.stdout(`${formatDiagnostics({ file, text, diagnostics, color })}\n`);
    const ok = !diagnostics.some((d) => d.severity === 'error');
    io.stdout(
      `${ok ? (color ? '\u001b[32m✓\u001b[0m' : '✓') : color ? '\u001b[31m✗\u001b[0m' : '✗'} ${file} (${summarizeDiagnostics(diagnostics)})\n`,
    );
  }
  if (results.length > 1) {
    const bad = results.filter((r) => r.diagnostics.some((d) => d.severity === 'error')).length;
    io.stdout(`${results.length} files, ${bad} with errors\n`);
  }
  return failed ? 1 : 0;
}
