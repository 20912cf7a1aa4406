import { stepPaths, type GraphEdit, type StepContainer } from '@ionflux/compiler';
import type { GraphNode } from './graph-model';

type Obj = Record<string, unknown>;
type Path = (string | number)[];

const valueAt = (value: unknown, path: Path): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Obj)[k as string] : undefined), value);

/** The list a step sits in (as a graph edit names it) and its index there. */
export function placeOf(value: unknown, path: Path): (StepContainer & { index: number; count: number }) | undefined {
  const index = path[path.length - 1];
  const list = path.slice(0, -1);
  const items = valueAt(value, list);
  if (typeof index !== 'number' || !Array.isArray(items)) return undefined;
  const count = items.length;
  if (list.length === 2 && list[0] === 'spec' && list[1] === 'steps') return { index, count };
  if (list.length === 3 && list[0] === 'spec' && list[1] === 'handlers')
    return { parent: `handler:${String(list[2])}`, index, count };
  const cases = list[list.length - 2] === 'cases';
  const parentPath = cases ? list.slice(0, -2) : list.slice(0, -1);
  const parent = valueAt(value, parentPath) as Obj | undefined;
  if (typeof parent?.id !== 'string') return undefined;
  const branch = cases ? `case:${String(list[list.length - 1])}` : String(list[list.length - 1]);
  return { parent: parent.id, branch, index, count };
}

/**
 * What connecting `source` to `target` on the graph means for the YAML: the target's step runs next after the
 * source. From a step's node: the target step moves right after that step (in its list); from an if's true / false
 * output (handle 0 / 1): to the start of its then / else (an else is created when there is none); from a forEach
 * loop's `loop` output: to the start of its body; from a switch's output for a case or its default: to the start
 * of that case; from the trigger or the inputs: to the start of the steps.
 * A string is the reason the connection cannot be made.
 */
export function connectEdit({
  value,
  source,
  sourceHandle,
  target,
}: {
  value: unknown;
  source: GraphNode;
  sourceHandle: string | null | undefined;
  target: GraphNode;
}): GraphEdit | string {
  const paths = stepPaths(value);
  const moved = target.step;
  if (!moved || !paths.has(moved)) return `${target.id} is not a step that can be moved.`;
  const movedPath = paths.get(moved)!;
  if (!source.step) return { type: 'moveStep', id: moved, index: 0 };
  if (source.step === moved) return `A step cannot run after itself.`;
  const sourcePath = paths.get(source.step);
  if (!sourcePath) return `${source.id} is not a step.`;
  const inside = (outer: Path, inner: Path) => inner.length > outer.length && outer.every((k, i) => inner[i] === k);
  if (inside(movedPath, sourcePath)) return `${moved} holds ${source.step}: it cannot move after a step inside it.`;
  if (source.role === 'if' && (sourceHandle === '0' || sourceHandle === '1'))
    return {
      type: 'moveStep',
      id: moved,
      parent: source.step,
      branch: sourceHandle === '0' ? 'then' : 'else',
      index: 0,
    };
  // A forEach's loop node leads into its body: Loop Over Items by its `loop` output (1; `done`, 0, is what runs
  // after the loop), the straight form's Split Out by its only output.
  const loopOutput = source.type.endsWith('.splitInBatches') ? sourceHandle === '1' : true;
  if (source.role === 'loop' && loopOutput)
    return { type: 'moveStep', id: moved, parent: source.step, branch: 'steps', index: 0 };
  // A switch: one output per case, in the YAML's order, then the default.
  if (source.role === 'switch' && sourceHandle != null) {
    const cases = valueAt(value, [...sourcePath, 'cases']);
    const values = cases !== null && typeof cases === 'object' ? Object.keys(cases) : [];
    const output = Number(sourceHandle);
    if (Number.isInteger(output) && output >= 0 && output <= values.length)
      return {
        type: 'moveStep',
        id: moved,
        parent: source.step,
        branch: output < values.length ? `case:${values[output]!}` : 'default',
        index: 0,
      };
  }
  const place = placeOf(value, sourcePath);
  if (!place) return `${source.id} is not in a list of steps.`;
  const { index, count: _count, ...container } = place;
  // moveStep takes the index in the list without the moved step: one less when it came from before the source.
  const movedPlace = placeOf(value, movedPath);
  const sameList = movedPlace !== undefined && movedPlace.parent === place.parent && movedPlace.branch === place.branch;
  const at = sameList && movedPlace.index < index ? index : index + 1;
  return { type: 'moveStep', id: moved, index: at, ...container };
}
