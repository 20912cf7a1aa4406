import { describe, expect, it } from '@jest/globals';
import { compileAgent } from './compile';
import { decompileWorkflow } from './decompile';
import { forEachStep, type ForEachStepIR } from './ir';
import { forEachForm } from './loop-form';

const agent = (body: string, extra = '') => `apiVersion: ionflux/v1
kind: Agent
metadata: { name: loop-form, version: 1.0.0 }
spec:
  inputs:
    names: { type: array, items: { type: string }, default: [a, b, c] }
  connections:
    creator: { type: tiktok }
  trigger: { manual: {} }
  steps:
    - id: each
      forEach: "{{ inputs.names }}"
      as: name
      steps:
${body}
  output:
    value: "{{ steps.each.output }}"
${extra}`;

const notify = (id: string, more = '') => `        - id: ${id}
          uses: notify
          with: { title: "{{ name }}" }${more}\n`;
const classify = (id: string, more = '') => `        - id: ${id}
          uses: llm.classify
          with: { text: "{{ name }}", labels: [a, b] }${more}\n`;
const read = (id: string, more = '') => `        - id: ${id}
          uses: tiktok.creators.search
          with: { niche: "{{ name }}", limit: 3 }${more}\n`;
const chatRead = (id: string) => `        - id: ${id}
          uses: chat.thread
          with: { channel: general, threadId: "{{ name }}" }
          onError: continue\n`;
const chatPost = (id: string) => `        - id: ${id}
          uses: chat.post
          with: { channel: general, text: "{{ name }}" }\n`;

function loopStep(yaml: string): ForEachStepIR {
  const result = compileAgent(yaml);
  if (!result.ir) throw new Error(JSON.stringify(result.diagnostics, null, 2));
  let found: ForEachStepIR | undefined;
  forEachStep(result.ir.steps, (step) => {
    if (step.kind === 'forEach' && !found) found = step;
  });
  return found!;
}

describe('forEachForm: when a forEach runs as a straight chain', () => {
  it.each([
    ['one write', notify('tell')],
    ['one model call', classify('size')],
    ['one read that can fail', read('tags')],
    ['a read continuing on error, then one write', read('tags', '\n          onError: continue') + notify('tell')],
    ['one write with exponential retries', notify('tell', '\n          retries: { max: 2 }')],
  ])('straight: %s', (_label, body) => {
    expect(forEachForm(loopStep(agent(body)))).toEqual({ form: 'straight' });
  });

  it.each([
    ['two writes', notify('a') + notify('b'), /'a', 'b'/],
    ['a model call, then a write (Outreach Automaton)', classify('size') + notify('tell'), /'size', 'tell'/],
    ['two reads that can fail', read('a') + read('b'), /'a', 'b'/],
    [
      'a model call continuing on error, then a write (a budget stops the run after the call)',
      classify('size', '\n          onError: continue') + notify('tell'),
      /'size', 'tell'/,
    ],
    ['a write with a fixed-delay retry', notify('tell', '\n          retries: { max: 2, backoff: fixed }'), /fixed/],
    ['a read of what the write writes', chatRead('thread') + chatPost('post'), /'thread' reads what step 'post'/],
    [
      'an if inside',
      `        - id: maybe\n          if: "{{ name == 'a' }}"\n          then:\n  ${notify('tell').replace(/\n {8}/g, '\n          ')}`,
      /'maybe' is an if/,
    ],
    [
      'errors sent to a handler',
      notify('tell', '\n          onError: { goto: oops }'),
      /handler/,
      `  handlers:\n    oops:\n      - id: log\n        uses: notify\n        with: { title: failed }\n`,
    ],
  ])('loop: %s', (_label, body, reason, extra = '') => {
    const form = forEachForm(loopStep(agent(body, extra)));
    expect(form.form).toBe('loop');
    expect(form.form === 'loop' && form.reason).toMatch(reason);
  });
});

describe('the straight form in n8n', () => {
  const yaml = agent(read('tags', '\n          onError: continue') + notify('tell'));

  it('is items -> split (named after the step) -> body -> collect -> results, with is empty -> results', () => {
    const { workflow } = compileAgent(yaml);
    const types = Object.fromEntries(workflow!.nodes.map((n) => [n.name, n.type]));
    expect(types).toMatchObject({
      'Each items': 'n8n-nodes-base.set',
      Each: 'n8n-nodes-base.splitOut',
      'Each is empty': 'n8n-nodes-base.if',
      'Each collect': 'n8n-nodes-base.set',
      'Each results': 'n8n-nodes-base.aggregate',
    });
    expect(Object.values(types)).not.toContain('n8n-nodes-base.splitInBatches');
    const edges = Object.entries(workflow!.connections).flatMap(([from, { main }]) =>
      main.flatMap((targets, output) => targets.map((t) => `${from}:${output} -> ${t.node}`)),
    );
    expect(edges).toEqual(
      expect.arrayContaining([
        'Each items:0 -> Each',
        'Each items:0 -> Each is empty',
        'Each:0 -> Tags',
        'Tags:0 -> Tell',
        'Tell:0 -> Each collect',
        'Each collect:0 -> Each results',
        'Each is empty:0 -> Each results',
        'Each results:0 -> Output',
      ]),
    );
    expect(edges.filter((e) => e.startsWith('Each is empty:1'))).toEqual([]);
  });

  it('decompiles to the same forEach, with the compiler meta and without it (a workflow imported from n8n)', () => {
    const first = compileAgent(yaml);
    const withMeta = decompileWorkflow(first.workflow!);
    expect(withMeta.diagnostics).toEqual([]);
    expect(compileAgent(withMeta.yaml!).json).toBe(first.json);

    const { meta: _meta, ...imported } = first.workflow!;
    const withoutMeta = decompileWorkflow(imported as typeof first.workflow & object);
    expect(withoutMeta.diagnostics).toEqual([]);
    const again = compileAgent(withoutMeta.yaml!);
    expect(again.workflow!.nodes.map((n) => [n.name, n.type, n.parameters])).toEqual(
      first.workflow!.nodes.map((n) => [n.name, n.type, n.parameters]),
    );
    expect(again.workflow!.connections).toEqual(first.workflow!.connections);
  });
});
