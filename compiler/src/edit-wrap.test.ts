import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { compileAgent } from './compile';
import { applyGraphEdits, GraphEditError } from './edit';

const agent = `apiVersion: ionflux/v1
kind: Agent
metadata:
  name: wrap-me
  version: 1.0.0
spec:
  inputs:
    topics: { type: array, items: { type: string }, default: [gifts] }
    loud: { type: boolean, default: false }
  trigger:
    manual: {}
  steps:
    # The draft comes first.
    - id: draft   # keep this comment
      uses: llm.generate
      with:
        prompt: |
          Write one line about gifts.
          # not a comment: block scalar text
    - id: tell
      uses: notify
      with: { title: Done, body: "{{ steps.draft.output.text }}" }
  output:
    value: "{{ steps.draft.output.text }}"
`;

describe('wrapStep: a step put inside a new if or forEach, its own text kept', () => {
  it('wraps in an if: the step moves under then, comments and the block scalar byte for byte', () => {
    const edited = applyGraphEdits(agent, [
      { type: 'wrapStep', id: 'tell', wrapper: { id: 'loudly', if: '{{ inputs.loud }}' } },
    ]);
    expect(edited).toBe(
      agent.replace(
        `    - id: tell
      uses: notify
      with: { title: Done, body: "{{ steps.draft.output.text }}" }
`,
        `    - id: loudly
      if: "{{ inputs.loud }}"
      then:
        - id: tell
          uses: notify
          with: { title: Done, body: "{{ steps.draft.output.text }}" }
`,
      ),
    );
    expect(compileAgent(edited).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('wraps in a forEach with its variable; the value is the old step under steps', () => {
    const edited = applyGraphEdits(agent, [
      { type: 'wrapStep', id: 'draft', wrapper: { id: 'each', forEach: '{{ inputs.topics }}', as: 'topic' } },
    ]);
    expect(edited).toContain('    # The draft comes first.\n    - id: each\n');
    expect(edited).toContain('        - id: draft   # keep this comment\n');
    expect(edited).toContain('            # not a comment: block scalar text\n');
    const before = parse(agent) as { spec: { steps: unknown[] } };
    const after = parse(edited) as { spec: { steps: unknown[] } };
    expect(after.spec.steps).toEqual([
      { id: 'each', forEach: '{{ inputs.topics }}', as: 'topic', steps: [before.spec.steps[0]] },
      before.spec.steps[1],
    ]);
  });

  it('wraps a step of a flow list, and a nested step', () => {
    const flowText = agent.replace(
      / {2}steps:\n[\s\S]*?(?= {2}output:)/,
      '  steps: [{ id: draft, uses: llm.generate, with: { prompt: hi } }]\n',
    );
    const wrapped = parse(
      applyGraphEdits(flowText, [{ type: 'wrapStep', id: 'draft', wrapper: { id: 'maybe', if: '{{ inputs.loud }}' } }]),
    ) as { spec: { steps: unknown[] } };
    expect(wrapped.spec.steps).toEqual([
      { id: 'maybe', if: '{{ inputs.loud }}', then: [{ id: 'draft', uses: 'llm.generate', with: { prompt: 'hi' } }] },
    ]);
    const twice = applyGraphEdits(agent, [
      { type: 'wrapStep', id: 'tell', wrapper: { id: 'loudly', if: '{{ inputs.loud }}' } },
      { type: 'wrapStep', id: 'tell', wrapper: { id: 'each', forEach: '{{ inputs.topics }}' } },
    ]);
    expect((parse(twice) as { spec: { steps: unknown[] } }).spec.steps[1]).toEqual({
      id: 'loudly',
      if: '{{ inputs.loud }}',
      then: [
        {
          id: 'each',
          forEach: '{{ inputs.topics }}',
          steps: [(parse(agent) as { spec: { steps: unknown[] } }).spec.steps[1]],
        },
      ],
    });
  });

  it.each([
    [{ id: 'draft', if: '{{ inputs.loud }}' }, /already exists/],
    [{ id: 'Bad id', if: '{{ inputs.loud }}' }, /not a valid step id/],
    [{ id: 'ok', if: ' ' }, /needs a condition/],
    [{ id: 'ok', forEach: '' }, /needs the list/],
    [{ id: 'ok', forEach: '{{ inputs.topics }}', as: 'A b' }, /not a valid loop variable/],
  ])('refuses %j', (wrapper, message) => {
    expect(() => applyGraphEdits(agent, [{ type: 'wrapStep', id: 'tell', wrapper }])).toThrow(GraphEditError);
    expect(() => applyGraphEdits(agent, [{ type: 'wrapStep', id: 'tell', wrapper }])).toThrow(message);
  });
});

describe('moveStep and addStep into branches: an if without else, a forEach body, a switch case', () => {
  const branched = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: branches, version: 1.0.0 }
spec:
  inputs:
    items: { type: array, default: [1, 2] }
    mode: { type: string, default: a }
  trigger: { manual: {} }
  steps:
    - id: note   # moved around
      uses: notify
      with: { title: Hello }
    - id: check
      if: "{{ inputs.mode == 'a' }}"
      then:
        - id: inner
          uses: notify
          with: { title: Inner }
    - id: each
      forEach: "{{ inputs.items }}"
      as: item
      steps:
        - id: body
          uses: notify
          with: { title: Body }
    - id: pick
      switch: "{{ inputs.mode }}"
      cases:
        a:
          - id: casea
            uses: notify
            with: { title: A }
      default: []
  output:
    value: done
`;
  const steps = (text: string) => (parse(text) as { spec: { steps: Record<string, unknown>[] } }).spec.steps;
  const note = steps(branched)[0]!;

  it.each([
    ['the else an if does not have yet', { parent: 'check', branch: 'else' }, (s: any[]) => s[0].else],
    ['a forEach body', { parent: 'each', branch: 'steps' }, (s: any[]) => s[1].steps.slice(0, 1)],
    ['a switch case', { parent: 'pick', branch: 'case:a' }, (s: any[]) => s[2].cases.a.slice(0, 1)],
    ['an empty switch default', { parent: 'pick', branch: 'default' }, (s: any[]) => s[2].default],
  ])('moves a step into %s; the agent still compiles', (_, container, placed) => {
    const edited = applyGraphEdits(branched, [{ type: 'moveStep', id: 'note', index: 0, ...container }]);
    const after = steps(edited);
    expect(after.map((s) => s.id)).toEqual(['check', 'each', 'pick']);
    expect(placed(after)).toEqual([note]);
    expect(compileAgent(edited).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('adds a step into the else an if does not have yet, the rest of the text unchanged', () => {
    const edited = applyGraphEdits(branched, [
      { type: 'addStep', parent: 'check', branch: 'else', step: { id: 'other', uses: 'notify' } },
    ]);
    expect((steps(edited)[1] as { else?: unknown }).else).toEqual([{ id: 'other', uses: 'notify' }]);
    expect(edited.replace(/\n {6}else: .*\n/, '\n')).toBe(branched);
  });
});

describe('moveStep keeps the step its own text: comments above and beside it, its formatting', () => {
  const commented = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: moves, version: 1.0.0 }
spec:
  inputs:
    mode: { type: string, default: a }
  trigger: { manual: {} }
  steps:
    # Say hello first.
    - id: note   # moved around
      uses: notify
      with: { title: Hello }   # the title

    - id: check
      if: "{{ inputs.mode == 'a' }}"
      then:
        # The inner one.
        - id: inner
          uses: notify
          with: { title: Inner }
    - id: pick
      switch: "{{ inputs.mode }}"
      cases:
        a:
          - id: casea
            uses: notify
            with: { title: A }
      default: []   # nothing yet
  output:
    value: done
`;
  const without = commented.replace(
    '    # Say hello first.\n    - id: note   # moved around\n      uses: notify\n      with: { title: Hello }   # the title\n',
    '',
  );

  it('into the else an if does not have yet: a block list with the step as written', () => {
    const edited = applyGraphEdits(commented, [{ type: 'moveStep', id: 'note', parent: 'check', branch: 'else' }]);
    expect(edited).toBe(
      without.replace(
        '          with: { title: Inner }\n',
        '          with: { title: Inner }\n' +
          '      else:\n' +
          '        # Say hello first.\n' +
          '        - id: note   # moved around\n' +
          '          uses: notify\n' +
          '          with: { title: Hello }   # the title\n',
      ),
    );
    expect(compileAgent(edited).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('into an empty default: its comment after `[]` stays on the key line', () => {
    const edited = applyGraphEdits(commented, [{ type: 'moveStep', id: 'note', parent: 'pick', branch: 'default' }]);
    expect(edited).toBe(
      without.replace(
        '      default: []   # nothing yet\n',
        '      default:   # nothing yet\n' +
          '        # Say hello first.\n' +
          '        - id: note   # moved around\n' +
          '          uses: notify\n' +
          '          with: { title: Hello }   # the title\n',
      ),
    );
  });

  it('before a step with its own comment: the comment stays with that step', () => {
    const edited = applyGraphEdits(commented, [
      { type: 'moveStep', id: 'note', parent: 'check', branch: 'then', index: 0 },
    ]);
    expect(edited).toBe(
      without.replace(
        '        # The inner one.\n',
        '        # Say hello first.\n' +
          '        - id: note   # moved around\n' +
          '          uses: notify\n' +
          '          with: { title: Hello }   # the title\n' +
          '        # The inner one.\n',
      ),
    );
  });

  it('the only step of a branch moves out with its comment; the branch becomes []', () => {
    const edited = applyGraphEdits(commented, [{ type: 'moveStep', id: 'inner', index: 0 }]);
    expect(edited).toBe(
      commented
        .replace(
          '      then:\n        # The inner one.\n        - id: inner\n          uses: notify\n          with: { title: Inner }\n',
          '      then: []\n',
        )
        .replace(
          '  steps:\n',
          '  steps:\n    # The inner one.\n    - id: inner\n      uses: notify\n      with: { title: Inner }\n',
        ),
    );
  });
});
