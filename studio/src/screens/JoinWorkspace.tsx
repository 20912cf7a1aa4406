import { useState, type FormEvent } from 'react';
import { api, describeError } from '../api/client';
import type { Workspace } from '../api/types';

/** Accept an invitation with the one-time code an admin passed on (signed in with the invited email). */
export function JoinWorkspace({ onJoined }: { onJoined: (w: Workspace) => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { workspace } = await api.post<{ workspace: Workspace }>('/api/invitations/accept', { token: code.trim() });
      setCode('');
      onJoined(workspace);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form" onSubmit={submit} aria-labelledby="join-ws-title">
      <h2 id="join-ws-title">Join a workspace</h2>
      <label>
        Invitation code
        <input required value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Joining…' : 'Join workspace'}
      </button>
    </form>
  );
}
