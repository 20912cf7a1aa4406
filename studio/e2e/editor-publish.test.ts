import fs from 'node:fs';
import path from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import {
  buildAgentPackage,
  generatePublisherKey,
  keyIdOf,
  packageDigest,
  publicKeyOf,
  verifyDigest,
} from '../../server/src/domain/marketplace/package';
import type { TestUser } from '../../server/src/testing/test-server';
import { REPO_ROOT, signIn, StudioHarness } from './harness';

/**
 * "Publish to marketplace" from the agent editor: the page signs the package with the publisher's Ed25519 key
 * (WebCrypto) and publishes it. The oracles are the server's own package code (the digest the CLI computes, the
 * key id, signature verification with node:crypto) and the marketplace API.
 */
jest.setTimeout(300_000);

let h: StudioHarness;
let ana: TestUser;
let workspaceId: string;
let agentId: string;
const NAME = 'agency-revenue-digest';
const YAML = fs
  .readFileSync(path.join(REPO_ROOT, 'examples', 'agents', 'revenue-tracker-lite.yaml'), 'utf8')
  .replace(/^ {2}name: revenue-tracker-lite$/m, `  name: ${NAME}`);

beforeAll(async () => {
  expect(YAML).toContain(`name: ${NAME}`);
  h = await StudioHarness.start('editor-publish', { sandbox: true });
  ana = await h.server.signup('Ana Owner');
  workspaceId = await h.server.createWorkspace(ana, 'My Marketing Agency');
  const created = await h.server.request('POST', `/api/workspaces/${workspaceId}/agents`, {
    token: ana.token,
    body: { yaml: YAML, name: 'Revenue Digest', bindings: { store: { sandbox: true } } },
  });
  expect(created.status).toBe(201);
  agentId = created.body.agent.id;
});
afterAll(async () => {
  await h?.close();
});

async function openPublishTab(page: Page): Promise<void> {
  await page.goto(`${h.url}/workspaces/${workspaceId}/agents`);
  await page.getByRole('link', { name: 'Edit agent Revenue Digest' }).click();
  await page.locator('.react-flow__node').first().waitFor();
  await page.getByRole('tab', { name: 'Publish' }).click();
  await page.getByRole('heading', { name: 'Publish to marketplace' }).waitFor();
}

