import type { ActionName } from './catalog/actions';
import type { ConnectionType } from './catalog/connections';

/** An agent document as written in YAML (`apiVersion: ionflux/v1`, `kind: Agent`), after validation. */
export interface AgentDocument {
  apiVersion: 'ionflux/v1';
  kind: 'Agent';
  metadata: AgentMetadata;
  spec: AgentSpec;
}

export interface AgentMetadata {
  name: string;
  displayName?: string;
  version: string;
  description?: string;
  tags?: string[];
  author?: string;
  icon?: string;
  license?: string;
}

export interface AgentSpec {
  inputs?: Record<string, InputDefinition>;
  connections?: Record<string, ConnectionDefinition>;
  trigger: TriggerSpec;
  steps: Step[];
  handlers?: Record<string, Step[]>;
  output?: OutputSpec;
  policy?: PolicySpec;
}

export type InputType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

export interface InputDefinition {
  type: InputType;
  default?: unknown;
  description?: string;
  label?: string;
  required?: boolean;
  enum?: unknown[];
  items?: { type: Exclude<InputType, 'array'> };
  minimum?: number;
  maximum?: number;
  format?: 'date' | 'date-time' | 'email' | 'uri';
}

export interface ConnectionDefinition {
  type: ConnectionType;
  scopes?: string[];
  description?: string;
}

export type TriggerSpec =
  | { manual: Record<string, never> }
  | { schedule: { cron: string; timezone?: string } }
  | { webhook: { path?: string; method?: 'POST' | 'GET' | 'PUT' } }
  | { 'chat.command': { command: string; description?: string } }
  | { 'shopify.order': { connection: string; topic?: string } };

/** A duration such as `500ms`, `30s`, `5m`, `1h`. */
export type Duration = string;

export interface RetryPolicy {
  max: number;
  backoff?: 'fixed' | 'exponential';
  delay?: Duration;
}

export type OnError = 'fail' | 'continue' | { goto: string };

interface StepCommon {
  id: string;
  name?: string;
  description?: string;
}

export interface ActionStep extends StepCommon {
  uses: ActionName;
  connection?: string;
  with?: Record<string, unknown>;
  timeout?: Duration;
  retries?: RetryPolicy;
  onError?: OnError;
}

export interface IfStep extends StepCommon {
  if: string;
  then: Step[];
  else?: Step[];
}

export interface SwitchStep extends StepCommon {
  switch: string;
  cases: Record<string, Step[]>;
  default?: Step[];
}

export interface ForEachStep extends StepCommon {
  forEach: string;
  as?: string;
  steps: Step[];
}

export type Step = ActionStep | IfStep | SwitchStep | ForEachStep;

export interface OutputSpec {
  value?: unknown;
  canvas?: {
    page?: string;
    block: string;
    mode?: 'replace' | 'append';
    title?: string;
    format?: 'markdown' | 'text' | 'json' | 'table';
  };
  chat?: { channel: string; threadId?: string };
}

export interface PolicySpec {
  timeout?: Duration;
  retries?: RetryPolicy;
  onError?: OnError;
  budget?: { tokens?: number; usd?: number };
  /** `serial`: runs of this agent never overlap (each waits for the previous one); default `parallel`. */
  concurrency?: 'parallel' | 'serial';
}

export function isActionStep(step: Step): step is ActionStep {
  return 'uses' in step;
}
export function isIfStep(step: Step): step is IfStep {
  return 'if' in step && !('uses' in step);
}
export function isSwitchStep(step: Step): step is SwitchStep {
  return 'switch' in step && !('uses' in step) && !('if' in step);
}
export function isForEachStep(step: Step): step is ForEachStep {
  return 'forEach' in step && !('uses' in step) && !('if' in step) && !('switch' in step);
}

/** The kind of a step, decided by the first of `uses`, `if`, `switch`, `forEach` it has. */
export function stepKind(step: unknown): 'action' | 'if' | 'switch' | 'forEach' | undefined {
  if (typeof step !== 'object' || step === null) return undefined;
  if ('uses' in step) return 'action';
  if ('if' in step) return 'if';
  if ('switch' in step) return 'switch';
  if ('forEach' in step) return 'forEach';
  return undefined;
}

/** Parses a duration (`500ms`, `30s`, `1.5m`, `2h`, `1d`) into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(match[1]) * unit);
}
