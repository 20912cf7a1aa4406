import {
  createAgentValidator,
  functionCatalog,
  getAction,
  triggerCatalog,
  typeFromSchema,
  UNKNOWN,
  type Diagnostic,
  type IncrementalValidation,
  type JsonSchema,
  type ValueType,
} from '@ionflux/dsl';
import { compileChecked, createCompileCache, stepPaths } from '@ionflux/compiler';
import { graphOfWorkflow, type GraphModel } from './graph-model';
import { valueChangeBetween, type ValueChange } from './value-change';

/**
 * What the editor shows for one version of the YAML, computed off the main thread (agent.worker.ts): the DSL's
 * diagnostics (createAgentValidator re-validates only what a keystroke changed), the compiled workflow's graph when
 * the agent has no error, and what `{{ }}` completion can offer at this version (AgentCheck).
 */
export interface AgentAnalysis {
  diagnostics: Diagnostic[];
  /** Absent while the agent has errors: the editor keeps showing the last good graph. */
  graph?: GraphModel;
  /** The compiler failed on an agent the DSL accepted (a compiler bug): the editor says so and keeps the last graph. */
  compileError?: string;
  /** Milliseconds the analysis took in the worker. */
  ms: number;
  /** The analysis itself failed (an exception in the DSL, the compiler or the worker). */
  failure?: string;
}

/** One check's answer (AgentAnalysis's diagnostics part), relative to the check before it. */
export interface AgentCheck {
  diagnostics: Diagnostic[];
  /** How the agent's plain value changed since the last check (absent: unchanged). */
  valueChange?: ValueChange;
  /** The completion scope, when it changed since the last check. */
  scope?: CompletionScope;
  ms: number;
  compiles: boolean;
}

export interface CompletionScope {
  inputs: Record<string, { type: ValueType; description?: string }>;
  trigger: ValueType;
  steps: Record<string, { type: ValueType; uses?: string }>;
  connections: string[];
  functions: { name: string; signature: string; description: string }[];
}

type Obj = Record<string, unknown>;
/** Equal to no value (the next value change is the whole value). */
const FORGOTTEN = Symbol('forgotten');
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the completion scope is computed from: a small part of the agent's value (its key says when it changed). */
interface ScopeSource {
  inputs: Obj;
  triggerKind: string | undefined;
  steps: [id: string, uses: string | undefined][];
  connections: string[];
}

function scopeSourceOf(value: unknown): ScopeSource {
  const spec = isObj(value) && isObj(value.spec) ? value.spec : {};
  const steps: ScopeSource['steps'] = [];
  for (const [id, path] of stepPaths(value)) {
    const step = path.reduce<unknown>(
      (v, k) => (isObj(v) || Array.isArray(v) ? (v as Obj)[k as string] : undefined),
      value,
    );
    steps.push([id, isObj(step) && typeof step.uses === 'string' ? step.uses : undefined]);
  }
  return {
    inputs: isObj(spec.inputs) ? spec.inputs : {},
    triggerKind: isObj(spec.trigger) ? Object.keys(spec.trigger)[0] : undefined,
    steps,
    connections: isObj(spec.connections) ? Object.keys(spec.connections) : [],
  };
}

function scopeOfSource({ inputs: declared, triggerKind, steps: stepUses, connections }: ScopeSource): CompletionScope {
  const inputs: CompletionScope['inputs'] = {};
  for (const [name, definition] of Object.entries(declared))
    inputs[name] = {
      type: isObj(definition) ? typeFromSchema(definition as JsonSchema) : UNKNOWN,
      ...(isObj(definition) && typeof definition.description === 'string'
        ? { description: definition.description }
        : {}),
    };
  const trigger =
    triggerKind && triggerKind in triggerCatalog
      ? typeFromSchema(triggerCatalog[triggerKind as keyof typeof triggerCatalog].payload)
      : UNKNOWN;
  const steps: CompletionScope['steps'] = {};
  for (const [id, uses] of stepUses) {
    const action = uses ? getAction(uses) : undefined;
    steps[id] = { type: action ? typeFromSchema(action.output) : UNKNOWN, ...(uses ? { uses } : {}) };
  }
  return {
    inputs,
    trigger,
    steps,
    connections,
    functions: Object.entries(functionCatalog).map(([name, f]) => ({
      name,
      signature: f.signature,
      description: f.description,
    })),
  };
}

