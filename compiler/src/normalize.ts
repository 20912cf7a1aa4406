import {
  getAction,
  hasExpression,
  interpolationKey,
  parseDuration,
  parseTemplateCached,
  stepKind,
  type ActionName,
  type AgentDocument,
  type DocumentPath,
  type OnError,
  type RetryPolicy,
  type TriggerKind,
  type ValueType,
} from '@ionflux/dsl';
import type { CompileCache, Scalar } from './compile-cache';
import type { AgentIR, OnErrorIR, OutputIR, RetryIR, StepIR, TemplatePartIR, ValueIR } from './ir';
import { humanizeId, titleFromName } from './naming';

type Obj = Record<string, unknown>;

/** Where a value sits and what the checker inferred for its interpolations (see `AgentValidation`). */
export interface ValueTyping {
  path: DocumentPath;
  interpolationTypes: ReadonlyMap<string, ValueType>;
}

const NO_TYPES: readonly (ValueType | undefined)[] = [];

/**
 * Parses a written value into literal text and expressions, recursively. With `typing`, each interpolation of a
 * text template carries the type the checker inferred for it. With `cache`, an IR made by an earlier compile from
 * the same value and parts is returned again (compile-cache.ts).
 */
export function toValueIR(value: unknown, typing?: ValueTyping, cache?: CompileCache): ValueIR {
  const at = (key: string | number): ValueTyping | undefined =>
    typing && { path: [...typing.path, key], interpolationTypes: typing.interpolationTypes };
  const scalar = (types: readonly (ValueType | undefined)[], make: () => ValueIR): ValueIR =>
    cache ? cache.scalarValue(value as Scalar, types, make) : make();
  if (typeof value === 'string') {
    if (!hasExpression(value)) return scalar(NO_TYPES, () => ({ kind: 'literal', value }));
    const template = parseTemplateCached(value);
    if (template.isWholeExpression) {
      const part = template.parts.find((p) => p.kind === 'expression')!;
      if (part.kind === 'expression' && part.expression) {
        const expression = part.expression;
        return scalar(NO_TYPES, () => ({ kind: 'expression', expression, source: part.source.trim() }));
      }
    }
    // The checker's type of each interpolation, by part (none for text and where it recorded none).
    const types = template.parts.map((part, index) =>
      part.kind === 'expression' && part.expression
        ? typing?.interpolationTypes.get(interpolationKey(typing.path, index))
        : undefined,
    );
    return scalar(types, () => {
      const parts: TemplatePartIR[] = [];
      template.parts.forEach((part, index) => {
        if (part.kind === 'text') parts.push({ text: part.text });
        else if (part.expression) {
          const type = types[index];
          parts.push({ expression: part.expression, source: part.source.trim(), ...(type ? { type } : {}) });
        }
      });
      return { kind: 'template', parts };
    });
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => toValueIR(item, at(index), cache));
    const make = (): ValueIR =>
      items.every((item) => item.kind === 'literal') ? { kind: 'literal', value } : { kind: 'array', items };
    return cache
      ? cache.containerValue(
          value,
          items.map((item, index) => [index, item] as const),
          make,
        )
      : make();
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Obj).map(
      ([key, item]) => [key, toValueIR(item, at(key), cache)] as [string, ValueIR],
    );
    const make = (): ValueIR =>
      entries.every(([, item]) => item.kind === 'literal') ? { kind: 'literal', value } : { kind: 'object', entries };
    return cache ? cache.containerValue(value, entries, make) : make();
  }
  const isScalar = value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean';
  return isScalar ? scalar(NO_TYPES, () => ({ kind: 'literal', value })) : { kind: 'literal', value };
}

/** A value that is data as written (no templates), the same IR for the same parsed value with `cache`. */
function dataIR(value: unknown, cache: CompileCache | undefined): ValueIR {
  const make = (): ValueIR => ({ kind: 'literal', value });
  return cache && value !== null && typeof value === 'object' ? cache.containerValue(value, [], make) : make();
}

