import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { parseAgentText } from '@ionflux/dsl';
import {
  buildAgentPackage,
  generatePublisherKey,
  keyIdOf,
  packageDigest,
  signAgentPackage,
  signDigest,
  verifyDigest,
  type AgentPackage,
} from '../../domain/marketplace/package';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

const EXAMPLES = path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents');

/** A small agent of a test publisher; version 2 reads customers too, posts to chat and calls a web hook. */
function stockWatch(version: string, { extended = false } = {}): string {
  return `apiVersion: ionflux/v1
kind: Agent
metadata: { name: stock-watch, displayName: Stock Watch, version: ${version}, description: Watches product stock levels, tags: [inventory] }
spec:
  inputs:
    limit: { type: integer, default: 10 }
${extended ? '    channel: { type: string, default: ops }\n' : ''}  connections:
    shop: { type: shopify, scopes: [read_products${extended ? ', read_customers' : ''}] }
  trigger: { manual: {} }
  steps:
    - id: products
      uses: shopify.products.list
      with: { limit: "{{ inputs.limit }}" }
${
  extended
    ? `    - id: customers
      uses: shopify.customers.list
      with: {}
    - id: tell
      uses: chat.post
      with: { channel: "{{ inputs.channel }}", text: "{{ steps.products.output.count }} products" }
    - id: hook
      uses: http.request
      with: { url: "https://hooks.example.com/stock", method: POST, body: { n: "{{ steps.products.output.count }}" } }
`
    : ''
}  output:
    value: "{{ steps.products.output }}"
    canvas: { block: stock, title: Stock }
`;
}

let t: TestServer;
let owner: TestUser;
let other: TestUser;
let w: string;
let otherW: string;
const key = generatePublisherKey();

function publish(token: string, workspaceId: string, body: object) {
  return t.request('POST', `/api/workspaces/${workspaceId}/marketplace/agents`, { token, body });
}

function signed(pkg: AgentPackage, privateKeyPem = key.privateKeyPem) {
  return signAgentPackage(pkg, privateKeyPem);
}