describe('studio: publishing an agent to the marketplace from the editor', () => {
  it('signs the saved agent with the publisher key in the page and publishes it; a key the publisher lacks is refused; the accepted key is remembered on the device for the next version, and forgotten', async () => {
    const page = await (await h.newContext('ana')).newPage();
    await signIn(page, h.url, ana);
    await openPublishTab(page);
    await page.getByText('This workspace has no publisher yet').waitFor();

    // The publisher key the CLI would keep (PKCS#8 PEM), made by node:crypto, pasted into the form.
    const key = generatePublisherKey();
    await page.getByLabel('Publisher name').fill('Agency Agents');
    await page.getByLabel('Category').selectOption('analytics');
    await page.getByLabel('README (Markdown)').fill('# Revenue digest\nSales of the period.');
    await page.getByLabel(/Publisher private key/).fill(key.privateKeyPem);
    await h.step(page, 'publish form');
    await page.getByRole('button', { name: 'Sign and publish' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Published ${NAME}@1.0.0 by Agency Agents` })
      .waitFor();
    await h.step(page, 'published');

    // The marketplace has it: the package the CLI builds from the same YAML (same digest), signed by that key.
    const detail = await h.server.request('GET', `/api/marketplace/agents/${NAME}`);
    expect(detail.status).toBe(200);
    const version = detail.body.agent.versions[0];
    const reference = buildAgentPackage({
      yaml: YAML,
      category: 'analytics',
      readme: '# Revenue digest\nSales of the period.',
    });
    expect(version.version).toBe('1.0.0');
    expect(version.digest).toBe(packageDigest(reference));
    expect(version.keyId).toBe(keyIdOf(key.publicKeyPem));
    expect(verifyDigest({ digest: version.digest, signature: version.signature, publicKeyPem: key.publicKeyPem })).toBe(
      true,
    );
    expect(detail.body.agent.publisher.name).toBe('Agency Agents');
    expect(detail.body.agent.readme).toBe('# Revenue digest\nSales of the period.');

    // Reopened: the publisher and its key are named; publishing the same version again is refused (immutable).
    await openPublishTab(page);
    await page
      .getByText(`Publisher Agency Agents; it accepts packages signed with ${keyIdOf(key.publicKeyPem)}.`)
      .waitFor();
    await page.getByLabel(/Publisher private key/).fill(key.privateKeyPem);
    await page.getByRole('button', { name: 'Sign and publish' }).click();
    await page.getByRole('alert').filter({ hasText: 'is published already' }).waitFor();

    // A key made in the page (WebCrypto): a PKCS#8 Ed25519 key node:crypto reads, offered for download; the
    // publisher does not have it, so the server refuses the package it signs.
    await page.getByRole('button', { name: 'Generate a new key' }).click();
    await page.getByRole('link', { name: /Download the new private key/ }).waitFor();
    const generated = await page.getByLabel(/Publisher private key/).inputValue();
    const parsed = createPrivateKey(generated);
    expect(parsed.asymmetricKeyType).toBe('ed25519');
    await page.getByRole('button', { name: 'Sign and publish' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: `has no key ${keyIdOf(publicKeyOf(generated))}` })
      .waitFor();
    await h.step(page, 'unknown key refused');
    const after = await h.server.request('GET', `/api/marketplace/agents/${NAME}`);
    expect(after.body.agent.versions.map((v: { version: string }) => v.version)).toEqual(['1.0.0']);

    // The first key (accepted by the marketplace) was remembered on this device; the refused one was not.
    const keyId = keyIdOf(key.publicKeyPem);
    await page
      .getByRole('note')
      .filter({ hasText: `This device keeps your publisher key ${keyId}` })
      .waitFor();

    // Version 1.1.0 saved, the page reloaded: no key pasted, the remembered one signs it.
    const saved = await h.server.request('PATCH', `/api/workspaces/${workspaceId}/agents/${agentId}`, {
      token: ana.token,
      body: { baseRevision: 1, yaml: YAML.replace(/^ {2}version: 1\.0\.0$/m, '  version: 1.1.0') },
    });
    expect([saved.status, saved.status === 200 ? null : saved.body]).toEqual([200, null]);
    await openPublishTab(page);
    await page
      .getByRole('note')
      .filter({ hasText: `This device keeps your publisher key ${keyId}` })
      .waitFor();
    expect(await page.getByLabel(/leave it empty to sign with the key this device keeps/).inputValue()).toBe('');
    await h.step(page, 'remembered key');
    await page.getByRole('button', { name: 'Sign and publish' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Published ${NAME}@1.1.0 by Agency Agents, signed by ${keyId}` })
      .waitFor();
    const second = (await h.server.request('GET', `/api/marketplace/agents/${NAME}`)).body.agent.versions.find(
      (v: { version: string }) => v.version === '1.1.0',
    );
    expect(second.keyId).toBe(keyId);
    expect(verifyDigest({ digest: second.digest, signature: second.signature, publicKeyPem: key.publicKeyPem })).toBe(
      true,
    );

    // Forgotten: gone after a reload too, and publishing needs a key again.
    // The note goes once IndexedDB has committed the deletion; navigating before that could abort it.
    await page.getByRole('button', { name: 'Forget it on this device' }).click();
    await page.getByRole('note').waitFor({ state: 'detached' });
    await openPublishTab(page);
    // The offer to remember a key shows once the page has read the device's store (nothing there now), so the
    // count below is taken after that read, not before it.
    await page.getByLabel(/Remember this key on this device/).waitFor();
    expect(await page.getByRole('note').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign and publish' }).isDisabled()).toBe(true);
  });
});
