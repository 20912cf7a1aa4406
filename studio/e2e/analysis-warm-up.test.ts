import { describe, expect, it } from '@jest/globals';
import { createAgentAnalyser } from '../src/editor/analysis';

// The editor's analysis worker (studio/src/editor/analysis.ts) in Node: its warm-up after the first graph must leave
// every later answer exactly what it would have been. The agent is the 1,017-line one of bench/dsl (bench/studio
// types into it): long enough for the incremental validator's segments, whose caches the warm-up goes through.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bigAgentText } = require('../../bench/dsl/big-agent.js') as { bigAgentText: () => string };
const text = bigAgentText();
// Two keystrokes in the middle of the agent: one inside a step's instructions (as bench/studio types; the graph stays
// the same) and one in a step's name (its node is renamed: a new graph).
const at = text.indexOf('instructions: "Write a', text.length / 2) + 'instructions: "'.length;
const typed = text.slice(0, at) + 'K' + text.slice(at);
const nameAt = text.indexOf('name: Draft email', text.length / 2) + 'name: Draft email'.length;
const renamed = text.slice(0, nameAt) + 's' + text.slice(nameAt);

/** The answers to `next` after the analyser checked `text` and returned its graph, warmed up or not in between. */
function answersAfter(next: string, warmUpSteps: number) {
  const analyser = createAgentAnalyser();
  analyser.check(text);
  const first = analyser.graph();
  if (first.graph === undefined) throw new Error('the agent has no graph');
  analyser
    .warmUpSteps(text)
    .slice(0, warmUpSteps)
    .forEach((step) => step());
  const { ms: _, ...check } = analyser.check(next);
  return { check, graph: analyser.graph() };
}

describe('createAgentAnalyser warmUpSteps', () => {
  it.each([
    ['inside a string', typed],
    ['in a step name', renamed],
  ])('a keystroke %s after the whole warm-up or a part of it gets the answers it gets without', (_, next) => {
    const expected = answersAfter(next, 0);
    for (const steps of [1, 2, 3]) expect(answersAfter(next, steps)).toEqual(expected);
  });

  it('the keystrokes are what they say: one keeps the graph (`same`), one changes it', () => {
    expect(answersAfter(typed, 0).graph).toEqual({ same: true });
    const graph = answersAfter(renamed, 0).graph.graph;
    expect(graph?.nodes.map((n) => n.id)).toContain('Draft emails');
  });

  it('after the warm-up the same text again is `same` (the graph last returned is kept)', () => {
    expect(answersAfter(text, 3).graph).toEqual({ same: true });
  });

  it('the warm-up checks a valid edited copy of the text (so its compile step runs)', () => {
    const analyser = createAgentAnalyser();
    analyser.check(text);
    analyser.graph();
    analyser.warmUpSteps(text)[0]!();
    // The check step 1 left has an agent (no error: `{}` otherwise) whose graph equals the text's (a space added).
    expect(analyser.graph()).toEqual({ same: true });
  });
});
