import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { applyGraphEdits, GraphEditError, stepPaths, type GraphEdit } from '@ionflux/compiler';
import { hasErrors, type Diagnostic } from '@ionflux/dsl';
import { api, describeError } from '../api/client';
import type { AgentConfiguration } from '../api/types';
import { useWorkspace } from '../app/workspace-context';
import { navigate, paths } from '../router';
import {
  followModeline,
  forgetModel,
  monaco,
  scheduleHelperWorkers,
  showDiagnostics,
  warmUpSchemaCompletion,
} from './monaco-setup';
import type { AnalysisRequest, AnalysisResponse, WarmUpRequest } from './agent-worker-protocol';
import type { CompletionScope } from './analysis';
import { applyValueChange } from './value-change';
import { n8nPositionOf, nodeAtLine, type GraphModel, type GraphNode } from './graph-model';
import { GraphPane } from './GraphPane';
import { ActionPalette } from './ActionPalette';
import { StepForm } from './StepForm';
import { replacementBetween, stepIdFor } from './text-edits';
import { EditorPanels } from './EditorPanels';
import { connectEdit, placeOf } from './connect';
import { releasePreparedEditor, takePreparedEditor, type PreparedEditor } from './preload';
import { NEW_AGENT_YAML } from './new-agent';
import { finishTokenization } from './finish-tokenization';
import { updateFoldingNow } from './update-folding-now';
import { warmUpEditPath } from './warm-up-edit';
import './editor.css';

type Obj = Record<string, unknown>;

/** The step at a document path of a parsed agent value. */
/**
 * Resolves (never rejects) once Monaco's YAML tokenizer, a module Monaco loads lazily at the first YAML model, is
 * loaded: the editor screen is shown after it (preload.ts), so that the editor tokenizes its model before its first
 * render (finish-tokenization.ts). Asked for as soon as this chunk runs, while the agent is fetched.
 */
export const yamlTokenizerLoaded: Promise<void> = monaco.editor.colorize('', 'yaml', {}).then(
  () => undefined,
  () => undefined,
);

function valueAt(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' ? (v as Obj)[k as string] : undefined),
    value,
  );
}

interface Analysis {
  /** The model version analysed (0 before the first analysis). */
  version: number;
  diagnostics: Diagnostic[];
  compileError?: string;
  failure?: string;
  ms?: number;
}

/**
 * The agent editor: Monaco with the YAML (schema completion and hover, the DSL's diagnostics as markers, quick fixes,
 * `{{ }}` completion) beside the compiled workflow's graph. Both edit the same text: graph edits are text-preserving
 * edits of the YAML (comments and formatting kept), applied as edits of the Monaco model, so one undo history covers
 * both views.
 */