/** The names an expression can start from at the agent's output: declared inputs, the trigger, every step. */
export function completionScope(value: unknown): CompletionScope {
  return scopeOfSource(scopeSourceOf(value));
}

/**
 * One analyser per editor: keeps the incremental validator's caches between keystrokes, and the last check's result,
 * which the graph is compiled from (no second parse of the text).
 */
export function createAgentAnalyser() {
  const validator = createAgentValidator();
  let checked: IncrementalValidation | undefined;
  let lastGraph = '';
  // What the editor holds, as of the last check returned: each check returns only how these changed since.
  let sentValue: unknown;
  let sentScope: string | undefined;
  // The unchanged steps' parameters, from one keystroke's compile to the next (the compiled workflow stays here).
  const compileCache = createCompileCache();
  const compileGraph = (validation: IncrementalValidation, layout: Record<string, [number, number]>) => {
    const { workflow, sourceMap } = compileChecked(
      {
        agent: validation.agent!,
        resolvedConnections: validation.resolvedConnections,
        interpolationTypes: validation.interpolationTypes,
        locator: validation.locator,
      },
      // The graph reads no hash (graph-model.ts): the workflow's hash is a third of a compile in the browser.
      { layout, hash: false, cache: compileCache },
    );
    const graph = graphOfWorkflow(workflow, sourceMap);
    return { graph, json: JSON.stringify(graph) };
  };
  return {
    /**
     * The path of a keystroke (an incremental check of one changed segment, the graph compiled from it), run once on
     * `text` with a space added at the end of its middle line (valid wherever it lands: trailing space never changes
     * YAML's structure), then the check of `text` itself again, which puts the validator's caches and the last
     * check back as they were; the graph last returned (what `same` compares with) is not touched. Run at idle after
     * the first graph, so the first real keystrokes find that code optimised. Returned as steps: the caller runs one
     * at a time and stops when a real request arrives (its own check replaces whatever a step left).
     */
    warmUpSteps(text: string, layout: Record<string, [number, number]> = {}): (() => void)[] {
      const lines = text.split('\n');
      const middle = Math.floor(lines.length / 2);
      lines[middle] += ' ';
      const edited = lines.join('\n');
      return [
        () => void (checked = validator.validate(edited)),
        () => {
          if (checked?.agent) compileGraph(checked, layout);
        },
        () => void (checked = validator.validate(text)),
      ];
    },
    /**
     * The DSL's diagnostics, and how the plain value and the completion scope changed since the last check returned
     * (fast: re-parses only what changed): `valueChange` and `scope` are absent when unchanged, so whoever holds
     * them must take every check's answer, in order (agent-worker-protocol.ts).
     */
    check(text: string): AgentCheck {
      const started = performance.now();
      checked = validator.validate(text);
      const valueChange = valueChangeBetween(sentValue, checked.value);
      const source = scopeSourceOf(checked.value);
      const scopeKey = JSON.stringify(source);
      const scope = scopeKey === sentScope ? undefined : scopeOfSource(source);
      // Only once everything is computed: a check that throws changes nothing the editor holds.
      sentValue = checked.value;
      sentScope = scopeKey;
      return {
        diagnostics: checked.diagnostics,
        ...(valueChange ? { valueChange } : {}),
        ...(scope ? { scope } : {}),
        ms: performance.now() - started,
        compiles: checked.agent !== undefined,
      };
    },
    /**
     * The editor did not get the last check's answer (its sending failed, and the editor got a failure with the empty
     * scope instead): the next check returns the whole value and the scope.
     */
    forgetSent(): void {
      sentValue = FORGOTTEN;
      sentScope = undefined;
    },
    /**
     * The compiled workflow's graph of the last check (run after its diagnostics are on screen); `same` when it
     * equals the graph returned before (typing inside a string seldom changes it), so it need not be sent again.
     */
    graph(layout: Record<string, [number, number]> = {}): Pick<AgentAnalysis, 'graph' | 'compileError'> & {
      same?: boolean;
    } {
      if (!checked?.agent) return {};
      try {
        const { graph, json } = compileGraph(checked, layout);
        if (json === lastGraph) return { same: true };
        lastGraph = json;
        return { graph };
      } catch (error) {
        lastGraph = '';
        return { compileError: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
