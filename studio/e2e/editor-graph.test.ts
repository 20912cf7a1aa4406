import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { validateAgent } from '../../dsl/src/validate';
import { compileAgent } from '../../compiler/src/compile';
import { applyGraphEdits } from '../../compiler/src/edit';
import type { TestUser } from '../../server/src/testing/test-server';
import { REPO_ROOT, signIn, StudioHarness } from './harness';

/**
 * The agent editor's graph, beyond the basics of editor.test.ts: wrapping a step in an if from the graph's side form
 * (the YAML edited in place), node positions dragged on the graph and kept in the configuration's layout (read back
 * through the API, used again when the editor opens), and markers inside YAML block scalars at their exact place.
 */
jest.setTimeout(240_000);

let h: StudioHarness;
let ana: TestUser;
let workspaceId: string;
let revenueId: string;
const REVENUE = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'agents', 'revenue-tracker-lite.yaml'), 'utf8');
const BLOCKS = `apiVersion: ionflux/v1
kind: Agent
metadata:
  name: block-scalars
  displayName: Block Scalars
  version: 1.0.0
spec:
  inputs:
    topic: { type: string, default: gifts }
  trigger:
    manual: {}
  steps:
    - id: draft
      uses: llm.generate
      with:
        system: >
          You write short lines.
          Mention {{ inputs.topic }} once.
        prompt: |
          Write one line.
            Indented more: {{ inputs.topic }} here.
  output:
    value: "{{ steps.draft.output.text }}"
`;

const THREE = `apiVersion: ionflux/v1
kind: Agent
metadata:
  name: three-steps
  displayName: Three Steps
  version: 1.0.0
spec:
  inputs:
    topic: { type: string, default: gifts }
  trigger:
    manual: {}
  steps:
    # The first step.
    - id: first
      uses: llm.generate
      with: { prompt: "One line about {{ inputs.topic }}" }
    - id: second
      uses: llm.generate
      with: { prompt: "Two" } # second's comment
    - id: third
      uses: llm.generate
      with: { prompt: "Three" }
  output:
    value: "{{ steps.third.output.text }}"
`;

/** Steps in branches: an if with no else, a forEach, a switch; `note` is dragged into each of them. */
const BRANCHES = `apiVersion: ionflux/v1
kind: Agent
metadata:
  name: branches
  displayName: Branches
  version: 1.0.0
spec:
  inputs:
    items: { type: array, default: [1, 2] }
    mode: { type: string, default: a }
  trigger:
    manual: {}
  steps:
    # The note moves around.
    - id: note
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
      default:
        - id: other
          uses: notify
          with: { title: Other }
  output:
    value: done
`;

