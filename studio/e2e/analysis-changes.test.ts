import { describe, expect, it } from '@jest/globals';
import { validateAgent } from '@ionflux/dsl';
import { completionScope, createAgentAnalyser, type CompletionScope } from '../src/editor/analysis';
import { applyValueChange } from '../src/editor/value-change';

// The editor's analysis worker (studio/src/editor/analysis.ts) answers each keystroke with how the agent's plain value
// and completion scope changed since its last answer. Held by the editor the way EditorScreen does (every answer
// applied in order), they must equal what the DSL's own full validation of each text gives.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bigAgentText } = require('../../bench/dsl/big-agent.js') as { bigAgentText: () => string };
const big = bigAgentText();
const small = [
  'apiVersion: ionflux/v1',
  'kind: Agent',
  'metadata:',
  '  name: tiny',
  'spec:',
  '  trigger:',
  '    manual: {}',
  '  inputs:',
  '    topic: { type: string }',
  '  steps:',
  '    - id: draft',
  '      uses: llm.generate',
  '      with:',
  '        prompt: "About {{ inputs.topic }}"',
  '',
].join('\n');

const insert = (text: string, marker: string, typed: string, from = 0) => {
  const at = text.indexOf(marker, from) + marker.length;
  return text.slice(0, at) + typed + text.slice(at);
};

/** Texts as a user edits them: typing in a string, a broken line, a new step id, a new input, back to the start. */
function edits(text: string, from: number) {
  const typed = insert(text, 'instructions: "', 'K', from);
  const steps: string[] = [text, typed, insert(typed, 'instructions: "', 'ee', from)];
  steps.push(insert(steps[2]!, 'instructions: "', '\n  : [', from)); // invalid YAML
  steps.push(steps[2]!.replace(/(- id: )(\w+)/, '$1$2_renamed')); // a step id (the scope changes)
  steps.push(steps[4]!.replace('  inputs:\n', '  inputs:\n    extra: { type: number }\n')); // a new input
  steps.push(text);
  return steps.filter((t) => t.includes('instructions') || t === text);
}

function heldAfter(texts: string[]) {
  const analyser = createAgentAnalyser();
  let value: unknown;
  let scope: CompletionScope | undefined;
  return texts.map((text) => {
    const answer = analyser.check(text);
    if (answer.valueChange) value = applyValueChange(value, answer.valueChange);
    if (answer.scope) scope = answer.scope;
    return { text, answer, value, scope };
  });
}

describe('createAgentAnalyser check: value and scope changes', () => {
  it.each([
    ['the 1,017-line agent (incremental segments)', big, big.length / 2],
    ['a small agent (full validation)', small.replace('prompt:', 'instructions:'), 0],
  ])('%s: the value and scope held after every answer are those of the text', (_, text, from) => {
    const texts = edits(text, from);
    expect(texts).toHaveLength(7);
    const answers = heldAfter(texts);
    // The edits are what they say: one text does not parse, and the rename and the new input change the scope.
    expect(texts.filter((t) => validateAgent(t).value === undefined)).toHaveLength(1);
    expect(answers.slice(1).filter((a) => a.answer.scope !== undefined).length).toBeGreaterThanOrEqual(3);
    for (const held of answers) {
      const expected = validateAgent(held.text).value;
      // An invalid text keeps the last value that parsed, as the editor did before (its parse is undefined).
      if (expected !== undefined) expect(held.value).toEqual(expected);
      expect(held.scope).toEqual(completionScope(held.value));
    }
  });

  it('typing inside a string sends that string alone and no scope', () => {
    const [first, typed] = heldAfter(edits(big, big.length / 2));
    expect(first!.answer.valueChange).toHaveProperty('whole');
    expect(first!.answer.scope).toBeDefined();
    expect(typed!.answer.scope).toBeUndefined();
    const change = typed!.answer.valueChange as { replacements: { path: unknown[]; value: unknown }[] };
    expect(change.replacements).toHaveLength(1);
    expect(change.replacements[0]!.path).toEqual(expect.arrayContaining(['spec', 'steps', 'with', 'instructions']));
    expect(change.replacements[0]!.value).toMatch(/^KWrite a/);
  });

  it('the same text again: no value change and no scope', () => {
    const [, again] = heldAfter([big, big]);
    expect(again!.answer.valueChange).toBeUndefined();
    expect(again!.answer.scope).toBeUndefined();
  });

  it('after forgetSent (an answer lost), the next check sends the whole value and the scope', () => {
    const analyser = createAgentAnalyser();
    analyser.check(big);
    analyser.forgetSent();
    const answer = analyser.check(big);
    expect(answer.valueChange).toEqual({ whole: validateAgent(big).value });
    expect(answer.scope).toEqual(completionScope(validateAgent(big).value));
  });
});