function AgentEditor({
  agent,
  initialYaml,
  session,
}: {
  agent: AgentConfiguration | null;
  initialYaml: string;
  /** Its analysis worker, already started (and maybe done analysing `initialYaml`): editor/preload.ts. */
  session: PreparedEditor;
}) {
  const { workspace } = useWorkspace();
  const containerRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const modelRef = useRef<monaco.editor.ITextModel | null>(null);
  const decorationsRef = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  const graphRef = useRef<GraphModel | undefined>(undefined);
  const selectingFromGraph = useRef(false);
  // The text and its plain value as of the last analysis: the worker parses, the page never does (a parse of a big
  // agent per keystroke would block typing).
  const [{ text, parsed }, setDocument] = useState<{ text: string; parsed: unknown }>({
    text: initialYaml,
    parsed: undefined,
  });
  const [analysis, setAnalysis] = useState<Analysis>({ version: 0, diagnostics: [] });
  const [graph, setGraph] = useState<{ model: GraphModel; version: number } | undefined>(undefined);
  const [selected, setSelected] = useState<GraphNode | undefined>(undefined);
  const [editError, setEditError] = useState<string | null>(null);
  const [current, setCurrent] = useState<AgentConfiguration | null>(agent);
  const [savedYaml, setSavedYaml] = useState(agent?.yaml ?? '');
  // The configuration's node positions (not in the YAML): compiled into the graph, saved when a node is dropped.
  const layoutRef = useRef<Record<string, [number, number]>>({ ...(agent?.layout ?? {}) });
  const sendRef = useRef<() => void>(() => undefined);

  const highlight = useCallback((node: GraphNode | undefined) => {
    const r = node?.range;
    decorationsRef.current?.set(
      r
        ? [
            {
              range: new monaco.Range(r.start.line, 1, r.end.line, 1),
              options: {
                isWholeLine: true,
                className: 'yaml-selected-lines',
                linesDecorationsClassName: 'yaml-selected-gutter',
              },
            },
          ]
        : [],
    );
  }, []);

  // Monaco, its model, and the analysis worker live as long as the screen.
  useEffect(() => {
    const uri = monaco.Uri.parse(`file:///agents/${agent?.id ?? 'new'}.agent.yaml`);
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(initialYaml, 'yaml', uri);
    const editor = monaco.editor.create(containerRef.current!, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      // Chromium's EditContext drops spaces typed by automation (and some IMEs): use the textarea input path.
      editContext: false,
      fixedOverflowWidgets: true,
      scrollBeyondLastLine: false,
      stickyScroll: { enabled: false },
      theme: 'ionflux',
      renderFinalNewline: 'on',
      tabSize: 2,
      insertSpaces: true,
      quickSuggestions: { other: true, comments: false, strings: true },
      ariaLabel: 'Agent YAML',
      // Indentation folding and no link detection: both otherwise ask monaco-yaml's worker to parse the whole agent
      // again after every keystroke (on top of the analysis worker's incremental check), which on two cores delays
      // the keystroke's own diagnostics. Words of the document are no completion source for an agent either.
      foldingStrategy: 'indentation',
      links: false,
      wordBasedSuggestions: 'off',
      lightbulb: { enabled: monaco.editor.ShowLightbulbIconMode.On },
    });
    scheduleHelperWorkers(model);
    // All lines' tokens before the first render (finish-tokenization.ts); when the YAML tokenizer is not loaded yet
    // (the first editor of a page), at the first idle moment after the first graph, or at the focus at the latest.
    let tokenized = finishTokenization(model);
    // The folding ranges now too, not 200 ms after the model is set (at about the first keystroke when one types at
    // once): update-folding-now.ts. Again when the tokenizer (and the YAML language configuration that comes with it,
    // which changes the ranges) arrives later.
    updateFoldingNow(editor);
    const finishTokens = () => {
      if (tokenized) return;
      tokenized = finishTokenization(model);
      updateFoldingNow(editor);
    };
    // Timing marks of the opening (bench/studio prints them): Monaco created, first diagnostics, first graph.
    performance.mark('ionflux:editor-created');
    let firstCheck = true;
    let firstGraph = true;
    editorRef.current = editor;
    modelRef.current = model;
    decorationsRef.current = editor.createDecorationsCollection();
    const { worker, answers, firstText } = session.takeWorker();
    const idle = (run: () => void) =>
      'requestIdleCallback' in window ? requestIdleCallback(run, { timeout: 1000 }) : setTimeout(run, 0);
    let workerWarmedUp = false;
    const warmUpWorker = () => {
      if (workerWarmedUp) return;
      workerWarmedUp = true;
      const warmUp: WarmUpRequest = { warmUp: true };
      worker.postMessage(warmUp);
    };
    // The model's version id as of its last edit that changed the text: the warm-up's edit (warm-up-edit.ts) moves
    // the version id on but leaves the text as it was, and is no request of its own.
    let textVersion = model.getVersionId();
    let warmingUp = false;
    // Requests carry that version id: only the analysis of the newest text is shown.
    const send = () => {
      const request: AnalysisRequest = { seq: textVersion, text: model.getValue(), layout: layoutRef.current };
      worker.postMessage(request);
    };
    // The agent's plain value and completion scope as of the last check answer: each answer says only how they
    // changed, so every answer is taken here, in order, even one not shown (agent-worker-protocol.ts).
    let value: unknown;
    let scope: CompletionScope | undefined;
    const take = (response: AnalysisResponse) => {
      if (response.phase !== 'check') return;
      if (response.valueChange) value = applyValueChange(value, response.valueChange);
      if (response.scope) scope = response.scope;
    };
    const receive = (response: AnalysisResponse) => {
      take(response);
      if (model.isDisposed() || response.seq !== textVersion) return;
      if (response.phase === 'check') {
        if (firstCheck) performance.mark('ionflux:editor-first-check');
        firstCheck = false;
        showDiagnostics(model, response.diagnostics, scope);
        const current = model.getValue();
        const parsed = value;
        setDocument((d) => (d.text === current && d.parsed === parsed ? d : { text: current, parsed }));
        setAnalysis({
          version: response.seq,
          diagnostics: response.diagnostics,
          ms: response.ms,
          ...(response.failure ? { failure: response.failure } : {}),
        });
        return;
      }
      setAnalysis((a) => {
        const next = { ...a };
        if (response.compileError) next.compileError = response.compileError;
        else delete next.compileError;
        return next;
      });
      if (firstGraph) {
        performance.mark('ionflux:editor-first-graph');
        // The first graph is computed: Monaco's helper workers start at the first pause in typing from now, and
        // monaco-yaml's worker warms up then (monaco-setup.ts).
        warmUpSchemaCompletion(model);
        // The worker runs a keystroke's path once when the page is idle (agent.worker.ts): not while it draws this.
        idle(warmUpWorker);
        idle(finishTokens);
      }
      firstGraph = false;
      if (response.graph) {
        graphRef.current = response.graph;
        setGraph({ model: response.graph, version: response.seq });
      } else if (response.same) setGraph((g) => g && { model: g.model, version: response.seq });
    };
    worker.onmessage = (event: MessageEvent<AnalysisResponse>) => receive(event.data);
    const changes = model.onDidChangeContent(() => {
      if (warmingUp) return;
      textVersion = model.getVersionId();
      send();
    });
    // The schema a `# yaml-language-server: $schema=` modeline names (monaco-setup.ts), now and a moment after edits.
    followModeline(model);
    let modelineCheck: ReturnType<typeof setTimeout> | undefined;
    const modeline = model.onDidChangeContent(() => {
      if (warmingUp) return;
      clearTimeout(modelineCheck);
      modelineCheck = setTimeout(() => !model.isDisposed() && followModeline(model), 500);
    });
    sendRef.current = send;
    const cursor = editor.onDidChangeCursorPosition((e) => {
      if (selectingFromGraph.current || warmingUp) return;
      const g = graphRef.current;
      const node = g ? nodeAtLine(g, e.position.lineNumber) : undefined;
      setSelected((old) => (old?.id === node?.id ? old : node));
      highlight(node);
    });
    // The prepared worker was asked about the agent's text as the model's first version while Monaco loaded: its
    // answers so far are shown now, the rest arrive as usual. Any other text (a new model version) is sent.
    if (firstText !== undefined && firstText === model.getValue() && model.getVersionId() === 1)
      answers.forEach(receive);
    else {
      answers.forEach(take);
      send();
    }
    // Monaco's typing path, run once invisibly when the editor first takes the focus (a keystroke is coming, at the
    // cursor), so that the first keystroke costs what a later one does (warm-up-edit.ts). Right after the focus
    // event, not inside it. When the first graph is already in, the worker's own warm-up is asked for first: it runs
    // on its own thread meanwhile.
    const focused = editor.onDidFocusEditorText(() => {
      focused.dispose();
      setTimeout(() => {
        if (!firstGraph) warmUpWorker();
        finishTokens();
        if (!model.isDisposed() && textVersion === 1 && warmUpEditPath(editor, (on) => (warmingUp = on))) {
          // The warm-up's edit asked for the folding ranges again (200 ms later, at about the first keystroke): now.
          updateFoldingNow(editor);
          performance.mark('ionflux:editor-warm-up');
        }
      }, 0);
    });
    const debug = window as unknown as { monaco?: typeof monaco; ionfluxAgentEditor?: unknown };
    debug.monaco = monaco;
    debug.ionfluxAgentEditor = editor;
    return () => {
      changes.dispose();
      modeline.dispose();
      clearTimeout(modelineCheck);
      cursor.dispose();
      focused.dispose();
      worker.terminate();
      forgetModel(model);
      editor.dispose();
      model.dispose();
      debug.ionfluxAgentEditor = undefined;
    };
    // The editor is created once per screen; later YAML comes through the model.
  }, []);

  const selectNode = useCallback(
    (node: GraphNode | undefined) => {
      setSelected(node);
      highlight(node);
      const editor = editorRef.current;
      if (!node?.range || !editor) return;
      selectingFromGraph.current = true;
      editor.setPosition({ lineNumber: node.range.start.line, column: node.range.start.col });
      editor.revealLinesInCenterIfOutsideViewport(node.range.start.line, node.range.end.line);
      selectingFromGraph.current = false;
    },
    [highlight],
  );

  /** Applies graph edits to the YAML as one undoable edit of the model (only the changed characters replaced). */
  const edit = useCallback((edits: GraphEdit[]) => {
    const editor = editorRef.current;
    const model = modelRef.current;
    if (!editor || !model) return;
    const before = model.getValue();
    let after: string;
    try {
      after = applyGraphEdits(before, edits);
    } catch (error) {
      if (error instanceof GraphEditError) {
        setEditError(error.message);
        return;
      }
      throw error;
    }
    setEditError(null);
    if (after === before) return;
    const change = replacementBetween(before, after);
    const start = model.getPositionAt(change.start);
    const end = model.getPositionAt(change.end);
    editor.pushUndoStop();
    editor.executeEdits('graph', [
      { range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column), text: change.text },
    ]);
    editor.pushUndoStop();
  }, []);

  const saveLayout = useCallback(
    (agentId: string) =>
      api
        .put<{ agent: AgentConfiguration }>(`/api/workspaces/${workspace.id}/agents/${agentId}/layout`, {
          layout: layoutRef.current,
        })
        .catch((error: unknown) => setEditError(`The node positions were not saved: ${describeError(error)}`)),
    [workspace.id],
  );

  /** A node dropped on the graph: its position joins the layout, the graph is compiled with it, and it is saved. */
  const moveNode = useCallback(
    (id: string, position: { x: number; y: number }) => {
      layoutRef.current = { ...layoutRef.current, [id]: n8nPositionOf(position) };
      sendRef.current();
      if (current) void saveLayout(current.id);
    },
    [current, saveLayout],
  );

  const undo = () => void modelRef.current?.undo();
  const redo = () => void modelRef.current?.redo();

  // The selected step as the YAML says now (for the side form).
  const stepPathsNow = useMemo(() => stepPaths(parsed), [parsed]);
  const stepIds = useMemo(() => [...stepPathsNow.keys()], [stepPathsNow]);
  const selectedStep = useMemo(() => {
    if (!selected?.step) return undefined;
    const path = stepPathsNow.get(selected.step);
    const step = path ? valueAt(parsed, path) : undefined;
    return step && typeof step === 'object' ? { id: selected.step, path: path!, step: step as Obj } : undefined;
  }, [parsed, stepPathsNow, selected]);

  function addStep(action: string) {
    const id = stepIdFor(action, stepIds);
    const path = selectedStep?.path;
    const topLevel = path && path.length === 3 && path[0] === 'spec' && path[1] === 'steps';
    edit([{ type: 'addStep', step: { id, uses: action }, ...(topLevel ? { index: (path[2] as number) + 1 } : {}) }]);
  }

  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  const stale = (errors.length > 0 || analysis.compileError !== undefined) && graph !== undefined;

  return (
    <section className="agent-editor" aria-labelledby="editor-title" data-analysed-version={analysis.version}>
      <header className="editor-header">
        <h1 id="editor-title">{current ? `Edit ${current.name}` : 'New agent'}</h1>
        <p className="hint" role="status" aria-live="polite">
          {analysis.failure
            ? `The check failed: ${analysis.failure}`
            : errors.length > 0
              ? `${errors.length} error${errors.length === 1 ? '' : 's'}`
              : analysis.ms === undefined
                ? 'Checking…'
                : 'No errors'}
          {current ? ` · revision ${current.revision}` : ''}
          {text !== savedYaml && current ? ' · unsaved changes' : ''}
        </p>
        <div className="toolbar" role="toolbar" aria-label="Editor actions">
          <button type="button" onClick={undo}>
            Undo
          </button>
          <button type="button" onClick={redo}>
            Redo
          </button>
        </div>
      </header>
      {editError && (
        <p role="alert" className="error">
          {editError}
        </p>
      )}
      <div className="editor-main">
        <div className="editor-yaml" ref={containerRef} />
        <GraphPane
          graph={graph?.model}
          version={graph?.version ?? 0}
          stale={stale}
          compileError={analysis.compileError}
          selected={selected?.id}
          onSelect={selectNode}
          onMoveNode={moveNode}
          onConnectNodes={(source, sourceHandle, target) => {
            const result = connectEdit({ value: parsed, source, sourceHandle, target });
            if (typeof result === 'string') setEditError(result);
            else edit([result]);
          }}
        />
        <aside className="editor-side" aria-label="Step tools">
          {selectedStep && (
            <StepForm
              stepId={selectedStep.id}
              uses={typeof selectedStep.step.uses === 'string' ? selectedStep.step.uses : undefined}
              values={(selectedStep.step.with as Obj | undefined) ?? {}}
              onSetParameter={(name, value) => edit([{ type: 'setParameter', id: selectedStep.id, name, value }])}
              onWrap={(wrapper) => edit([{ type: 'wrapStep', id: selectedStep.id, wrapper }])}
              suggestWrapperId={(kind) => stepIdFor(`${kind === 'if' ? 'if' : 'each'}.${selectedStep.id}`, stepIds)}
              onDelete={() => {
                edit([{ type: 'removeStep', id: selectedStep.id }]);
                setSelected(undefined);
                highlight(undefined);
              }}
              onMove={(() => {
                const place = placeOf(parsed, selectedStep.path);
                if (!place) return {};
                const { index, count, ...container } = place;
                const move = (to: number) => () =>
                  edit([{ type: 'moveStep', id: selectedStep.id, index: to, ...container }]);
                return {
                  ...(index > 0 ? { up: move(index - 1) } : {}),
                  ...(index < count - 1 ? { down: move(index + 1) } : {}),
                };
              })()}
            />
          )}
          <ActionPalette onAdd={addStep} />
        </aside>
      </div>
      <EditorPanels
        workspaceId={workspace.id}
        canPublish={workspace.role === 'owner' || workspace.role === 'admin'}
        agent={current}
        text={text}
        diagnostics={analysis.diagnostics}
        onReveal={(d) => {
          const editor = editorRef.current;
          if (!editor) return;
          editor.setSelection(
            new monaco.Range(d.range.start.line, d.range.start.col, d.range.end.line, d.range.end.col),
          );
          editor.revealRangeInCenter(editor.getSelection()!);
          editor.focus();
        }}
        onSaved={(saved) => {
          setCurrent(saved);
          setSavedYaml(saved.yaml);
          // A new agent's first save also keeps the positions its nodes were given before it.
          if (!current && Object.keys(layoutRef.current).length > 0) void saveLayout(saved.id);
          if (!agent) navigate(`${paths.agents(workspace.id)}/${saved.id}/edit`, { replace: true });
        }}
        onReplaceText={(yaml) => {
          const editor = editorRef.current;
          const model = modelRef.current;
          if (!editor || !model) return;
          editor.pushUndoStop();
          editor.executeEdits('restore', [{ range: model.getFullModelRange(), text: yaml }]);
          editor.pushUndoStop();
        }}
        hasErrors={hasErrors(analysis.diagnostics)}
        declaredInputs={
          (valueAt(parsed, ['spec', 'inputs']) ?? {}) as Record<string, { type?: string; default?: unknown }>
        }
        declaredConnections={Object.fromEntries(
          Object.entries((valueAt(parsed, ['spec', 'connections']) ?? {}) as Record<string, { type?: unknown }>)
            .filter(([, c]) => c?.type === 'shopify' || c?.type === 'tiktok')
            .map(([name, c]) => [name, String(c.type)]),
        )}
        onRevealStep={(step) => {
          const node = graphRef.current?.nodes.find((n) => n.step === step && n.range);
          if (node) selectNode(node);
          editorRef.current?.focus();
        }}
      />
    </section>
  );
}

