import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { validateAgent } from '../../dsl/src/validate';
import { getAction } from '../../dsl/src/catalog/actions';
import { compileAgent } from '../../compiler/src/compile';
import { applyGraphEdits } from '../../compiler/src/edit';
import type { TestUser } from '../../server/src/testing/test-server';
import { REPO_ROOT, signIn, StudioHarness } from './harness';

/**
 * The agent editor: Monaco with the DSL's diagnostics and quick fixes, `{{ }}` completion, the compiled graph beside
 * it, graph edits that edit the YAML in place, one undo history for both views. Every expectation is computed here
 * from the DSL and the compiler themselves (validateAgent, compileAgent, applyGraphEdits), not written down by hand.
 */
jest.setTimeout(240_000);

let h: StudioHarness;
let ana: TestUser;
let workspaceId: string;
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'dsl', 'schema', 'agent.schema.json'), 'utf8')) as {
  $defs: Record<string, unknown>;
};
const REVENUE = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'agents', 'revenue-tracker-lite.yaml'), 'utf8');

beforeAll(async () => {
  h = await StudioHarness.start('editor', { sandbox: true });
  ana = await h.server.signup('Ana Owner');
  workspaceId = await h.server.createWorkspace(ana, 'My Marketing Agency');
  const created = await h.server.request('POST', `/api/workspaces/${workspaceId}/agents`, {
    token: ana.token,
    body: { yaml: REVENUE, bindings: { store: { sandbox: true } } },
  });
  expect(created.status).toBe(201);
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
/** Reads until the value equals `expected`, then asserts it (the failure shows the last value read). */
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
/** The markers the DSL's own diagnostics of `text` give (empty ranges widened by one column, as the editor does). */
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
/** Waits until the editor's markers are the DSL's diagnostics of the editor's current text. */
async function markersSettle(page: Page): Promise<Marker[]> {
  const read = async () => {
    const text = await editorText(page);
    return { shown: await markers(page), expected: expectedMarkers(text) };
  };
  const last = await until(read, (v) => JSON.stringify(v.shown) === JSON.stringify(v.expected));
  expect(last.shown).toEqual(last.expected);
  return last.shown;
}
/** Puts the cursor at a 1-based line and column of the YAML and focuses the editor. */
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
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const columnOf = (text: string, needle: string, inner: string) =>
  text.split('\n')[lineOf(text, needle) - 1]!.indexOf(needle) + needle.indexOf(inner) + 1;

/** Replaces lines `from`..`to` (1-based, inclusive; `to` = from - 1 inserts before `from`) of the editor's YAML. */
async function replaceLines(page: Page, from: number, to: number, lines: string[]): Promise<void> {
  await page.evaluate(
    ([from, to, text]) => {
      const editor = (window as any).ionfluxAgentEditor;
      const model = editor.getModel();
      const range =
        to < from
          ? { startLineNumber: from, startColumn: 1, endLineNumber: from, endColumn: 1 }
          : { startLineNumber: from, startColumn: 1, endLineNumber: to, endColumn: model.getLineMaxColumn(to) };
      editor.executeEdits('test', [{ range, text: to < from ? `${text}\n` : text }]);
    },
    [from, to, lines.join('\n')] as const,
  );
}
/**
 * All the labels of the open suggestion list, in order: Monaco renders only the rows in view, so this pages down
 * through the list, reading each row's position in the set (aria-posinset) until it has them all.
 */
async function suggestionList(page: Page): Promise<string[]> {
  const rows = page.locator('.suggest-widget.visible .monaco-list-row');
  await rows.first().waitFor();
  const seen = new Map<number, string>();
  for (let pages = 0; pages < 20; pages++) {
    const visible = await rows.evaluateAll((els) =>
      els.map((e) => ({
        at: Number(e.getAttribute('aria-posinset')),
        of: Number(e.getAttribute('aria-setsize')),
        label: e.querySelector('.label-name')?.textContent ?? '',
      })),
    );
    for (const row of visible) seen.set(row.at, row.label);
    if (seen.size >= visible[0]!.of) break;
    await page.keyboard.press('PageDown');
  }
  return [...seen.entries()].sort(([a], [b]) => a - b).map(([, label]) => label);
}

async function openEditor(page: Page): Promise<void> {
  await page.goto(`${h.url}/workspaces/${workspaceId}/agents`);
  await page.getByRole('heading', { level: 1, name: 'Agent Shelf' }).waitFor();
  await page.getByRole('link', { name: 'Edit agent Revenue Tracker Lite' }).click();
  await page.getByRole('heading', { level: 1, name: 'Edit Revenue Tracker Lite' }).waitFor();
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.locator('.react-flow__node').first().waitFor();
  await page.getByRole('status').filter({ hasText: 'No errors' }).waitFor();
}

describe('studio: the agent editor', () => {
  it('loads Monaco and React Flow only when the editor opens, and draws the compiled workflow', async () => {
    const page = await (await h.newContext('ana')).newPage();
    const editorChunks: string[] = [];
    page.on('request', (r) => {
      if (/\/assets\/(EditorScreen|editor\.api|.*\.worker)-/.test(r.url())) editorChunks.push(r.url());
    });
    await signIn(page, h.url, ana);
    await page.goto(`${h.url}/workspaces/${workspaceId}/agents`);
    await page.getByRole('link', { name: 'Edit agent Revenue Tracker Lite' }).waitFor();
    expect(editorChunks).toEqual([]);
    await openEditor(page);
    expect(editorChunks.some((u) => /EditorScreen-/.test(u))).toBe(true);
    expect(editorChunks.some((u) => /agent\.worker-/.test(u))).toBe(true);
    expect(await editorText(page)).toBe(REVENUE);

    // The graph: the compiler's nodes (n8n names), the same as compileAgent gives here.
    const compiled = compileAgent(REVENUE);
    const names = compiled.workflow!.nodes.map((n) => n.name).sort();
    await settles(
      async () =>
        (
          await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))
        ).sort(),
      names,
    );
    await h.step(page, 'editor opened');

    // Selecting a node highlights its YAML lines and moves the cursor there; the cursor selects the node back.
    const source = compiled.sourceMap!['Revenue summary']!;
    await page.locator('.react-flow__node[data-id="Revenue summary"]').click();
    await settles(
      () => page.evaluate(() => (window as any).ionfluxAgentEditor.getPosition().lineNumber),
      source.range.start.line,
    );
    const highlighted = await page.evaluate(() =>
      (window as any).ionfluxAgentEditor
        .getModel()
        .getAllDecorations()
        .filter((d: any) => d.options.className === 'yaml-selected-lines')
        .map((d: any) => [d.range.startLineNumber, d.range.endLineNumber]),
    );
    expect(highlighted).toEqual([[source.range.start.line, source.range.end.line]]);
    await page.getByRole('heading', { name: 'Step revenue' }).waitFor();
    const outputLine = lineOf(REVENUE, '    value: "{{ steps.revenue.output }}"');
    const outputNode = Object.entries(compiled.sourceMap!)
      .filter(([, s]) => s.range.start.line <= outputLine && s.range.end.line >= outputLine)
      .sort(([, a], [, b]) => a.range.end.line - a.range.start.line - (b.range.end.line - b.range.start.line))[0]![0];
    await cursorAt(page, outputLine, 5);
    await settles(() => page.locator('.react-flow__node.selected').getAttribute('data-id'), outputNode);
    await h.step(page, 'node and lines selected');
  });

  it('marks a typo at its line:col as you type, fixes it with the quick fix, completes steps. inside {{ }}', async () => {
    const page = await (await h.newContext('ana-typing')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page);

    // Type a typo: inputs.period -> inputs.perod (the i deleted with the keyboard).
    const needle = 'period: "{{ inputs.period }}"';
    const line = lineOf(REVENUE, needle);
    await cursorAt(page, line, columnOf(REVENUE, needle, 'iod }}'));
    await page.keyboard.press('Delete');
    const typo = await editorText(page);
    expect(typo).toBe(REVENUE.replace('inputs.period }}"\n      timeout', 'inputs.perod }}"\n      timeout'));
    const shown = await markersSettle(page);
    const typoDiagnostic = validateAgent(typo).diagnostics.find((d) => d.suggestion === 'period')!;
    expect(typoDiagnostic).toBeDefined();
    expect(shown).toContainEqual(expect.objectContaining({ code: typoDiagnostic.code, startLineNumber: line }));
    expect(typoDiagnostic.range.start).toEqual({ line, col: columnOf(REVENUE, needle, 'period }}') });
    await page
      .getByRole('listitem')
      .filter({ hasText: `line ${line}:${typoDiagnostic.range.start.col}` })
      .filter({ hasText: typoDiagnostic.code })
      .waitFor();
    await page.locator('.editor-graph.stale').waitFor();
    await h.step(page, 'typo marked');

    // The quick fix (Ctrl+. on the marker) puts the suggestion in.
    await cursorAt(page, line, typoDiagnostic.range.start.col + 1);
    await page.keyboard.press('Control+.');
    await page.getByText(`Change to 'period'`).click();
    await settles(() => editorText(page), REVENUE);
    expect(await markersSettle(page)).toEqual([]);
    await page.locator('.editor-graph:not(.stale)').waitFor();
    await h.step(page, 'quick fix applied');

    // Completion inside {{ }}: `steps.` offers the steps, `steps.revenue.output.` the action's output fields.
    const valueNeedle = 'value: "{{ steps.revenue.output }}"';
    const valueLine = lineOf(REVENUE, valueNeedle);
    const start = columnOf(REVENUE, valueNeedle, 'steps.');
    await page.evaluate(
      ([lineNumber, startColumn, endColumn]) => {
        const editor = (window as any).ionfluxAgentEditor;
        editor.setSelection({ startLineNumber: lineNumber, startColumn, endLineNumber: lineNumber, endColumn });
        editor.focus();
      },
      [valueLine, start, start + 'steps.revenue.output'.length],
    );
    await page.keyboard.insertText('steps');
    await page.keyboard.type('.');
    const suggestions = () => page.locator('.suggest-widget .monaco-list-row .label-name').allTextContents();
    await settles(suggestions, ['revenue']);
    await page.screenshot({
      path: path.join(REPO_ROOT, 'test-output', 'studio-e2e', 'editor', 'steps-completion.png'),
    });
    await page.keyboard.press('Enter');
    await page.keyboard.type('.');
    await settles(suggestions, ['output']);
    await page.keyboard.press('Enter');
    await page.keyboard.type('.');
    const outputFields = Object.keys(getAction('shopify.revenue.summary')!.output.properties!);
    const labels = await until(suggestions, (l) => l.length > 3);
    expect(labels.length).toBeGreaterThan(3);
    expect(labels.filter((l) => !outputFields.includes(l))).toEqual([]);
    expect(labels[0]).toBe(outputFields[0]);
    await page.keyboard.type('tot');
    await settles(suggestions, ['total']);
    await page.keyboard.press('Enter');
    await settles(() => editorText(page), REVENUE.replace(valueNeedle, 'value: "{{ steps.revenue.output.total }}"'));
    await markersSettle(page);
    // (Monaco's suggestion widget rows fail axe's label-content-name-mismatch: the step is checked once it closed.)
    await h.step(page, 'steps completion accepted');
  });

  it('completes step keys, action names and their parameters from the published JSON Schema, with its descriptions on hover', async () => {
    // Revenue Tracker Lite starts with the repository's modeline (`# yaml-language-server: $schema=...`), which
    // yaml-language-server prefers to the editor's schema association: completion must come through it.
    expect(REVENUE.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=\S+agent\.schema\.json$/);
    const page = await (await h.newContext('ana-schema')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page);
    type Props = Record<string, { description?: string }>;
    const defs = SCHEMA.$defs as Record<string, { properties: Props; title?: string }>;
    const actionStep = defs.actionStep!.properties as Props & { uses: { enum: string[] } };

    // A new step `extra` after `revenue`: Ctrl+Space on its empty key line lists the step keys the schema declares,
    // all but the `id` it has.
    const stepEnd = lineOf(REVENUE, '      retries: { max: 3');
    await replaceLines(page, stepEnd + 1, stepEnd, ['    - id: extra', '      ']);
    const keyLine = stepEnd + 2;
    await cursorAt(page, keyLine, 7);
    await page.keyboard.press('Control+Space');
    const keys = await suggestionList(page);
    const stepKeys = Object.keys(defs.step!.properties);
    expect(keys.filter((k) => !stepKeys.includes(k) || k === 'id')).toEqual([]);
    expect(Object.keys(actionStep).filter((k) => k !== 'id' && !keys.includes(k))).toEqual([]);
    await page.keyboard.press('Escape');

    // Typing `uses: shopify.rev` offers (as you type) the schema's action names that match it; back to
    // `uses: shopify.` and Ctrl+Space: all of that integration's action names.
    await page.keyboard.type('uses: shopify.rev');
    const revenueActions = actionStep.uses.enum.filter((name) => name.startsWith('shopify.rev')).sort();
    expect(revenueActions.length).toBeGreaterThan(2);
    await settles(
      async () => (await page.locator('.suggest-widget.visible .monaco-list-row .label-name').allTextContents()).sort(),
      revenueActions,
    );
    await page.keyboard.press('Escape');
    for (let i = 0; i < 'rev'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Space');
    const shopifyActions = actionStep.uses.enum.filter((name) => name.startsWith('shopify.'));
    expect(shopifyActions.length).toBeGreaterThan(5);
    expect((await suggestionList(page)).sort()).toEqual([...shopifyActions].sort());
    await page.keyboard.press('Escape');

    // Under `with:` of llm.generate: that action's parameters (and a snippet of them all named by the parameters'
    // schema title), and the focused one's description from the schema.
    await replaceLines(page, keyLine, keyLine, ['      uses: llm.generate', '      with:', '        ']);
    await cursorAt(page, keyLine + 2, 9);
    await page.keyboard.press('Control+Space');
    const { properties: params, title } = defs['params.llm.generate']!;
    const offered = await suggestionList(page);
    expect([...offered].sort()).toEqual([...Object.keys(params), title].sort());
    const [name, param] = Object.entries(params).at(-1)!;
    await page.keyboard.type(name.slice(0, -1));
    await settles(() => page.locator('.suggest-widget .monaco-list-row.focused .label-name').allTextContents(), [name]);
    await page.keyboard.press('Control+Space'); // shows the focused suggestion's details
    await page.locator('.suggest-details').getByText(param.description!).waitFor();
    await page.screenshot({
      path: path.join(REPO_ROOT, 'test-output', 'studio-e2e', 'editor', 'schema-completion.png'),
    });
    await page.keyboard.press('Escape');
    // (Monaco's suggestion widget rows fail axe's label-content-name-mismatch: the step is checked once it closed.)
    await h.step(page, 'schema completion of parameters');

    // Hover over a step key and over an action parameter: their descriptions in the schema.
    await cursorAt(page, lineOf(REVENUE, '      timeout: 3m'), 8);
    await page.evaluate(() => (window as any).ionfluxAgentEditor.trigger('test', 'editor.action.showHover', {}));
    await page.locator('.monaco-hover').getByText(actionStep.timeout!.description!).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.monaco-hover').first().waitFor({ state: 'hidden' });
    await replaceLines(page, keyLine + 2, keyLine + 2, ['        maxTokens: 200']);
    await cursorAt(page, keyLine + 2, 10);
    await page.evaluate(() => (window as any).ionfluxAgentEditor.trigger('test', 'editor.action.showHover', {}));
    await page.locator('.monaco-hover').getByText(params.maxTokens!.description!).waitFor();
    // A parameter holding an expression is described as itself too (not as "A single {{ expression }}").
    await page.keyboard.press('Escape');
    await page.locator('.monaco-hover').first().waitFor({ state: 'hidden' });
    await cursorAt(page, lineOf(REVENUE, '        period: "{{ inputs.period }}"'), 10);
    await page.evaluate(() => (window as any).ionfluxAgentEditor.trigger('test', 'editor.action.showHover', {}));
    const period = defs['params.shopify.revenue.summary']!.properties.period!.description!;
    // (Rendered as Markdown: its `code` spans show without their backticks.)
    await page.locator('.monaco-hover').getByText(period.replaceAll('`', '')).waitFor();
    // Titled by its action's parameters schema, once (its `anyOf` of a listed value or an expression gave the title of
    // each alternative, the same one twice).
    const paramsTitle = defs['params.shopify.revenue.summary']!.title!;
    const hoverText = await page.locator('.monaco-hover').filter({ hasText: paramsTitle }).first().innerText();
    expect(hoverText.split(paramsTitle).length - 1).toBe(1);
    await h.step(page, 'schema description on hover');
    expect(h.problems).toEqual([]);
  });

  it('takes the agent schema from any modeline that names it, and marks a modeline naming a schema it cannot load', async () => {
    const modeline = /^# yaml-language-server: \$schema=\S+/;
    expect(REVENUE).toMatch(modeline);
    const open = async (name: string, schema: string) => {
      const created = await h.server.request('POST', `/api/workspaces/${workspaceId}/agents`, {
        token: ana.token,
        body: {
          yaml: REVENUE.replace(modeline, `# yaml-language-server: $schema=${schema}`),
          name,
          bindings: { store: { sandbox: true } },
        },
      });
      expect(created.status).toBe(201);
      const page = await (await h.newContext(`ana-${name.replaceAll(' ', '-').toLowerCase()}`)).newPage();
      await signIn(page, h.url, ana);
      await page.goto(`${h.url}/workspaces/${workspaceId}/agents/${created.body.agent.id}/edit`);
      await page.getByRole('heading', { level: 1, name: `Edit ${name}` }).waitFor();
      await page.locator('.react-flow__node').first().waitFor();
      await page.getByRole('status').filter({ hasText: 'No errors' }).waitFor();
      return page;
    };
    const modelineMarkers = (page: Page) =>
      page.evaluate(() =>
        ((window as any).monaco.editor.getModelMarkers({ owner: 'ionflux-modeline' }) as Marker[]).map((m) => [
          m.startLineNumber,
          m.startColumn,
          m.endLineNumber,
          m.endColumn,
        ]),
      );
    const defs = SCHEMA.$defs as Record<
      string,
      { properties: Record<string, { description?: string }>; title?: string }
    >;
    const params = defs['params.shopify.revenue.summary']!;
    const periodLine = lineOf(REVENUE, '        period: "{{ inputs.period }}"');

    // Another path to the agent schema (relative to the agent, not the repository's): hover still describes a
    // parameter from the schema, and the modeline is not marked.
    const page = await open('Modeline Path', './schemas/agent.schema.json');
    await cursorAt(page, periodLine, 10);
    await page.evaluate(() => (window as any).ionfluxAgentEditor.trigger('test', 'editor.action.showHover', {}));
    await page.locator('.monaco-hover').getByText(params.properties.period!.description!.replaceAll('`', '')).waitFor();
    await page.locator('.monaco-hover').getByText(params.title!).waitFor();
    expect(await modelineMarkers(page)).toEqual([]);

    // A schema the studio cannot load: an information marker over the whole modeline (line 1).
    const other = await open('Modeline Other', 'https://example.com/other.schema.json');
    const first = REVENUE.split('\n')[0]!.replace(
      modeline,
      '# yaml-language-server: $schema=https://example.com/other.schema.json',
    );
    await settles(() => modelineMarkers(other), [[1, 1, 1, first.length + 1]]);
    expect(h.problems).toEqual([]);
  });

  it('edits the YAML in place from the graph: add from the palette, change a parameter, delete; one undo history', async () => {
    const page = await (await h.newContext('ana-graph')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page);
    const comments = REVENUE.split('\n').filter((l) => l.trim().startsWith('#'));
    expect(comments.length).toBeGreaterThan(3);

    // Select the step, then add chat.post from the palette: it goes right after it, comments intact.
    await page.locator('.react-flow__node[data-id="Revenue summary"]').click();
    await page.getByLabel('Search actions').fill('chat post');
    await h.step(page, 'palette search');
    await page.getByRole('button', { name: 'Add chat.post' }).click();
    const added = applyGraphEdits(REVENUE, [
      { type: 'addStep', step: { id: 'chatPost', uses: 'chat.post' }, index: 1 },
    ]);
    await settles(() => editorText(page), added);
    for (const comment of comments) expect(added).toContain(comment);
    await markersSettle(page);
    await settles(() => page.locator('.react-flow__node[data-id="Chat post"]').count(), 1);
    await h.step(page, 'step added from palette');

    // Change a parameter in the side form: exactly the parameter's line changes.
    await page.locator('.react-flow__node[data-id="Revenue summary"]').click();
    const form = page.getByRole('form', { name: 'Parameters of revenue' });
    await form.getByLabel('period').fill('last_30_days');
    await form.getByLabel('period').press('Enter');
    const changed = applyGraphEdits(added, [
      { type: 'setParameter', id: 'revenue', name: 'period', value: 'last_30_days' },
    ]);
    await settles(() => editorText(page), changed);
    const before = added.split('\n');
    const after = changed.split('\n');
    expect(after).toHaveLength(before.length);
    const differing = after.map((l, i) => [before[i], l]).filter(([a, b]) => a !== b);
    expect(differing).toEqual([['        period: "{{ inputs.period }}"', '        period: "last_30_days"']]);
    await markersSettle(page);
    await h.step(page, 'parameter changed');

    // Delete the step: its references (the output, the canvas title) are flagged by the DSL.
    await page.getByRole('button', { name: 'Delete step revenue' }).click();
    const deleted = applyGraphEdits(changed, [{ type: 'removeStep', id: 'revenue' }]);
    await settles(() => editorText(page), deleted);
    const flagged = await markersSettle(page);
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.some((m) => m.startLineNumber === lineOf(deleted, '{{ steps.revenue.output }}'))).toBe(true);
    await page.locator('.editor-graph.stale').waitFor();
    await h.step(page, 'step deleted and references flagged');

    // One history: Undo (toolbar) brings the step back, Ctrl+Z in the YAML undoes the parameter change, Redo redoes.
    await page.getByRole('button', { name: 'Undo' }).click();
    await settles(() => editorText(page), changed);
    await cursorAt(page, 1, 1);
    await page.keyboard.press('Control+z');
    await settles(() => editorText(page), added);
    await page.getByRole('button', { name: 'Redo' }).click();
    await settles(() => editorText(page), changed);
    // A keystroke in the YAML and a graph edit are steps of the same history too.
    await cursorAt(page, 1, 1);
    await page.keyboard.insertText('#edited');
    await page.locator('.react-flow__node[data-id="Chat post"]').click();
    await page.getByRole('button', { name: 'Delete step chatPost' }).click();
    const handEdited = `#edited${changed}`;
    await settles(() => editorText(page), applyGraphEdits(handEdited, [{ type: 'removeStep', id: 'chatPost' }]));
    await page.getByRole('button', { name: 'Undo' }).click();
    await settles(() => editorText(page), handEdited);
    await page.getByRole('button', { name: 'Undo' }).click();
    await settles(() => editorText(page), changed);
    await markersSettle(page);
    await h.step(page, 'undo and redo across views');
    expect(h.problems).toEqual([]);
  });

  it('reorders steps from the side form and shows an expression reference type on hover', async () => {
    const page = await (await h.newContext('ana-move')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page);
    // The graph's nodes are reached by keyboard and named for screen readers: Enter on a focused node selects it.
    const node = page.locator('.react-flow__node[data-id="Revenue summary"]');
    const compiled = compileAgent(REVENUE).workflow!;
    const revenueNode = compiled.nodes.find((n) => n.name === 'Revenue summary')!;
    expect(await node.getAttribute('aria-label')).toBe(
      `Revenue summary: ${compiled.meta.ionflux.nodes['Revenue summary']!.role} of step revenue, ` +
        `${String(revenueNode.parameters.resource)}.${String(revenueNode.parameters.operation)}`,
    );
    await node.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Step revenue' }).waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.getByRole('heading', { name: 'Step revenue' }).waitFor({ state: 'detached' });

    // A step appended from the palette (no step selected), then moved up before `revenue`.
    await page.getByLabel('Search actions').fill('notify');
    await page.getByRole('button', { name: 'Add notify' }).click();
    const appended = applyGraphEdits(REVENUE, [{ type: 'addStep', step: { id: 'notify', uses: 'notify' } }]);
    await settles(() => editorText(page), appended);
    await page.locator('.react-flow__node[data-id="Notify"]').click();
    await page.getByRole('button', { name: 'Move notify up' }).click();
    const moved = applyGraphEdits(appended, [{ type: 'moveStep', id: 'notify', index: 0 }]);
    await settles(() => editorText(page), moved);
    expect(moved.indexOf('- id: notify')).toBeLessThan(moved.indexOf('- id: revenue'));
    expect(await page.getByRole('button', { name: 'Move notify up' }).isDisabled()).toBe(true);
    await markersSettle(page);
    await h.step(page, 'step moved up');

    // Hover on `inputs.period` inside {{ }}: the type the checker gives it (the input's declared type).
    const needle = 'period: "{{ inputs.period }}"';
    const line = lineOf(moved, needle);
    await cursorAt(page, line, columnOf(moved, needle, 'eriod }}'));
    await page.evaluate(() => (window as any).ionfluxAgentEditor.trigger('test', 'editor.action.showHover', {}));
    const declared = (parseYaml(moved) as { spec: { inputs: { period: { type: string } } } }).spec.inputs.period.type;
    await page.locator('.monaco-hover').getByText(`inputs.period: ${declared}`).waitFor();
    await h.step(page, 'expression type on hover');

    // The side form follows a parameter typed in the YAML, keystroke by keystroke (the analysis worker sends the
    // page only what changed in the agent's value).
    await page.keyboard.press('Escape');
    await cursorAt(page, line, columnOf(moved, needle, '{{'));
    const period = page.getByRole('form', { name: 'Parameters of revenue' }).getByLabel('period');
    await settles(() => period.inputValue(), '{{ inputs.period }}');
    await page.keyboard.insertText('x');
    await settles(() => period.inputValue(), 'x{{ inputs.period }}');
    await page.keyboard.insertText('y');
    await settles(() => period.inputValue(), 'xy{{ inputs.period }}');
    // `{{ }}` completion offers the step added from the palette (the scope the worker sent when it was added).
    const typed = columnOf(moved, needle, 'inputs.period') + 'xy'.length;
    await page.evaluate(
      ([lineNumber, startColumn, endColumn]) => {
        const editor = (window as any).ionfluxAgentEditor;
        editor.setSelection({ startLineNumber: lineNumber, startColumn, endLineNumber: lineNumber, endColumn });
        editor.focus();
      },
      [line, typed, typed + 'inputs.period'.length],
    );
    await page.keyboard.insertText('steps');
    await page.keyboard.type('.');
    const suggestions = () => page.locator('.suggest-widget .monaco-list-row .label-name').allTextContents();
    await settles(async () => (await suggestions()).sort(), ['notify', 'revenue']);
    await page.keyboard.press('Escape');
    expect(h.problems).toEqual([]);
  });
});
