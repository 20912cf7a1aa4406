import { useEffect, useState, type FormEvent } from 'react';
import { api, describeError } from '../api/client';
import type { AgentConfiguration } from '../api/types';
import { Link } from '../app/Sidebar';
import { useSession } from '../hooks';
import { paths } from '../router';
import {
  forgetPublisherKey,
  generatePublisherKey,
  importPublisherKey,
  packageDigest,
  PACKAGE_FORMAT,
  recallPublisherKey,
  rememberPublisherKey,
  signPackageDigest,
  type PublisherKey,
  type RememberedKey,
} from './publisher-key';

const CATEGORIES = ['commerce', 'marketing', 'creators', 'analytics', 'operations', 'support', 'productivity'] as const;

interface BuiltPackage {
  package: { yaml: string; manifest: Record<string, unknown>; metadata: { name: string; version: string } };
  digest: string;
  message: string;
  publisher: { name: string; keyIds: string[] } | null;
}

/**
 * "Publish to marketplace" for the workspace's publishers (admins): the saved YAML becomes a signed package. The
 * server builds the package (manifest and metadata derived from the YAML, as `ionflux publish` does); the page
 * checks that it holds this agent's YAML and that its digest is the package's own, signs the digest with the
 * publisher's Ed25519 key (WebCrypto; the key stays in the page) and publishes it. The key can be remembered on
 * this device (IndexedDB, not extractable) for the account and workspace, so later versions need no key file.
 */
