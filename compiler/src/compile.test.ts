import { describe, expect, it, jest } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { stepPaths, applyGraphEdits } from './edit';
import { compileAgent } from './compile';
import { decompileWorkflow } from './decompile';
import { examplesDirectory, goldenFiles } from './goldens';
import type { N8nWorkflow } from './workflow';

const examples = readdirSync(examplesDirectory)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const read = (file: string) => readFileSync(join(examplesDirectory, file), 'utf8');

describe('golden workflows (examples/agents/<name>.n8n.json)', () => {
  const goldens = goldenFiles();

  it.each(examples)('%s compiles to its checked-in golden file', (file) => {
    const golden = file.replace(/\.yaml$/, '.n8n.json');
    expect(goldens[golden]).toBeDefined();
    expect(readFileSync(join(examplesDirectory, golden), 'utf8')).toBe(goldens[golden]);
  });

  it('is deterministic: a fresh module instance, another clock and other random numbers give the same bytes', () => {
    const expected = examples.slice(0, 3).map((file) => compileAgent(read(file)).json);
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2031, 0, 1));
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.123456);
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require('./compile') as typeof import('./compile');
        expect(fresh.compileAgent).not.toBe(compileAgent);
        expect(examples.slice(0, 3).map((file) => fresh.compileAgent(read(file)).json)).toEqual(expected);
      });
    } finally {
      now.mockRestore();
      random.mockRestore();
    }
  });

  it('does not change when comments, formatting or key order change', () => {
    const original = read('revenue-tracker-lite.yaml');
    const reformatted = original
      .replace(/^#.*\n/gm, '')
      .replace(
        '    store: { type: shopify, scopes: [read_orders], description: The store to report on. }',
        '    store:\n      description: The store to report on.\n      scopes:\n        - read_orders\n      type: shopify',
      )
      .replace('  policy:', '  # a new comment\n  policy:');
    expect(reformatted).not.toBe(original);
    expect(compileAgent(reformatted).json).toBe(compileAgent(original).json);
  });
});

