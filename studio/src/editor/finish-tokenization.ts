import type * as monaco from './monaco';

/** What of Monaco's model this needs beyond its public API (monaco-editor 0.57): its tokenization part. */
interface ModelTokenization {
  tokenization?: {
    forceTokenization?: (lineNumber: number) => void;
    hasAccurateTokensForLine?: (lineNumber: number) => boolean;
  };
}

/**
 * Tokenizes all of `model` now, in one go, instead of in Monaco's background slices. Monaco tokenizes a model in
 * idle slices of about a millisecond after it opens (the 1,017-line agent: for a second or more): the slices that
 * land inside the first keystrokes cost them the slice, the re-render of the lines whose colours changed and the
 * bracket pairs' re-parse of them, and a keystroke below the tokenized part (the typing path asks for the cursor
 * line's tokens) tokenizes everything above it synchronously (bench/README.md, bench/studio). Done before the
 * editor's first render, the lines are painted once with their final colours and the bracket pairs parsed once.
 *
 * Returns whether every line now has its tokens: not before the language's tokenizer is loaded (Monaco loads it
 * lazily: then the caller tries again later), nor without the model internals it needs (a Monaco upgrade).
 *
 * @example
 * const editor = monaco.editor.create(element, { model });
 * if (!finishTokenization(model)) requestIdleCallback(() => finishTokenization(model));
 */
export function finishTokenization(model: monaco.editor.ITextModel): boolean {
  const tokenization = (model as unknown as ModelTokenization).tokenization;
  if (
    model.isDisposed() ||
    typeof tokenization?.forceTokenization !== 'function' ||
    typeof tokenization.hasAccurateTokensForLine !== 'function'
  )
    return false;
  const last = model.getLineCount();
  if (!tokenization.hasAccurateTokensForLine(last)) tokenization.forceTokenization(last);
  return tokenization.hasAccurateTokensForLine(last);
}