beforeAll(async () => {
  t = await startTestServer({ sandbox: true, seedMarketplace: true });
  owner = await t.signup('Publisher Owner');
  other = await t.signup('Someone Else');
  w = await t.createWorkspace(owner, 'Acme Agents');
  otherW = await t.createWorkspace(other, 'Other Shop');
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('the seeded catalog', () => {
  const examples = fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parseAgentText(fs.readFileSync(path.join(EXAMPLES, f), 'utf8')).value as any);

  it('has the ten example agents, published by IONFLUX, with readmes and permissions', async () => {
    const res = await t.request('GET', '/api/marketplace/agents?sort=name&limit=100');
    expect(res.status).toBe(200);
    expect(res.body.agents.map((a: any) => a.name)).toEqual(examples.map((e) => e.metadata.name).sort());
    expect(res.body.total).toBe(10);
    expect(new Set(res.body.agents.map((a: any) => a.publisher.name))).toEqual(new Set(['IONFLUX']));
    expect(res.body.agents.every((a: any) => a.publisher.verified && a.latestVersion === '1.0.0')).toBe(true);
    const detail = (await t.request('GET', '/api/marketplace/agents/shopify-sales-sentinel')).body.agent;
    expect(detail.readme).toContain('# Shopify Sales Sentinel');
    expect(detail.readme).toContain('Watches new Shopify orders');
    expect(detail.permissions).toEqual([
      "reads orders of the store you bind ('store', read_orders)",
      "sends notifications to the workspace's members (step 'alert')",
      "posts to a chat channel (step 'post')",
    ]);
    expect(detail.manifest.writeSteps).toEqual(['alert', 'post']);
    expect(detail.versions).toHaveLength(1);
    expect(detail.yaml).toBe(fs.readFileSync(path.join(EXAMPLES, 'shopify-sales-sentinel.yaml'), 'utf8'));
    expect((await t.request('GET', '/api/marketplace/agents/no-such-agent')).status).toBe(404);
  });

  it('filters by connection type, category, tag, price and publisher, as the YAML says', async () => {
    const byType = (type: string) =>
      examples
        .filter((e) => Object.values(e.spec.connections ?? {}).some((c: any) => c.type === type))
        .map((e) => e.metadata.name)
        .sort();
    for (const type of ['tiktok', 'shopify', 'llm']) {
      const res = await t.request('GET', `/api/marketplace/agents?connection=${type}&sort=name&limit=100`);
      expect({ type, names: res.body.agents.map((a: any) => a.name) }).toEqual({ type, names: byType(type) });
    }
    const tagged = examples
      .filter((e) => e.metadata.tags?.includes('alerts'))
      .map((e) => e.metadata.name)
      .sort();
    expect(
      (await t.request('GET', '/api/marketplace/agents?tag=alerts&sort=name')).body.agents.map((a: any) => a.name),
    ).toEqual(tagged);
    expect(
      (await t.request('GET', '/api/marketplace/agents?category=creators&sort=name')).body.agents.map(
        (a: any) => a.name,
      ),
    ).toEqual(['creator-persona-guardian', 'outreach-automaton', 'ugc-matchmaker']);
    expect((await t.request('GET', '/api/marketplace/agents?price=paid')).body.total).toBe(0);
    expect((await t.request('GET', '/api/marketplace/agents?price=free')).body.total).toBe(10);
    expect((await t.request('GET', '/api/marketplace/agents?publisher=ionflux')).body.total).toBe(10);
    const bad = await t.request('GET', '/api/marketplace/agents?connection=slack');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('connection');
  });

  it('pages through the catalog without gaps or repeats', async () => {
    const all = (await t.request('GET', '/api/marketplace/agents?sort=name&limit=100')).body.agents.map(
      (a: any) => a.name,
    );
    const paged: string[] = [];
    for (let offset = 0; offset < 10; offset += 3) {
      const page = (await t.request('GET', `/api/marketplace/agents?sort=name&limit=3&offset=${offset}`)).body;
      expect(page.total).toBe(10);
      paged.push(...page.agents.map((a: any) => a.name));
    }
    expect(paged).toEqual(all);
  });

  it('ranks full-text matches: the agent about the words first', async () => {
    const top = async (q: string) =>
      (await t.request('GET', `/api/marketplace/agents?q=${encodeURIComponent(q)}`)).body.agents.map(
        (a: any) => a.name,
      );
    expect((await top('whatsapp'))[0]).toBe('whatsapp-pulse');
    expect((await top('low stock'))[0]).toBe('inventory-guardian');
    expect((await top('trending hashtags sounds'))[0]).toBe('tiktok-stylist');
    expect((await top('brief thread'))[0]).toBe('slack-brief-butler');
    expect((await top('revenue'))[0]).toBe('revenue-tracker-lite');
    // Stemming: "creators" finds "creator"; an exclusion removes matches.
    const creators = await top('creators');
    expect(creators).toEqual(expect.arrayContaining(['ugc-matchmaker', 'outreach-automaton']));
    expect(await top('creators -outreach')).not.toContain('outreach-automaton');
    expect(await top('zyzzyva')).toEqual([]);
  });
});

describe('publishing', () => {
  it('publishes a signed package, and versions only go up and never change', async () => {
    const v1 = signed(buildAgentPackage({ yaml: stockWatch('1.0.0'), category: 'operations', readme: '# Stock' }));
    const first = await publish(owner.token, w, v1);
    expect(first.status).toBe(201);
    expect(first.body.agent).toMatchObject({
      name: 'stock-watch',
      latestVersion: '1.0.0',
      publisher: { name: 'Acme Agents', verified: false },
    });
    expect(first.body.version.digest).toBe(v1.digest);

    const again = await publish(owner.token, w, v1);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('version_exists');
    // Same version, other content: still refused (immutable).
    const changed = signed(buildAgentPackage({ yaml: stockWatch('1.0.0'), category: 'operations', readme: 'new' }));
    expect((await publish(owner.token, w, changed)).body.error.code).toBe('version_exists');
    for (const lower of ['0.9.9', '1.0.0-rc.1']) {
      const res = await publish(
        owner.token,
        w,
        signed(buildAgentPackage({ yaml: stockWatch(lower), category: 'operations' })),
      );
      expect({ lower, status: res.status, code: res.body.error?.code }).toEqual({
        lower,
        status: 409,
        code: 'version_not_greater',
      });
    }
    const v2beta = await publish(
      owner.token,
      w,
      signed(buildAgentPackage({ yaml: stockWatch('1.1.0-beta.1'), category: 'operations' })),
    );
    expect(v2beta.status).toBe(201);
    const detail = (await t.request('GET', '/api/marketplace/agents/stock-watch')).body.agent;
    expect(detail.versions.map((v: any) => v.version)).toEqual(['1.1.0-beta.1', '1.0.0']);
    expect(detail.latestVersion).toBe('1.1.0-beta.1');
  });

  it('builds the package to sign for a client that signs with its own key (the studio), and publishes it signed', async () => {
    const seller = await t.signup('Package Builder');
    const sw = await t.createWorkspace(seller, 'Builder Shop');
    const yaml = stockWatch('1.0.0').replace('name: stock-watch', 'name: built-stock-watch');
    const asked = { yaml, category: 'operations', readme: '# Built', tags: ['stock'] };
    const res = await t.request('POST', `/api/workspaces/${sw}/marketplace/packages`, {
      token: seller.token,
      body: asked,
    });
    expect(res.status).toBe(200);
    // The same package the CLI builds from the same YAML (the reference), its digest, and the message to sign.
    const reference = buildAgentPackage({ yaml, category: 'operations', readme: '# Built', tags: ['stock'] });
    expect(res.body.package).toEqual(reference);
    expect(res.body.digest).toBe(packageDigest(reference));
    expect(res.body.message).toBe(`ionflux-agent-package/1:${res.body.digest}`);
    expect(res.body.publisher).toBeNull();
    // Signing the message as bytes is a valid signature of the digest; the package publishes with it.
    const own = generatePublisherKey();
    const { sign, createPrivateKey } = await import('node:crypto');
    const signature = sign(null, Buffer.from(res.body.message, 'utf8'), createPrivateKey(own.privateKeyPem)).toString(
      'base64',
    );
    expect(verifyDigest({ digest: res.body.digest, signature, publicKeyPem: own.publicKeyPem })).toBe(true);
    const published = await publish(seller.token, sw, {
      ...res.body.package,
      digest: res.body.digest,
      signature,
      publicKey: own.publicKeyPem,
    });
    expect(published.status).toBe(201);
    // Now the workspace has a publisher, with that key only.
    const next = await t.request('POST', `/api/workspaces/${sw}/marketplace/packages`, {
      token: seller.token,
      body: asked,
    });
    expect(next.body.publisher).toEqual({ name: 'Builder Shop', keyIds: [keyIdOf(own.publicKeyPem)] });
    // An invalid agent: its diagnostics; a member who is not an admin: refused; another workspace: not found.
    const invalid = await t.request('POST', `/api/workspaces/${sw}/marketplace/packages`, {
      token: seller.token,
      body: { ...asked, yaml: yaml.replace('uses: shopify.products.list', 'uses: shopify.products.lst') },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('invalid_agent');
    const typoLine = yaml.split('\n').findIndex((l) => l.includes('shopify.products.list')) + 1;
    expect(invalid.body.error.details.diagnostics.map((d: any) => d.range.start.line)).toContain(typoLine);
    const member = await t.signup('Builder Member');
    await t.addMember({ owner: seller, user: member, workspaceId: sw, role: 'member' });
    const refused = await t.request('POST', `/api/workspaces/${sw}/marketplace/packages`, {
      token: member.token,
      body: asked,
    });
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({
      status: 403,
      code: 'insufficient_role',
    });
  });

  it('refuses a tampered YAML, manifest, metadata or signature at publish', async () => {
    const pkg = buildAgentPackage({ yaml: stockWatch('2.0.0'), category: 'operations' });
    const good = signed(pkg);
    // The YAML changed after signing (another step id): the digest no longer matches.
    const yamlTampered = {
      ...good,
      yaml: good.yaml.replace('id: products', 'id: items').replace('products.output', 'items.output'),
    };
    const r1 = await publish(owner.token, w, yamlTampered);
    expect(r1.status).toBe(422);
    expect(['digest_mismatch', 'package_mismatch']).toContain(r1.body.error.code);
    // A manifest that hides a permission, re-digested and re-signed by the publisher: not the derived one.
    const hidden = {
      ...pkg,
      manifest: { ...pkg.manifest, connections: [{ ...pkg.manifest.connections[0]!, scopes: [] }] },
    };
    const r2 = await publish(owner.token, w, signed(hidden));
    expect(r2.status).toBe(422);
    expect(r2.body.error.code).toBe('package_mismatch');
    expect(r2.body.error.fields[0]).toMatchObject({
      path: 'manifest',
      message: expect.stringContaining('connections'),
    });
    // Metadata that lies about the version.
    const lying = { ...pkg, metadata: { ...pkg.metadata, version: '9.9.9' } };
    const r3 = await publish(owner.token, w, signed(lying));
    expect(r3.body.error.fields.map((f: any) => f.path)).toEqual(['metadata.version']);
    // Readme changed after signing: digest mismatch.
    const r4 = await publish(owner.token, w, { ...good, metadata: { ...good.metadata, readme: 'sneaky' } });
    expect(r4.body.error.code).toBe('digest_mismatch');
    // Digest recomputed by the attacker, but the signature is the old one.
    const forged = { ...good, metadata: { ...good.metadata, readme: 'sneaky' } };
    forged.digest = packageDigest(forged);
    const r5 = await publish(owner.token, w, forged);
    expect(r5.body.error.code).toBe('invalid_signature');
    // Signed by another key than the one sent.
    const stranger = generatePublisherKey();
    const r6 = await publish(owner.token, w, { ...good, signature: signDigest(good.digest, stranger.privateKeyPem) });
    expect(r6.body.error.code).toBe('invalid_signature');
    // Signed consistently, but by a key the publisher does not have.
    const r7 = await publish(owner.token, w, signed(pkg, stranger.privateKeyPem));
    expect(r7.status).toBe(403);
    expect(r7.body.error.code).toBe('unknown_publisher_key');
    // Nothing of the above was stored.
    const versions = (await t.request('GET', '/api/marketplace/agents/stock-watch')).body.agent.versions;
    expect(versions.map((v: any) => v.version)).not.toContain('2.0.0');
    expect(versions.map((v: any) => v.version)).not.toContain('9.9.9');
  });

  it('lets only the publisher publish or yank its agents', async () => {
    const theirKey = generatePublisherKey();
    const res = await publish(
      other.token,
      otherW,
      signed(buildAgentPackage({ yaml: stockWatch('3.0.0'), category: 'operations' }), theirKey.privateKeyPem),
    );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('agent_owned_by_another_publisher');
    // The IONFLUX examples are not theirs either.
    const example = fs
      .readFileSync(path.join(EXAMPLES, 'revenue-tracker-lite.yaml'), 'utf8')
      .replace('version: 1.0.0', 'version: 9.0.0');
    const r2 = await publish(
      other.token,
      otherW,
      signed(buildAgentPackage({ yaml: example, category: 'analytics' }), theirKey.privateKeyPem),
    );
    expect(r2.body.error.code).toBe('agent_owned_by_another_publisher');
    const yank = await t.request(
      'POST',
      `/api/workspaces/${otherW}/marketplace/agents/stock-watch/versions/1.0.0/yank`,
      {
        token: other.token,
        body: {},
      },
    );
    expect(yank.status).toBe(404);
    // A member of the publishing workspace without the admin role cannot publish.
    const member = await t.signup('Member');
    await t.addMember({ owner, user: member, workspaceId: w, role: 'member' });
    const r3 = await publish(
      member.token,
      w,
      signed(buildAgentPackage({ yaml: stockWatch('3.0.0'), category: 'operations' })),
    );
    expect(r3.status).toBe(403);
    expect(r3.body.error.code).toBe('insufficient_role');
  });
});

describe('installing, yanking and upgrading', () => {
  let brandId: string;
  let installedId: string;

  beforeAll(async () => {
    // The installing workspace calls its store something else than the publisher's connection name ('shop').
    brandId = (
      await t.request('POST', `/api/workspaces/${otherW}/brands`, {
        token: other.token,
        body: { name: 'Main Street Boutique', shopDomain: 'ionflux-demo.myshopify.com' },
      })
    ).body.brand.id;
  });

  it('installs a version as a configuration, binding its connection to a Brand of another name', async () => {
    const res = await t.request('POST', `/api/workspaces/${otherW}/marketplace/installs`, {
      token: other.token,
      body: { agent: 'stock-watch', version: '1.0.0', bindings: { shop: { brandId } }, inputs: { limit: 5 } },
    });
    expect(res.status).toBe(201);
    installedId = res.body.agent.id;
    expect(res.body.agent).toMatchObject({
      agentName: 'stock-watch',
      bindings: { shop: { brandId } },
      inputs: { limit: 5 },
      yaml: stockWatch('1.0.0'),
    });
    expect(res.body.version.version).toBe('1.0.0');
    // Nothing of the brand's credentials is in the configuration.
    expect(JSON.stringify(res.body)).not.toMatch(/accessToken|shpat_/);
    const unbound = await t.request('POST', `/api/workspaces/${otherW}/marketplace/installs`, {
      token: other.token,
      body: { agent: 'stock-watch', version: '1.0.0', name: 'Second', bindings: { store: { brandId } } },
    });
    expect(unbound.status).toBe(422);
    expect(unbound.body.error.fields.map((f: any) => f.path).sort()).toEqual(['bindings.shop', 'bindings.store']);
    expect((await t.request('GET', '/api/marketplace/agents/stock-watch')).body.agent.installs).toBe(1);
  });

  it('refuses to install a package whose stored YAML or manifest changed after signing', async () => {
    const db = t.server.db;
    const original = await sql<{ id: string; yaml: string; manifest: unknown }>`
      select v.id, v.yaml, v.manifest from marketplace_agent_versions v join marketplace_agents a on a.id = v.agent_id
      where a.name = 'stock-watch' and v.version = '1.0.0'`.execute(db);
    const row = original.rows[0]!;
    const install = () =>
      t.request('POST', `/api/workspaces/${otherW}/marketplace/installs`, {
        token: other.token,
        body: { agent: 'stock-watch', version: '1.0.0', name: 'Tampered', bindings: { shop: { brandId } } },
      });
    await sql`update marketplace_agent_versions set yaml = ${row.yaml.replace('default: 10', 'default: 99')} where id = ${row.id}`.execute(
      db,
    );
    const r1 = await install();
    expect(r1.status).toBe(409);
    expect(r1.body.error.code).toBe('package_tampered');
    await sql`update marketplace_agent_versions set yaml = ${row.yaml},
      manifest = jsonb_set(manifest, '{writeSteps}', '["products"]'::jsonb) where id = ${row.id}`.execute(db);
    expect((await install()).body.error.code).toBe('package_tampered');
    await sql`update marketplace_agent_versions set manifest = ${JSON.stringify(row.manifest)}::jsonb where id = ${row.id}`.execute(
      db,
    );
    expect((await install()).status).toBe(201);
  });

  it('shows the upgrade diff first, naming the new scopes, write steps and hosts, then keeps the bindings', async () => {
    const published = await publish(
      owner.token,
      w,
      signed(buildAgentPackage({ yaml: stockWatch('2.0.0', { extended: true }), category: 'operations' })),
    );
    expect(published.status).toBe(201);
    const updates = (await t.request('GET', `/api/workspaces/${otherW}/marketplace/updates`, { token: other.token }))
      .body.updates;
    expect(updates.find((u: any) => u.agentId === installedId)).toMatchObject({
      installedVersion: '1.0.0',
      latestVersion: '2.0.0',
      updateAvailable: true,
    });
    const preview = await t.request('POST', `/api/workspaces/${otherW}/agents/${installedId}/upgrade`, {
      token: other.token,
      body: {},
    });
    expect(preview.status).toBe(200);
    expect(preview.body.applied).toBe(false);
    const diff = preview.body.diff;
    expect(diff).toMatchObject({ fromVersion: '1.0.0', toVersion: '2.0.0' });
    expect(diff.summary.stepsAdded).toEqual(['customers', 'tell', 'hook']);
    expect(diff.summary.scopesAdded).toEqual([{ connection: 'shop', scopes: ['read_customers'] }]);
    expect(diff.writeStepsAdded).toEqual(['tell', 'hook']);
    expect(diff.hostsAdded).toEqual(['hooks.example.com']);
    expect(diff.highlights).toEqual([
      "New permission: reads customers of the store you bind ('shop', read_customers)",
      "New write step: posts to a chat channel (step 'tell')",
      "New write step: calls hooks.example.com over HTTP (step 'hook')",
      'New host: hooks.example.com',
    ]);
    expect(diff.bindingsKept).toEqual(['shop']);
    expect(diff.inputsKept).toEqual(['limit']);
    expect(diff.unifiedDiff).toContain('+    - id: customers');
    // Nothing changed yet.
    const before = (await t.request('GET', `/api/workspaces/${otherW}/agents/${installedId}`, { token: other.token }))
      .body.agent;
    expect(before.yaml).toBe(stockWatch('1.0.0'));
    const applied = await t.request('POST', `/api/workspaces/${otherW}/agents/${installedId}/upgrade`, {
      token: other.token,
      body: { confirm: true, baseRevision: before.revision },
    });
    expect(applied.status).toBe(200);
    expect(applied.body.agent).toMatchObject({
      yaml: stockWatch('2.0.0', { extended: true }),
      bindings: { shop: { brandId } },
      inputs: { limit: 5 },
      revision: before.revision + 1,
    });
    const stale = await t.request('POST', `/api/workspaces/${otherW}/agents/${installedId}/upgrade`, {
      token: other.token,
      body: { confirm: true, baseRevision: before.revision, version: '2.0.0' },
    });
    expect(stale.status).toBe(409);
  });

  it('hides a yanked version from new installs and keeps existing installs working', async () => {
    const yank = await t.request('POST', `/api/workspaces/${w}/marketplace/agents/stock-watch/versions/2.0.0/yank`, {
      token: owner.token,
      body: { reason: 'posts too often' },
    });
    expect(yank.status).toBe(200);
    expect(yank.body.version).toMatchObject({ version: '2.0.0', yanked: true, yankReason: 'posts too often' });
    const detail = (await t.request('GET', '/api/marketplace/agents/stock-watch')).body.agent;
    expect(detail.latestVersion).toBe('1.1.0-beta.1');
    expect(detail.versions.find((v: any) => v.version === '2.0.0').yanked).toBe(true);
    const install = await t.request('POST', `/api/workspaces/${otherW}/marketplace/installs`, {
      token: other.token,
      body: { agent: 'stock-watch', version: '2.0.0', name: 'Yanked one', bindings: { shop: { brandId } } },
    });
    expect(install.status).toBe(409);
    expect(install.body.error.code).toBe('version_yanked');
    // The configuration upgraded to 2.0.0 before the yank still runs.
    const run = await t.request('POST', `/api/workspaces/${otherW}/agents/${installedId}/runs`, {
      token: other.token,
      body: {},
    });
    expect(run.status).toBe(202);
    const again = await t.request('POST', `/api/workspaces/${w}/marketplace/agents/stock-watch/versions/2.0.0/yank`, {
      token: owner.token,
      body: {},
    });
    expect(again.body.error.code).toBe('already_yanked');
    // Publishing after a yank still has to go above the yanked version.
    const lower = await publish(
      owner.token,
      w,
      signed(buildAgentPackage({ yaml: stockWatch('1.5.0'), category: 'operations' })),
    );
    expect(lower.body.error.code).toBe('version_not_greater');
  });
});
