import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { TestUser } from '../../server/src/testing/test-server';
import { signIn, StudioHarness } from './harness';

/**
 * The agent editor warms Monaco's typing path up once when it first takes the focus (studio/src/editor/
 * warm-up-edit.ts: one visible character typed over itself, then the history put back), so that the first keystroke
 * costs what a later one does.
 * It must leave no trace: the text is the stored agent byte for byte, nothing to undo or redo, the cursor and the
 * scroll position where Monaco put them, no analysis request, not unsaved; and a real keystroke afterwards lands,
 * is analysed and undoes back to the stored text. The stored agent (the server's API) is the oracle. The agent is the
 * 1,017-line one bench/studio types into. Before that, the editor shows its lines only with all of the agent tokenized
 * (Monaco's background tokenization would otherwise run into the first keystrokes) and its folding ranges computed
 * (Monaco computes them on a timer, 200 ms or more after the model is set and after the warm-up's edit: at about the
 * first keystroke); folding still works afterwards (the oracle of its ranges: the text's indentation).
 */
jest.setTimeout(240_000);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bigAgentText } = require('../../bench/dsl/big-agent.js') as { bigAgentText: () => string };

let h: StudioHarness;
let ana: TestUser;
let workspaceId: string;
let agentId: string;

beforeAll(async () => {
  h = await StudioHarness.start('editor-warm-up', { sandbox: true });
  ana = await h.server.signup('Ana Owner');
  workspaceId = await h.server.createWorkspace(ana, 'My Marketing Agency');
  const created = await h.server.request('POST', `/api/workspaces/${workspaceId}/agents`, {
    token: ana.token,
    body: { yaml: bigAgentText(), name: 'Big Email Wizard', bindings: { store: { sandbox: true } } },
  });
  expect(created.status).toBe(201);
  agentId = created.body.agent.id;
});
afterAll(async () => {
  await h?.close();
});

/** What the editor shows and holds: its model's text, versions and history, the cursor, the scroll, the answers. */
const editorState = (page: Page) =>
  page.evaluate(() => {
    const editor = (window as any).ionfluxAgentEditor;
    const model = editor.getModel();
    const s = editor.getSelection();
    return {
      text: model.getValue() as string,
      versionId: model.getVersionId() as number,
      alternativeVersionId: model.getAlternativeVersionId() as number,
      canUndo: model.canUndo() as boolean,
      canRedo: model.canRedo() as boolean,
      selection: [s.startLineNumber, s.startColumn, s.endLineNumber, s.endColumn] as number[],
      scroll: [editor.getScrollTop(), editor.getScrollLeft()] as number[],
      analysedVersion: document.querySelector('.agent-editor')!.getAttribute('data-analysed-version'),
      graphVersion: document.querySelector('.editor-graph')!.getAttribute('data-graph-version'),
      status: document.querySelector('.editor-header .hint')!.textContent as string,
    };
  });

/**
 * The indentation folding ranges of `text` (an independent oracle of Monaco's, for YAML: off-side, no markers), as
 * [start, end] line numbers: a line starts a range when the next non-blank line is indented more; the range ends at
 * the last non-blank line before the next line indented no more than the start.
 */
function indentationRanges(text: string): [number, number][] {
  const lines = text.split('\n');
  const indent = (l: string) => (l.trim() === '' ? -1 : l.length - l.trimStart().length);
  const ranges: [number, number][] = [];
  lines.forEach((line, i) => {
    if (indent(line) < 0) return;
    let next = i + 1;
    while (next < lines.length && indent(lines[next]!) < 0) next++;
    if (next >= lines.length || indent(lines[next]!) <= indent(line)) return;
    let end = next;
    for (let j = next; j < lines.length; j++) {
      if (indent(lines[j]!) < 0) continue;
      if (indent(lines[j]!) <= indent(line)) break;
      end = j;
    }
    ranges.push([i + 1, end + 1]);
  });
  return ranges;
}

/** The sequence numbers of the analysis worker's answers the page received, in order (recorded by an init script). */
const answeredVersions = (page: Page) =>
  page.evaluate(() =>
    (window as any).__analysisAnswers.map((a: { seq: number; phase: string }) => `${a.phase} ${a.seq}`),
  );

async function settle(page: Page, done: (s: Awaited<ReturnType<typeof editorState>>) => boolean) {
  const deadline = Date.now() + 15_000;
  let state = await editorState(page);
  while (!done(state) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    state = await editorState(page);
  }
  return state;
}

