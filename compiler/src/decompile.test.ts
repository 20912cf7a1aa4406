import { describe, expect, it } from '@jest/globals';
import { diagnosticCatalog } from '@ionflux/dsl';
import { decompileWorkflow } from './decompile';
import type { N8nNode, N8nWorkflow } from './workflow';

/**
 * Every message of the decompiler (IFX6xx), produced by decompiling a small workflow: one row per (code,
 * messageId), as dsl/src/check/messages.test.ts does for the agent checks (the DSL cannot produce these: the
 * compiler depends on it, not the reverse).
 */

type NodeSketch = Partial<N8nNode> & { name: string; type: string };

/** A workflow from nodes and edges `[from, to, output?]` (n8n's `main` connections). */
function workflow(nodes: NodeSketch[], edges: [string, string, number?][] = []): N8nWorkflow {
  const connections: N8nWorkflow['connections'] = {};
  for (const [from, to, output = 0] of edges) {
    const main = (connections[from] ??= { main: [] }).main!;
    while (main.length <= output) main.push([]);
    main[output]!.push({ node: to, type: 'main', index: 0 });
  }
  return {
    name: 'Sketch',
    nodes: nodes.map((node, index) => ({
      id: String(index),
      typeVersion: 1,
      position: [index * 200, 0],
      parameters: {},
      ...node,
    })),
    connections,
    settings: {},
  } as unknown as N8nWorkflow;
}

const start: NodeSketch = { name: 'Start', type: 'n8n-nodes-base.manualTrigger' };
const notify = (name: string, parameters: Record<string, unknown> = {}, extra: Partial<N8nNode> = {}): NodeSketch => ({
  name,
  type: 'n8n-nodes-ionflux.ionfluxNotify',
  parameters: { resource: 'notification', operation: 'create', title: 'Hi', ...parameters },
  ...extra,
});
const code = (name: string): NodeSketch => ({
  name,
  type: 'n8n-nodes-base.code',
  parameters: { jsCode: 'return items' },
});
const output = (jsOutput: string): NodeSketch => ({
  name: 'Output',
  type: 'n8n-nodes-base.set',
  parameters: { mode: 'raw', jsonOutput: `={{ ${jsOutput} }}` },
});
const ifNode = (name: string, conditions: unknown[]): NodeSketch => ({
  name,
  type: 'n8n-nodes-base.if',
  parameters: { conditions: { conditions } },
});
const isTrue = (leftValue: string) => ({ leftValue, operator: { type: 'boolean', operation: 'true' } });
const switchNode = (name: string, rules: unknown[]): NodeSketch => ({
  name,
  type: 'n8n-nodes-base.switch',
  parameters: { rules: { values: rules } },
});
const equals = (leftValue: string, rightValue: string) => ({
  conditions: { conditions: [{ leftValue, rightValue, operator: { type: 'string', operation: 'equals' } }] },
});
/** The start of the forEach shape: items (Set) -> has items (IF) -> split (Split Out) -> loop (Loop Over Items). */
const loopStart = (itemsExpression: string): NodeSketch[] => [
  { name: 'Items', type: 'n8n-nodes-base.set', parameters: { mode: 'raw', jsonOutput: `={{ ${itemsExpression} }}` } },
  ifNode('Has items', [isTrue('={{ $json.items.length > 0 }}')]),
  { name: 'Split', type: 'n8n-nodes-base.splitOut', parameters: { fieldToSplitOut: 'item' } },
  { name: 'Loop', type: 'n8n-nodes-base.splitInBatches' },
];
const loopEdges: [string, string, number?][] = [
  ['Start', 'Items'],
  ['Items', 'Has items'],
  ['Has items', 'Split', 0],
  ['Split', 'Loop'],
];

interface DecompileCase {
  code: string;
  messageId: string;
  input: N8nWorkflow | string;
}

