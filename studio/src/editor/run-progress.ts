import type { RunProgress } from '../api/types';

/** A row of the run panel's step table. */
export interface StepRow {
  node: string;
  step: string | null;
  status: string;
  durationMs?: number;
  items?: number;
  tokens?: number;
  error?: string | null;
}

/**
 * The rows of a running run from its run:step events, in the order the steps started: each event's step is
 * running, and the step it says ended before it (`previous`) gets its status, duration and error. A step that runs
 * again (in a loop) shows as running again, in its first place.
 *
 * @example liveStepRows([{ node: 'Revenue summary', step: 'revenue', index: 1, total: 2, ... }])
 */
export function liveStepRows(progress: RunProgress[]): StepRow[] {
  const byNode = new Map<string, StepRow>();
  for (const p of progress) {
    if (p.previous) {
      const { node, step, status, durationMs, error } = p.previous;
      byNode.set(node, { node, step, status, durationMs, ...(error ? { error } : {}) });
    }
    byNode.set(p.node, { node: p.node, step: p.step, status: 'running' });
  }
  return [...byNode.values()];
}
