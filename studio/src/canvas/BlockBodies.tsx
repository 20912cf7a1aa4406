import { useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import type { Block, ChecklistItem } from '../api/types';
import { Markdown } from '../components/Markdown';
import type { CanvasApi } from './CanvasScreen';
import { checklistItems, textOf } from './blocks';

type BodyProps = { block: Block; canEdit: boolean; api: CanvasApi };

/** Wraps the selection of a textarea (or inserts at the caret) and keeps the selection on the wrapped text. */
function wrapSelection(area: HTMLTextAreaElement, before: string, after: string, placeholder: string): string {
  const { selectionStart: start, selectionEnd: end, value } = area;
  const selected = value.slice(start, end) || placeholder;
  const next = value.slice(0, start) + before + selected + after + value.slice(end);
  requestAnimationFrame(() => {
    area.focus();
    area.setSelectionRange(start + before.length, start + before.length + selected.length);
  });
  return next;
}

function prefixLines(area: HTMLTextAreaElement, prefix: string): string {
  const { selectionStart: start, selectionEnd: end, value } = area;
  const lineStart = value.lastIndexOf('\n', start - 1) + 1;
  const lines = value
    .slice(lineStart, end)
    .split('\n')
    .map((l) => (l.startsWith(prefix) ? l : prefix + l));
  return value.slice(0, lineStart) + lines.join('\n') + value.slice(end);
}

/** Text: Markdown shown formatted; editing in a textarea with Bold, Italic, List and Link buttons. */
export function TextBody({ block, canEdit, api }: BodyProps) {
  const saved = textOf(block);
  const [draft, setDraftState] = useState<string | null>(canEdit && saved === '' ? '' : null);
  // The version the edit started from: saving sends it, so a change by someone else meanwhile is a conflict
  // (shown with both texts) instead of being overwritten.
  const base = useRef<Block>(block);
  const setDraft = (value: string | null) => {
    if (draft === null && value !== null) base.current = block;
    setDraftState(value);
  };
  const area = useRef<HTMLTextAreaElement>(null);
  // A save in flight: a second one (the blur when Save's click closes the editor) would send the same base version
  // and get a conflict with the first.
  const saving = useRef(false);
  const id = `text-${block.id}`;

  async function save() {
    if (draft === null || saving.current) return;
    // Nothing new since the version the edit is based on (or since the save that just ended: base is that version).
    if (draft === textOf(base.current) && base.current.version >= block.version) {
      setDraftState(null);
      return;
    }
    saving.current = true;
    try {
      // On a conflict the prompt shows both versions (the draft is in it), so the editor closes either way.
      const saved = await api.save(base.current, { content: { ...(base.current.content as object), text: draft } });
      if (saved) base.current = saved;
    } finally {
      saving.current = false;
    }
    setDraftState(null);
  }

  function onBlur(event: FocusEvent<HTMLDivElement>) {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) void save();
  }
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void save();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setDraft(null);
    } else if ((event.ctrlKey || event.metaKey) && (event.key === 'b' || event.key === 'i')) {
      event.preventDefault();
      const mark = event.key === 'b' ? '**' : '_';
      setDraft(wrapSelection(event.currentTarget, mark, mark, event.key === 'b' ? 'bold' : 'italic'));
    }
  }

  if (draft === null)
    return (
      <div className="text-view">
        {saved ? <Markdown text={saved} /> : <p className="empty">Empty text block</p>}
        {canEdit && (
          <button type="button" className="edit-button" data-autofocus onClick={() => setDraft(saved)}>
            Edit text
          </button>
        )}
      </div>
    );
  return (
    <div className="text-editor" onBlur={onBlur}>
      <div role="toolbar" aria-label="Formatting" className="format-bar">
        <button
          type="button"
          aria-label="Bold"
          onClick={() => area.current && setDraft(wrapSelection(area.current, '**', '**', 'bold'))}
        >
          <strong>B</strong>
        </button>
        <button
          type="button"
          aria-label="Italic"
          onClick={() => area.current && setDraft(wrapSelection(area.current, '_', '_', 'italic'))}
        >
          <em>I</em>
        </button>
        <button
          type="button"
          aria-label="Bulleted list"
          onClick={() => area.current && setDraft(prefixLines(area.current, '- '))}
        >
          • List
        </button>
        <button
          type="button"
          aria-label="Link"
          onClick={() => area.current && setDraft(wrapSelection(area.current, '[', '](https://)', 'link text'))}
        >
          Link
        </button>
        <button type="button" className="primary" onClick={() => void save()}>
          Save
        </button>
      </div>
      <label htmlFor={id} className="visually-hidden">
        Text
      </label>
      <textarea
        id={id}
        ref={area}
        data-autofocus
        autoFocus
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={`${id}-hint`}
      />
      <p id={`${id}-hint`} className="hint">
        Markdown: **bold**, _italic_, - list, [link](https://…). Ctrl+Enter saves, Escape cancels.
      </p>
    </div>
  );
}