const cases: DecompileCase[] = [
  {
    code: 'IFX600',
    messageId: 'unsupportedTrigger',
    input: workflow([{ name: 'Slack', type: 'n8n-nodes-base.slackTrigger' }, notify('Tell')], [['Slack', 'Tell']]),
  },
  { code: 'IFX600', messageId: 'missingNode', input: workflow([start], [['Start', 'Ghost']]) },
  {
    code: 'IFX600',
    messageId: 'unreachable',
    input: workflow([start, notify('Tell'), notify('Orphan')], [['Start', 'Tell']]),
  },
  { code: 'IFX600', messageId: 'noEquivalent', input: workflow([start, code('Run code')], [['Start', 'Run code']]) },
  {
    code: 'IFX600',
    messageId: 'unknownParameter',
    input: workflow([start, notify('Tell', { colour: 'red' })], [['Start', 'Tell']]),
  },
  {
    code: 'IFX600',
    messageId: 'afterOutput',
    input: workflow(
      [start, notify('Tell'), output('({ value: $json })'), code('Run code')],
      [
        ['Start', 'Tell'],
        ['Tell', 'Output'],
        ['Output', 'Run code'],
      ],
    ),
  },
  {
    code: 'IFX601',
    messageId: 'parameterExpression',
    input: workflow([start, notify('Tell', { title: '={{ $json.items.map(i => i.id) }}' })], [['Start', 'Tell']]),
  },
  {
    code: 'IFX601',
    messageId: 'nodeExpression',
    input: workflow(
      [start, ifNode('Check', [isTrue('={{ $json.items.map(i => i.ok)[0] }}')]), notify('Tell')],
      [
        ['Start', 'Check'],
        ['Check', 'Tell', 0],
      ],
    ),
  },
  {
    code: 'IFX601',
    messageId: 'outputExpression',
    input: workflow(
      [start, notify('Tell'), output('({ value: $json.items.map(i => i.id) })')],
      [
        ['Start', 'Tell'],
        ['Tell', 'Output'],
      ],
    ),
  },
  {
    code: 'IFX601',
    messageId: 'notJson',
    input: workflow(
      [
        start,
        {
          name: 'Inputs',
          type: 'n8n-nodes-base.set',
          parameters: { assignments: { assignments: [{ name: 'inputs', value: '{ threshold: 100' }] } },
        },
        notify('Tell'),
      ],
      [
        ['Start', 'Inputs'],
        ['Inputs', 'Tell'],
      ],
    ),
  },
  {
    code: 'IFX601',
    messageId: 'parameterNotJson',
    input: workflow([start, notify('Tell', { recipients: '[ada@example.com' })], [['Start', 'Tell']]),
  },
  {
    code: 'IFX601',
    messageId: 'scheduleRule',
    input: workflow(
      [
        {
          name: 'Every hour',
          type: 'n8n-nodes-base.scheduleTrigger',
          parameters: { rule: { interval: [{ field: 'hours' }] } },
        },
        notify('Tell'),
      ],
      [['Every hour', 'Tell']],
    ),
  },
  {
    code: 'IFX601',
    messageId: 'ifCondition',
    input: workflow(
      [start, ifNode('Check', []), notify('Tell')],
      [
        ['Start', 'Check'],
        ['Check', 'Tell', 0],
      ],
    ),
  },
  {
    code: 'IFX601',
    messageId: 'ifExpression',
    input: workflow(
      [start, ifNode('Check', [isTrue('yes')]), notify('Tell')],
      [
        ['Start', 'Check'],
        ['Check', 'Tell', 0],
      ],
    ),
  },
  {
    code: 'IFX601',
    messageId: 'switchRule',
    input: workflow(
      [start, switchNode('Route', [{ conditions: { conditions: [] } }]), notify('Tell')],
      [
        ['Start', 'Route'],
        ['Route', 'Tell', 0],
      ],
    ),
  },
  {
    code: 'IFX601',
    messageId: 'switchNoRules',
    input: workflow(
      [start, switchNode('Route', []), notify('Tell')],
      [
        ['Start', 'Route'],
        ['Route', 'Tell', 0],
      ],
    ),
  },
  {
    code: 'IFX601',
    messageId: 'switchExpression',
    input: workflow(
      [start, switchNode('Route', [equals('sales', 'sales')]), notify('Tell')],
      [
        ['Start', 'Route'],
        ['Route', 'Tell', 0],
      ],
    ),
  },
  {
    code: 'IFX601',
    messageId: 'loopItems',
    input: workflow(
      [
        start,
        ...loopStart('({ items: $json.items })'),
        { name: 'Collect', type: 'n8n-nodes-base.aggregate' },
        { name: 'End', type: 'n8n-nodes-base.merge' },
      ],
      [...loopEdges, ['Has items', 'End', 1], ['Loop', 'Collect', 0], ['Collect', 'End']],
    ),
  },
  {
    code: 'IFX601',
    messageId: 'outputValue',
    input: workflow(
      [start, notify('Tell'), output('$json')],
      [
        ['Start', 'Tell'],
        ['Tell', 'Output'],
      ],
    ),
  },
  {
    code: 'IFX602',
    messageId: 'fanOut',
    input: workflow(
      [start, notify('Tell'), notify('Also tell')],
      [
        ['Start', 'Tell'],
        ['Start', 'Also tell'],
      ],
    ),
  },
  { code: 'IFX602', messageId: 'noTrigger', input: workflow([notify('Tell')]) },
  {
    code: 'IFX602',
    messageId: 'severalTriggers',
    input: workflow([start, { ...start, name: 'Start again' }, notify('Tell')], [['Start', 'Tell']]),
  },
  {
    code: 'IFX602',
    messageId: 'reachedTwice',
    input: workflow(
      [start, notify('Tell'), notify('Tell again')],
      [
        ['Start', 'Tell'],
        ['Tell', 'Tell again'],
        ['Tell again', 'Tell'],
      ],
    ),
  },
  {
    code: 'IFX602',
    messageId: 'errorOutputUnconnected',
    input: workflow([start, notify('Tell', {}, { onError: 'continueErrorOutput' })], [['Start', 'Tell']]),
  },
  {
    code: 'IFX602',
    messageId: 'errorRouteEnd',
    input: workflow(
      [start, notify('Tell', {}, { onError: 'continueErrorOutput' }), code('Run code')],
      [
        ['Start', 'Tell'],
        ['Tell', 'Run code', 1],
      ],
    ),
  },
  {
    code: 'IFX602',
    messageId: 'branchesNeverMeet',
    input: workflow(
      [start, ifNode('Check', [isTrue('={{ $json.ok }}')]), notify('Yes'), notify('No')],
      [
        ['Start', 'Check'],
        ['Check', 'Yes', 0],
        ['Check', 'No', 1],
      ],
    ),
  },
  {
    code: 'IFX602',
    messageId: 'loopShape',
    input: workflow([start, ...loopStart('({ items: $json.items })')], loopEdges),
  },
  { code: 'IFX603', messageId: 'invalidJson', input: 'not json' },
  { code: 'IFX603', messageId: 'notWorkflow', input: '{"nodes": 3}' },
];

