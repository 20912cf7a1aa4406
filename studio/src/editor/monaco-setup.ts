import { configureMonacoYaml } from 'monaco-yaml';
import { agentSchema, AGENT_SCHEMA_ID, type Diagnostic } from '@ionflux/dsl';
import * as monaco from './monaco';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import YamlWorker from './yaml.worker?worker';
import type { CompletionScope } from './analysis';
import { describeType, expressionCompletions, referenceAt, typeOfPath } from './expression-completion';
import { nothingToComplete, schemaCompletionGateOf } from './schema-completion-gate';

/**
 * Monaco for the agent editor, bundled with the app (never a CDN): its workers are Vite worker entries served from
 * this origin, monaco-yaml gives completion and hover from the DSL's published JSON Schema, and the DSL's own
 * diagnostics (the agent worker's) are the markers; quick fixes and `{{ }}` completion come from them too.
 */
function getWorker(_workerId: string, label: string): Promise<Worker> {
  return helperWorkersMayStart.then(() => {
    if (label === 'json') return new JsonWorker();
    if (label === 'yaml') return new YamlWorker();
    return new EditorWorker();
  });
}

/**
 * Monaco's own worker and monaco-yaml's (2 MB of script to compile, then a parse of the whole agent: 400-1,000 ms of a
 * core for the 1,000-line agent) start at the first pause in typing after the editor's first graph is on screen
 * (PAUSE_MS without an edit, the page idle), not while the opening is computed nor under the first keystrokes of
 * someone who types at once: on a machine with few cores they would compete with each keystroke's analysis for the
 * CPU. A request someone makes of them (completion that passes the gate below, hover, formatting, the revision diff)
 * starts them at once; the ones Monaco makes by itself as the cursor moves (code actions for the light bulb) wait.
 */
let startHelpers: () => void = () => undefined;
const helperWorkersMayStart = new Promise<void>((resolve) => (startHelpers = resolve));
const HELPER_WORKERS_DEADLINE_MS = 3000;
const PAUSE_MS = 1000;

export function startHelperWorkers(): void {
  startHelpers();
}

const idle = (run: () => void) =>
  'requestIdleCallback' in self ? requestIdleCallback(run, { timeout: 1000 }) : setTimeout(run, 0);

/** Runs `run` once `model` has had no edit for PAUSE_MS (counted from now) and the page is idle; never if disposed. */
function afterAPause(model: monaco.editor.ITextModel, run: () => void): void {
  let lastEdit = performance.now();
  let pause: ReturnType<typeof setTimeout> | undefined;
  const edits = model.onDidChangeContent(() => (lastEdit = performance.now()));
  const gone = model.onWillDispose(() => stop());
  const stop = () => {
    clearTimeout(pause);
    edits.dispose();
    gone.dispose();
  };
  const wait = (ms: number) => {
    pause = setTimeout(
      () =>
        idle(() => {
          const since = performance.now() - lastEdit;
          if (since < PAUSE_MS) return wait(PAUSE_MS - since);
          stop();
          run();
        }),
      ms,
    );
  };
  wait(PAUSE_MS);
}

/**
 * Called when an editor is created: the helpers start at the first pause after HELPER_WORKERS_DEADLINE_MS even if no
 * graph ever arrives.
 */
export function scheduleHelperWorkers(model: monaco.editor.ITextModel): void {
  setTimeout(() => !model.isDisposed() && afterAPause(model, startHelpers), HELPER_WORKERS_DEADLINE_MS);
}
self.MonacoEnvironment = { getWorker };

// monaco-yaml 5.5.1 starts its worker through monaco-worker-manager, which calls createWebWorker({ label, moduleId,
// createData }); since monaco-editor 0.55 that API takes { worker } and never sends createData, so the YAML worker
// would never start. Give monaco-yaml a monaco whose createWebWorker does the old handshake (a dummy message, then
// createData), as monaco's own JSON language does.
type LegacyWorkerOptions = {
  label?: string;
  moduleId?: string;
  createData?: unknown;
  host?: Record<string, (...args: unknown[]) => unknown>;
  keepIdleModels?: boolean;
};
const createWebWorkerCompat = (opts: LegacyWorkerOptions | Parameters<typeof monaco.editor.createWebWorker>[0]) => {
  if ('worker' in opts) return monaco.editor.createWebWorker(opts);
  const worker = Promise.resolve(getWorker(opts.moduleId ?? 'workerMain.js', opts.label ?? 'editorWorkerService')).then(
    (w) => {
      w.postMessage('ignore');
      w.postMessage(opts.createData);
      return w;
    },
  );
  return monaco.editor.createWebWorker({
    worker,
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.keepIdleModels !== undefined ? { keepIdleModels: opts.keepIdleModels } : {}),
  });
};