beforeAll(async () => {
  h = await StudioHarness.start('editor-graph', { sandbox: true });
  ana = await h.server.signup('Ana Owner');
  workspaceId = await h.server.createWorkspace(ana, 'My Marketing Agency');
  const created = await h.server.request('POST', `/api/workspaces/${workspaceId}/agents`, {
    token: ana.token,
    body: { yaml: REVENUE, bindings: { store: { sandbox: true } } },
  });
  expect(created.status).toBe(201);
  revenueId = created.body.agent.id;
  const three = await h.server.request('POST', `/api/workspaces/${workspaceId}/agents`, {
    token: ana.token,
    body: { yaml: THREE },
  });
  expect(three.status).toBe(201);
  const blocks = await h.server.request('POST', `/api/workspaces/${workspaceId}/agents`, {
    token: ana.token,
    body: { yaml: BLOCKS },
  });
  expect(blocks.status).toBe(201);
  const branched = await h.server.request('POST', `/api/workspaces/${workspaceId}/agents`, {
    token: ana.token,
    body: { yaml: BRANCHES },
  });
  expect(branched.status).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

/** Reads until `done` holds (or 15 s pass) and returns the last value read: the test then asserts on it. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
async function settles<T>(read: () => Promise<T>, expected: T): Promise<void> {
  const value = await until(read, (v) => JSON.stringify(v) === JSON.stringify(expected));
  expect(value).toEqual(expected);
}

interface Marker {
  code: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}
const editorText = (page: Page) =>
  page.evaluate(() => (window as any).ionfluxAgentEditor.getModel().getValue() as string);
const markers = (page: Page) =>
  page.evaluate(() =>
    ((window as any).monaco.editor.getModelMarkers({ owner: 'ionflux' }) as Array<Record<string, unknown>>).map(
      (m) => ({
        code: typeof m.code === 'object' ? (m.code as { value: string }).value : m.code,
        startLineNumber: m.startLineNumber,
        startColumn: m.startColumn,
        endLineNumber: m.endLineNumber,
        endColumn: m.endColumn,
      }),
    ),
  ) as Promise<Marker[]>;
function expectedMarkers(text: string): Marker[] {
  return validateAgent(text).diagnostics.map((d) => ({
    code: d.code,
    startLineNumber: d.range.start.line,
    startColumn: d.range.start.col,
    endLineNumber: d.range.end.line,
    endColumn:
      d.range.start.line === d.range.end.line && d.range.start.col === d.range.end.col
        ? d.range.end.col + 1
        : d.range.end.col,
  }));
}
async function markersSettle(page: Page): Promise<Marker[]> {
  const read = async () => {
    const text = await editorText(page);
    return { shown: await markers(page), expected: expectedMarkers(text) };
  };
  const last = await until(read, (v) => JSON.stringify(v.shown) === JSON.stringify(v.expected));
  expect(last.shown).toEqual(last.expected);
  return last.shown;
}
async function cursorAt(page: Page, lineNumber: number, column: number): Promise<void> {
  await page.evaluate(
    ([lineNumber, column]) => {
      const editor = (window as any).ionfluxAgentEditor;
      editor.setPosition({ lineNumber, column });
      editor.focus();
    },
    [lineNumber, column],
  );
}

async function openEditor(page: Page, name: string): Promise<void> {
  await page.goto(`${h.url}/workspaces/${workspaceId}/agents`);
  await page.getByRole('heading', { level: 1, name: 'Agent Shelf' }).waitFor();
  await page.getByRole('link', { name: `Edit agent ${name}` }).click();
  await page.getByRole('heading', { level: 1, name: `Edit ${name}` }).waitFor();
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.locator('.react-flow__node').first().waitFor();
  await page
    .getByRole('status')
    .filter({ hasText: /No errors|warning/ })
    .first()
    .waitFor();
}

/** A React Flow node's position in the pane (its translate), and the viewport's zoom. */
const nodePosition = (page: Page, id: string) =>
  page.locator(`.react-flow__node[data-id="${id}"]`).evaluate((el) => {
    const m = /translate\(\s*([-\d.]+)px,\s*([-\d.]+)px\)/.exec((el as HTMLElement).style.transform)!;
    return { x: Number(m[1]), y: Number(m[2]) };
  });
const zoom = (page: Page) =>
  page
    .locator('.react-flow__viewport')
    .evaluate((el) => Number(/scale\(([-\d.]+)\)/.exec((el as HTMLElement).style.transform)![1]));

describe('studio: the agent editor graph', () => {
  it('wraps a step in an if from the graph: the YAML gains the if around the step, comments intact', async () => {
    const page = await (await h.newContext('ana-wrap')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page, 'Revenue Tracker Lite');
    await page.locator('.react-flow__node[data-id="Revenue summary"]').click();
    const form = page.getByRole('form', { name: 'Wrap revenue' });
    await form.getByLabel('Wrap revenue in').selectOption('if');
    await form.getByLabel('Condition').fill("{{ inputs.period != 'today' }}");
    await h.step(page, 'wrap form filled');
    await form.getByRole('button', { name: 'Wrap revenue' }).click();
    const wrapper = { id: 'ifRevenue', if: "{{ inputs.period != 'today' }}" };
    const expected = applyGraphEdits(REVENUE, [{ type: 'wrapStep', id: 'revenue', wrapper }]);
    await settles(() => editorText(page), expected);
    // Independently of the edit code: the old step's value under then, every comment line kept.
    const before = parseYaml(REVENUE) as { spec: { steps: unknown[] } };
    const after = parseYaml(expected) as { spec: { steps: unknown[] } };
    expect(after.spec.steps).toEqual([{ ...wrapper, then: [before.spec.steps[0]] }]);
    for (const comment of REVENUE.split('\n').filter((l) => l.startsWith('#'))) expect(expected).toContain(comment);
    // The DSL's own diagnostics of the wrapped agent, and no error among them (the output may now warn that the
    // step might not have run: IFX314).
    const shown = await markersSettle(page);
    expect(validateAgent(expected).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(shown.map((m) => m.code)).toEqual(validateAgent(expected).diagnostics.map((d) => d.code));
    // The graph is the compiled wrapped agent's: an IF node before the step.
    const compiled = compileAgent(expected).workflow!;
    expect(compiled.nodes.some((n) => n.type === 'n8n-nodes-base.if')).toBe(true);
    await settles(
      () => page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort()),
      compiled.nodes.map((n) => n.name).sort(),
    );
    await h.step(page, 'wrapped in an if');
    expect(h.problems).toEqual([]);
  });

  it('keeps a dragged node position in the configuration layout and opens with it', async () => {
    const page = await (await h.newContext('ana-layout')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page, 'Revenue Tracker Lite');
    const name = 'Revenue summary';
    const compiled = compileAgent(REVENUE).workflow!.nodes.find((n) => n.name === name)!.position;
    const start = await nodePosition(page, name);
    const scale = await zoom(page);
    const box = (await page.locator(`.react-flow__node[data-id="${name}"]`).boundingBox())!;
    const [dx, dy] = [90, 60];
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    // React Flow starts a drag once the pointer has moved past its threshold (1 px), from where it is then.
    await page.mouse.move(cx + 3, cy);
    await page.mouse.move(cx + 3 + dx / 2, cy + dy / 2, { steps: 4 });
    await page.mouse.move(cx + 3 + dx, cy + dy, { steps: 4 });
    await page.mouse.up();
    // The pane draws n8n's [x, y] as (y * 1.1, x * 0.45): the drop, in n8n's units, from the compiler's position.
    const expected: [number, number] = [compiled[0] + dy / scale / 0.45, compiled[1] + dx / scale / 1.1];
    const read = async () =>
      (await h.server.request('GET', `/api/workspaces/${workspaceId}/agents/${revenueId}`, { token: ana.token })).body
        .agent.layout as Record<string, [number, number]>;
    const layout = await until(read, (l) => l[name] !== undefined);
    expect(Object.keys(layout)).toEqual([name]);
    expect(Math.abs(layout[name]![0] - expected[0])).toBeLessThanOrEqual(3);
    expect(Math.abs(layout[name]![1] - expected[1])).toBeLessThanOrEqual(3);
    // The YAML did not change (the layout is not in it), nor did the revision.
    expect(await editorText(page)).toBe(REVENUE);
    const moved = await nodePosition(page, name);
    expect(Math.abs(moved.x - (start.x + dx / scale))).toBeLessThanOrEqual(3);
    expect(Math.abs(moved.y - (start.y + dy / scale))).toBeLessThanOrEqual(3);
    await h.step(page, 'node dragged');

    // Opened again: the node is where it was dropped (the saved layout is compiled in), the others where they were.
    const other = (
      await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))
    ).filter((id) => id !== name)[0]!;
    const otherBefore = await nodePosition(page, other);
    await openEditor(page, 'Revenue Tracker Lite');
    await settles(async () => {
      const p = await nodePosition(page, name);
      return [Math.round(p.x), Math.round(p.y)];
    }, [Math.round(layout[name]![1] * 1.1), Math.round(layout[name]![0] * 0.45)]);
    expect(await nodePosition(page, other)).toEqual(otherBefore);
    await h.step(page, 'reopened with the layout');
    expect(h.problems).toEqual([]);
  });

  it('puts markers inside block scalars (| and >) at the typo', async () => {
    const page = await (await h.newContext('ana-blocks')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page, 'Block Scalars');
    expect(await markersSettle(page)).toEqual([]);
    for (const [needle, label] of [
      ['Mention {{ inputs.topic', 'folded (>)'],
      ['Indented more: {{ inputs.topic', 'literal (|)'],
    ] as const) {
      const text = await editorText(page);
      const lines = text.split('\n');
      const line = lines.findIndex((l) => l.includes(needle)) + 1;
      // A typo in the middle of the input's name: topic -> topXic.
      const column = lines[line - 1]!.indexOf(needle) + needle.length - 'ic'.length + 1;
      await cursorAt(page, line, column);
      await page.keyboard.insertText('X');
      const typo = await editorText(page);
      expect(typo.split('\n')[line - 1]).toContain(`${needle.slice(0, -2)}Xic`);
      const shown = await markersSettle(page);
      // Independently of the DSL: the marker covers the typed name on its own line.
      const typoColumn = typo.split('\n')[line - 1]!.indexOf('topXic') + 1;
      const marker = shown.find((m) => m.startLineNumber === line);
      expect({ label, marker }).toEqual({ label, marker: expect.objectContaining({ endLineNumber: line }) });
      expect(marker!.startColumn).toBeLessThanOrEqual(typoColumn);
      expect(marker!.endColumn).toBeGreaterThanOrEqual(typoColumn + 'topXic'.length);
      expect(marker!.endColumn - marker!.startColumn).toBeLessThanOrEqual('inputs.topXic'.length);
      await h.step(page, `marker in a ${label} block scalar`);
    }
    expect(h.problems).toEqual([]);
  });

  it("opens the editor from an agent snippet block on a canvas page, on that block's agent", async () => {
    const W = `/api/workspaces/${workspaceId}`;
    const { page: canvas } = (
      await h.server.request('POST', `${W}/pages`, { token: ana.token, body: { title: 'Sales' } })
    ).body;
    const block = await h.server.request('POST', `${W}/pages/${canvas.id}/blocks`, {
      token: ana.token,
      body: { type: 'agent_snippet', content: { title: 'Revenue' }, agentConfigId: revenueId },
    });
    expect(block.status).toBe(201);
    const page = await (await h.newContext('ana-snippet')).newPage();
    await signIn(page, h.url, ana);
    await page.goto(`${h.url}/workspaces/${workspaceId}/pages/${canvas.id}`);
    const snippet = page.locator('article.block-agent_snippet');
    await snippet.getByRole('link', { name: 'Edit agent Revenue Tracker Lite' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit Revenue Tracker Lite' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/workspaces/${workspaceId}/agents/${revenueId}/edit`);
    const stored = (await h.server.request('GET', `${W}/agents/${revenueId}`, { token: ana.token })).body.agent.yaml;
    await page.locator('.monaco-editor .view-lines').waitFor();
    await settles(() => editorText(page), stored);
    await h.step(page, 'editor opened from the snippet block');
    expect(h.problems).toEqual([]);
  });

  it("connects a step's output to another step by dragging: the YAML runs it next", async () => {
    const page = await (await h.newContext('ana-connect')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page, 'Three Steps');
    const meta = compileAgent(THREE).workflow!.meta.ionflux.nodes;
    const nodeOf = (step: string) => Object.entries(meta).find(([, n]) => n.step === step && n.role === 'action')![0];
    const handle = async (node: string, kind: 'source' | 'target') => {
      const box = (await page
        .locator(`.react-flow__node[data-id="${node}"] .react-flow__handle.${kind}`)
        .boundingBox())!;
      return [box.x + box.width / 2, box.y + box.height / 2] as const;
    };
    const [sx, sy] = await handle(nodeOf('first'), 'source');
    const [tx, ty] = await handle(nodeOf('third'), 'target');
    await page.mouse.move(sx, sy);
    await page.mouse.down();
    await page.mouse.move((sx + tx) / 2, (sy + ty) / 2, { steps: 5 });
    await page.mouse.move(tx, ty, { steps: 5 });
    await page.mouse.up();
    const expected = applyGraphEdits(THREE, [{ type: 'moveStep', id: 'third', index: 1 }]);
    await settles(() => editorText(page), expected);
    // Independently of the edit code: the order, each step's value and the comments.
    const before = (parseYaml(THREE) as { spec: { steps: { id: string }[] } }).spec.steps;
    const after = (parseYaml(expected) as { spec: { steps: { id: string }[] } }).spec.steps;
    expect(after).toEqual([before[0], before[2], before[1]]);
    expect(expected).toContain('    # The first step.\n    - id: first\n');
    expect(expected).toContain(`with: { prompt: "Two" } # second's comment`);
    await markersSettle(page);
    await h.step(page, 'third connected after first');
    expect(h.problems).toEqual([]);
  });
  it('wraps a step in a forEach from the graph: the YAML gains the loop around the step, comments intact', async () => {
    const page = await (await h.newContext('ana-wrap-each')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page, 'Branches');
    const meta = compileAgent(BRANCHES).workflow!.meta.ionflux.nodes;
    const noteNode = Object.entries(meta).find(([, n]) => n.step === 'note' && n.role === 'action')![0];
    await page.locator(`.react-flow__node[data-id="${noteNode}"]`).click();
    const form = page.getByRole('form', { name: 'Wrap note' });
    await form.getByLabel('Wrap note in').selectOption('forEach');
    await form.getByLabel('List').fill('{{ inputs.items }}');
    await form.getByLabel('Item name').fill('entry');
    await h.step(page, 'forEach wrap form filled');
    await form.getByRole('button', { name: 'Wrap note' }).click();
    const text = await until(
      () => editorText(page),
      (t) => t !== BRANCHES,
    );
    // Independently of the edit code: a new forEach step (its id the form's suggestion) holds the old step.
    const before = parseYaml(BRANCHES) as { spec: { steps: Record<string, unknown>[] } };
    const after = parseYaml(text) as { spec: { steps: Record<string, unknown>[] } };
    const wrapperId = after.spec.steps[0]!.id as string;
    expect(wrapperId).not.toBe('note');
    expect(after.spec.steps).toEqual([
      { id: wrapperId, forEach: '{{ inputs.items }}', as: 'entry', steps: [before.spec.steps[0]] },
      ...before.spec.steps.slice(1),
    ]);
    expect(text).toContain('    # The note moves around.\n');
    expect(text).toBe(
      applyGraphEdits(BRANCHES, [
        { type: 'wrapStep', id: 'note', wrapper: { id: wrapperId, forEach: '{{ inputs.items }}', as: 'entry' } },
      ]),
    );
    // The DSL's diagnostics of the wrapped agent on the page, and no error among them.
    const shown = await markersSettle(page);
    expect(validateAgent(text).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(shown.map((m) => m.code)).toEqual(validateAgent(text).diagnostics.map((d) => d.code));
    // The graph is the compiled loop's: a loop node of the new step, the note inside it.
    const compiled = compileAgent(text).workflow!;
    expect(Object.values(compiled.meta.ionflux.nodes).some((n) => n.step === wrapperId && n.role === 'loop')).toBe(
      true,
    );
    await settles(
      () => page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort()),
      compiled.nodes.map((n) => n.name).sort(),
    );
    await h.step(page, 'wrapped in a forEach');
    expect(h.problems).toEqual([]);
  });

  it("drags a step into an if's missing else, a forEach body and a switch case", async () => {
    const page = await (await h.newContext('ana-connect-branches')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page, 'Branches');
    const noteValue = (parseYaml(BRANCHES) as { spec: { steps: unknown[] } }).spec.steps[0];
    const drag = async (text: string, source: { step: string; role: string; handle: string }) => {
      const workflow = compileAgent(text).workflow!;
      const meta = workflow.meta.ionflux.nodes;
      const nodeOf = (step: string, role: string) =>
        Object.entries(meta).find(([, n]) => n.step === step && n.role === role)![0];
      // A node with one output has one source handle (no id); with several, the handle of that output.
      const from = nodeOf(source.step, source.role);
      const single = (page: Page) =>
        page
          .locator(`.react-flow__node[data-id="${from}"] .react-flow__handle.source`)
          .count()
          .then((n) => n === 1);
      const center = async (selector: string) => {
        const box = (await page.locator(selector).boundingBox())!;
        return [box.x + box.width / 2, box.y + box.height / 2] as const;
      };
      const [sx, sy] = await center(
        `.react-flow__node[data-id="${from}"] .react-flow__handle.source${(await single(page)) ? '' : `[data-handleid="${source.handle}"]`}`,
      );
      const [tx, ty] = await center(
        `.react-flow__node[data-id="${nodeOf('note', 'action')}"] .react-flow__handle.target`,
      );
      await page.mouse.move(sx, sy);
      await page.mouse.down();
      await page.mouse.move((sx + tx) / 2, (sy + ty) / 2, { steps: 5 });
      await page.mouse.move(tx, ty, { steps: 5 });
      await page.mouse.up();
    };
    const graphOf = async (text: string) => {
      await markersSettle(page);
      await settles(
        () => page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort()),
        compileAgent(text)
          .workflow!.nodes.map((n) => n.name)
          .sort(),
      );
    };
    const moves = [
      {
        name: 'else of check',
        source: { step: 'check', role: 'if', handle: '1' },
        edit: { parent: 'check', branch: 'else' },
        placed: (steps: any[]) => steps[0].else,
      },
      {
        name: 'body of each',
        source: { step: 'each', role: 'loop', handle: '1' },
        edit: { parent: 'each', branch: 'steps' },
        placed: (steps: any[]) => steps[1].steps.slice(0, 1),
      },
      {
        name: 'case a of pick',
        source: { step: 'pick', role: 'switch', handle: '0' },
        edit: { parent: 'pick', branch: 'case:a' },
        placed: (steps: any[]) => steps[2].cases.a.slice(0, 1),
      },
    ];
    let text = BRANCHES;
    for (const move of moves) {
      await graphOf(text);
      await drag(text, move.source);
      const expected = applyGraphEdits(text, [{ type: 'moveStep', id: 'note', index: 0, ...move.edit }]);
      await settles(() => editorText(page), expected);
      // Independently of the edit code: the note's value, in that branch, and no longer at the top.
      const steps = (parseYaml(expected) as { spec: { steps: any[] } }).spec.steps;
      expect({ move: move.name, top: steps.map((s) => s.id), placed: move.placed(steps) }).toEqual({
        move: move.name,
        top: ['check', 'each', 'pick'],
        placed: [noteValue],
      });
      // Its comment moved with it, right above it, and nowhere else.
      expect(expected.match(/# The note moves around\./g)).toHaveLength(1);
      expect(expected).toMatch(/# The note moves around\.\n +- id: note\n/);
      text = expected;
      await h.step(page, `note in ${move.name}`);
    }
    await graphOf(text);
    expect(h.problems).toEqual([]);
  });
});