function retryIR(retries: RetryPolicy | undefined): RetryIR | undefined {
  if (!retries) return undefined;
  return {
    max: retries.max,
    backoff: retries.backoff ?? 'exponential',
    delayMs: retries.delay ? (parseDuration(retries.delay) ?? 1000) : 1000,
  };
}

function onErrorIR(onError: OnError | undefined): OnErrorIR {
  if (onError === 'continue') return { kind: 'continue' };
  if (onError && typeof onError === 'object') return { kind: 'goto', handler: onError.goto };
  return { kind: 'fail' };
}

interface NormalizeContext {
  policyRetries: RetryPolicy | undefined;
  policyOnError: OnError | undefined;
  resolvedConnections: Map<string, string>;
  interpolationTypes: ReadonlyMap<string, ValueType>;
  /** Steps of a handler: the policy's onError does not apply to them (a handler does not route to itself). */
  inHandler: boolean;
  cache: CompileCache | undefined;
}

function normalizeSteps(
  steps: unknown[],
  { path, context }: { path: DocumentPath; context: NormalizeContext },
): StepIR[] {
  return steps.map((raw, index) => {
    const step = raw as Obj;
    const stepPath = [...path, index];
    const id = step.id as string;
    const common = {
      id,
      name: typeof step.name === 'string' ? step.name : humanizeId(id),
      path: stepPath,
      ...(typeof step.description === 'string' ? { description: step.description } : {}),
    };
    switch (stepKind(step)) {
      case 'action': {
        const uses = step.uses as string;
        const action = getAction(uses)!;
        const retry = retryIR(
          (step.retries as RetryPolicy | undefined) ?? (action.idempotent ? context.policyRetries : undefined),
        );
        const connection = (step.connection as string | undefined) ?? context.resolvedConnections.get(id);
        const ir: StepIR = {
          ...common,
          kind: 'action',
          uses: uses as ActionName,
          params: Object.entries((step.with as Obj | undefined) ?? {}).map(([name, value]) => [
            name,
            // llm.extract's schema is data, never a template.
            name === 'schema' && uses === 'llm.extract'
              ? dataIR(value, context.cache)
              : toValueIR(
                  value,
                  { path: [...stepPath, 'with', name], interpolationTypes: context.interpolationTypes },
                  context.cache,
                ),
          ]),
          onError: onErrorIR(
            (step.onError as OnError | undefined) ?? (context.inHandler ? undefined : context.policyOnError),
          ),
        };
        if (connection !== undefined) ir.connection = connection;
        if (typeof step.timeout === 'string') ir.timeoutMs = parseDuration(step.timeout)!;
        if (retry && retry.max > 0) ir.retry = retry;
        return ir;
      }
      case 'if':
        return {
          ...common,
          kind: 'if',
          condition: toValueIR(step.if),
          then: normalizeSteps((step.then as unknown[]) ?? [], { path: [...stepPath, 'then'], context }),
          else: normalizeSteps((step.else as unknown[]) ?? [], { path: [...stepPath, 'else'], context }),
        };
      case 'switch':
        return {
          ...common,
          kind: 'switch',
          on: toValueIR(step.switch),
          cases: Object.entries((step.cases as Obj) ?? {}).map(([value, steps]) => ({
            value,
            steps: normalizeSteps((steps as unknown[]) ?? [], { path: [...stepPath, 'cases', value], context }),
          })),
          default: normalizeSteps((step.default as unknown[]) ?? [], { path: [...stepPath, 'default'], context }),
        };
      case 'forEach':
        return {
          ...common,
          kind: 'forEach',
          source: toValueIR(step.forEach),
          as: typeof step.as === 'string' ? step.as : 'item',
          steps: normalizeSteps((step.steps as unknown[]) ?? [], { path: [...stepPath, 'steps'], context }),
        };
      default:
        throw new Error(`normalize: step ${id} has no kind (validate the agent first)`);
    }
  });
}

