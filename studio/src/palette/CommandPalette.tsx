import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '../api/client';
import type { Page, SearchHit } from '../api/types';
import { useWorkspace } from '../app/workspace-context';
import { useAgentNames } from '../agents/agent-names';
import { navigate, paths } from '../router';

interface Item {
  id: string;
  group: 'Actions' | 'Pages' | 'Channels' | 'Agents' | 'Search results';
  label: string;
  detail?: string;
  run: () => void | Promise<void>;
}

/**
 * Ctrl/Cmd+K: search pages, blocks, messages and prompts (the server's full-text search) and run actions (new page,
 * open a channel or page, run an agent, go to a screen). A modal dialog; arrows move, Enter runs, Escape closes.
 */
export function CommandPalette({ onClose }: { onClose: () => void }) {
  const { workspace, pages, channels, reloadPages } = useWorkspace();
  const w = workspace.id;
  const agents = useAgentNames(w);
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const previousFocus = useRef<Element | null>(document.activeElement);

  useEffect(() => {
    input.current?.focus();
    const back = previousFocus.current;
    return () => (back as HTMLElement | null)?.focus?.();
  }, []);

  useEffect(() => {
    const query = q.trim();
    if (query.length < 2) {
      setHits([]);
      return;
    }
    setSearching(true);
    const timer = setTimeout(() => {
      api
        .get<{ hits: SearchHit[] }>(`/api/workspaces/${w}/search?q=${encodeURIComponent(query)}&limit=12`)
        .then((body) => {
          setHits(body.hits);
          setError(null);
        })
        .catch(() => setError('Search is unavailable right now.'))
        .finally(() => setSearching(false));
    }, 150);
    return () => clearTimeout(timer);
  }, [q, w]);

  const items = useMemo<Item[]>(() => {
    const needle = q.trim().toLowerCase();
    const match = (text: string) => !needle || text.toLowerCase().includes(needle);
    const list: Item[] = [];
    const title = q.trim() || 'Untitled';
    list.push({
      id: 'new-page',
      group: 'Actions',
      label: `New page${q.trim() ? `: ${title}` : ''}`,
      run: async () => {
        const { page } = await api.post<{ page: Page }>(`/api/workspaces/${w}/pages`, { title });
        await reloadPages();
        navigate(paths.page(w, page.id));
      },
    });
    for (const [label, href] of [
      ['Go to Agent Shelf', paths.agents(w)],
      ['Go to Marketplace', paths.marketplace(w)],
      ['Go to Connections', paths.connections(w)],
      ['Go to Runs', paths.runs(w)],
      ['Go to Members', paths.members(w)],
    ] as const)
      if (match(label)) list.push({ id: href, group: 'Actions', label, run: () => navigate(href) });
    for (const a of agents)
      if (match(a.name) || match(`run ${a.name}`))
        list.push({
          id: `agent-${a.name}`,
          group: 'Agents',
          label: `Run agent: ${a.name}`,
          // Starts a run now (the runs API) and opens its run page, where its progress shows.
          run: async () => {
            const { run } = await api.post<{ run: { id: string } }>(`/api/workspaces/${w}/agents/${a.id}/runs`, {});
            navigate(paths.runs(w, run.id));
          },
        });
    for (const p of pages)
      if (match(p.title))
        list.push({ id: `page-${p.id}`, group: 'Pages', label: p.title, run: () => navigate(paths.page(w, p.id)) });
    for (const c of channels)
      if (match(c.name))
        list.push({
          id: `channel-${c.id}`,
          group: 'Channels',
          label: `Open #${c.name}`,
          run: () => navigate(paths.channel(w, c.id)),
        });
    for (const h of hits) {
      const where =
        h.type === 'message' && h.channelId
          ? `${paths.channel(w, h.channelId)}?message=${h.id}`
          : (h.type === 'page' || h.type === 'block') && h.pageId
            ? paths.page(w, h.pageId)
            : h.type === 'page'
              ? paths.page(w, h.id)
              : null;
      list.push({
        id: `hit-${h.type}-${h.id}`,
        group: 'Search results',
        label: h.title || h.snippet.map((s) => s.text).join(''),
        detail: `${h.type}: ${h.snippet.map((s) => s.text).join('')}`.slice(0, 140),
        run: () => {
          if (where) navigate(where);
        },
      });
    }
    return list.slice(0, 40);
  }, [q, w, pages, channels, agents, hits, reloadPages]);

  useEffect(() => setActive(0), [items.length]);

  async function run(item: Item | undefined) {
    if (!item) return;
    try {
      await item.run();
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (items.length) setActive((a) => (a + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      void run(items[active]);
    } else if (event.key === 'Tab') {
      // The dialog is modal: focus stays in it.
      event.preventDefault();
      input.current?.focus();
    }
  }

  let lastGroup = '';
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div role="dialog" aria-modal="true" aria-label="Command palette" className="palette" onKeyDown={onKeyDown}>
        <label htmlFor="palette-input" className="visually-hidden">
          Search or run a command
        </label>
        <input
          id="palette-input"
          ref={input}
          type="text"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={items[active] ? `${listId}-${active}` : undefined}
          placeholder="Search pages, messages, prompts and agents, or type a command"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        {error && (
          <p role="alert" className="error small">
            {error}
          </p>
        )}
        <ul id={listId} role="listbox" aria-label="Results" className="palette-list">
          {items.map((item, i) => {
            const header = item.group !== lastGroup ? item.group : null;
            lastGroup = item.group;
            return (
              <li
                key={item.id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={header ? 'group-start' : undefined}
                data-group={header ?? undefined}
                onMouseEnter={() => setActive(i)}
                onMouseDown={(e) => {
                  e.preventDefault();
                  void run(item);
                }}
              >
                {header && (
                  <span className="palette-group" aria-hidden="true">
                    {header}
                  </span>
                )}
                <span>{item.label}</span>
                {item.detail && <span className="hint"> {item.detail}</span>}
              </li>
            );
          })}
        </ul>
        <p className="hint" aria-live="polite">
          {searching ? 'Searching…' : `${items.length} result${items.length === 1 ? '' : 's'}`}
        </p>
      </div>
    </div>
  );
}
