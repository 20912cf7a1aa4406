import type { Document, LineCounter } from 'yaml';
import type { AgentDocument } from './agent';
import { checkAgentSemantics } from './check';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics';
import { parseAgentText } from './parse';
import type { ValueType } from './expressions/types';
import { documentLocator, type SourceLocator } from './source-map';
import { validateAgentSchema } from './validate-schema';

export interface AgentValidation {
  /** Every problem found, sorted by position. */
  diagnostics: Diagnostic[];
  /** The typed agent, present only when there is no error (warnings allowed). */
  agent?: AgentDocument;
  /** The plain value of the YAML, whatever its validity. */
  value: unknown;
  /** The YAML document with source ranges (for source maps and in-place edits). */
  document?: Document.Parsed;
  lineCounter: LineCounter;
  /** The connection each action step uses, including ones inferred when the step names none. */
  resolvedConnections: Map<string, string>;
  /** Inferred type of each interpolation in a text template, by `interpolationKey(path, part)`. */
  interpolationTypes: Map<string, ValueType>;
}

/**
 * Validates agent YAML: parse (with ranges) -> JSON Schema (Ajv) -> semantic checks. Never throws; collects
 * every diagnostic in one pass.
 *
 * @example
 * const { agent, diagnostics } = validateAgent(fs.readFileSync('agent.yaml', 'utf8'));
 * if (!agent) console.log(formatDiagnostics({ file: 'agent.yaml', text, diagnostics }));
 */
export function validateAgent(text: string): AgentValidation {
  const parsed = parseAgentText(text);
  const diagnostics = [...parsed.diagnostics];
  const result: AgentValidation = {
    diagnostics,
    value: parsed.value,
    lineCounter: parsed.lineCounter,
    resolvedConnections: new Map(),
    interpolationTypes: new Map(),
  };
  if (parsed.document) result.document = parsed.document;
  // Without a value (YAML errors other than duplicate keys), schema and semantic checks would only add noise.
  if (parsed.value === undefined) {
    result.diagnostics = sortDiagnostics(diagnostics);
    return result;
  }
  const checked = checkParsedAgent({
    value: parsed.value,
    locator: documentLocator(parsed.document, parsed.lineCounter, text),
  });
  result.diagnostics = sortDiagnostics(dedupe([...diagnostics, ...checked.diagnostics]));
  result.resolvedConnections = checked.resolvedConnections;
  result.interpolationTypes = checked.interpolationTypes;
  if (!hasErrors(result.diagnostics)) result.agent = parsed.value as AgentDocument;
  return result;
}

/** Schema and semantic checks of a parsed value; shared by the full and the incremental validators. */
export function checkParsedAgent({ value, locator }: { value: unknown; locator: SourceLocator }): {
  diagnostics: Diagnostic[];
  resolvedConnections: Map<string, string>;
  interpolationTypes: Map<string, ValueType>;
} {
  const semantic = checkAgentSemantics({ value, locator });
  return {
    diagnostics: [...validateAgentSchema({ value, locator }), ...semantic.diagnostics],
    resolvedConnections: semantic.resolvedConnections,
    interpolationTypes: semantic.interpolationTypes,
  };
}

export function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}:${d.range.start.line}:${d.range.start.col}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
