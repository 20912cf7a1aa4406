import type {
  ActionName,
  ConnectionType,
  DocumentPath,
  Expression,
  InputDefinition,
  TriggerKind,
  ValueType,
} from '@ionflux/dsl';

/**
 * The normalized agent: every default applied, every string parsed into literal text and expressions, step names
 * decided. Lowering to n8n and decompiling back both go through this shape.
 */
export interface AgentIR {
  metadata: {
    name: string;
    version: string;
    displayName: string;
    description?: string;
    tags?: string[];
    author?: string;
    icon?: string;
    license?: string;
  };
  inputs: Record<string, InputDefinition>;
  connections: Record<string, { type: ConnectionType; scopes?: string[]; description?: string }>;
  trigger: { kind: TriggerKind; config: Record<string, unknown>; path: DocumentPath };
  steps: StepIR[];
  handlers: { name: string; steps: StepIR[] }[];
  output?: OutputIR;
  policy: {
    timeoutMs?: number;
    budget?: { tokens?: number; usd?: number };
    concurrency?: 'parallel' | 'serial';
  };
}

/**
 * A piece of a text template: text, or an interpolation with the type the checker inferred for it (absent when the
 * checker recorded none; the compiler then assumes any value).
 */
export type TemplatePartIR = { text: string } | { expression: Expression; source: string; type?: ValueType };

/** A value as written in the agent: literals, `{{ }}` templates, and structures mixing both. */
export type ValueIR =
  | { kind: 'literal'; value: unknown }
  | { kind: 'expression'; expression: Expression; source: string }
  | { kind: 'template'; parts: TemplatePartIR[] }
  | { kind: 'array'; items: ValueIR[] }
  | { kind: 'object'; entries: [string, ValueIR][] };

export interface RetryIR {
  /** Attempts after the first. */
  max: number;
  backoff: 'fixed' | 'exponential';
  delayMs: number;
}

export type OnErrorIR = { kind: 'fail' } | { kind: 'continue' } | { kind: 'goto'; handler: string };

interface StepCommonIR {
  id: string;
  /** Node name in the n8n graph. Unique in the workflow. */
  name: string;
  description?: string;
  path: DocumentPath;
}

export interface ActionStepIR extends StepCommonIR {
  kind: 'action';
  uses: ActionName;
  connection?: string;
  params: [string, ValueIR][];
  timeoutMs?: number;
  retry?: RetryIR;
  onError: OnErrorIR;
}

export interface IfStepIR extends StepCommonIR {
  kind: 'if';
  condition: ValueIR;
  then: StepIR[];
  else: StepIR[];
}

export interface SwitchStepIR extends StepCommonIR {
  kind: 'switch';
  on: ValueIR;
  cases: { value: string; steps: StepIR[] }[];
  default: StepIR[];
}

export interface ForEachStepIR extends StepCommonIR {
  kind: 'forEach';
  source: ValueIR;
  as: string;
  steps: StepIR[];
}

export type StepIR = ActionStepIR | IfStepIR | SwitchStepIR | ForEachStepIR;

export interface OutputIR {
  value?: ValueIR;
  canvas?: { page?: ValueIR; block: ValueIR; mode: 'replace' | 'append'; title?: ValueIR; format: string };
  chat?: { channel: ValueIR; threadId?: ValueIR };
}

export function forEachStep(steps: StepIR[], visit: (step: StepIR) => void): void {
  for (const step of steps) {
    visit(step);
    if (step.kind === 'if') {
      forEachStep(step.then, visit);
      forEachStep(step.else, visit);
    } else if (step.kind === 'switch') {
      for (const c of step.cases) forEachStep(c.steps, visit);
      forEachStep(step.default, visit);
    } else if (step.kind === 'forEach') {
      forEachStep(step.steps, visit);
    }
  }
}