export function PublishPanel({
  workspaceId,
  agent,
  unsaved,
}: {
  workspaceId: string;
  agent: AgentConfiguration;
  unsaved: boolean;
}) {
  const [category, setCategory] = useState<(typeof CATEGORIES)[number]>('productivity');
  const [tags, setTags] = useState('');
  const [readme, setReadme] = useState('');
  const [publisherName, setPublisherName] = useState('');
  const [keyPem, setKeyPem] = useState('');
  const [newKeyUrl, setNewKeyUrl] = useState<string | null>(null);
  const [publisher, setPublisher] = useState<BuiltPackage['publisher'] | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [published, setPublished] = useState<{ ref: string; keyId: string; publisher: string } | null>(null);
  const userId = useSession()?.id ?? null;
  // undefined: still looking on this device; null: none kept.
  const [remembered, setRemembered] = useState<RememberedKey | null | undefined>(undefined);
  const [remember, setRemember] = useState(true);
  const useRemembered = remembered != null && !keyPem.trim();

  useEffect(() => {
    let live = true;
    if (!userId) return;
    recallPublisherKey(userId, workspaceId)
      .then((key) => live && setRemembered(key))
      .catch(() => live && setRemembered(null)); // no IndexedDB (a private window): the key is pasted each time
    return () => {
      live = false;
    };
  }, [userId, workspaceId]);

  async function forget() {
    if (!userId) return;
    await forgetPublisherKey(userId, workspaceId);
    setRemembered(null);
  }

  const request = () => {
    const list = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    // No tags typed: the YAML's metadata.tags (as `ionflux publish` does).
    return { yaml: agent.yaml, category, readme, ...(list.length > 0 ? { tags: list } : {}) };
  };

  // Who publishes (and with which keys): the server says when the panel opens.
  useEffect(() => {
    let live = true;
    api
      .post<BuiltPackage>(`/api/workspaces/${workspaceId}/marketplace/packages`, {
        yaml: agent.yaml,
        category: 'productivity',
      })
      .then((built) => live && setPublisher(built.publisher))
      .catch((e: unknown) => live && setError(describeError(e)));
    return () => {
      live = false;
    };
  }, [workspaceId, agent.yaml]);

  useEffect(() => () => void (newKeyUrl && URL.revokeObjectURL(newKeyUrl)), [newKeyUrl]);

  async function newKey() {
    const key = await generatePublisherKey();
    setKeyPem(key.privateKeyPem);
    setNewKeyUrl(URL.createObjectURL(new Blob([key.privateKeyPem], { type: 'application/x-pem-file' })));
  }

  async function publish(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setPublished(null);
    setBusy(true);
    try {
      const key: PublisherKey = useRemembered ? remembered : await importPublisherKey(keyPem);
      const built = await api.post<BuiltPackage>(`/api/workspaces/${workspaceId}/marketplace/packages`, request());
      // Sign only what was checked here: this agent's YAML, and a digest that is the package's own.
      if (built.package.yaml !== agent.yaml) throw new Error('The server built a package of other YAML: not signed');
      const digest = await packageDigest(built.package);
      if (digest !== built.digest || built.message !== `${PACKAGE_FORMAT}:${digest}`)
        throw new Error(`The package's digest is ${digest}, not the ${built.digest} the server sent: not signed`);
      const signature = await signPackageDigest(key.privateKey, digest);
      const result = await api.post<{
        agent: { name: string; publisher: { name: string } };
        version: { version: string; keyId: string };
      }>(`/api/workspaces/${workspaceId}/marketplace/agents`, {
        ...built.package,
        digest,
        signature,
        publicKey: key.publicKeyPem,
        ...(built.publisher === null && publisherName.trim() ? { publisherName: publisherName.trim() } : {}),
      });
      setPublished({
        ref: `${result.agent.name}@${result.version.version}`,
        keyId: result.version.keyId,
        publisher: result.agent.publisher.name,
      });
      setPublisher({ name: result.agent.publisher.name, keyIds: built.publisher?.keyIds ?? [result.version.keyId] });
      if (!useRemembered && remember && userId) {
        // Kept only once the marketplace accepted it: a key the publisher lacks is never remembered.
        setRemembered(await rememberPublisherKey(userId, workspaceId, keyPem));
        setKeyPem('');
      }
    } catch (e) {
      setError(`Not published: ${describeError(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="publish-panel" onSubmit={(e) => void publish(e)} aria-labelledby="publish-title">
      <h2 id="publish-title">Publish to marketplace</h2>
      <p className="hint">
        Publishes revision {agent.revision} (the saved YAML) as its <code>metadata.name</code> at its{' '}
        <code>metadata.version</code>, signed with your publisher key.
        {unsaved && ' Unsaved changes are not published: save first.'}
      </p>
      {publisher === null && (
        <>
          <p className="hint">This workspace has no publisher yet: this first publish creates it with your key.</p>
          <label>
            Publisher name
            <input
              value={publisherName}
              onChange={(e) => setPublisherName(e.target.value)}
              placeholder="The workspace's name"
            />
          </label>
        </>
      )}
      {publisher && (
        <p className="hint">
          Publisher {publisher.name}; it accepts packages signed with {publisher.keyIds.join(', ')}.
        </p>
      )}
      <label>
        Category
        <select value={category} onChange={(e) => setCategory(e.target.value as (typeof CATEGORIES)[number])}>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        Tags (comma separated; default: the YAML's)
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <label>
        README (Markdown)
        <textarea value={readme} onChange={(e) => setReadme(e.target.value)} rows={4} />
      </label>
      {remembered && (
        <p className="hint" role="note">
          This device keeps your publisher key {remembered.keyId} for this workspace
          {useRemembered ? ': it signs unless you give another key below.' : '; the key below signs instead.'}
          {publisher && !publisher.keyIds.includes(remembered.keyId) && ' The publisher does not accept it.'}{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => void forget().catch((e: unknown) => setError(describeError(e)))}
          >
            Forget it on this device
          </button>
        </p>
      )}
      <label>
        Publisher private key (Ed25519, PKCS#8 PEM: the key file of <code>ionflux publish</code>)
        {remembered && '; leave it empty to sign with the key this device keeps'}
        <textarea
          value={keyPem}
          onChange={(e) => setKeyPem(e.target.value)}
          rows={4}
          spellCheck={false}
          autoComplete="off"
          placeholder="-----BEGIN PRIVATE KEY-----"
        />
      </label>
      <div className="toolbar">
        <label className="button">
          Load key file
          <input
            type="file"
            accept=".pem,.key,text/plain"
            className="visually-hidden"
            onChange={(e) => void e.target.files?.[0]?.text().then(setKeyPem)}
          />
        </label>
        <button type="button" onClick={() => void newKey().catch((e: unknown) => setError(describeError(e)))}>
          Generate a new key
        </button>
        {newKeyUrl && (
          <a href={newKeyUrl} download={`${agent.agentName}-publisher.pem`}>
            Download the new private key (keep it: later versions must be signed with it)
          </a>
        )}
      </div>
      {!useRemembered && userId && remembered !== undefined && (
        <label className="checkbox">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          Remember this key on this device for this workspace (kept in this browser, never sent; it can sign but not be
          read back)
        </label>
      )}
      <button type="submit" className="primary" disabled={busy || (!useRemembered && !keyPem.trim())}>
        Sign and publish
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {published && (
        <p role="status">
          Published {published.ref} by {published.publisher}, signed by {published.keyId}.{' '}
          <Link href={paths.marketplace(workspaceId, published.ref.split('@')[0])}>Open it in the marketplace</Link>
        </p>
      )}
    </form>
  );
}
