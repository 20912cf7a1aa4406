import { Unavailable, useCapabilities } from '../capabilities';

/**
 * The Marketplace needs the server's catalog API (definitions, publishers, versions, installs, permissions). Until
 * the server offers it, the screen says so; agents can be installed from YAML on the Agent Shelf meanwhile.
 */
export default function MarketplaceScreen() {
  const caps = useCapabilities();
  return (
    <section aria-labelledby="market-title">
      <h1 id="market-title">Marketplace</h1>
      {!caps ? (
        <p role="status">Loading…</p>
      ) : caps.marketplace ? (
        <p>This server offers a catalog API, but this studio has no Marketplace screen for it yet.</p>
      ) : (
        <Unavailable what="The Marketplace" needs="the agent catalog API (definitions, versions, installs)" />
      )}
    </section>
  );
}
