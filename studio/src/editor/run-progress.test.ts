import { describe, expect, it } from '@jest/globals';
import type { RunProgress } from '../api/types';
import { liveStepRows } from './run-progress';

const event = (index: number, node: string, step: string, previous?: RunProgress['previous']): RunProgress => ({
  runId: 'r1',
  agentId: 'a1',
  agentName: 'Revenue Tracker Lite',
  node,
  step,
  index,
  total: 3,
  elapsedMs: index * 10,
  ...(previous ? { previous } : {}),
});

describe('liveStepRows (run:step, one event per step boundary)', () => {
  it('shows the starting step as running and the step before it with how it ended', () => {
    const first = event(1, 'Fetch orders', 'orders');
    expect(liveStepRows([first])).toEqual([{ node: 'Fetch orders', step: 'orders', status: 'running' }]);
    const second = event(2, 'Revenue summary', 'revenue', {
      node: 'Fetch orders',
      step: 'orders',
      status: 'success',
      durationMs: 42,
    });
    expect(liveStepRows([first, second])).toEqual([
      { node: 'Fetch orders', step: 'orders', status: 'success', durationMs: 42 },
      { node: 'Revenue summary', step: 'revenue', status: 'running' },
    ]);
  });

  it('keeps a failed step with its error, and a step that runs again in its first place', () => {
    const rows = liveStepRows([
      event(1, 'Each order', 'loop'),
      event(2, 'Tag order', 'tag', { node: 'Each order', step: 'loop', status: 'success', durationMs: 1 }),
      event(3, 'Each order', 'loop', {
        node: 'Tag order',
        step: 'tag',
        status: 'error',
        durationMs: 7,
        error: 'The store answered 429',
      }),
    ]);
    expect(rows).toEqual([
      { node: 'Each order', step: 'loop', status: 'running' },
      { node: 'Tag order', step: 'tag', status: 'error', durationMs: 7, error: 'The store answered 429' },
    ]);
  });
});
