import { useState } from 'react';
import { decompileWorkflow, type DecompileDiagnostic } from '@ionflux/compiler';

/**
 * Import an n8n workflow (pasted JSON or a file): decompiled into agent YAML when it uses only what the DSL
 * expresses (the editor takes it as one undoable edit), else the list of what cannot be expressed.
 */
export function ImportPanel({ onImported }: { onImported: (yaml: string) => void }) {
  const [json, setJson] = useState('');
  const [problems, setProblems] = useState<DecompileDiagnostic[]>([]);
  const [done, setDone] = useState<string | null>(null);

  function decompile(text: string) {
    setDone(null);
    const result = decompileWorkflow(text);
    setProblems(result.diagnostics);
    if (result.yaml) {
      onImported(result.yaml);
      setDone(
        `Imported “${String((result.agent?.metadata as { name?: string } | undefined)?.name ?? 'workflow')}” into the editor.`,
      );
    }
  }

  return (
    <section aria-labelledby="import-title" className="editor-import">
      <h2 id="import-title">Import an n8n workflow</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          decompile(json);
        }}
      >
        <label>
          n8n workflow JSON
          <textarea rows={6} value={json} onChange={(e) => setJson(e.target.value)} spellCheck={false} />
        </label>
        <label>
          Or load a workflow file
          <input
            type="file"
            accept=".json,application/json"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file)
                void file.text().then((text) => {
                  setJson(text);
                  decompile(text);
                });
            }}
          />
        </label>
        <button type="submit">Import workflow</button>
      </form>
      {done && <p role="status">{done}</p>}
      {problems.length > 0 && (
        <div role="alert" className={problems.some((p) => p.severity === 'error') ? 'error' : 'hint'}>
          <p>
            {problems.some((p) => p.severity === 'error')
              ? 'This workflow cannot be expressed as an agent:'
              : 'Imported, with notes:'}
          </p>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>
                <code>{p.code}</code> {p.node ? `${p.node}: ` : ''}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
