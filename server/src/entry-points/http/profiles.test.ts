import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatKeyring, generateKeyringEntry, parseKeyring } from '../../domain/secrets';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

const k1 = generateKeyringEntry('k1');
let t: TestServer;
let owner: TestUser;
let member: TestUser;
let workspaceId: string;

beforeAll(async () => {
  t = await startTestServer({ encryptionKeys: k1 });
  owner = await t.signup('Owner');
  member = await t.signup('Member');
  workspaceId = await t.createWorkspace(owner, 'Profiles');
  await t.addMember({ owner, user: member, workspaceId, role: 'member' });
});
afterAll(async () => {
  await t.close();
});

const base = () => `/api/workspaces/${workspaceId}`;

describe('brands and creators', () => {
  it('creates, reads, updates and deletes brands (admins manage, members read)', async () => {
    const created = await t.request('POST', `${base()}/brands`, {
      token: owner.token,
      body: { name: 'My Test Store', shopDomain: 'My-Test-Store.myshopify.com' },
    });
    expect(created.status).toBe(201);
    expect(created.body.brand).toMatchObject({
      name: 'My Test Store',
      shopDomain: 'my-test-store.myshopify.com',
      credentials: { connected: false, scopes: [] },
    });
    const id = created.body.brand.id;
    expect((await t.request('GET', `${base()}/brands`, { token: member.token })).body.brands).toHaveLength(1);
    expect((await t.request('POST', `${base()}/brands`, { token: member.token, body: { name: 'x' } })).status).toBe(
      403,
    );
    const bad = await t.request('POST', `${base()}/brands`, {
      token: owner.token,
      body: { name: 'x', shopDomain: 'example.com' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0]).toEqual({
      path: 'shopDomain',
      message: 'use the store domain, e.g. my-store.myshopify.com',
    });
    const renamed = await t.request('PATCH', `${base()}/brands/${id}`, {
      token: owner.token,
      body: { name: 'Renamed' },
    });
    expect(renamed.body.brand.name).toBe('Renamed');
    expect((await t.request('DELETE', `${base()}/brands/${id}`, { token: owner.token })).status).toBe(204);
    expect((await t.request('GET', `${base()}/brands/${id}`, { token: owner.token })).status).toBe(404);
  });

  it('creates creators with normalized TikTok handles', async () => {
    const created = await t.request('POST', `${base()}/creators`, {
      token: owner.token,
      body: { name: 'My Test Creator', handle: '@my.test_creator' },
    });
    expect(created.body.creator).toMatchObject({ handle: 'my.test_creator', credentials: { connected: false } });
    const bad = await t.request('POST', `${base()}/creators`, {
      token: owner.token,
      body: { name: 'x', handle: '@no spaces' },
    });
    expect(bad.status).toBe(400);
  });

  it('stores OAuth tokens encrypted at rest and never returns them', async () => {
    const brand = (await t.request('POST', `${base()}/brands`, { token: owner.token, body: { name: 'Secret Store' } }))
      .body.brand;
    const plaintext = 'shpat_0123456789abcdef-super-secret';
    const set = await t.request('PUT', `${base()}/brands/${brand.id}/credentials`, {
      token: owner.token,
      body: {
        accessToken: plaintext,
        refreshToken: 'refresh-secret-value',
        scopes: ['read_orders'],
        expiresAt: '2030-01-01T00:00:00Z',
      },
    });
    expect(set.status).toBe(200);
    expect(set.body.brand.credentials).toMatchObject({
      connected: true,
      scopes: ['read_orders'],
      expiresAt: '2030-01-01T00:00:00.000Z',
    });
    for (const path of [`${base()}/brands`, `${base()}/brands/${brand.id}`]) {
      const text = JSON.stringify((await t.request('GET', path, { token: owner.token })).body);
      expect(text).not.toContain(plaintext);
      expect(text).not.toContain('refresh-secret-value');
      expect(text).not.toContain('ifx1:');
    }
    const row = await t.server.db
      .selectFrom('integration_credentials')
      .selectAll()
      .where('owner_id', '=', brand.id)
      .executeTakeFirstOrThrow();
    expect(row.key_id).toBe('k1');
    expect(row.ciphertext.startsWith('ifx1:k1:')).toBe(true);
    expect(row.ciphertext).not.toContain('shpat');
    // Only the server can read them back.
    const decrypted = await t.server.useCases.profiles.readCredentials({
      workspaceId,
      ownerType: 'brand',
      ownerId: brand.id,
    });
    expect(decrypted).toEqual({
      accessToken: plaintext,
      refreshToken: 'refresh-secret-value',
      scopes: ['read_orders'],
      expiresAt: '2030-01-01T00:00:00.000Z',
    });

    const members = await t.request('PUT', `${base()}/brands/${brand.id}/credentials`, {
      token: member.token,
      body: { accessToken: 'x' },
    });
    expect(members.status).toBe(403);
    const removed = await t.request('DELETE', `${base()}/brands/${brand.id}/credentials`, { token: owner.token });
    expect(removed.body.brand.credentials.connected).toBe(false);
  });

  it('re-encrypts stored credentials with the new current key when the keyring rotates', async () => {
    const creator = (await t.request('POST', `${base()}/creators`, { token: owner.token, body: { name: 'Rotating' } }))
      .body.creator;
    await t.request('PUT', `${base()}/creators/${creator.id}/credentials`, {
      token: owner.token,
      body: { accessToken: 'act.tiktok-secret' },
    });
    const rotated = parseKeyring(`${generateKeyringEntry('k2')},${formatKeyring(parseKeyring(k1))}`);
    (t.server.useCases.ctx as { keyring: typeof rotated }).keyring = rotated;
    expect(await t.server.useCases.profiles.rotateCredentialKeys()).toBeGreaterThanOrEqual(1);
    const row = await t.server.db
      .selectFrom('integration_credentials')
      .selectAll()
      .where('owner_id', '=', creator.id)
      .executeTakeFirstOrThrow();
    expect(row.key_id).toBe('k2');
    expect(await t.server.useCases.profiles.rotateCredentialKeys()).toBe(0);
    const back = await t.server.useCases.profiles.readCredentials({
      workspaceId,
      ownerType: 'creator',
      ownerId: creator.id,
    });
    expect(back?.accessToken).toBe('act.tiktok-secret');
  });
});
