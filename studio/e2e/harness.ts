import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../server/src/testing/test-server';
import type { ServerOptions } from '../../server/src/config';

/**
 * The studio's browser test harness: the real server (port 0, embedded database) serving the studio's production
 * build, Debian's Chromium driven by playwright-core, axe-core on every screen, a guard that fails the test on any
 * console error or warning, page error or request that leaves 127.0.0.1, and a screenshot of every step.
 */
export const STUDIO_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(STUDIO_DIR, '..');
export const DIST_DIR = path.join(STUDIO_DIR, 'dist');
export const CHROMIUM = process.env.IONFLUX_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const OUTPUT_DIR = path.join(REPO_ROOT, 'test-output', 'studio-e2e');

/** Builds the studio (vite build) when dist/ is missing or older than its sources (scripts/build-studio.js). */
export function ensureStudioBuilt(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ensureStudioBuilt: build } = require('../../scripts/build-studio.js') as {
    ensureStudioBuilt: () => { status: number; output: string };
  };
  const result = build();
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.output}`);
}

export function assertChromium(): void {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium; .ci/run does) or set IONFLUX_CHROMIUM`,
    );
}

export interface Problem {
  kind: 'console' | 'pageerror' | 'offline-request' | 'axe';
  text: string;
}

/**
 * Monaco's own suggest widget, when its list changes while it reveals an item (typing fast into an open suggestion
 * list), throws this from inside Monaco and carries on: microsoft/vscode#163211, not the studio's code. Seen once in
 * four runs of editor.test.ts's completion test; the test still checks what the list shows.
 */
const MONACO_SUGGEST_RACE = /^(Uncaught )?(Error: )?ListError \[SuggestWidget\] Invalid index \d+/;

/** One browser, the server, and per-context guards; `problems` collects what must not happen. */
export class StudioHarness {
  readonly problems: Problem[] = [];
  #step = 0;
  private constructor(
    readonly server: TestServer,
    readonly browser: Browser,
    readonly name: string,
  ) {}

  static async start(name: string, options: ServerOptions = {}): Promise<StudioHarness> {
    assertChromium();
    ensureStudioBuilt();
    const server = await startTestServer({ studioDir: DIST_DIR, ...options });
    try {
      const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      fs.mkdirSync(path.join(OUTPUT_DIR, name), { recursive: true });
      return new StudioHarness(server, browser, name);
    } catch (error) {
      await server.close();
      throw error;
    }
  }

  get url(): string {
    return this.server.url;
  }

  /** A fresh browser profile (cookies, storage) with the guards installed. */
  async newContext(label: string): Promise<BrowserContext> {
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') {
        void route.continue();
      } else {
        this.problems.push({ kind: 'offline-request', text: `${label}: ${route.request().url()}` });
        void route.abort();
      }
    });
    context.on('page', (page) => this.guard(page, label));
    return context;
  }

  /** HTTP failures a test provokes on purpose (bad input): Chromium logs each as a console error, once. */
  #expectedFailures: Array<{ path: string; status: number }> = [];

  /** Declares that the next answer `status` from `path` is intended (consumed by the console message it causes). */
  expectFailure(path: string, status: number): void {
    this.#expectedFailures.push({ path, status });
  }

  guard(page: Page, label: string): void {
    page.on('console', (message) => {
      if (message.type() !== 'error' && message.type() !== 'warning') return;
      if (MONACO_SUGGEST_RACE.test(message.text())) return;
      const failed = /^Failed to load resource: the server responded with a status of (\d+)/.exec(message.text());
      if (failed) {
        const path = new URL(message.location().url, this.url).pathname;
        const index = this.#expectedFailures.findIndex((f) => f.path === path && f.status === Number(failed[1]));
        if (index >= 0) {
          this.#expectedFailures.splice(index, 1);
          return;
        }
        this.problems.push({ kind: 'console', text: `${label}: [${message.type()}] ${message.text()} (${path})` });
        return;
      }
      this.problems.push({ kind: 'console', text: `${label}: [${message.type()}] ${message.text()}` });
    });
    page.on('pageerror', (error) => {
      if (MONACO_SUGGEST_RACE.test(error.message)) return;
      this.problems.push({ kind: 'pageerror', text: `${label}: ${error.message}` });
    });
  }

  /** Runs axe-core on the page; serious and critical violations are problems. Returns them too. */
  async checkAccessibility(page: Page, screen: string): Promise<string[]> {
    const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    // evaluate() runs through the DevTools protocol, so the page's CSP (script-src 'self') does not block it.
    const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
    if (!loaded) await page.evaluate(source);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<any> } }).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return (
        result.violations as Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown }> }>
      )
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
    });
    for (const v of violations) this.problems.push({ kind: 'axe', text: `${screen}: ${v}` });
    return violations;
  }

  /** Screenshot + accessibility check of the step's screen. */
  async step(page: Page, name: string): Promise<void> {
    this.#step += 1;
    const file = `${String(this.#step).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
    await page.screenshot({ path: path.join(OUTPUT_DIR, this.name, file) });
    await this.checkAccessibility(page, name);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.close();
  }
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Signs in through the login screen and waits for the app shell. */
export async function signIn(page: Page, url: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Workspace navigation' }).waitFor();
}