type Messages = Record<string, string>;
const decompileMessages = Object.entries(diagnosticCatalog).filter(([code]) => code.startsWith('IFX6')) as [
  string,
  { messages?: Messages },
][];

/** A template as a pattern: placeholders match any text. */
function templatePattern(template: string): RegExp {
  const parts = template.split(/\{\{\w+\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`);
}

/** The messageId whose template matches the message with the most literal text. */
function messageIdOf(code: string, message: string): string | undefined {
  const messages = decompileMessages.find(([c]) => c === code)?.[1].messages ?? {};
  return Object.entries(messages)
    .filter(([, template]) => templatePattern(template).test(message))
    .map(([messageId, template]) => ({ messageId, literal: template.replace(/\{\{\w+\}\}/g, '').length }))
    .sort((a, b) => b.literal - a.literal)[0]?.messageId;
}

describe('decompile messages', () => {
  it('the table has a row for every IFX6xx message of the catalog, and nothing else', () => {
    const catalog = decompileMessages.flatMap(([code, definition]) =>
      Object.keys(definition.messages ?? {}).map((messageId) => `${code}.${messageId}`),
    );
    expect(catalog.length).toBeGreaterThan(0);
    expect([...new Set(cases.map((c) => `${c.code}.${c.messageId}`))].sort()).toEqual(catalog.sort());
  });

  it.each(cases.map((c) => [`${c.code} ${c.messageId}`, c] as const))(
    '%s: produced by its workflow, filled in completely',
    (_, { code, messageId, input }) => {
      const { diagnostics, yaml } = decompileWorkflow(input);
      expect(yaml).toBeUndefined();
      const produced = diagnostics.filter((d) => d.code === code && messageIdOf(code, d.message) === messageId);
      expect(produced).toHaveLength(1);
      expect(produced[0]!.message).not.toMatch(/\{\{\w+\}\}/);
    },
  );
});
