import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, describeError } from '../api/client';
import type { Block, BlockType, Page, PageWithBlocks } from '../api/types';
import { useWorkspace } from '../app/workspace-context';
import { emitWithAck, realtime } from '../realtime';
import { navigate, paths } from '../router';
import { BlockFrame, type Conflict } from './BlockFrame';
import { DEFAULT_SIZES, nextSlot } from './blocks';
import { AGENT_DRAG_TYPE, type AgentDrop } from './agent-drop';
import { AgentPicker } from './AgentPicker';

const NEW_CONTENT: Record<'text' | 'heading' | 'checklist', unknown> = {
  text: { text: '' },
  heading: { text: 'New heading', level: 2 },
  checklist: { items: [{ text: 'First task', checked: false }] },
};

export interface CanvasApi {
  save: (block: Block, fields: Partial<Pick<Block, 'content' | 'position' | 'size'>>) => Promise<Block | undefined>;
  remove: (block: Block) => Promise<void>;
  /** Drops a local conflict (after the user chose). */
  resolve: (blockId: string) => void;
}

/**
 * A canvas page: blocks placed freely (move and resize by mouse or keyboard), a toolbar to add blocks, the page's
 * title, order and archive. Changes by others arrive live (page room); every write carries the version it started
 * from, and a conflict is shown on the block with the other person's text, never dropped silently.
 */
