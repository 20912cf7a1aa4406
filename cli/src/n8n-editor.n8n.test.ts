import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startN8nServer, type N8nServer } from '@ionflux/engine';
import { runCli } from './main';
import { startSandboxEnvironment, type SandboxEnvironment } from './sandbox-environment';

/**
 * The real-n8n lane, in n8n's own editor (headless Chromium): every example agent deployed with `ionflux deploy`
 * and opened on n8n 2.41.1's canvas shows every node without an issue badge, every IONFLUX node's parameter panel
 * opens without a parameter issue or a JSON error marker, and searching "IONFLUX" in the nodes panel finds all ten
 * node types. A screenshot of each canvas goes to test-output/n8n-editor/.
 */
const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output', 'n8n-editor');
const CHROMIUM = process.env.IONFLUX_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const PACKAGE = 'n8n-nodes-ionflux';
const ACTION_NODES = [
  'IONFLUX Canvas',
  'IONFLUX Chat',
  'IONFLUX HTTP Request',
  'IONFLUX LLM',
  'IONFLUX Notify',
  'IONFLUX Shopify',
  'IONFLUX TikTok',
  'IONFLUX Vector Store',
];

let env: SandboxEnvironment;
let n8n: N8nServer;
let browser: Browser;
let page: Page;
const deployed = new Map<string, string>();

async function deploy(file: string): Promise<string> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    [
      'deploy',
      join(examplesDir, file),
      '--n8n-url',
      n8n.url,
      '--n8n-api-key',
      n8n.apiKey,
      '--sandbox',
      '--server',
      env.url,
      '--token',
      env.apiToken,
      '--format',
      'json',
    ],
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd(), env: {}, isTTY: false },
  );
  if (code !== 0) throw new Error(`deploy ${file} failed: ${stderr}${stdout}`);
  return (JSON.parse(stdout) as { workflowId: string }).workflowId;
}