/**
 * monaco-yaml asks its worker for completions at each word typed (quick suggestions, on in strings for `{{ }}`)
 * and each space (a trigger character), and its worker then matches the whole agent against the schema: 50-300 ms
 * of a core for a 1,000-line agent, competing with the keystroke's own analysis on two cores. The schema can only
 * complete a key or the first word of a value: monaco-yaml is asked only when the word at the cursor starts a line,
 * a list item, a value (after `:`) or an entry of a flow collection, not in the middle of a sentence (`{{ }}`
 * completion there is the editor's own provider, registered below).
 */
type CompletionProvider = monaco.languages.CompletionItemProvider;
const STARTS_KEY_OR_VALUE = /(^|[-:{[,])\s*["']?[^\s"']*$/;
/** Nor in the value of a free-text key (`instructions: "Write`): schema-completion-gate.ts. */
const FREE_TEXT = schemaCompletionGateOf(agentSchema);
let schemaCompletion: CompletionProvider | undefined;
/**
 * yaml-language-server titles a hover over a value whose schema is an `anyOf` with each alternative's title joined by
 * ` || `, and alternatives without a title of their own take the same closest title: a parameter that takes a listed
 * value or an expression was titled "Shopify revenue summary || Shopify revenue summary". Each title once.
 */
function withTitleOnce(content: monaco.IMarkdownString): monaco.IMarkdownString {
  return {
    ...content,
    value: content.value.replace(
      /^#### (.*)$/m,
      (_, title: string) => `#### ${[...new Set(title.split(' || '))].join(' || ')}`,
    ),
  };
}
type HoverProvider = monaco.languages.HoverProvider;
/**
 * monaco-yaml's providers that answer someone's request (go to definition, formatting, symbols, rename, selection
 * ranges): each starts the helper workers when asked. Not its code actions, code lenses, folding ranges and links,
 * which Monaco asks for by itself (the agent editor's options turn the last two off).
 */
function startingHelpers<P extends object>(provider: P, ...methods: (keyof P)[]): P {
  const wrapped = { ...provider };
  for (const method of methods) {
    const provide = provider[method];
    if (typeof provide === 'function')
      wrapped[method] = ((...args: unknown[]) => {
        startHelpers();
        return (provide as (...a: unknown[]) => unknown).apply(provider, args);
      }) as P[keyof P];
  }
  return wrapped;
}
const languagesForYaml = {
  ...monaco.languages,
  registerDefinitionProvider: (language: string, provider: monaco.languages.DefinitionProvider) =>
    monaco.languages.registerDefinitionProvider(language, startingHelpers(provider, 'provideDefinition')),
  registerDocumentFormattingEditProvider: (
    language: string,
    provider: monaco.languages.DocumentFormattingEditProvider,
  ) =>
    monaco.languages.registerDocumentFormattingEditProvider(
      language,
      startingHelpers(provider, 'provideDocumentFormattingEdits'),
    ),
  registerOnTypeFormattingEditProvider: (language: string, provider: monaco.languages.OnTypeFormattingEditProvider) =>
    monaco.languages.registerOnTypeFormattingEditProvider(
      language,
      startingHelpers(provider, 'provideOnTypeFormattingEdits'),
    ),
  registerDocumentSymbolProvider: (language: string, provider: monaco.languages.DocumentSymbolProvider) =>
    monaco.languages.registerDocumentSymbolProvider(language, startingHelpers(provider, 'provideDocumentSymbols')),
  registerRenameProvider: (language: string, provider: monaco.languages.RenameProvider) =>
    monaco.languages.registerRenameProvider(
      language,
      startingHelpers(provider, 'provideRenameEdits', 'resolveRenameLocation'),
    ),
  registerSelectionRangeProvider: (language: string, provider: monaco.languages.SelectionRangeProvider) =>
    monaco.languages.registerSelectionRangeProvider(language, startingHelpers(provider, 'provideSelectionRanges')),
  registerHoverProvider: (language: string, provider: HoverProvider) =>
    monaco.languages.registerHoverProvider(language, {
      ...provider,
      provideHover: async (model, position, token, context) => {
        startHelpers();
        const hover = await provider.provideHover(model, position, token, context);
        return hover ? { ...hover, contents: hover.contents.map(withTitleOnce) } : hover;
      },
    }),
  registerCompletionItemProvider: (language: string, provider: CompletionProvider) => {
    // When each request went to the worker (the warm-up's too), for tests: window.ionfluxSchemaCompletionRequests.
    const requests: number[] = [];
    (self as { ionfluxSchemaCompletionRequests?: number[] }).ionfluxSchemaCompletionRequests = requests;
    const asking: CompletionProvider = {
      ...provider,
      provideCompletionItems: (...args) => {
        requests.push(performance.now());
        startHelpers();
        return provider.provideCompletionItems(...args);
      },
    };
    schemaCompletion = asking;
    return monaco.languages.registerCompletionItemProvider(language, {
      ...provider,
      provideCompletionItems: (model, position, context, token) => {
        const before = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
        if (!STARTS_KEY_OR_VALUE.test(before)) return undefined;
        const { lineNumber } = position;
        if (
          nothingToComplete(FREE_TEXT, before, (n) =>
            n < lineNumber ? model.getLineContent(lineNumber - n) : undefined,
          )
        )
          return undefined;
        return asking.provideCompletionItems(model, position, context, token);
      },
    });
  },
};
/**
 * At the first pause after the opening (afterAPause, counted from the first graph): starts the helper workers and has
 * monaco-yaml's do its first, slowest request (compiling the schema, parsing the agent in code not yet optimised: up to
 * a second of a core for the 1,000-line agent) while the user looks at the editor, not under the next words they type,
 * where it took a core from each keystroke's analysis.
 */
export function warmUpSchemaCompletion(model: monaco.editor.ITextModel): void {
  afterAPause(model, () => {
    startHelpers();
    if (!schemaCompletion) return;
    const done = new monaco.CancellationTokenSource();
    void Promise.resolve(
      schemaCompletion.provideCompletionItems(
        model,
        new monaco.Position(1, 1),
        { triggerKind: monaco.languages.CompletionTriggerKind.Invoke },
        done.token,
      ),
    )
      .catch(() => undefined)
      .finally(() => done.dispose());
  });
}

const monacoForYaml = {
  ...monaco,
  editor: { ...monaco.editor, createWebWorker: createWebWorkerCompat },
  languages: languagesForYaml,
};

/**
 * The schema a modeline of the repository's agents names, as seen from the editor's models (file:///agents/<id>
 * .agent.yaml). The examples, the DSL's docs and the n8n import start with `# yaml-language-server:
 * $schema=../../dsl/schema/agent.schema.json` (for VS Code), and yaml-language-server takes a modeline's schema
 * over the fileMatch one: it resolves that path against the model's URI (to this URI, `..` stopping at the root)
 * and, without schema requests (none leave the studio), found no schema there, so it offered no completion and no
 * hover at all. The same published schema is registered under that URI too.
 */
const MODELINE_SCHEMA_URI = 'file:///dsl/schema/agent.schema.json';

const monacoYaml = configureMonacoYaml(monacoForYaml as never, {
  enableSchemaRequest: false,
  hover: true,
  completion: true,
  // The DSL reports schema problems itself (IFX2xx, with its own wording and positions): one set of markers.
  validate: false,
  format: { enable: true },
  schemas: [
    { uri: AGENT_SCHEMA_ID, fileMatch: ['**/*.agent.yaml'], schema: agentSchema as never },
    { uri: MODELINE_SCHEMA_URI, fileMatch: [], schema: agentSchema as never },
  ],
});

/**
 * Any other modeline that names the agent schema (its published id, or any path or URL ending in
 * `agent.schema.json`): yaml-language-server resolves it the same way (a relative path against the model's folder, an
 * absolute path as a file URI) and, the studio making no schema requests, finds nothing there, so completion and hover
 * stopped. The agent schema is registered under the URI the modeline resolves to. A modeline naming another schema
 * gets an information marker on its line saying so: the studio cannot load that schema, so there is no completion or
 * hover from it.
 */
const MODELINE = /^#\s+(?:yaml-language-server\s*:|\$schema:)/;
const MODELINE_SCHEMA = /\$schema(?:=|:\s*)(\S+)/;
export const MODELINE_MARKER_OWNER = 'ionflux-modeline';

/** The schema URI a modeline of `model` names, resolved as yaml-language-server does (undefined: no modeline). */
function modelineSchemaOf(model: monaco.editor.ITextModel): { uri: string; line: number } | undefined {
  const lineCount = model.getLineCount();
  for (let line = 1; line <= lineCount; line++) {
    const text = model.getLineContent(line).trim();
    if (!text.startsWith('#') || !MODELINE.test(text)) continue;
    const reference = MODELINE_SCHEMA.exec(text)?.[1];
    if (!reference) return undefined;
    if (reference.startsWith('file:') || reference.startsWith('http')) return { uri: reference, line };
    const [path, fragment] = reference.split('#', 2) as [string, string | undefined];
    const resolved = new URL(path, model.uri.toString()).href;
    return { uri: fragment === undefined ? resolved : `${resolved}#${fragment}`, line };
  }
  return undefined;
}

const namesAgentSchema = (uri: string) =>
  uri === AGENT_SCHEMA_ID || /(^|\/)agent\.schema\.json$/.test(uri.split('#')[0]!.split('?')[0]!);

/** Makes the schema `model`'s modeline names available (or says on its line that it cannot be); call on changes. */
export function followModeline(model: monaco.editor.ITextModel): void {
  const modeline = modelineSchemaOf(model);
  const markers: monaco.editor.IMarkerData[] = [];
  if (modeline && namesAgentSchema(modeline.uri)) {
    const schemas = monacoYaml.getOptions().schemas ?? [];
    const uri = modeline.uri.split('#')[0]!;
    if (!schemas.some((schema) => schema.uri === uri))
      void monacoYaml.update({
        ...monacoYaml.getOptions(),
        schemas: [...schemas, { uri, fileMatch: [], schema: agentSchema as never }],
      });
  } else if (modeline) {
    const line = model.getLineContent(modeline.line);
    markers.push({
      severity: monaco.MarkerSeverity.Info,
      message: `The studio loads no schema but the IONFLUX agent schema (agent.schema.json): this modeline names ${modeline.uri}, so completion and hover from a schema are off here.`,
      source: 'ionflux',
      startLineNumber: modeline.line,
      startColumn: line.length - line.trimStart().length + 1,
      endLineNumber: modeline.line,
      endColumn: line.length + 1,
    });
  }
  monaco.editor.setModelMarkers(model, MODELINE_MARKER_OWNER, markers);
}

// Colours that meet WCAG AA (4.5:1) on the editor's white background: Monaco's default theme has token and
// line-number colours below it.
monaco.editor.defineTheme('ionflux', {
  base: 'vs',
  inherit: true,
  rules: [
    { token: '', foreground: '1b1f24' },
    { token: 'comment', foreground: '3b6a22' },
    { token: 'type', foreground: '7a1f1f' },
    { token: 'string', foreground: '0b4f8a' },
    { token: 'number', foreground: '0a6640' },
    { token: 'keyword', foreground: '1f2fb3' },
    { token: 'tag', foreground: '5b2f90' },
    { token: 'metatag', foreground: '5b2f90' },
    { token: 'operators', foreground: '1b1f24' },
    { token: 'delimiter', foreground: '1b1f24' },
  ],
  colors: {
    'editor.foreground': '#1b1f24',
    'editorLineNumber.foreground': '#5a6270',
    'editorLineNumber.activeForeground': '#1b1f24',
    'editorLineNumber.dimmedForeground': '#5a6270',
  },
});
monaco.editor.setTheme('ionflux');

/** What the providers need to know about each open agent model (by model URI). */
interface ModelState {
  diagnostics: Diagnostic[];
  scope?: CompletionScope;
}
const models = new Map<string, ModelState>();

export const MARKER_OWNER = 'ionflux';

function severityOf(d: Diagnostic): monaco.MarkerSeverity {
  if (d.severity === 'error') return monaco.MarkerSeverity.Error;
  if (d.severity === 'warning') return monaco.MarkerSeverity.Warning;
  return monaco.MarkerSeverity.Info;
}

/**
 * Shows the DSL's diagnostics as markers. Lines and columns are the DSL's (1-based, UTF-16 columns, end exclusive):
 * Monaco's are the same, so ranges map one to one; an empty range is widened to one character so it stays visible.
 */
export function showDiagnostics(model: monaco.editor.ITextModel, diagnostics: Diagnostic[], scope?: CompletionScope) {
  models.set(model.uri.toString(), { diagnostics, ...(scope ? { scope } : {}) });
  monaco.editor.setModelMarkers(
    model,
    MARKER_OWNER,
    diagnostics.map((d) => {
      const empty = d.range.start.line === d.range.end.line && d.range.start.col === d.range.end.col;
      return {
        severity: severityOf(d),
        message: d.message,
        code: d.code,
        source: 'ionflux',
        startLineNumber: d.range.start.line,
        startColumn: d.range.start.col,
        endLineNumber: d.range.end.line,
        endColumn: empty ? d.range.end.col + 1 : d.range.end.col,
      };
    }),
  );
}

export function forgetModel(model: monaco.editor.ITextModel): void {
  models.delete(model.uri.toString());
}

// Quick fixes: a diagnostic with a suggestion ("did you mean") offers to replace its range with it.
monaco.languages.registerCodeActionProvider('yaml', {
  provideCodeActions(model, _range, context) {
    const state = models.get(model.uri.toString());
    if (!state) return { actions: [], dispose: () => undefined };
    const actions: monaco.languages.CodeAction[] = [];
    for (const marker of context.markers) {
      if (marker.source !== 'ionflux') continue;
      const diagnostic = state.diagnostics.find(
        (d) =>
          d.suggestion !== undefined &&
          d.code === marker.code &&
          d.range.start.line === marker.startLineNumber &&
          d.range.start.col === marker.startColumn,
      );
      if (!diagnostic?.suggestion) continue;
      actions.push({
        title: `Change to '${diagnostic.suggestion}'`,
        kind: 'quickfix',
        diagnostics: [marker],
        isPreferred: true,
        edit: {
          edits: [
            {
              resource: model.uri,
              versionId: model.getVersionId(),
              textEdit: {
                range: {
                  startLineNumber: diagnostic.range.start.line,
                  startColumn: diagnostic.range.start.col,
                  endLineNumber: diagnostic.range.end.line,
                  endColumn: diagnostic.range.end.col,
                },
                text: diagnostic.suggestion,
              },
            },
          ],
        },
      });
    }
    return { actions, dispose: () => undefined };
  },
});

const itemKinds = {
  field: monaco.languages.CompletionItemKind.Field,
  function: monaco.languages.CompletionItemKind.Function,
  root: monaco.languages.CompletionItemKind.Module,
  step: monaco.languages.CompletionItemKind.Class,
} as const;

// `{{ }}` completion: inputs, trigger fields, steps and their output fields, functions.
monaco.languages.registerCompletionItemProvider('yaml', {
  triggerCharacters: ['.', '{', ' '],
  provideCompletionItems(model, position) {
    const scope = models.get(model.uri.toString())?.scope;
    if (!scope) return { suggestions: [] };
    const prefix = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
    const result = expressionCompletions(prefix, scope);
    if (!result) return { suggestions: [] };
    const range = new monaco.Range(position.lineNumber, result.from + 1, position.lineNumber, position.column);
    return {
      suggestions: result.items.map((item, i) => ({
        label: item.label,
        kind: itemKinds[item.kind],
        detail: item.detail,
        ...(item.documentation ? { documentation: item.documentation } : {}),
        insertText: item.insertText,
        sortText: String(i).padStart(4, '0'),
        range,
      })),
    };
  },
});

// Hover over a reference inside `{{ }}`: its inferred type.
monaco.languages.registerHoverProvider('yaml', {
  provideHover(model, position) {
    const scope = models.get(model.uri.toString())?.scope;
    if (!scope) return null;
    const line = model.getLineContent(position.lineNumber);
    const reference = referenceAt(line, position.column - 1);
    if (!reference) return null;
    const type = typeOfPath(reference.chain, scope);
    if (!type) return null;
    return {
      range: new monaco.Range(position.lineNumber, reference.start + 1, position.lineNumber, reference.end + 1),
      contents: [{ value: `\`${reference.chain.join('.')}\`: ${describeType(type)}` }],
    };
  },
});

export { monaco };
