import type { ValueType } from '@ionflux/dsl';
import { parameterValue, type ExpressionScope } from './expressions';
import type { ValueIR } from './ir';

/**
 * What a compile reuses from the compiles before it, for an editor that compiles the same agent again at every
 * keystroke (the studio's analysis worker, through `compileChecked`'s `cache`). A keystroke changes one string of one
 * step, and most of a compile's time went into turning every other, unchanged value into its IR (`toValueIR`) and
 * its n8n parameter (`parameterValue`) again. Each reuse is exact, never a guess:
 *
 * - a written value's IR is reused when the value is the same string, or the same parsed list or mapping (the
 *   incremental validator keeps every unchanged step's parse), and every part it is made of is the same: the
 *   interpolation types the checker gives its `{{ }}` parts now (the same objects), its keys and its items' IRs;
 * - a parameter is reused when its IR is the same object, with the same options, and every question the lowering
 *   asked its expression scope (the Inputs node, `steps.<id>.output`, a loop variable) has the same answer now. The
 *   questions are asked again, in their order, so their side effects (a forEach's results node named at its first
 *   reference) happen as in a full lowering; `parameterValue` depends on nothing else.
 *
 * Only for callers that never change what a compile returns: the IR and the parameters are shared between compiles.
 *
 * @example
 * const cache = createCompileCache();
 * compileChecked({ agent, locator }, { cache }); // at every keystroke
 */
export interface CompileCache {
  /** Called at the start of each compile: scalars not used by the last compile are forgotten. */
  startCompile(): void;
  /**
   * The IR of a string or another scalar, made by `make` unless the one made before from this value had the same
   * `types` (those of its interpolations, in order).
   */
  scalarValue(value: Scalar, types: readonly (ValueType | undefined)[], make: () => ValueIR): ValueIR;
  /** The IR of a parsed list or mapping, made by `make` unless the one made before had the same parts. */
  containerValue(value: object, parts: readonly (readonly [string | number, ValueIR])[], make: () => ValueIR): ValueIR;
  /** `parameterValue(value, scope, options)`, reused as said above. */
  parameter(value: ValueIR, scope: ExpressionScope, options: { json: boolean; anyJson: boolean }): unknown;
}

export type Scalar = string | number | boolean | null | undefined;
type ScopeQuestion = 'inputsNode' | 'stepOutput' | 'variable';
interface Lowered {
  json: boolean;
  anyJson: boolean;
  /** The scope's questions and answers, in the order the lowering asked them. */
  asked: [ScopeQuestion, string, string | undefined][];
  result: unknown;
}

const sameList = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function createCompileCache(): CompileCache {
  // Scalars used by the last compile and by the one before it (a Map's keys: -0 is kept apart, see scalarValue).
  let scalars = new Map<Scalar, { ir: ValueIR; types: readonly (ValueType | undefined)[] }>();
  let scalarsBefore = new Map<Scalar, { ir: ValueIR; types: readonly (ValueType | undefined)[] }>();
  const containers = new WeakMap<object, { ir: ValueIR; parts: readonly (readonly [string | number, ValueIR])[] }>();
  const parameters = new WeakMap<ValueIR, Lowered[]>();

  const ask = (scope: ExpressionScope, question: ScopeQuestion, argument: string): string | undefined =>
    question === 'inputsNode'
      ? scope.inputsNode
      : question === 'stepOutput'
        ? scope.stepOutput(argument)
        : scope.variable(argument);

  return {
    startCompile() {
      scalarsBefore = scalars;
      scalars = new Map();
    },
    scalarValue(value, types, make) {
      // A Map finds -0 under 0: the literal -0 is made each time.
      if (Object.is(value, -0)) return make();
      const known = scalars.get(value) ?? scalarsBefore.get(value);
      const entry = known && sameList(known.types, types) ? known : { ir: make(), types };
      scalars.set(value, entry);
      return entry.ir;
    },
    containerValue(value, parts, make) {
      const known = containers.get(value);
      const same =
        known !== undefined &&
        known.parts.length === parts.length &&
        known.parts.every(([key, ir], i) => key === parts[i]![0] && ir === parts[i]![1]);
      if (same) return known.ir;
      const ir = make();
      containers.set(value, { ir, parts });
      return ir;
    },
    parameter(value, scope, { json, anyJson }) {
      const made = parameters.get(value) ?? [];
      const known = made.find((entry) => entry.json === json && entry.anyJson === anyJson);
      if (known && known.asked.every(([question, argument, answer]) => ask(scope, question, argument) === answer))
        return known.result;
      const asked: Lowered['asked'] = [];
      const recorded = (question: ScopeQuestion, argument: string) => {
        const answer = ask(scope, question, argument);
        asked.push([question, argument, answer]);
        return answer;
      };
      const result = parameterValue(
        value,
        {
          get inputsNode() {
            return recorded('inputsNode', '')!;
          },
          stepOutput: (id) => recorded('stepOutput', id)!,
          variable: (name) => recorded('variable', name),
        },
        { json, anyJson },
      );
      parameters.set(value, [...made.filter((entry) => entry !== known), { json, anyJson, asked, result }]);
      return result;
    },
  };
}