function outputIR(output: Obj | undefined, interpolationTypes: ReadonlyMap<string, ValueType>): OutputIR | undefined {
  if (!output) return undefined;
  // Canvas and chat fields become node parameters: their templates carry types (see `toValueIR`).
  const field = (section: 'canvas' | 'chat', key: string, value: unknown) =>
    toValueIR(value, { path: ['spec', 'output', section, key], interpolationTypes });
  const ir: OutputIR = {};
  if (output.value !== undefined) ir.value = toValueIR(output.value);
  const canvas = output.canvas as Obj | undefined;
  if (canvas) {
    ir.canvas = {
      block: field('canvas', 'block', canvas.block),
      mode: canvas.mode === 'append' ? 'append' : 'replace',
      format: typeof canvas.format === 'string' ? canvas.format : 'markdown',
    };
    if (canvas.page !== undefined) ir.canvas.page = field('canvas', 'page', canvas.page);
    if (canvas.title !== undefined) ir.canvas.title = field('canvas', 'title', canvas.title);
  }
  const chat = output.chat as Obj | undefined;
  if (chat) {
    ir.chat = { channel: field('chat', 'channel', chat.channel) };
    if (chat.threadId !== undefined) ir.chat.threadId = field('chat', 'threadId', chat.threadId);
  }
  return ir;
}

/** Metadata in a fixed key order with the display name filled in: key order in the YAML must not matter. */
function normalizeMetadata(metadata: AgentDocument['metadata']): AgentIR['metadata'] {
  const result: AgentIR['metadata'] = {
    name: metadata.name,
    version: metadata.version,
    displayName: metadata.displayName ?? titleFromName(metadata.name),
  };
  for (const key of ['description', 'tags', 'author', 'icon', 'license'] as const) {
    if (metadata[key] !== undefined) (result as Record<string, unknown>)[key] = metadata[key];
  }
  return result;
}

/**
 * Normalizes a validated agent into the IR: defaults applied (names, retries from the policy for idempotent actions,
 * onError), strings parsed into expressions, connections resolved.
 */
export function normalizeAgent({
  agent,
  resolvedConnections = new Map(),
  interpolationTypes = new Map(),
  cache,
}: {
  agent: AgentDocument;
  resolvedConnections?: Map<string, string>;
  /** The checker's types of template interpolations (`AgentValidation.interpolationTypes`). */
  interpolationTypes?: ReadonlyMap<string, ValueType>;
  /** What earlier compiles made (compile-cache.ts): the steps' parameters are taken from it where they are the same. */
  cache?: CompileCache | undefined;
}): AgentIR {
  const { metadata, spec } = agent;
  const triggerKind = Object.keys(spec.trigger)[0] as TriggerKind;
  const context: NormalizeContext = {
    policyRetries: spec.policy?.retries,
    policyOnError: spec.policy?.onError,
    resolvedConnections,
    interpolationTypes,
    inHandler: false,
    cache,
  };
  const ir: AgentIR = {
    metadata: normalizeMetadata(metadata),
    inputs: spec.inputs ?? {},
    connections: spec.connections ?? {},
    trigger: {
      kind: triggerKind,
      config: ((spec.trigger as Record<string, unknown>)[triggerKind] as Obj) ?? {},
      path: ['spec', 'trigger', triggerKind],
    },
    steps: normalizeSteps(spec.steps, { path: ['spec', 'steps'], context }),
    handlers: Object.entries(spec.handlers ?? {}).map(([name, steps]) => ({
      name,
      steps: normalizeSteps(steps, { path: ['spec', 'handlers', name], context: { ...context, inHandler: true } }),
    })),
    policy: {},
  };
  const output = outputIR(spec.output as Obj | undefined, interpolationTypes);
  if (output) ir.output = output;
  if (spec.policy?.timeout) ir.policy.timeoutMs = parseDuration(spec.policy.timeout)!;
  if (spec.policy?.budget) ir.policy.budget = spec.policy.budget;
  if (spec.policy?.concurrency) ir.policy.concurrency = spec.policy.concurrency;
  return ir;
}
