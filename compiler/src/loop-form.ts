import { actionCatalog } from '@ionflux/dsl';
import type { ActionStepIR, ForEachStepIR } from './ir';

/**
 * How a `forEach` is lowered, and why.
 *
 * The loop form runs the whole body for one item before the next item: item 1 A, B, then item 2 A, B:
 *
 *     <loop> items (Set) -> <loop> split (Split Out) -> <loop> (Loop Over Items)
 *         |                     loop: -> A -> B -> <loop> collect (Set) -> back to <loop>
 *         |                     done: -> <loop> results (Aggregate)
 *         \-> <loop> is empty (IF) --true-> <loop> results
 *
 * The straight form hands every item to the body at once and lets n8n's per-item execution do the rest:
 *
 *     <loop> items (Set) -> <loop> (Split Out) -> A -> B -> <loop> collect (Set) -> <loop> results (Aggregate)
 *            \-> <loop> is empty (IF) --true------------------------------------------------^
 *
 * n8n then runs A for every item, then B for every item. Each IONFLUX node works through its items in order, one
 * output item per input item paired with it, and stops at the first failing item (or, continuing on fail, passes the
 * error on as that item's output). So the straight form gives the same results as the loop when:
 *
 * 1. The body is a chain of actions. An if, switch or forEach inside could be proven equal case by case; it is not,
 *    so those keep the loop.
 * 2. No step sends its errors to a handler (`onError: { goto }`): in the loop, the failing item's error path leaves
 *    the loop and the items after it never run; straight, they would.
 * 3. No step retries with fixed delays: those are n8n's node-level "Retry On Fail", which runs the node again for all
 *    its items (the loop retries one item; exponential retries happen per item inside IONFLUX nodes, so they are fine).
 * 4. At most one step is "ordered": it writes outside the run (catalog effect `write`: a canvas block, a chat message,
 *    a notification, an HTTP call), or it can stop the run (`onError: fail`, the default), or it calls a model
 *    (`llm.*`: an agent's or a workspace's token budget stops the run right after the node that crossed it). Two
 *    ordered steps can be told apart in time from outside: with a canvas write after a model call, a failure (or a
 *    budget reached) at the second item's call leaves the first item's write in place in the loop, and no write
 *    straight. With one ordered step, everything outside sees it happen in item order in both forms, and a failure at
 *    item k leaves items 1..k-1 done in both.
 * 5. The other steps do not read what the ordered step writes (a step of the same service): in the loop, item 2's
 *    read sees item 1's write; straight, every read runs before the first write.
 *
 * Both forms give `steps.<loop>.output` as one entry per item, in item order: `{ <as>: item, <step id>: output }`
 * (collect writes it under `result`; results gathers those into `items`). An empty list: Split Out yields no item
 * (n8n runs nothing after a node that outputs none, on the embedded engine and on an n8n server alike), and `is
 * empty` sends the Items item to `results` instead, where the Aggregate skips it (it has no `result` field: Aggregate's
 * `keepMissing: false`) and yields `{ items: [] }`, so the steps after the loop run.
 *
 * A run stopped from outside (cancelled, timed out) stops at another point in each form; it could stop at any point.
 */
export type ForEachForm = { form: 'straight' } | { form: 'loop'; reason: string };

/** The field of the collect node's item that holds one entry of the loop's output (both forms). */
export const LOOP_RESULT_FIELD = 'result';

export function forEachForm(step: ForEachStepIR): ForEachForm {
  const loop = (reason: string): ForEachForm => ({ form: 'loop', reason });
  if (step.steps.length === 0) return loop('the body has no steps');
  const actions: ActionStepIR[] = [];
  for (const child of step.steps) {
    if (child.kind !== 'action') return loop(`step '${child.id}' is an ${child.kind} inside the loop`);
    actions.push(child);
  }
  for (const action of actions) {
    if (action.onError.kind === 'goto') return loop(`step '${action.id}' sends its errors to a handler`);
    if (action.retry?.backoff === 'fixed')
      return loop(`step '${action.id}' retries with a fixed delay (n8n retries the node for every item)`);
  }
  const ordered = actions.filter(isOrdered);
  if (ordered.length > 1)
    return loop(
      `steps ${ordered.map((a) => `'${a.id}'`).join(', ')} can each be seen from outside (a write, a failure that stops the run, or a model call): their order per item matters`,
    );
  const [only] = ordered;
  if (only && actionCatalog[only.uses].effect === 'write') {
    const service = serviceOf(only);
    const reader = actions.find((a) => a !== only && serviceOf(a) === service);
    if (reader) return loop(`step '${reader.id}' reads what step '${only.id}' writes`);
  }
  return { form: 'straight' };
}

function isOrdered(action: ActionStepIR): boolean {
  return (
    actionCatalog[action.uses].effect === 'write' || action.onError.kind === 'fail' || action.uses.startsWith('llm.')
  );
}

function serviceOf(action: ActionStepIR): string {
  return action.uses.split('.')[0]!;
}