export function HeadingBody({ block, canEdit, api }: BodyProps) {
  const saved = textOf(block);
  const level = (block.content as { level?: number }).level ?? 2;
  const [draft, setDraftState] = useState<string | null>(null);
  const base = useRef<Block>(block);
  const setDraft = (value: string | null) => {
    if (draft === null && value !== null) base.current = block;
    setDraftState(value);
  };
  if (draft === null)
    return (
      <div className="heading-view">
        <p className={`heading-text level-${level}`} role="heading" aria-level={level + 1}>
          {saved}
        </p>
        {canEdit && (
          <button type="button" className="edit-button" data-autofocus onClick={() => setDraft(saved)}>
            Edit heading
          </button>
        )}
      </div>
    );
  return (
    <form
      className="heading-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void api
          .save(base.current, { content: { ...(base.current.content as object), text: draft } })
          .then(() => setDraftState(null));
      }}
    >
      <label>
        Heading
        <input autoFocus value={draft} maxLength={500} onChange={(e) => setDraft(e.target.value)} />
      </label>
      <button type="submit" className="primary">
        Save
      </button>
      <button type="button" onClick={() => setDraft(null)}>
        Cancel
      </button>
    </form>
  );
}

export function ChecklistBody({ block, canEdit, api }: BodyProps) {
  // The list shows a change at once and keeps it until the server answers (its version, or a conflict prompt);
  // one write at a time, so the next starts from the version the previous one produced.
  const [optimistic, setOptimistic] = useState<ChecklistItem[] | null>(null);
  const items = optimistic ?? checklistItems(block);
  const saving = optimistic !== null;
  const [adding, setAdding] = useState('');
  const write = (next: ChecklistItem[]) => {
    if (saving) return;
    setOptimistic(next);
    void api.save(block, { content: { ...(block.content as object), items: next } }).finally(() => setOptimistic(null));
  };
  return (
    <div className="checklist">
      <ul>
        {items.map((item, index) => (
          <li key={item.id ?? index}>
            <label className="check-item">
              <input
                type="checkbox"
                checked={item.checked}
                disabled={!canEdit || saving}
                onChange={(e) => write(items.map((it, i) => (i === index ? { ...it, checked: e.target.checked } : it)))}
              />
              <span className={item.checked ? 'done' : undefined}>{item.text}</span>
            </label>
            {canEdit && (
              <button
                type="button"
                className="icon-button subtle"
                aria-label={`Remove ${item.text}`}
                onClick={() => write(items.filter((_, i) => i !== index))}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {canEdit && (
        <form
          className="add-item"
          onSubmit={(e) => {
            e.preventDefault();
            if (!adding.trim()) return;
            write([...items, { text: adding.trim(), checked: false }]);
            setAdding('');
          }}
        >
          <label htmlFor={`add-${block.id}`} className="visually-hidden">
            New item
          </label>
          <input
            id={`add-${block.id}`}
            data-autofocus
            placeholder="New item"
            value={adding}
            onChange={(e) => setAdding(e.target.value)}
          />
          <button type="submit">Add</button>
        </form>
      )}
    </div>
  );
}
