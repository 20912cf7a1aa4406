import { useState, type FormEvent } from 'react';
import { api, describeError } from '../api/client';
import type { Channel } from '../api/types';
import { navigate, paths } from '../router';
import { useWorkspace } from './workspace-context';

/** Creates a channel (name, topic, public or private) from the sidebar and opens it. */
export function NewChannelForm({ onClose }: { onClose: () => void }) {
  const { workspace, reloadChannels } = useWorkspace();
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const { channel } = await api.post<{ channel: Channel }>(`/api/workspaces/${workspace.id}/channels`, {
        name: name.trim().replace(/^#/, ''),
        topic: topic.trim(),
        visibility: isPrivate ? 'private' : 'public',
      });
      await reloadChannels();
      onClose();
      navigate(paths.channel(workspace.id, channel.id));
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <form onSubmit={submit} className="nav-form new-channel-form" aria-label="New channel">
      <label>
        Channel name
        <input
          autoFocus
          required
          maxLength={80}
          placeholder="sales"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onClose();
          }}
        />
      </label>
      <label>
        Topic (optional)
        <input maxLength={250} value={topic} onChange={(e) => setTopic(e.target.value)} />
      </label>
      <label className="checkbox-label">
        <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} />
        Private (members you add only)
      </label>
      <div className="card-actions">
        <button type="submit">Create channel</button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
    </form>
  );
}