beforeAll(async () => {
  const tarball = process.env.IONFLUX_N8N_TARBALL;
  if (!tarball) throw new Error('IONFLUX_N8N_TARBALL is not set: run this lane with npm run test:n8n.');
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does) or set IONFLUX_CHROMIUM`);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  env = await startSandboxEnvironment();
  n8n = await startN8nServer({ tarball, env: { IONFLUX_SANDBOX_ORIGINS: env.url } });
  for (const file of examples) deployed.set(file, await deploy(file));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // n8n's editor loads a few megabytes of scripts: generous deadlines on a busy 2-core machine.
  page.setDefaultNavigationTimeout(180_000);
  page.setDefaultTimeout(90_000);
  // Sign in as the owner through n8n's own login endpoint, with the browser id the editor sends.
  await page.goto(`${n8n.url}/signin`);
  // (A script in the page: this package's TypeScript has no DOM types.)
  const status = await page.evaluate(`(async () => {
    const browserId = localStorage.getItem('n8n-browserId') ?? crypto.randomUUID();
    localStorage.setItem('n8n-browserId', browserId);
    const response = await fetch('/rest/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'browser-id': browserId },
      body: JSON.stringify(${JSON.stringify({ emailOrLdapLoginId: n8n.owner.email, password: n8n.owner.password })}),
    });
    return response.status;
  })()`);
  expect(status).toBe(200);
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await n8n?.stop();
  await env?.close();
});

/** Opens a workflow on the canvas and waits until it shows all its nodes. */
async function openWorkflow(id: string, nodeCount: number): Promise<void> {
  await page.goto(`${n8n.url}/workflow/${id}`);
  await page
    .locator('[data-test-id="canvas-node"]')
    .nth(nodeCount - 1)
    .waitFor({ timeout: 60_000 });
}

/** The lines of text of each item the nodes panel lists for a search (its name, its description). */
async function searchNodesPanel(query: string, expected: number): Promise<string[][]> {
  const search = page.locator('[data-test-id="node-creator-search-bar"]');
  await search.waitFor({ timeout: 30_000 });
  await search.fill(query);
  const items = page.locator('[data-test-id="item-iterator-item"]');
  // The panel fills its results in steps: wait for as many as expected (or give up after a minute and compare).
  const deadline = Date.now() + 60_000;
  while ((await items.filter({ hasText: query }).count()) < expected && Date.now() < deadline)
    await page.waitForTimeout(250);
  const texts = await items.allInnerTexts();
  return texts.map((text) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
  );
}

describe("IONFLUX in n8n's editor", () => {
  it.each(examples)('%s: every node without issues, every IONFLUX panel without error markers', async (file) => {
    const workflow = await n8n.api.getWorkflow(deployed.get(file)!);
    await openWorkflow(deployed.get(file)!, workflow.nodes.length);
    await page.keyboard.press('1'); // zoom to fit
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(OUTPUT_DIR, `${file.replace(/\.yaml$/, '')}.png`) });
    const issues = await page
      .locator('[data-test-id="canvas-node"]:has([data-test-id="node-issues"])')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node-name') ?? n.textContent ?? ''));
    expect({ file, issues }).toEqual({ file, issues: [] });

    const ours = workflow.nodes.filter((n) => n.type.startsWith(`${PACKAGE}.`));
    for (const node of ours) {
      await page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`).dblclick();
      const ndv = page.locator('[data-test-id="ndv"]');
      await ndv.waitFor({ timeout: 30_000 });
      await page.waitForTimeout(300);
      const markers = {
        parameterIssues: await ndv.locator('[data-test-id="parameter-issues"]').count(),
        jsonErrors: await ndv.locator('.cm-lintRange-error, .cm-lint-marker-error').count(),
      };
      expect({ file, node: node.name, ...markers }).toEqual({
        file,
        node: node.name,
        parameterIssues: 0,
        jsonErrors: 0,
      });
      await page.keyboard.press('Escape');
      await ndv.waitFor({ state: 'hidden', timeout: 30_000 });
    }
  });

  it('finds every IONFLUX node type by searching "IONFLUX" in the nodes panel', async () => {
    // Actions: the nodes panel of a workflow with nodes (n8n lists a trigger with its app's actions).
    const [first] = examples;
    const workflow = await n8n.api.getWorkflow(deployed.get(first!)!);
    await openWorkflow(deployed.get(first!)!, workflow.nodes.length);
    await page.locator('[data-test-id="node-creator-plus-button"]').click({ timeout: 30_000 });
    const actions = await searchNodesPanel('IONFLUX', ACTION_NODES.length);
    await page.screenshot({ path: join(OUTPUT_DIR, 'nodes-panel-actions.png') });
    writeFileSync(join(OUTPUT_DIR, 'nodes-panel-actions.json'), JSON.stringify(actions, null, 2));
    for (const name of ACTION_NODES)
      expect({ name, found: actions.some((lines) => lines.includes(name)), actions }).toEqual({
        name,
        found: true,
        actions,
      });
    await page.keyboard.press('Escape');

    // Triggers: the first step of a new workflow. n8n lists a trigger under its app's name when the app has
    // actions too ("IONFLUX Shopify Trigger" as "IONFLUX Shopify"), with the trigger's description.
    await page.goto(`${n8n.url}/workflow/new`);
    await page.locator('[data-test-id="canvas-add-button"]').click({ timeout: 60_000 });
    const triggers = await searchNodesPanel('IONFLUX', 2);
    await page.screenshot({ path: join(OUTPUT_DIR, 'nodes-panel-triggers.png') });
    writeFileSync(join(OUTPUT_DIR, 'nodes-panel-triggers.json'), JSON.stringify(triggers, null, 2));
    for (const name of ['IONFLUX Shopify', 'IONFLUX Chat'])
      expect({ name, found: triggers.some((lines) => lines.includes(name)), triggers }).toEqual({
        name,
        found: true,
        triggers,
      });
  });
});