/** The editor screen: loads the agent configuration (or starts a new agent), then shows the editor. */
export default function EditorScreen({ agentId }: { agentId?: string }) {
  const { workspace } = useWorkspace();
  // The session editor/preload.ts prepared (or prepares now): the agent is fetched and analysed while this loads.
  const [session] = useState(() => takePreparedEditor(workspace.id, agentId));
  const [state, setState] = useState<
    { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; agent: AgentConfiguration | null }
  >(agentId ? { kind: 'loading' } : { kind: 'ready', agent: null });
  useEffect(() => {
    let live = true;
    session.agent
      .then((agent) => live && setState({ kind: 'ready', agent }))
      .catch((e: unknown) => live && setState({ kind: 'error', message: describeError(e) }));
    return () => {
      live = false;
      releasePreparedEditor(workspace.id, agentId);
    };
  }, [session, workspace.id, agentId]);
  if (state.kind === 'loading') return <p role="status">Loading the agent…</p>;
  if (state.kind === 'error')
    return (
      <p role="alert" className="error">
        {state.message}
      </p>
    );
  return (
    <AgentEditor
      key={state.agent?.id ?? 'new'}
      agent={state.agent}
      initialYaml={state.agent?.yaml ?? NEW_AGENT_YAML}
      session={session}
    />
  );
}
