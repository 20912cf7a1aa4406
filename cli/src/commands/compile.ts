import {
  compileAgent,
  decompileWorkflow,
  renderGraph,
  type LayoutPositions,
  type N8nWorkflow,
} from '@ionflux/compiler';
import { formatDiagnostics } from '@ionflux/dsl';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { readText } from '../files';
import { useColor, UsageError, type CliIO } from '../io';

/** `<dir>/<name>.layout.json` beside `<dir>/<name>.yaml`: graph positions, kept out of the agent itself. */
export function layoutPathFor(agentPath: string): string {
  return join(dirname(agentPath), `${basename(agentPath).replace(/\.ya?ml$/, '')}.layout.json`);
}

export function readLayout(agentPath: string, io: CliIO): LayoutPositions | undefined {
  const path = resolve(io.cwd, layoutPathFor(agentPath));
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readText(path, io.cwd)) as { positions?: LayoutPositions };
    return parsed.positions ?? {};
  } catch (error) {
    throw new UsageError(`${relative(io.cwd, path)} is not valid JSON: ${(error as Error).message}`);
  }
}

function write(path: string | undefined, content: string, io: CliIO): void {
  if (path === undefined) io.stdout(content);
  else writeFileSync(resolve(io.cwd, path), content);
}

/** `ionflux compile <agent.yaml> [-o workflow.json]`. */
export function compileCommand(file: string, options: { output?: string }, io: CliIO): number {
  const text = readText(file, io.cwd);
  const layout = readLayout(file, io);
  const result = compileAgent(text, layout ? { layout } : {});
  if (result.diagnostics.length > 0)
    io.stderr(`${formatDiagnostics({ file, text, diagnostics: result.diagnostics, color: useColor(io) })}\n`);
  if (!result.json) return 1;
  write(options.output, result.json, io);
  if (options.output) io.stderr(`Wrote ${options.output} (${result.workflow!.nodes.length} nodes).\n`);
  return 0;
}

/** `ionflux decompile <workflow.json> [-o agent.yaml]`: with -o, positions go to the layout sidecar. */
export function decompileCommand(file: string, options: { output?: string }, io: CliIO): number {
  const text = readText(file, io.cwd);
  const result = decompileWorkflow(text);
  for (const d of result.diagnostics) {
    io.stderr(`${file}: ${d.severity} ${d.code}: ${d.message}${d.node ? ` [node "${d.node}", type ${d.type}]` : ''}\n`);
  }
  if (!result.yaml) return 1;
  write(options.output, result.yaml, io);
  if (options.output) {
    writeFileSync(
      resolve(io.cwd, layoutPathFor(options.output)),
      `${JSON.stringify({ positions: result.layout }, null, 2)}\n`,
    );
    io.stderr(`Wrote ${options.output} and ${layoutPathFor(options.output)}.\n`);
  }
  return 0;
}

/** `ionflux graph <agent.yaml | workflow.json>`: nodes and edges as text. */
export function graphCommand(file: string, io: CliIO): number {
  const text = readText(file, io.cwd);
  let workflow: N8nWorkflow;
  if (/\.json$/i.test(file)) {
    try {
      workflow = JSON.parse(text) as N8nWorkflow;
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(workflow.nodes)) throw new UsageError(`${file} is not an n8n workflow (no "nodes").`);
  } else {
    const result = compileAgent(text);
    if (!result.workflow) {
      io.stderr(`${formatDiagnostics({ file, text, diagnostics: result.diagnostics, color: useColor(io) })}\n`);
      return 1;
    }
    workflow = result.workflow;
  }
  io.stdout(renderGraph(workflow));
  return 0;
}
