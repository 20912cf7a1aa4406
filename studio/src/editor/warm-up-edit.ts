import * as monaco from './monaco';

/**
 * What of Monaco's model the warm-up needs beyond its public API (monaco-editor 0.57): the undo-redo service's
 * snapshots (what VS Code restores a model's history with) and the alternative version id's setter (what undo uses).
 * Without them the warm-up does nothing: it must leave no trace.
 */
interface ModelInternals {
  _undoRedoService?: {
    createSnapshot?: (resource: monaco.Uri) => unknown;
    restoreSnapshot?: (snapshot: unknown) => void;
  };
  _overwriteAlternativeVersionId?: (alternativeVersionId: number) => void;
}

const WORD_CHARACTER = /[A-Za-z0-9]/;

/**
 * A character on screen (in a visible line, within the visible width) that no decoration (marker, highlight) starts,
 * ends or sits next to, away from the line's ends: replacing it with itself changes nothing one can see.
 */
function quietCharacter(
  editor: monaco.editor.IStandaloneCodeEditor,
  model: monaco.editor.ITextModel,
): monaco.Range | undefined {
  const layout = editor.getLayoutInfo();
  const right = layout.width - layout.verticalScrollbarWidth;
  // The cursor's line first (a keystroke comes there), then the others on screen, nearest first.
  const cursor = editor.getPosition()?.lineNumber ?? 1;
  const lines = editor
    .getVisibleRanges()
    .flatMap((r) => Array.from({ length: r.endLineNumber - r.startLineNumber + 1 }, (_, i) => r.startLineNumber + i))
    .sort((a, b) => Math.abs(a - cursor) - Math.abs(b - cursor));
  for (const line of lines) {
    const text = model.getLineContent(line);
    for (let column = 2; column < text.length; column++) {
      if (!WORD_CHARACTER.test(text[column - 1]!)) continue;
      const end = editor.getScrolledVisiblePosition({ lineNumber: line, column: column + 1 });
      if (!end || end.left >= right) break;
      const near = model.getDecorationsInRange(new monaco.Range(line, column - 1, line, column + 2));
      if (near.every((d) => d.options.isWholeLine)) return new monaco.Range(line, column, line, column + 1);
    }
  }
  return undefined;
}

/**
 * Runs Monaco's typing path once in `editor` without leaving a trace, so that the user's first keystroke does not
 * pay for it. An editor's first keystroke costs about twice a later one (bench/README.md, bench/studio): its code runs
 * for the first time (the type command, the cursor's and the model's edit path, the undo stack, the view's events and
 * every listener of the change). This selects one character on screen and types it again (the `type` command, as a
 * keystroke does, from a source that is not the keyboard: no suggestions), then puts the selections, the undo history,
 * the model's alternative version id and (if it moved) the scroll position back as they were, all in this call: the
 * text and the decorations are unchanged and nothing is painted in between; the view renders the edited line again
 * at its next frame. Only the model's version id moves on (by one): the caller's listeners of content and cursor
 * changes must ignore what happens while `during` says true.
 *
 * Returns whether it ran: not without the model internals it needs, on a model already edited, or without a quiet
 * character on screen.
 *
 * @example
 * let warmingUp = false;
 * model.onDidChangeContent(() => { if (!warmingUp) send(); });
 * editor.onDidFocusEditorText(() => setTimeout(() => warmUpEditPath(editor, (on) => (warmingUp = on))));
 */
export function warmUpEditPath(
  editor: monaco.editor.IStandaloneCodeEditor,
  during: (warmingUp: boolean) => void,
): boolean {
  const model = editor.getModel();
  const selections = editor.getSelections();
  if (!model || model.isDisposed() || model.getVersionId() !== 1 || !selections) return false;
  const internals = model as unknown as ModelInternals;
  const undoRedo = internals._undoRedoService;
  if (
    typeof undoRedo?.createSnapshot !== 'function' ||
    typeof undoRedo.restoreSnapshot !== 'function' ||
    typeof internals._overwriteAlternativeVersionId !== 'function'
  )
    return false;
  const range = quietCharacter(editor, model);
  if (!range) return false;
  const history = undoRedo.createSnapshot(model.uri);
  const alternativeVersionId = model.getAlternativeVersionId();
  const scroll = { scrollTop: editor.getScrollTop(), scrollLeft: editor.getScrollLeft() };
  during(true);
  try {
    editor.setSelection(range);
    editor.trigger('ionflux-warm-up', 'type', { text: model.getValueInRange(range) });
  } finally {
    editor.setSelections(selections);
    undoRedo.restoreSnapshot(history);
    internals._overwriteAlternativeVersionId.call(model, alternativeVersionId);
    if (editor.getScrollTop() !== scroll.scrollTop || editor.getScrollLeft() !== scroll.scrollLeft)
      editor.setScrollPosition(scroll, monaco.editor.ScrollType.Immediate);
    during(false);
  }
  return true;
}
