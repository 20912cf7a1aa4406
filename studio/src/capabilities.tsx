import { useEffect, useState } from 'react';

/**
 * What this server offers beyond the core API, read once from its OpenAPI document: screens whose API has not
 * been deployed say so instead of showing made-up data.
 */
export interface Capabilities {
  agents: boolean;
  runs: boolean;
  marketplace: boolean;
  connectionsOAuth: boolean;
  paths: Set<string>;
}

let cached: Promise<Capabilities> | undefined;

export function loadCapabilities(): Promise<Capabilities> {
  cached ??= fetch('/api/openapi.json', { credentials: 'same-origin' })
    .then((r) => (r.ok ? (r.json() as Promise<{ paths?: Record<string, unknown> }>) : { paths: {} }))
    .then((doc) => {
      const paths = new Set(Object.keys(doc.paths ?? {}));
      const has = (re: RegExp) => [...paths].some((p) => re.test(p));
      return {
        paths,
        agents: has(/^\/api\/workspaces\/\{workspaceId\}\/agents$/),
        runs: has(/\/runs(\/|$)/),
        marketplace: has(/^\/api\/(workspaces\/\{workspaceId\}\/)?marketplace/),
        connectionsOAuth: has(/\/(oauth|connections)\b/i),
      };
    })
    .catch(() => {
      cached = undefined;
      return { paths: new Set<string>(), agents: false, runs: false, marketplace: false, connectionsOAuth: false };
    });
  return cached;
}

export function useCapabilities(): Capabilities | null {
  const [value, setValue] = useState<Capabilities | null>(null);
  useEffect(() => {
    let live = true;
    void loadCapabilities().then((c) => live && setValue(c));
    return () => {
      live = false;
    };
  }, []);
  return value;
}

/** The honest empty state of a screen whose server API is not there yet. */
export function Unavailable({ what, needs }: { what: string; needs: string }) {
  return (
    <div className="unavailable" role="note">
      <h2>{what} is not available on this server yet</h2>
      <p>
        This server does not offer {needs} (its API document at <a href="/api/docs">/api/docs</a> lists what it has).
        Nothing is shown here rather than made-up data.
      </p>
    </div>
  );
}
