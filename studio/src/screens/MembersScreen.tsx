import { useState, type FormEvent } from 'react';
import { api, describeError } from '../api/client';
import type { Invitation, Member, Role } from '../api/types';
import { useWorkspace } from '../app/workspace-context';
import { useLoad, useSession } from '../hooks';

const ROLES: Role[] = ['owner', 'admin', 'member', 'viewer'];

/**
 * Members with their roles; owners and admins change roles (owners manage owners; the server keeps at least one
 * owner), remove members, invite by email (the one-time invitation token is shown to pass on) and revoke invitations.
 */
export default function MembersScreen() {
  const { workspace } = useWorkspace();
  const w = workspace.id;
  const isAdmin = workspace.role === 'owner' || workspace.role === 'admin';
  const members = useLoad(() => api.get<{ members: Member[] }>(`/api/workspaces/${w}/members`), [w]);
  const invitations = useLoad(
    async () =>
      isAdmin ? (await api.get<{ invitations: Invitation[] }>(`/api/workspaces/${w}/invitations`)).invitations : [],
    [w, isAdmin],
  );
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [error, setError] = useState<string | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const user = useSession();
  const isOwner = workspace.role === 'owner';

  async function change(run: () => Promise<unknown>) {
    setError(null);
    try {
      await run();
    } catch (e) {
      setError(describeError(e));
    }
    members.reload();
    invitations.reload();
  }

  async function invite(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setToken(null);
    try {
      const body = await api.post<{ invitation: Invitation; token: string }>(`/api/workspaces/${w}/invitations`, {
        email,
        role,
      });
      setToken(body.token);
      setEmail('');
      invitations.reload();
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <section aria-labelledby="members-title">
      <h1 id="members-title">Members</h1>
      {members.state === 'loading' && <p role="status">Loading members…</p>}
      {members.state === 'error' && (
        <p role="alert" className="error">
          {members.error}
        </p>
      )}
      {members.state === 'ready' && (
        <table className="data-table">
          <caption className="visually-hidden">Members of {workspace.name}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              {isAdmin && <th scope="col">Manage</th>}
            </tr>
          </thead>
          <tbody>
            {members.data.members.map((m) => (
              <tr key={m.userId}>
                <td>{m.displayName}</td>
                <td>{m.email}</td>
                <td className="role">{m.role}</td>
                {isAdmin && (
                  <td className="row-actions">
                    {/* Owners manage owners; admins manage admins, members and viewers. */}
                    {(isOwner || m.role !== 'owner') && (
                      <select
                        aria-label={`Set access for ${m.displayName}`}
                        value={m.role}
                        onChange={(e) =>
                          void change(() =>
                            api.patch(`/api/workspaces/${w}/members/${m.userId}`, { role: e.target.value }),
                          )
                        }
                      >
                        {(isOwner ? ROLES : ROLES.filter((r) => r !== 'owner')).map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    )}{' '}
                    {m.userId !== user?.id && (isOwner || m.role !== 'owner') && (
                      <button
                        type="button"
                        className="danger"
                        onClick={() => void change(() => api.delete(`/api/workspaces/${w}/members/${m.userId}`))}
                      >
                        Remove {m.displayName}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isAdmin && (
        <>
          <form className="inline-form" onSubmit={invite} aria-labelledby="invite-title">
            <h2 id="invite-title">Invite a member</h2>
            <label>
              Email
              <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </label>
            <label>
              Role
              <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
                <option value="admin">admin</option>
                <option value="member">member</option>
                <option value="viewer">viewer</option>
              </select>
            </label>
            <button type="submit" className="primary">
              Send invitation
            </button>
            {error && (
              <p role="alert" className="error">
                {error}
              </p>
            )}
            {token && (
              <p role="status" className="success">
                Invitation created. Give this one-time code to the invitee (they accept it signed in with that email):{' '}
                <code className="token">{token}</code>
              </p>
            )}
          </form>
          <h2>Invitations</h2>
          {invitations.state === 'ready' &&
            (invitations.data.length === 0 ? (
              <p className="empty">No invitations yet.</p>
            ) : (
              <ul className="plain-list">
                {invitations.data.map((i) => (
                  <li key={i.id}>
                    {i.email} as <span className="role">{i.role}</span>: {i.status}{' '}
                    {i.status === 'pending' && (
                      <button
                        type="button"
                        onClick={() => void change(() => api.delete(`/api/workspaces/${w}/invitations/${i.id}`))}
                      >
                        Revoke the invitation of {i.email}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            ))}
        </>
      )}
    </section>
  );
}
