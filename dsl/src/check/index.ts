import type { Diagnostic } from '../diagnostics';
import { objectOf, STRING, type ValueType } from '../expressions/types';
import type { SourceLocator } from '../source-map';
import { CheckContext } from './context';
import { checkErrorHandling } from './handlers';
import { checkInputs } from './inputs';
import { checkOutput } from './output';
import { collectSteps, checkSteps } from './steps';
import { checkTrigger } from './trigger';
import { checkUnused } from './unused';

/**
 * Semantic checks Ajv cannot do: step ids, references inside expressions, types of conditions and loop sources,
 * connections, error-handler graphs, cron. Defensive on purpose: it runs on documents that may also have schema
 * errors, so every value is type-checked before use, and it reports everything it finds in one pass.
 *
 * One module per construct shares a `CheckContext`: `inputs`, `trigger` (+ `cron`), `steps` (ids, conditions,
 * loops, actions), `connections`, `handlers` (retries, onError, cycles), `references` (what names mean where),
 * `values` (strings with expressions; inference itself is `expressions/infer`), `output`, `unused`. Messages live in
 * the diagnostics catalog, reported by code, messageId and data.
 */

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** Connection each action step uses after inference (step id -> connection name). */
  resolvedConnections: Map<string, string>;
  /** Inferred type of each interpolation in a text template, by `interpolationKey`. */
  interpolationTypes: Map<string, ValueType>;
}

/** The type of `error` inside a handler. */
const ERROR_TYPE = objectOf({ message: STRING, step: STRING, node: STRING, description: STRING }, true);

export function checkAgentSemantics({ value, locator }: { value: unknown; locator: SourceLocator }): CheckResult {
  const context = new CheckContext(value, locator);
  const { spec, handlers } = context;
  checkInputs(context);
  checkTrigger(context);
  collectSteps(context, {
    steps: spec.steps,
    path: ['spec', 'steps'],
    scope: { handler: undefined, loops: [], branches: [] },
  });
  for (const [name, steps] of handlers) {
    collectSteps(context, {
      steps,
      path: ['spec', 'handlers', name],
      scope: { handler: name, loops: [], branches: [] },
    });
  }
  checkSteps(context, { steps: spec.steps, path: ['spec', 'steps'], variables: new Map<string, ValueType>() });
  for (const [name, steps] of handlers) {
    checkSteps(context, { steps, path: ['spec', 'handlers', name], variables: new Map([['error', ERROR_TYPE]]) });
  }
  checkOutput(context);
  checkErrorHandling(context);
  checkUnused(context);
  return {
    diagnostics: context.diagnostics,
    resolvedConnections: context.resolvedConnections,
    interpolationTypes: context.interpolationTypes,
  };
}

export { cronProblem } from './cron';
