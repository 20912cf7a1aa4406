import { parseDuration } from '../agent';
import type { DocumentPath } from '../diagnostics';
import { closestMatch, didYouMean } from '../suggest';
import { isObj, type CheckContext } from './context';

/**
 * Error handling: retries, `onError: { goto }` targets (on steps and in `spec.policy`), and cycles between
 * handlers (a handler whose steps go to handlers that lead back to it would bounce errors forever).
 */

/** `onError: { goto }` of one step: the handler must be declared. */
export function checkOnErrorTarget(context: CheckContext, onError: unknown, path: DocumentPath): void {
  if (isObj(onError) && typeof onError.goto === 'string' && !context.handlers.has(onError.goto)) {
    reportUnknownHandler(context, onError.goto, [...path, 'goto']);
  }
}

/** Fixed-backoff retries become n8n's own retry settings, which allow 5 attempts and 5 s between them. */
export function checkRetries(context: CheckContext, retries: unknown, path: DocumentPath): void {
  if (!isObj(retries) || retries.backoff !== 'fixed') return;
  if (typeof retries.max === 'number' && retries.max > 4) {
    context.report({ code: 'IFX205', messageId: 'fixedRetriesMax', path: [...path, 'max'] });
  }
  const delay = typeof retries.delay === 'string' ? parseDuration(retries.delay) : undefined;
  if (delay !== undefined && delay > 5000) {
    context.report({ code: 'IFX205', messageId: 'fixedRetriesDelay', path: [...path, 'delay'] });
  }
}

/** `spec.policy` (retries, onError) and the graph of handlers; runs after the steps are collected. */
export function checkErrorHandling(context: CheckContext): void {
  const policy = context.spec.policy;
  if (isObj(policy)) checkRetries(context, policy.retries, ['spec', 'policy', 'retries']);
  if (isObj(policy)) checkOnErrorTarget(context, policy.onError, ['spec', 'policy', 'onError']);
  // Edges handler -> handler from every `goto` inside a handler; a cycle would bounce errors forever.
  const edges = new Map<string, { target: string; path: DocumentPath }[]>();
  for (const info of context.steps.values()) {
    if (!info.handler || !isObj(info.step.onError) || typeof info.step.onError.goto !== 'string') continue;
    const target = info.step.onError.goto;
    if (!context.handlers.has(target)) continue;
    const list = edges.get(info.handler) ?? [];
    list.push({ target, path: [...info.path, 'onError', 'goto'] });
    edges.set(info.handler, list);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (handler: string, trail: string[]): void => {
    state.set(handler, 'visiting');
    for (const edge of edges.get(handler) ?? []) {
      if (state.get(edge.target) === 'visiting') {
        const cycle = [...trail.slice(trail.indexOf(edge.target)), handler, edge.target];
        const key = [...cycle].sort().join('>');
        if (!reported.has(key)) {
          reported.add(key);
          context.report({
            code: 'IFX310',
            messageId: 'handlerCycle',
            data: { cycle: cycle.filter((h, i) => i === 0 || h !== cycle[i - 1]).join(' -> ') },
            path: edge.path,
          });
        }
      } else if (!state.has(edge.target)) {
        visit(edge.target, [...trail, handler]);
      }
    }
    state.set(handler, 'done');
  };
  for (const handler of context.handlers.keys()) if (!state.has(handler)) visit(handler, []);
}

function reportUnknownHandler(context: CheckContext, name: string, path: DocumentPath): void {
  const suggestion = closestMatch(name, context.handlers.keys());
  context.report({
    code: 'IFX309',
    messageId: 'unknownHandler',
    data: { name, didYouMean: didYouMean(suggestion) },
    path,
    suggestion,
  });
}
