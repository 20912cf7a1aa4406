import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { validateAgent } from '../../dsl/src/validate';
import { compileAgent } from '../../compiler/src/compile';
import { decompileWorkflow } from '../../compiler/src/decompile';
import { applyGraphEdits } from '../../compiler/src/edit';
import type { TestUser } from '../../server/src/testing/test-server';
import { REPO_ROOT, signIn, StudioHarness } from './harness';

/**
 * The agent editor's lifecycle: Save (refused while the DSL reports errors), revisions with Monaco's diff editor and
 * restore, running Revenue Tracker Lite on the sandbox with a live per-step view, importing an n8n workflow. The
 * server's API, the compiler and the decompiler are the oracles.
 */
jest.setTimeout(300_000);

let h: StudioHarness;
let ana: TestUser;
let workspaceId: string;
let agentId: string;
const REVENUE = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'agents', 'revenue-tracker-lite.yaml'), 'utf8');
const W = () => `/api/workspaces/${workspaceId}`;

beforeAll(async () => {
  h = await StudioHarness.start('editor-lifecycle', { sandbox: true });
  ana = await h.server.signup('Ana Owner');
  workspaceId = await h.server.createWorkspace(ana, 'My Marketing Agency');
  const created = await h.server.request('POST', `${W()}/agents`, {
    token: ana.token,
    body: { yaml: REVENUE, bindings: { store: { sandbox: true } } },
  });
  expect(created.status).toBe(201);
  agentId = created.body.agent.id;
});
afterAll(async () => {
  await h?.close();
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
async function settles<T>(read: () => Promise<T>, expected: T, timeout?: number): Promise<void> {
  const value = await until(read, (v) => JSON.stringify(v) === JSON.stringify(expected), timeout);
  expect(value).toEqual(expected);
}
const editorText = (page: Page) =>
  page.evaluate(() => (window as any).ionfluxAgentEditor.getModel().getValue() as string);
const serverAgent = async () =>
  (await h.server.request('GET', `${W()}/agents/${agentId}`, { token: ana.token })).body.agent as {
    revision: number;
    yaml: string;
  };

async function openEditor(page: Page): Promise<void> {
  await page.goto(`${h.url}/workspaces/${workspaceId}/agents`);
  await page.getByRole('link', { name: 'Edit agent Revenue Tracker Lite' }).click();
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.locator('.react-flow__node').first().waitFor();
  await page.getByRole('status').filter({ hasText: 'No errors' }).waitFor();
}

describe('studio: saving, revisions, runs and imports in the agent editor', () => {
  it('saves, refuses to save an invalid agent, compares revisions and restores one', async () => {
    const page = await (await h.newContext('ana')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page);

    // An edit in the graph form, saved: revision 2 holds exactly the editor's YAML.
    await page.locator('.react-flow__node[data-id="Revenue summary"]').click();
    const form = page.getByRole('form', { name: 'Parameters of revenue' });
    await form.getByLabel('period').fill('last_30_days');
    await form.getByLabel('period').press('Enter');
    const edited = applyGraphEdits(REVENUE, [
      { type: 'setParameter', id: 'revenue', name: 'period', value: 'last_30_days' },
    ]);
    await settles(() => editorText(page), edited);
    await page.getByRole('status').filter({ hasText: 'No errors' }).waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'revision 2' }).waitFor();
    expect(await serverAgent()).toMatchObject({ revision: 2, yaml: edited });

    // An error in the YAML: Save shows the problems and stores nothing.
    await page.evaluate(() => {
      const editor = (window as any).ionfluxAgentEditor;
      const model = editor.getModel();
      const line = model.getLinesContent().findIndex((l: string) => l.includes('uses: shopify.revenue.summary'));
      editor.setPosition({ lineNumber: line + 1, column: model.getLineMaxColumn(line + 1) });
      editor.focus();
    });
    await page.keyboard.insertText('x');
    const invalid = validateAgent(edited.replace('uses: shopify.revenue.summary', 'uses: shopify.revenue.summaryx'));
    expect(invalid.diagnostics.length).toBeGreaterThan(0);
    await page.getByRole('tab', { name: `Problems (${invalid.diagnostics.length})` }).waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Not saved: fix the errors' }).waitFor();
    await h.step(page, 'save refused');
    await page.getByRole('button', { name: 'Undo' }).click();
    await settles(() => editorText(page), edited);
    // The refused save stored nothing: a save that must land now gets revision 3, not 4.
    await page.getByRole('status').filter({ hasText: 'No errors' }).waitFor();

    // History: both revisions; the diff editor shows revision 1 against the editor's YAML, one changed line.
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByRole('button', { name: 'Compare revision 1' }).click();
    await page.locator('.revision-diff .monaco-diff-editor').waitFor();
    const lineChanges = await until(
      () =>
        page.evaluate(
          () =>
            ((window as any).monaco.editor.getDiffEditors()[0]?.getLineChanges() ?? null) as Array<{
              originalStartLineNumber: number;
              modifiedStartLineNumber: number;
            }> | null,
        ),
      (v) => v !== null && v.length > 0,
    );
    const periodLine = REVENUE.split('\n').findIndex((l) => l.includes('period: "{{ inputs.period }}"')) + 1;
    expect(lineChanges!.map((c) => [c.originalStartLineNumber, c.modifiedStartLineNumber])).toEqual([
      [periodLine, periodLine],
    ]);
    await h.step(page, 'revision diff');

    // Restore revision 1: the server saves it as revision 3, the editor shows its YAML.
    await page.getByRole('button', { name: 'Restore revision 1' }).click();
    await page.getByRole('status').filter({ hasText: 'revision 3' }).waitFor();
    expect(await serverAgent()).toMatchObject({ revision: 3, yaml: REVENUE });
    await settles(() => editorText(page), REVENUE);
    const revisions = (await h.server.request('GET', `${W()}/agents/${agentId}/revisions`, { token: ana.token })).body
      .revisions as Array<{ revision: number; restoredFrom: number | null }>;
    expect(revisions.map((r) => [r.revision, r.restoredFrom])).toEqual([
      [3, 1],
      [2, null],
      [1, null],
    ]);
    await h.step(page, 'revision restored');
    expect(h.problems).toEqual([]);
  });

  it('runs Revenue Tracker Lite on the sandbox from the editor and shows each step', async () => {
    const page = await (await h.newContext('ana-run')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page);
    await page.getByRole('tab', { name: 'Run' }).click();
    await page.getByLabel('Input period').selectOption('last_30_days');
    await page.getByRole('button', { name: /^Run revision/ }).click();
    await page.locator('.editor-run .status-succeeded').waitFor({ timeout: 120_000 });
    const runs = (await h.server.request('GET', `${W()}/runs?agentId=${agentId}`, { token: ana.token })).body
      .runs as Array<{ id: string; inputs: Record<string, unknown> }>;
    expect(runs).toHaveLength(1);
    expect(runs[0]!.inputs).toEqual({ period: 'last_30_days' });
    const run = (await h.server.request('GET', `${W()}/runs/${runs[0]!.id}`, { token: ana.token })).body.run as {
      status: string;
      steps: Array<{ node: string; status: string; items: number }>;
    };
    expect(run.status).toBe('succeeded');
    const rows = await page
      .locator('.editor-run tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => [r[0], r[1], r[3]])).toEqual(run.steps.map((s) => [s.node, s.status, String(s.items)]));
    expect(run.steps.map((s) => s.node)).toContain('Revenue summary');
    await h.step(page, 'run finished');
    expect(h.problems).toEqual([]);
  });

  it('imports an n8n workflow into a new agent, or lists what cannot be expressed', async () => {
    const page = await (await h.newContext('ana-import')).newPage();
    await signIn(page, h.url, ana);
    await page.goto(`${h.url}/workspaces/${workspaceId}/agents`);
    await page.getByRole('link', { name: 'New agent' }).click();
    await page.getByRole('heading', { level: 1, name: 'New agent' }).waitFor();
    await page.locator('.monaco-editor .view-lines').waitFor();
    await page.getByRole('tab', { name: 'Import n8n' }).click();
    const file = path.join(REPO_ROOT, 'examples', 'agents', 'tiktok-stylist.n8n.json');
    await page.getByLabel('Or load a workflow file').setInputFiles(file);
    const expected = decompileWorkflow(fs.readFileSync(file, 'utf8')).yaml!;
    await settles(() => editorText(page), expected);
    // The same meaning as the example the workflow was compiled from: the same normalized agent hash.
    const source = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'agents', 'tiktok-stylist.yaml'), 'utf8');
    expect(compileAgent(await editorText(page)).workflow!.meta.ionflux.hash).toBe(
      compileAgent(source).workflow!.meta.ionflux.hash,
    );
    await page.getByRole('status').filter({ hasText: 'No errors' }).waitFor();
    await h.step(page, 'n8n workflow imported');

    // A workflow with a node the DSL has no word for: the list of what cannot be expressed, the YAML untouched.
    const workflow = JSON.parse(fs.readFileSync(file, 'utf8'));
    workflow.nodes.push({
      id: 'c0de',
      name: 'Custom code',
      type: 'n8n-nodes-base.code',
      typeVersion: 2,
      position: [900, 300],
      parameters: { jsCode: 'return items;' },
    });
    const unsupported = JSON.stringify(workflow);
    const problems = decompileWorkflow(unsupported).diagnostics;
    expect(problems.some((p) => p.severity === 'error')).toBe(true);
    await page.getByLabel('n8n workflow JSON').fill(unsupported);
    await page.getByRole('button', { name: 'Import workflow' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'cannot be expressed' });
    await alert.waitFor();
    expect(await alert.getByRole('listitem').allTextContents()).toEqual(
      problems.map((p) => `${p.code} ${p.node ? `${p.node}: ` : ''}${p.message}`),
    );
    expect(await editorText(page)).toBe(expected);
    await h.step(page, 'n8n workflow not expressible');

    // Email Wizard: its llm.extract step carries a JSON Schema, which the worker checks with the precompiled
    // meta-schema validator (no eval under the page's CSP).
    const wizard = path.join(REPO_ROOT, 'examples', 'agents', 'email-wizard.n8n.json');
    const wizardYaml = decompileWorkflow(fs.readFileSync(wizard, 'utf8')).yaml!;
    expect(wizardYaml).toMatch(/schema:/);
    expect(validateAgent(wizardYaml).diagnostics).toEqual([]);
    await page.getByLabel('Or load a workflow file').setInputFiles(wizard);
    await settles(() => editorText(page), wizardYaml);
    await page.getByRole('status').filter({ hasText: 'No errors' }).waitFor();
    await page.locator('.react-flow__node[data-id="Draft email"]').waitFor();
    expect(h.problems).toEqual([]);
  });

  it('saves the name, description, input values and connection bindings from the Details tab', async () => {
    const page = await (await h.newContext('ana-details')).newPage();
    await signIn(page, h.url, ana);
    await openEditor(page);
    const before = await serverAgent();
    await page.getByRole('tab', { name: 'Details' }).click();
    await page.getByLabel('Name in this workspace').fill('Revenue Tracker (30 days)');
    await page.getByLabel('Description').fill('Last 30 days of the test store.');
    await page.getByLabel('Value of input period').selectOption('last_30_days');
    expect(await page.getByLabel('Connection “store” (shopify)').inputValue()).toBe('sandbox');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Details saved as revision ${before.revision + 1}` })
      .waitFor();
    const after = (await h.server.request('GET', `${W()}/agents/${agentId}`, { token: ana.token })).body.agent;
    expect(after).toMatchObject({
      name: 'Revenue Tracker (30 days)',
      description: 'Last 30 days of the test store.',
      inputs: { period: 'last_30_days' },
      bindings: { store: { sandbox: true } },
      revision: before.revision + 1,
      yaml: before.yaml,
    });
    await page.getByRole('heading', { level: 1, name: 'Edit Revenue Tracker (30 days)' }).waitFor();
    await h.step(page, 'details saved');
    expect(h.problems).toEqual([]);
  });
});
