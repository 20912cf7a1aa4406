import type { Diagnostic } from './diagnostics';

/**
 * Formats diagnostics like a compiler: `file:line:col: severity CODE: message`, the source line, and a caret line
 * under the range.
 *
 * @example
 * agent.yaml:12:23: error IFX301: Unknown input 'treshold' (did you mean 'threshold'?).
 *    12 |       if: "{{ inputs.treshold > 1 }}"
 *       |                      ^^^^^^^^
 */
export function formatDiagnostics({
  file,
  text,
  diagnostics,
  color = false,
}: {
  file: string;
  text: string;
  diagnostics: readonly Diagnostic[];
  color?: boolean;
}): string {
  const lines = text.split(/\r?\n/);
  const paint = (code: string, value: string) => (color ? `\u001b[${code}m${value}\u001b[0m` : value);
  const out: string[] = [];
  for (const d of diagnostics) {
    const { line, col } = d.range.start;
    const severity =
      d.severity === 'error'
        ? paint('31;1', 'error')
        : d.severity === 'warning'
          ? paint('33;1', 'warning')
          : paint('36', 'info');
    out.push(`${paint('1', `${file}:${line}:${col}`)}: ${severity} ${paint('2', d.code)}: ${d.message}`);
    const source = lines[line - 1];
    if (source === undefined) continue;
    const gutter = String(line).padStart(5);
    const shown = source.replace(/\t/g, ' ');
    out.push(`${gutter} | ${shown}`);
    const endCol = d.range.end.line === line ? Math.max(d.range.end.col, col + 1) : shown.length + 1;
    const width = Math.max(1, Math.min(endCol, shown.length + 1) - col);
    out.push(`${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, col - 1))}${paint('32;1', '^'.repeat(width))}`);
  }
  return out.join('\n');
}

/** One line per file: "3 errors, 1 warning". */
export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
