import type * as monaco from './monaco';

/**
 * What of Monaco's folding contribution this needs beyond its public API (monaco-editor 0.57): its update scheduler
 * (a `Delayer`: a timer that, when it fires, resolves the promise the folding range computation waits on).
 */
interface FoldingControllerInternals {
  updateScheduler?: {
    isTriggered?: () => boolean;
    cancelTimeout?: () => void;
    doResolve?: ((value: null) => void) | null;
  } | null;
}

/** Monaco's folding contribution's id (`FoldingController.ID`). */
const FOLDING = 'editor.contrib.folding';

/**
 * Runs the folding ranges' pending update of `editor` now (in a microtask of the current task, before anything is
 * rendered) instead of when Monaco's debounce timer (200 ms or more) fires. Monaco computes a model's folding ranges
 * 200 ms after the model is set and after every edit: after the editor opens, that first computation (the
 * 1,017-line agent: about 11 ms, cold code) lands at about the first keystroke when one types at once
 * (bench/README.md, bench/studio). Called right after the editor is created, and after an edit that leaves the
 * text as it was (warm-up-edit.ts), it is done before the user can type. This is what the timer would have done,
 * only earlier: the ranges and fold controls are the same.
 *
 * Returns whether an update was pending and now runs: not when none is pending, nor without the internals it needs
 * (a Monaco upgrade: then Monaco updates them on its timer as usual).
 *
 * @example
 * const editor = monaco.editor.create(element, { model, foldingStrategy: 'indentation' });
 * updateFoldingNow(editor);
 */
export function updateFoldingNow(editor: monaco.editor.IStandaloneCodeEditor): boolean {
  const scheduler = editor.getContribution<monaco.editor.IEditorContribution & FoldingControllerInternals>(
    FOLDING,
  )?.updateScheduler;
  if (
    typeof scheduler?.isTriggered !== 'function' ||
    typeof scheduler.cancelTimeout !== 'function' ||
    typeof scheduler.doResolve !== 'function' ||
    !scheduler.isTriggered()
  )
    return false;
  // What the timer does when it fires (Delayer.trigger's callback): the computation then runs in a microtask.
  const resolve = scheduler.doResolve;
  scheduler.cancelTimeout();
  resolve.call(scheduler, null);
  return true;
}