export function CanvasScreen({ pageId }: { pageId: string }) {
  const { workspace, pages, reloadPages } = useWorkspace();
  const w = workspace.id;
  const canEdit = workspace.role !== 'viewer';
  const [page, setPage] = useState<Page | null>(null);
  const [blocks, setBlocks] = useState<Map<string, Block>>(new Map());
  const [conflicts, setConflicts] = useState<Map<string, Conflict>>(new Map());
  const [state, setState] = useState<{ loading: boolean; error: string | null }>({ loading: true, error: null });
  const [notice, setNotice] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const blocksRef = useRef(blocks);
  blocksRef.current = blocks;

  const load = useCallback(async () => {
    const body = await api.get<PageWithBlocks>(`/api/workspaces/${w}/pages/${pageId}`);
    setPage(body.page);
    setBlocks(new Map(body.blocks.map((b) => [b.id, b])));
  }, [w, pageId]);

  useEffect(() => {
    let live = true;
    setState({ loading: true, error: null });
    setConflicts(new Map());
    load().then(
      () => live && setState({ loading: false, error: null }),
      (e: unknown) => live && setState({ loading: false, error: describeError(e) }),
    );
    const socket = realtime();
    const join = () => void emitWithAck('page:join', { workspaceId: w, pageId }).catch(() => undefined);
    const upsert = ({ pageId: p, block }: { pageId: string; block: Block }) => {
      if (p !== pageId) return;
      setBlocks((current) => {
        const known = current.get(block.id);
        if (known && known.version >= block.version) return current;
        const next = new Map(current);
        next.set(block.id, block);
        return next;
      });
    };
    const removed = ({ pageId: p, blockId }: { pageId: string; blockId: string }) => {
      if (p !== pageId) return;
      setBlocks((current) => {
        if (!current.has(blockId)) return current;
        const next = new Map(current);
        next.delete(blockId);
        return next;
      });
    };
    const pageChanged = ({ page: changed }: { page: Page }) => {
      if (changed.id === pageId) setPage(changed);
    };
    const reconnected = () => {
      join();
      if (!socket.recovered) void load().catch(() => undefined);
    };
    join();
    socket.on('block:created', upsert);
    socket.on('block:updated', upsert);
    socket.on('block:deleted', removed);
    socket.on('page:changed', pageChanged);
    socket.on('connect', reconnected);
    return () => {
      live = false;
      socket.off('block:created', upsert);
      socket.off('block:updated', upsert);
      socket.off('block:deleted', removed);
      socket.off('page:changed', pageChanged);
      socket.off('connect', reconnected);
      if (socket.connected) socket.emit('page:leave', { workspaceId: w, pageId }, () => undefined);
    };
  }, [w, pageId, load]);

  const put = useCallback((block: Block) => {
    setBlocks((current) => {
      const known = current.get(block.id);
      if (known && known.version > block.version) return current;
      const next = new Map(current);
      next.set(block.id, block);
      return next;
    });
  }, []);

  const canvasApi = useRef<CanvasApi>(null as unknown as CanvasApi);
  canvasApi.current = {
    save: async (block, fields) => {
      try {
        const body = await api.patch<{ block: Block }>(`/api/workspaces/${w}/pages/${pageId}/blocks/${block.id}`, {
          baseVersion: block.version,
          ...fields,
        });
        put(body.block);
        return body.block;
      } catch (e) {
        if (e instanceof ApiError && e.code === 'version_conflict') {
          const current = (e.details as { current?: Block } | undefined)?.current;
          if (current) {
            put(current);
            setConflicts((c) => new Map(c).set(block.id, { mine: fields, theirs: current }));
            return undefined;
          }
        }
        setNotice(describeError(e));
        return undefined;
      }
    },
    remove: async (block) => {
      try {
        await api.delete(`/api/workspaces/${w}/pages/${pageId}/blocks/${block.id}?baseVersion=${block.version}`);
        setBlocks((current) => {
          const next = new Map(current);
          next.delete(block.id);
          return next;
        });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'version_conflict')
          setNotice('Someone changed this block after you saw it; look at the new version before deleting it.');
        else setNotice(describeError(e));
        void load().catch(() => undefined);
      }
    },
    resolve: (blockId) =>
      setConflicts((c) => {
        const next = new Map(c);
        next.delete(blockId);
        return next;
      }),
  };
  const stableApi = useRef<CanvasApi>({
    save: (b, f) => canvasApi.current.save(b, f),
    remove: (b) => canvasApi.current.remove(b),
    resolve: (id) => canvasApi.current.resolve(id),
  }).current;

  async function addBlock(type: keyof typeof NEW_CONTENT) {
    setNotice(null);
    try {
      const body = await api.post<{ block: Block }>(`/api/workspaces/${w}/pages/${pageId}/blocks`, {
        type,
        content: NEW_CONTENT[type],
        position: nextSlot([...blocksRef.current.values()]),
        size: DEFAULT_SIZES[type as BlockType],
      });
      put(body.block);
      // Focus the new block's editor so typing can start at once.
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>(`[data-block-id="${body.block.id}"] [data-autofocus]`)?.focus(),
      );
    } catch (e) {
      setNotice(describeError(e));
    }
  }

  async function addAgentBlock(drop: AgentDrop) {
    setNotice(null);
    try {
      const slug =
        drop.name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '') || 'agent';
      const taken = new Set([...blocksRef.current.values()].map((b) => b.key));
      let key = slug;
      for (let n = 2; taken.has(key); n++) key = `${slug}-${n}`;
      const body = await api.post<{ block: Block }>(`/api/workspaces/${w}/pages/${pageId}/blocks`, {
        type: 'agent_snippet',
        key,
        agentConfigId: drop.agentId,
        content: { title: drop.name },
        position: { x: Math.round(drop.position.x / 10) * 10, y: Math.round(drop.position.y / 10) * 10 },
        size: DEFAULT_SIZES.agent_snippet,
      });
      put(body.block);
    } catch (e) {
      setNotice(describeError(e));
    }
  }

  async function updatePage(fields: Partial<Pick<Page, 'title' | 'position' | 'archived'>>) {
    try {
      const body = await api.patch<{ page: Page }>(`/api/workspaces/${w}/pages/${pageId}`, fields);
      setPage(body.page);
      await reloadPages();
      return body.page;
    } catch (e) {
      setNotice(describeError(e));
      return undefined;
    }
  }

  async function move(direction: -1 | 1) {
    const index = pages.findIndex((p) => p.id === pageId);
    const neighbor = pages[index + direction];
    if (index < 0 || !neighbor) return;
    const beyond = pages[index + 2 * direction];
    const position = beyond ? (neighbor.position + beyond.position) / 2 : neighbor.position + direction;
    await updatePage({ position });
  }

  if (state.loading)
    return (
      <p role="status" aria-busy="true">
        Loading page…
      </p>
    );
  if (state.error || !page)
    return (
      <div role="alert" className="error-panel">
        <h1>Could not open this page</h1>
        <p>{state.error ?? 'The page is gone.'}</p>
      </div>
    );

  const list = [...blocks.values()];
  const width = Math.max(900, ...list.map((b) => b.position.x + b.size.width + 40));
  const height = Math.max(500, ...list.map((b) => b.position.y + b.size.height + 80));
  const index = pages.findIndex((p) => p.id === pageId);

  return (
    <section aria-labelledby="page-title" className="canvas-screen">
      <div className="page-header">
        {renaming !== null ? (
          <form
            className="rename-form"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              void updatePage({ title: renaming }).then((p) => p && setRenaming(null));
            }}
          >
            <label>
              Page title
              <input autoFocus value={renaming} maxLength={200} onChange={(e) => setRenaming(e.target.value)} />
            </label>
            <button type="submit" className="primary">
              Save title
            </button>
            <button type="button" onClick={() => setRenaming(null)}>
              Cancel
            </button>
          </form>
        ) : (
          <h1 id="page-title">
            {page.icon ? `${page.icon} ` : ''}
            {page.title}
            {page.archived && <span className="archived-tag"> (archived)</span>}
          </h1>
        )}
        {canEdit && (
          <div className="page-actions" role="group" aria-label="Page actions">
            <button type="button" onClick={() => setRenaming(page.title)}>
              Rename
            </button>
            <button type="button" onClick={() => void move(-1)} disabled={index <= 0}>
              Move up
            </button>
            <button type="button" onClick={() => void move(1)} disabled={index < 0 || index >= pages.length - 1}>
              Move down
            </button>
            {page.archived ? (
              <button type="button" onClick={() => void updatePage({ archived: false })}>
                Restore
              </button>
            ) : (
              <button
                type="button"
                onClick={() => void updatePage({ archived: true }).then((p) => p && navigate(paths.workspace(w)))}
              >
                Archive
              </button>
            )}
          </div>
        )}
      </div>
      {canEdit && (
        <div className="toolbar" role="toolbar" aria-label="Add blocks">
          <button type="button" onClick={() => void addBlock('text')}>
            + Text
          </button>
          <button type="button" onClick={() => void addBlock('heading')}>
            + Heading
          </button>
          <button type="button" onClick={() => void addBlock('checklist')}>
            + Checklist
          </button>
          <AgentPicker
            workspaceId={w}
            onPick={(agent) =>
              void addAgentBlock({
                agentId: agent.id,
                name: agent.name,
                position: nextSlot([...blocksRef.current.values()]),
              })
            }
          />
        </div>
      )}
      {notice && (
        <p role="alert" className="error">
          {notice}{' '}
          <button type="button" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </p>
      )}
      {list.length === 0 && <p className="empty">This page is empty: add a block with the toolbar.</p>}
      <div
        className="canvas"
        style={{ width, height }}
        onDragOver={(e) => {
          if (e.dataTransfer.types.includes(AGENT_DRAG_TYPE)) {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
          }
        }}
        onDrop={(e) => {
          const raw = e.dataTransfer.getData(AGENT_DRAG_TYPE);
          if (!raw) return;
          e.preventDefault();
          const rect = e.currentTarget.getBoundingClientRect();
          void addAgentBlock({
            ...(JSON.parse(raw) as Omit<AgentDrop, 'position'>),
            position: {
              x: Math.max(0, Math.round(e.clientX - rect.left)),
              y: Math.max(0, Math.round(e.clientY - rect.top)),
            },
          });
        }}
      >
        {list.map((block) => (
          <BlockFrame
            key={block.id}
            block={block}
            canEdit={canEdit}
            conflict={conflicts.get(block.id)}
            api={stableApi}
          />
        ))}
      </div>
    </section>
  );
}
