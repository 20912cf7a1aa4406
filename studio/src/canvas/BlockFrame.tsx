import { memo, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { Block } from '../api/types';
import type { CanvasApi } from './CanvasScreen';
import { blockLabel, GRID, MIN_SIZE, snap, textOf } from './blocks';
import { ChecklistBody, HeadingBody, TextBody } from './BlockBodies';
import { AgentSnippetBody } from './AgentSnippetBody';

export interface Conflict {
  /** What this browser tried to write. */
  mine: Partial<Pick<Block, 'content' | 'position' | 'size'>>;
  /** The block as the server has it now (someone else's version). */
  theirs: Block;
}

type Geometry = { x: number; y: number; width: number; height: number };

/**
 * One block on the canvas: a move handle and a resize handle (pointer drag, or arrow keys when focused: 10 px,
 * Shift for 50 px), the block's editor, and its conflict prompt.
 */
export const BlockFrame = memo(function BlockFrame({
  block,
  canEdit,
  conflict,
  api,
}: {
  block: Block;
  canEdit: boolean;
  conflict: Conflict | undefined;
  api: CanvasApi;
}) {
  const [draft, setDraft] = useState<Geometry | null>(null);
  const drag = useRef<{ mode: 'move' | 'resize'; startX: number; startY: number; origin: Geometry } | null>(null);
  const keyTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const current: Geometry = draft ?? { ...block.position, ...block.size };
  const label = blockLabel(block);

  useEffect(() => () => clearTimeout(keyTimer.current), []);

  function commit(geometry: Geometry) {
    const fields: Partial<Pick<Block, 'position' | 'size'>> = {};
    if (geometry.x !== block.position.x || geometry.y !== block.position.y)
      fields.position = { x: geometry.x, y: geometry.y };
    if (geometry.width !== block.size.width || geometry.height !== block.size.height)
      fields.size = { width: geometry.width, height: geometry.height };
    if (!fields.position && !fields.size) {
      setDraft(null);
      return;
    }
    void api.save(block, fields).finally(() => setDraft(null));
  }

  function onPointerDown(mode: 'move' | 'resize') {
    return (event: PointerEvent<HTMLElement>) => {
      if (!canEdit || event.button !== 0) return;
      event.preventDefault();
      event.currentTarget.setPointerCapture(event.pointerId);
      drag.current = { mode, startX: event.clientX, startY: event.clientY, origin: current };
    };
  }
  function onPointerMove(event: PointerEvent<HTMLElement>) {
    const d = drag.current;
    if (!d) return;
    const dx = event.clientX - d.startX;
    const dy = event.clientY - d.startY;
    setDraft(
      d.mode === 'move'
        ? { ...d.origin, x: Math.max(0, snap(d.origin.x + dx)), y: Math.max(0, snap(d.origin.y + dy)) }
        : {
            ...d.origin,
            width: Math.max(MIN_SIZE.width, snap(d.origin.width + dx)),
            height: Math.max(MIN_SIZE.height, snap(d.origin.height + dy)),
          },
    );
  }
  function onPointerUp(event: PointerEvent<HTMLElement>) {
    if (!drag.current) return;
    drag.current = null;
    event.currentTarget.releasePointerCapture(event.pointerId);
    if (draft) commit(draft);
  }

  function onKey(mode: 'move' | 'resize') {
    return (event: KeyboardEvent<HTMLElement>) => {
      const step = event.shiftKey ? 5 * GRID : GRID;
      const delta = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[
        event.key as 'ArrowLeft'
      ];
      if (!delta || !canEdit) return;
      event.preventDefault();
      const [dx, dy] = delta as [number, number];
      const next =
        mode === 'move'
          ? { ...current, x: Math.max(0, current.x + dx), y: Math.max(0, current.y + dy) }
          : {
              ...current,
              width: Math.max(MIN_SIZE.width, current.width + dx),
              height: Math.max(MIN_SIZE.height, current.height + dy),
            };
      setDraft(next);
      // One write after the keys stop, not one per key press.
      clearTimeout(keyTimer.current);
      keyTimer.current = setTimeout(() => commit(next), 400);
    };
  }

  return (
    <article
      className={`block block-${block.type}${conflict ? ' has-conflict' : ''}`}
      data-block-id={block.id}
      aria-label={label}
      style={{ left: current.x, top: current.y, width: current.width, height: current.height }}
    >
      {canEdit && (
        <div className="block-bar">
          <button
            type="button"
            className="move-handle"
            aria-label={`Move ${label} (arrow keys)`}
            aria-keyshortcuts="ArrowUp ArrowDown ArrowLeft ArrowRight"
            onPointerDown={onPointerDown('move')}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onKeyDown={onKey('move')}
          >
            ⠿
          </button>
          <span className="block-kind" aria-hidden="true">
            {label}
          </span>
          <button
            type="button"
            className="icon-button subtle"
            aria-label={`Delete ${label}`}
            onClick={() => void api.remove(block)}
          >
            ×
          </button>
        </div>
      )}
      <div className="block-body">
        {block.type === 'text' && <TextBody block={block} canEdit={canEdit} api={api} />}
        {block.type === 'heading' && <HeadingBody block={block} canEdit={canEdit} api={api} />}
        {block.type === 'checklist' && <ChecklistBody block={block} canEdit={canEdit} api={api} />}
        {block.type === 'agent_snippet' && <AgentSnippetBody block={block} canEdit={canEdit} />}
        {block.type === 'image' && <ImageBody block={block} />}
        {block.type === 'embed' && <EmbedBody block={block} />}
      </div>
      {conflict && <ConflictPrompt block={block} conflict={conflict} api={api} />}
      {canEdit && (
        <button
          type="button"
          className="resize-handle"
          aria-label={`Resize ${label} (arrow keys)`}
          aria-keyshortcuts="ArrowUp ArrowDown ArrowLeft ArrowRight"
          onPointerDown={onPointerDown('resize')}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onKeyDown={onKey('resize')}
        />
      )}
    </article>
  );
});

function ImageBody({ block }: { block: Block }) {
  const content = block.content as { url?: string; alt?: string; caption?: string };
  return (
    <figure className="image-block">
      <img src={content.url} alt={content.alt ?? ''} />
      {content.caption && <figcaption>{content.caption}</figcaption>}
    </figure>
  );
}

function EmbedBody({ block }: { block: Block }) {
  const content = block.content as { url?: string; title?: string };
  return (
    <p>
      <a href={content.url} target="_blank" rel="noreferrer noopener">
        {content.title ?? content.url}
      </a>
    </p>
  );
}

/** Someone else saved this block first: show both versions and let the person choose; nothing is lost silently. */
function ConflictPrompt({ block, conflict, api }: { block: Block; conflict: Conflict; api: CanvasApi }) {
  const mineText = conflict.mine.content !== undefined ? textOf({ ...block, content: conflict.mine.content }) : null;
  const theirsText = textOf(conflict.theirs);
  const canMerge = mineText !== null && (block.type === 'text' || block.type === 'heading');
  return (
    <div role="alertdialog" aria-labelledby={`conflict-${block.id}`} className="conflict">
      <h3 id={`conflict-${block.id}`}>Someone else changed this block while you were editing</h3>
      {mineText !== null && (
        <div className="conflict-versions">
          <div>
            <h4>Their version</h4>
            <p className="conflict-text">{theirsText || '(empty)'}</p>
          </div>
          <div>
            <h4>Your version</h4>
            <p className="conflict-text">{mineText || '(empty)'}</p>
          </div>
        </div>
      )}
      <div className="conflict-actions">
        <button type="button" onClick={() => api.resolve(block.id)}>
          Keep theirs
        </button>
        <button
          type="button"
          onClick={() => void api.save(conflict.theirs, conflict.mine).then((saved) => saved && api.resolve(block.id))}
        >
          Overwrite with mine
        </button>
        {canMerge && (
          <button
            type="button"
            className="primary"
            onClick={() =>
              void api
                .save(conflict.theirs, {
                  content: { ...(conflict.theirs.content as object), text: `${theirsText}\n\n${mineText}` },
                })
                .then((saved) => saved && api.resolve(block.id))
            }
          >
            Merge both
          </button>
        )}
      </div>
    </div>
  );
}