describe('the compiled workflow', () => {
  const workflows = Object.fromEntries(examples.map((f) => [f, compileAgent(read(f)).workflow!])) as Record<
    string,
    N8nWorkflow
  >;

  it.each(examples)('%s is a complete n8n workflow with explicit versions, stable ids and connected nodes', (file) => {
    const workflow = workflows[file]!;
    expect(workflow.settings.executionOrder).toBe('v1');
    const names = new Set(workflow.nodes.map((n) => n.name));
    expect(names.size).toBe(workflow.nodes.length);
    for (const node of workflow.nodes) {
      expect(node.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(typeof node.typeVersion).toBe('number');
      expect(node.type).toMatch(/^(n8n-nodes-base|n8n-nodes-ionflux)\.[a-zA-Z]+$/);
      expect(node.position).toHaveLength(2);
      expect(workflow.meta.ionflux.nodes[node.name]).toBeDefined();
    }
    for (const [from, { main }] of Object.entries(workflow.connections)) {
      expect(names.has(from)).toBe(true);
      for (const targets of main) for (const target of targets) expect(names.has(target.node)).toBe(true);
    }
    expect(workflow.meta.ionflux.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps secrets out: credentials are references by connection name', () => {
    for (const workflow of Object.values(workflows)) {
      for (const node of workflow.nodes) {
        for (const reference of Object.values(node.credentials ?? {})) {
          expect(Object.keys(reference).sort()).toEqual(['id', 'name']);
          expect(reference.id).toMatch(/^ionflux:[a-z][a-zA-Z0-9_]*$/);
        }
      }
      // No credential data anywhere: no secret-bearing fields, no token-shaped values.
      expect(JSON.stringify(workflow)).not.toMatch(
        /"(accessToken|access_token|apiKey|api_key|clientSecret|client_secret|password|token)"\s*:/,
      );
      expect(JSON.stringify(workflow)).not.toMatch(/shpat_|sk-[A-Za-z0-9]{8}/);
    }
  });

  it('lowers integrations to IONFLUX nodes and control flow to standard n8n nodes', () => {
    const sentinel = workflows['shopify-sales-sentinel.yaml']!;
    const byName = (name: string) => sentinel.nodes.find((n) => n.name === name)!;
    expect(byName('Shopify order').type).toBe('n8n-nodes-ionflux.ionfluxShopifyTrigger');
    expect(byName('Above threshold?').type).toBe('n8n-nodes-base.if');
    expect(byName('Notify team')).toMatchObject({
      type: 'n8n-nodes-ionflux.ionfluxNotify',
      parameters: { resource: 'notification', operation: 'create', level: 'warning' },
    });
    expect(byName('Post to sales').onError).toBe('continueRegularOutput');
    expect(sentinel.connections['Above threshold?']!.main.map((o) => o.map((c) => c.node))).toEqual([
      ['Notify team'],
      ['Above threshold? done'],
    ]);
    expect(byName('Notify team').retryOnFail).toBeUndefined(); // notify is not idempotent: the policy's retries skip it
    expect(sentinel.settings.executionTimeout).toBe(20);

    const guardian = workflows['inventory-guardian.yaml']!;
    const low = guardian.nodes.find((n) => n.name === 'Low-stock products')!;
    expect(low).toMatchObject({
      onError: 'continueErrorOutput',
      parameters: { options: { timeoutMs: 30000, retries: 3, retryDelayMs: 2000 } },
    });
    expect(guardian.connections['Low-stock products']!.main[1]).toEqual([
      { node: 'Error in Low-stock products', type: 'main', index: 0 },
    ]);
    expect(guardian.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger')!.parameters).toEqual({
      rule: { interval: [{ field: 'cronExpression', expression: '0 8 * * 1-5' }] },
    });
    expect(guardian.settings.timezone).toBe('America/New_York');
  });

  it('maps fixed-backoff retries onto n8n retry settings', () => {
    const text = read('revenue-tracker-lite.yaml').replace(
      'retries: { max: 3, backoff: exponential, delay: 1s }',
      'retries: { max: 2, backoff: fixed, delay: 500ms }',
    );
    const node = compileAgent(text).workflow!.nodes.find((n) => n.name === 'Revenue summary')!;
    expect(node).toMatchObject({ retryOnFail: true, maxTries: 3, waitBetweenTries: 500 });
    expect(node.parameters.options).toEqual({ timeoutMs: 180000 });
  });

  it('reports the YAML line:col of every node through the source map', () => {
    const result = compileAgent(read('shopify-sales-sentinel.yaml'));
    expect(result.sourceMap!['Notify team']).toEqual({
      path: ['spec', 'steps', 0, 'then', 0],
      range: { start: { line: 28, col: 11 }, end: { line: 35, col: 1 } },
    });
    expect(read('shopify-sales-sentinel.yaml').split('\n')[27]).toBe('        - id: alert');
  });

  it('names repeated step names as "<name> 2", "<name> 3"..., skipping names already taken', () => {
    const step = (id: string, name: string) => [
      `    - id: ${id}`,
      `      name: ${name}`,
      '      uses: notify',
      `      with: { title: ${id} }`,
    ];
    const text = [
      'apiVersion: ionflux/v1',
      'kind: Agent',
      'metadata: { name: names, version: 1.0.0 }',
      'spec:',
      '  trigger: { manual: {} }',
      '  steps:',
      ...step('a', 'Same'),
      ...step('b', 'Same 3'),
      ...step('c', 'Same'),
      ...step('d', 'Same'),
      ...step('e', 'Same 2'),
      ...step('f', 'Same'),
      '',
    ].join('\n');
    const result = compileAgent(text);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // Worked out by hand: each step takes the first free of its name, "<name> 2", "<name> 3", ...
    expect(result.workflow!.nodes.map((n) => n.name)).toEqual([
      'Manual trigger',
      'Inputs',
      'Same',
      'Same 3',
      'Same 2',
      'Same 4',
      'Same 2 2',
      'Same 5',
    ]);
  });

  it('returns diagnostics and no workflow for an invalid agent', () => {
    const result = compileAgent(
      readFileSync(join(examplesDirectory, '..', 'invalid', 'typos-everywhere.yaml'), 'utf8'),
    );
    expect(result.workflow).toBeUndefined();
    expect(result.diagnostics.some((d) => d.code === 'IFX301')).toBe(true);
  });
});

describe('decompile', () => {
  it.each(examples)('%s: the golden workflow decompiles to an agent that compiles to the same golden file', (file) => {
    const golden = readFileSync(join(examplesDirectory, file.replace(/\.yaml$/, '.n8n.json')), 'utf8');
    const result = decompileWorkflow(golden);
    expect(result.diagnostics).toEqual([]);
    expect(compileAgent(result.yaml!).json).toBe(golden);
  });

  it('names unsupported nodes instead of dropping them', () => {
    const workflow = JSON.parse(
      readFileSync(join(examplesDirectory, 'revenue-tracker-lite.n8n.json'), 'utf8'),
    ) as N8nWorkflow;
    workflow.nodes.push({
      id: 'x',
      name: 'Run code',
      type: 'n8n-nodes-base.code',
      typeVersion: 2,
      position: [0, 0],
      parameters: { jsCode: 'return items' },
    });
    workflow.connections['Revenue summary'] = { main: [[{ node: 'Run code', type: 'main', index: 0 }]] };
    workflow.connections['Run code'] = { main: [[{ node: 'Output', type: 'main', index: 0 }]] };
    const result = decompileWorkflow(workflow);
    expect(result.yaml).toBeUndefined();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'IFX600', node: 'Run code', type: 'n8n-nodes-base.code' }),
    ]);
  });

  it('reports expressions it cannot read and inputs that are not workflows', () => {
    const workflow = JSON.parse(
      readFileSync(join(examplesDirectory, 'revenue-tracker-lite.n8n.json'), 'utf8'),
    ) as N8nWorkflow;
    workflow.nodes.find((n) => n.name === 'Revenue summary')!.parameters.period =
      '={{ $json.periods.map(p => p.id)[0] }}';
    expect(decompileWorkflow(workflow).diagnostics[0]).toMatchObject({ code: 'IFX601', node: 'Revenue summary' });
    expect(decompileWorkflow('not json').diagnostics[0]!.code).toBe('IFX603');
    expect(decompileWorkflow('{"nodes": 3}').diagnostics[0]!.code).toBe('IFX603');
  });

  it('keeps going after a problem: every unreadable node and parameter is reported in one pass', () => {
    const workflow = JSON.parse(
      readFileSync(join(examplesDirectory, 'inventory-guardian.n8n.json'), 'utf8'),
    ) as N8nWorkflow;
    const low = workflow.nodes.find((n) => n.name === 'Low-stock products')!;
    low.parameters.threshold = '={{ $json.levels.map(l => l.min)[0] }}';
    low.parameters.color = 'red';
    const post = workflow.nodes.find((n) => n.name === 'Post to ops')!;
    post.type = 'n8n-nodes-base.code';
    const diagnostics = decompileWorkflow(workflow).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.node])).toEqual(
      expect.arrayContaining([
        ['IFX601', 'Low-stock products'],
        ['IFX600', 'Low-stock products'],
        ['IFX600', 'Post to ops'],
      ]),
    );
    expect(diagnostics.filter((d) => d.severity === 'error')).toHaveLength(3);
  });

  it('reads a workflow built in n8n without IONFLUX metadata', () => {
    const workflow = JSON.parse(
      readFileSync(join(examplesDirectory, 'shopify-sales-sentinel.n8n.json'), 'utf8'),
    ) as Partial<N8nWorkflow>;
    delete workflow.meta;
    const result = decompileWorkflow(workflow as N8nWorkflow);
    expect(result.diagnostics).toEqual([]);
    const recompiled = compileAgent(result.yaml!);
    expect(recompiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(recompiled.workflow!.nodes.map((n) => n.name)).toEqual(
      JSON.parse(readFileSync(join(examplesDirectory, 'shopify-sales-sentinel.n8n.json'), 'utf8')).nodes.map(
        (n: { name: string }) => n.name,
      ),
    );
  });
});

describe('graph edits keep the YAML', () => {
  it.each(examples)('%s: a scripted edit keeps every comment and untouched line, and still compiles', (file) => {
    const text = read(file);
    const ids = [...stepPaths(parseYaml(text)).keys()];
    const first = ids[0]!;
    const edited = applyGraphEdits(text, [
      { type: 'renameStep', id: first, newId: `${first}Renamed` },
      { type: 'addStep', step: { id: 'announce', uses: 'notify', with: { title: 'Done {{ now() }}' } } },
      { type: 'setParameter', id: 'announce', name: 'level', value: 'success' },
      { type: 'moveStep', id: 'announce', index: 0 },
    ]);
    for (const line of text.split('\n')) {
      if (line.trim().startsWith('#')) expect(edited).toContain(line);
      // Lines that do not mention the renamed step are untouched, byte for byte.
      if (!line.includes(first)) expect(edited.split('\n')).toContain(line);
    }
    const compiled = compileAgent(edited);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(compiled.workflow!.nodes.some((n) => n.name === 'Announce')).toBe(true);
  });
});