describe('studio: the agent editor warms its typing path up without a trace', () => {
  it('leaves the text, history, versions, cursor and scroll as opened, sends nothing, and a keystroke then undoes', async () => {
    const stored = (
      await h.server.request('GET', `/api/workspaces/${workspaceId}/agents/${agentId}`, { token: ana.token })
    ).body.agent.yaml as string;
    const page = await (await h.newContext('ana')).newPage();
    await page.addInitScript(() => {
      const answers: Array<{ seq: number; phase: string }> = [];
      (window as any).__analysisAnswers = answers;
      const PageWorker = window.Worker;
      window.Worker = class extends PageWorker {
        constructor(...args: ConstructorParameters<typeof Worker>) {
          super(...args);
          this.addEventListener('message', (event: MessageEvent) => {
            const d = event.data;
            if (d && typeof d === 'object' && (d.phase === 'check' || d.phase === 'graph'))
              answers.push({ seq: d.seq, phase: d.phase });
          });
        }
      };
    });
    await signIn(page, h.url, ana);
    await page.goto(`${h.url}/workspaces/${workspaceId}/agents`);
    // When Monaco first puts lines in the page (a mutation observer: in the task that renders them, before any idle
    // time in which Monaco's background tokenization would run): whether the model's last line has its tokens already
    // (the editor tokenizes the whole agent before its first render, finish-tokenization.ts; Monaco alone tokenizes
    // only the lines on screen then, the rest in background slices afterwards), and how many lines the model has.
    await page.evaluate(() => {
      const observer = new MutationObserver(() => {
        const editor = (window as any).ionfluxAgentEditor;
        if (!editor || !document.querySelector('.monaco-editor .view-lines .view-line')) return;
        observer.disconnect();
        const model = editor.getModel();
        const last = model.getLineCount();
        (window as any).__firstLines = {
          lineCount: last,
          lastLineTokenized: model.tokenization.hasAccurateTokensForLine(last),
          // The agent's last step's `canvas: { block: ... }` line: a key, punctuation, values (a line without tokens
          // yet, or without the YAML tokenizer loaded, is one token).
          tokensOfLastStepLine: model.tokenization.getLineTokens(last - 1).getCount(),
          // The folding ranges' decorations (one a range: its fold control), computed before the first render too
          // (update-folding-now.ts; Monaco alone computes them 200 ms after the model is set).
          foldingRanges: model
            .getAllDecorations()
            .filter((d: { options: { description?: string } }) => d.options.description?.startsWith('folding-')).length,
        };
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
    await page.getByRole('link', { name: 'Edit agent Big Email Wizard' }).click();
    await page.locator('.monaco-editor .view-lines').waitFor();
    await page.waitForFunction(() => (window as any).__firstLines);
    expect(await page.evaluate(() => (window as any).__firstLines)).toEqual({
      lineCount: stored.split('\n').length,
      lastLineTokenized: true,
      tokensOfLastStepLine: expect.any(Number),
      foldingRanges: indentationRanges(stored).length,
    });
    expect(await page.evaluate(() => (window as any).__firstLines.tokensOfLastStepLine)).toBeGreaterThan(5);
    await page.locator('.react-flow__node').first().waitFor();
    await page.getByRole('status').filter({ hasText: 'No errors' }).waitFor();
    expect((await editorState(page)).versionId).toBe(1);

    // The editor takes the focus (where Monaco put the cursor): the warm-up runs then, once (the model's version id
    // moves on by one: an edit happened), and leaves no trace.
    await page.evaluate(() => (window as any).ionfluxAgentEditor.focus());
    await page.waitForFunction(() => performance.getEntriesByName('ionflux:editor-warm-up').length === 1);
    // The warm-up's edit asked Monaco for the folding ranges again (its timer: 200 ms or more, at about the first
    // keystroke): the editor ran that update in the warm-up's task (update-folding-now.ts), so none is pending now,
    // and the ranges are the same.
    expect(
      await page.evaluate(() => {
        const editor = (window as any).ionfluxAgentEditor;
        return {
          foldingUpdatePending: editor.getContribution('editor.contrib.folding').updateScheduler.isTriggered(),
          foldingRanges: editor
            .getModel()
            .getAllDecorations()
            .filter((d: { options: { description?: string } }) => d.options.description?.startsWith('folding-')).length,
        };
      }),
    ).toEqual({ foldingUpdatePending: false, foldingRanges: indentationRanges(stored).length });
    const opened = await settle(page, (s) => s.graphVersion === '1');
    expect(opened).toEqual({
      text: stored,
      versionId: 2,
      alternativeVersionId: 1,
      canUndo: false,
      canRedo: false,
      selection: [1, 1, 1, 1],
      scroll: [0, 0],
      analysedVersion: '1',
      graphVersion: '1',
      status: 'No errors · revision 1',
    });

    // Undo does nothing: the next version is the keystroke's (an undo that did something would take version 3).
    await page.keyboard.press('Control+z');
    const lines = stored.split('\n');
    const line = lines.findIndex((l, i) => i > lines.length / 2 && l.includes('instructions: "Write a')) + 1;
    const column = lines[line - 1]!.indexOf('Write a') + 1;
    await page.evaluate(
      ([lineNumber, col]) => {
        const editor = (window as any).ionfluxAgentEditor;
        editor.setPosition({ lineNumber, column: col });
        editor.revealLineInCenter(lineNumber);
      },
      [line, column] as const,
    );
    await page.keyboard.insertText('K');
    const offset = lines.slice(0, line - 1).join('\n').length + 1 + column - 1;
    const typed = `${stored.slice(0, offset)}K${stored.slice(offset)}`;
    const afterKey = await settle(page, (s) => s.analysedVersion === '3' && s.graphVersion === '3');
    expect(afterKey).toMatchObject({
      text: typed,
      versionId: 3,
      canUndo: true,
      canRedo: false,
      selection: [line, column + 1, line, column + 1],
      analysedVersion: '3',
      graphVersion: '3',
      status: 'No errors · revision 1 · unsaved changes',
    });
    // The worker was asked about the opened text (version 1, maybe twice: once by the prepared session) and the
    // keystroke, never about the warm-up's version (2): the keystroke's answers, which came after, are the sentinel.
    const answered = await answeredVersions(page);
    expect(answered.slice(-2)).toEqual(['check 3', 'graph 3']);
    expect(new Set(answered)).toEqual(new Set(['check 1', 'graph 1', 'check 3', 'graph 3']));

    // The keystroke undoes back to the stored text and the opened version: nothing of the warm-up in the history.
    await page.keyboard.press('Control+z');
    const undone = await settle(page, (s) => s.analysedVersion === '4' && s.graphVersion === '4');
    expect(undone).toMatchObject({
      text: stored,
      versionId: 4,
      alternativeVersionId: 1,
      canUndo: false,
      canRedo: true,
      selection: [line, column, line, column],
      status: 'No errors · revision 1',
    });

    // Folding works: a step of the middle (the one typed into) folds to its first line, the lines after it move up
    // by exactly its other lines, and unfolds back.
    const step = indentationRanges(stored).find(
      ([start, end]) => start <= line && line <= end && /^ {4}- id: /.test(lines[start - 1]!),
    )!;
    expect(lines[step[0] - 1]).toMatch(/^ {4}- id: email_\d+$/);
    expect(lines[step[1]]).toMatch(/^ {4}- id: /);
    const tops = () =>
      page.evaluate(([start, end]) => {
        const editor = (window as any).ionfluxAgentEditor;
        return [
          editor.getTopForLineNumber(start),
          editor.getTopForLineNumber(end + 1),
          editor.getOption((window as any).monaco.editor.EditorOption.lineHeight),
        ];
      }, step);
    const [openStart, openNext, lineHeight] = await tops();
    expect(openNext! - openStart!).toBe((step[1] - step[0] + 1) * lineHeight!);
    await page.evaluate(async (start) => {
      const editor = (window as any).ionfluxAgentEditor;
      editor.setPosition({ lineNumber: start, column: 1 });
      await editor.getAction('editor.fold').run();
    }, step[0]);
    const [foldedStart, foldedNext] = await tops();
    expect(foldedNext! - foldedStart!).toBe(lineHeight);
    expect(await page.evaluate(() => (window as any).ionfluxAgentEditor.getModel().getValue())).toBe(stored);
    await page.evaluate(() => (window as any).ionfluxAgentEditor.getAction('editor.unfold').run());
    const [unfoldedStart, unfoldedNext] = await tops();
    expect(unfoldedNext! - unfoldedStart!).toBe((step[1] - step[0] + 1) * lineHeight!);
  });

  it("starts monaco-yaml's worker and its warm-up at a pause in typing, and asks it nothing in a free-text value", async () => {
    const page = await (await h.newContext('ana')).newPage();
    // When each worker of the page is created, with its script's URL.
    await page.addInitScript(() => {
      const created: Array<{ url: string; at: number }> = [];
      (window as any).__workersCreated = created;
      const PageWorker = window.Worker;
      window.Worker = class extends PageWorker {
        constructor(...args: ConstructorParameters<typeof Worker>) {
          super(...args);
          created.push({ url: String(args[0]), at: performance.now() });
        }
      };
    });
    await signIn(page, h.url, ana);
    await page.goto(`${h.url}/workspaces/${workspaceId}/agents`);
    await page.getByRole('link', { name: 'Edit agent Big Email Wizard' }).click();
    await page.locator('.react-flow__node').first().waitFor();
    // Typing starts as soon as the graph shows (the helper workers may start then): each edit's time is kept.
    const model = await page.evaluate(() => {
      const editor = (window as any).ionfluxAgentEditor;
      const edits: number[] = [];
      (window as any).__edits = edits;
      editor.getModel().onDidChangeContent(() => edits.push(performance.now()));
      return editor.getModel().getValue() as string;
    });
    const lines = model.split('\n');
    const line = lines.findIndex((l, i) => i > lines.length / 2 && l.includes('instructions: "Write a')) + 1;
    const column = lines[line - 1]!.indexOf('Write a') + 1;
    await page.evaluate(
      ([lineNumber, col]) => {
        const editor = (window as any).ionfluxAgentEditor;
        editor.setPosition({ lineNumber, column: col });
        editor.revealLineInCenter(lineNumber);
        editor.focus();
      },
      [line, column] as const,
    );
    // At a person's pace (a key every 150 ms, quick suggestions fire 10 ms after each): the first word of the value
    // (where the editor's quick suggestions ask completion providers) and more.
    const words = 'Keep it short ';
    for (const key of words) {
      await page.keyboard.insertText(key);
      await page.waitForTimeout(150);
    }
    // monaco-yaml's worker starts, and the warm-up's request comes, once the page has had a second without an edit
    // after the first graph (or 3 s after Monaco's creation if no graph came by then), not under the keystrokes:
    // after the typing here, or before it when the test took over a second to start typing (a loaded machine), which
    // is such a pause too.
    await page.waitForFunction(() => (window as any).ionfluxSchemaCompletionRequests.length >= 1);
    const { requests, edits, yamlWorkers, created, firstGraph } = await page.evaluate(() => ({
      requests: [...(window as any).ionfluxSchemaCompletionRequests] as number[],
      edits: [...(window as any).__edits] as number[],
      yamlWorkers: ((window as any).__workersCreated as Array<{ url: string; at: number }>)
        .filter((w) => /\/yaml\.worker[^/]*\.js/.test(w.url))
        .map((w) => w.at),
      created: performance.getEntriesByName('ionflux:editor-created')[0]!.startTime,
      firstGraph: performance.getEntriesByName('ionflux:editor-first-graph')[0]!.startTime,
    }));
    const helpersMayStart = Math.min(firstGraph, created + 3000);
    expect(edits.length).toBeGreaterThanOrEqual(words.length);
    expect(requests).toHaveLength(1);
    const warmUp = requests[0]!;
    expect(edits.filter((at) => at > warmUp - 1000 && at <= warmUp)).toEqual([]);
    expect(warmUp - helpersMayStart).toBeGreaterThanOrEqual(1000);
    expect(yamlWorkers).toHaveLength(1);
    expect(edits.filter((at) => at > yamlWorkers[0]! - 1000 && at <= yamlWorkers[0]!)).toEqual([]);
    expect(yamlWorkers[0]! - helpersMayStart).toBeGreaterThanOrEqual(1000);
    expect(
      await page.evaluate((n) => (window as any).ionfluxAgentEditor.getModel().getLineContent(n) as string, line),
    ).toBe(lines[line - 1]!.replace('"Write a', `"${words}Write a`));

    // Ctrl+Space in the value does not ask it either (the schema has nothing for a free-text value:
    // schema-completion-gate.test.ts); on a new key line it does (one request more) and lists the step's keys.
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget').getByText('No suggestions.').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget.visible .monaco-list-row').first().waitFor();
    expect(await page.evaluate(() => (window as any).ionfluxSchemaCompletionRequests.length)).toBe(2);
    await page.keyboard.press('Escape');
  });
});
