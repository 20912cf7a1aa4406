import { useState, type FormEvent } from 'react';
import { api, describeError } from '../api/client';
import type { Workspace } from '../api/types';

export function CreateWorkspace({ first, onCreated }: { first?: boolean; onCreated: (w: Workspace) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { workspace } = await api.post<{ workspace: Workspace }>('/api/workspaces', { name });
      setName('');
      onCreated(workspace);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className={first ? 'auth-card' : 'inline-form'} onSubmit={submit} aria-labelledby="create-ws-title">
      {first ? (
        <>
          <h1 id="create-ws-title">Create your first workspace</h1>
          <p className="hint">A workspace holds your team's pages, channels, agents and connections.</p>
        </>
      ) : (
        <h2 id="create-ws-title">New workspace</h2>
      )}
      <label>
        Workspace name
        <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create workspace'}
      </button>
    </form>
  );
}
