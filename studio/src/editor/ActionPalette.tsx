import { useMemo, useState } from 'react';
import { actionCatalog } from '@ionflux/dsl';

/** Actions a step can use, searchable, grouped by integration (the first part of the action's name). */
export function ActionPalette({ onAdd }: { onAdd: (action: string) => void }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const result = new Map<string, Array<{ name: string; title: string; description: string }>>();
    for (const [name, action] of Object.entries(actionCatalog)) {
      const haystack = `${name} ${action.title} ${action.description}`.toLowerCase();
      if (!words.every((w) => haystack.includes(w))) continue;
      const group = name.split('.')[0]!;
      result.set(group, [...(result.get(group) ?? []), { name, title: action.title, description: action.description }]);
    }
    return [...result.entries()];
  }, [query]);
  return (
    <section className="editor-palette" aria-labelledby="palette-title">
      <h2 id="palette-title">Add a step</h2>
      <label>
        Search actions
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="revenue, post…" />
      </label>
      {groups.length === 0 && <p className="empty">No action matches “{query}”.</p>}
      {groups.map(([group, actions]) => (
        <div key={group} role="group" aria-label={group}>
          <h3>{group}</h3>
          <ul className="plain-list">
            {actions.map((a) => (
              <li key={a.name}>
                <button type="button" onClick={() => onAdd(a.name)} title={a.description}>
                  <span className="visually-hidden">Add </span>
                  <code>{a.name}</code> <span className="hint">{a.title}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
