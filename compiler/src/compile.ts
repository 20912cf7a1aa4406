import {
  rangeOfPath,
  validateAgent,
  type AgentDocument,
  type SourceLocator,
  type AgentValidation,
  type Diagnostic,
  type DocumentPath,
  type Range,
  type ValueType,
} from '@ionflux/dsl';
import type { CompileCache } from './compile-cache';
import type { AgentIR } from './ir';
import { lowerAgent, type ForEachLowering, type LayoutPositions } from './lower';
import { normalizeAgent } from './normalize';
import type { N8nWorkflow } from './workflow';

export interface CompileResult {
  diagnostics: Diagnostic[];
  /** Present when the agent has no error. */
  workflow?: N8nWorkflow;
  /** The workflow as text: what `ionflux compile` writes and golden files hold. */
  json?: string;
  ir?: AgentIR;
  /** Each node's source in the YAML that was compiled: path and its current line:col range. */
  sourceMap?: Record<string, { path: DocumentPath; range: Range }>;
}

/** The workflow as text: two-space JSON with a final newline. Key order is construction order, hence stable. */
export function emitWorkflow(workflow: N8nWorkflow): string {
  return `${JSON.stringify(workflow, null, 2)}\n`;
}

/**
 * Compiles agent YAML into an n8n workflow: validate (dsl) -> normalize (IR) -> lower (n8n nodes) -> emit (JSON).
 * Deterministic: the same YAML gives byte-identical JSON; comments and formatting change only the source map's
 * line:col ranges, which are returned beside the workflow, not inside it.
 *
 * @example
 * const { json, diagnostics } = compileAgent(readFileSync('agent.yaml', 'utf8'));
 */
export function compileAgent(text: string, options: CompileOptions = {}): CompileResult {
  return compileValidated(validateAgent(text), options);
}

export interface CompileOptions {
  /** Positions by node name (a `<agent>.layout.json` sidecar). */
  layout?: LayoutPositions | undefined;
  /**
   * `auto` (default): a forEach whose body n8n's per-item execution runs as the loop would is a straight chain
   * (`forEachForm`); `loop`: every forEach uses Loop Over Items (to compare both forms); `unordered`: straight even
   * where the ordering rules forbid it (tests only: it can change what a run does).
   */
  forEach?: ForEachLowering | undefined;
  /**
   * `false`: the workflow's `meta.ionflux.hash` is left empty (`''`), all else the same. For callers that do not keep
   * or deploy the workflow (the editor's graph at every keystroke): hashing the whole workflow's JSON is a third of
   * a compile's time in a browser, where the SHA-256 is the compiler's portable JavaScript.
   */
  hash?: boolean | undefined;
  /**
   * What earlier compiles of the same agent made (`createCompileCache`, compile-cache.ts), reused where it is the
   * same: for an editor compiling at every keystroke. The result is the same as without; it shares parts with other
   * compiles' results, so the caller must not change them.
   */
  cache?: CompileCache | undefined;
}

export function compileValidated(validation: AgentValidation, options: CompileOptions = {}): CompileResult {
  if (!validation.agent) return { diagnostics: validation.diagnostics };
  const compiled = compileChecked(
    {
      agent: validation.agent,
      resolvedConnections: validation.resolvedConnections,
      interpolationTypes: validation.interpolationTypes,
      locator: { rangeOf: (path) => rangeOfPath(validation.document, validation.lineCounter, path) },
    },
    options,
  );
  return { diagnostics: validation.diagnostics, ...compiled, json: emitWorkflow(compiled.workflow) };
}

/**
 * Compiles an agent that is already validated, with source ranges from `locator`: what the editor's worker does
 * with `createAgentValidator`'s result, so a keystroke's graph needs no second parse of the whole text.
 *
 * @example
 * const checked = createAgentValidator().validate(text);
 * if (checked.agent) compileChecked({ agent: checked.agent, resolvedConnections: checked.resolvedConnections, locator: checked.locator });
 */
export function compileChecked(
  {
    agent,
    resolvedConnections,
    interpolationTypes,
    locator,
  }: {
    agent: AgentDocument;
    resolvedConnections?: Map<string, string> | undefined;
    /** The checker's types of template interpolations: without them every interpolation keeps `textOf`. */
    interpolationTypes?: ReadonlyMap<string, ValueType> | undefined;
    locator: Pick<SourceLocator, 'rangeOf'>;
  },
  { layout, forEach, hash, cache }: CompileOptions = {},
): Required<Pick<CompileResult, 'workflow' | 'ir' | 'sourceMap'>> {
  cache?.startCompile();
  const ir = normalizeAgent({
    agent,
    ...(resolvedConnections ? { resolvedConnections } : {}),
    ...(interpolationTypes ? { interpolationTypes } : {}),
    cache,
  });
  const workflow = lowerAgent(ir, {
    ...(layout ? { layout } : {}),
    ...(forEach ? { forEach } : {}),
    ...(hash === false ? { hash } : {}),
    cache,
  });
  const sourceMap: NonNullable<CompileResult['sourceMap']> = {};
  for (const [node, source] of Object.entries(workflow.meta.ionflux.nodes)) {
    sourceMap[node] = { path: source.path, range: locator.rangeOf(source.path) };
  }
  return { workflow, ir, sourceMap };
}
