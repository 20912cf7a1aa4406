import {
  createDiagnostic,
  formatMessage,
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticMessage,
  type DocumentPath,
  type Severity,
} from '../diagnostics';
import { union, UNKNOWN, type ValueType } from '../expressions/types';
import type { SourceLocator } from '../source-map';

/**
 * State one semantic check shares between the per-construct checks (inputs, trigger, steps, connections, handlers,
 * references): what the document declares, what the expressions use, and the diagnostics found so far.
 */

export type Obj = Record<string, unknown>;
export const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const entries = (value: unknown): [string, unknown][] => (isObj(value) ? Object.entries(value) : []);

export const ROOTS = ['inputs', 'trigger', 'steps', 'connections'] as const;
/** Names an input or a loop variable cannot take: the expression roots and the words expressions reserve. */
export const RESERVED_NAMES = new Set<string>([...ROOTS, 'loop', 'error', 'item_index', 'true', 'false', 'null']);

export interface StepInfo {
  id: string;
  path: DocumentPath;
  step: Obj;
  kind: 'action' | 'if' | 'switch' | 'forEach' | undefined;
  order: number;
  handler: string | undefined;
  /** Enclosing forEach step ids, outermost first. */
  loops: string[];
  /** Enclosing branches as `<control step id>:<branch>`, outermost first. */
  branches: string[];
}

/** Where an expression is evaluated: which steps have run before it, and the variables in scope. */
export interface Location {
  order: number;
  handler: string | undefined;
  loops: string[];
  branches: string[];
  /** Loop variables in scope (name -> item type). */
  variables: Map<string, ValueType>;
}

/** A location after every step of the main flow (the agent's output). */
export function locationAfterSteps(): Location {
  return { order: Number.MAX_SAFE_INTEGER, handler: undefined, loops: [], branches: [], variables: new Map() };
}

/** A catalog message reported at a path of the document. */
export type Report = DiagnosticMessage & {
  path: DocumentPath;
  prefer?: 'value' | 'key';
  suggestion?: string | undefined;
  severity?: Severity;
};

/** A catalog message reported on characters `start..end` of the string `value` at `path`. */
export type StringReport = DiagnosticMessage & {
  path: DocumentPath;
  value: string;
  start: number;
  end: number;
  suggestion?: string | undefined;
  severity?: Severity;
};

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Connection each action step uses after inference (step id -> connection name). */
  readonly resolvedConnections = new Map<string, string>();
  readonly spec: Obj;
  readonly inputs = new Map<string, Obj>();
  readonly connections = new Map<string, Obj>();
  readonly handlers = new Map<string, unknown[]>();
  readonly usedInputs = new Set<string>();
  readonly usedConnections = new Set<string>();
  /** Every step with an id, main flow and handlers alike (the first one when ids repeat). */
  readonly steps = new Map<string, StepInfo>();
  readonly outputTypes = new Map<string, ValueType | undefined>();
  /**
   * Inferred type of each interpolation in a text template (`interpolationKey(path, part)`), the union when a
   * string is checked more than once: the compiler writes n8n's own `{{ }}` for the ones n8n renders the same.
   */
  readonly interpolationTypes = new Map<string, ValueType>();
  /** Item type of each forEach loop, recorded when its source expression is checked. */
  readonly loopItemTypes = new Map<string, ValueType>();
  triggerType: ValueType = UNKNOWN;
  /** Run order of the next step `collectSteps` records (every step counts, with or without a valid id). */
  nextStepOrder = 0;

  constructor(
    agent: unknown,
    private readonly locator: SourceLocator,
  ) {
    this.spec = isObj(agent) && isObj(agent.spec) ? agent.spec : {};
    for (const [name, definition] of entries(this.spec.inputs))
      if (isObj(definition)) this.inputs.set(name, definition);
    for (const [name, definition] of entries(this.spec.connections))
      if (isObj(definition)) this.connections.set(name, definition);
    for (const [name, steps] of entries(this.spec.handlers)) if (Array.isArray(steps)) this.handlers.set(name, steps);
  }

  report(report: Report): void {
    this.add({
      code: report.code,
      message: formatMessage(report),
      path: report.path,
      range: this.locator.rangeOf(report.path, report.prefer ?? 'value'),
      suggestion: report.suggestion,
      severity: report.severity,
    });
  }

  /** Reports a problem on characters `start..end` of the string at `path` (exact when the scalar allows it). */
  reportInString(report: StringReport): void {
    this.addInString({ ...report, message: formatMessage(report) });
  }

  /** A problem whose message is already formatted from the catalog (the expression parser's own problems, IFX4xx). */
  addInString({
    code,
    message,
    path,
    value,
    start,
    end,
    suggestion,
    severity,
  }: {
    code: DiagnosticCode;
    message: string;
    path: DocumentPath;
    value: string;
    start: number;
    end: number;
    suggestion?: string | undefined;
    severity?: Severity | undefined;
  }): void {
    const range = this.locator.rangeInString(path, value, start, end) ?? this.locator.rangeOf(path);
    this.add({ code, message, path, range, suggestion, severity });
  }

  private add({
    suggestion,
    severity,
    ...rest
  }: Omit<Diagnostic, 'severity' | 'suggestion'> & {
    suggestion?: string | undefined;
    severity?: Severity | undefined;
  }): void {
    const diagnostic = createDiagnostic({ ...rest, ...(severity ? { severity } : {}) });
    if (suggestion !== undefined) diagnostic.suggestion = suggestion;
    this.diagnostics.push(diagnostic);
  }
}

/** The key of `interpolationTypes` for expression part `part` (an index into the template's parts) of the string at `path`. */
export function interpolationKey(path: DocumentPath, part: number): string {
  return `${JSON.stringify(path)}#${part}`;
}

/** Records the type of an interpolation, joining it with what an earlier check of the same string found. */
export function recordInterpolationType(
  types: Map<string, ValueType>,
  { path, part, type }: { path: DocumentPath; part: number; type: ValueType },
): void {
  const key = interpolationKey(path, part);
  const earlier = types.get(key);
  types.set(key, earlier ? union([earlier, type]) : type);
}
