/**
 * The published package: `npm run build` then `npm pack`, and the tarball checked the way n8n loads a community
 * package: every file of the `n8n` section present and loadable from the unpacked tarball, its class named after the
 * file, its icon and codex next to it, and no test files or test helpers shipped.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const packageDir = __dirname;
const repoDir = join(packageDir, '..');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  main: string;
  n8n: { n8nNodesApiVersion: number; nodes: string[]; credentials: string[] };
};

let workDir: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'ionflux-pack-'));
  execFileSync('npm', ['run', 'build', '-w', manifest.name], { cwd: repoDir, stdio: 'pipe' });
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', workDir], {
      cwd: packageDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as { filename: string }[];
  tarball = join(workDir, packed[0]!.filename);
  files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, ''));
  execFileSync('tar', ['-xzf', tarball, '-C', workDir]);
}, 180_000);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('npm pack of n8n-nodes-ionflux', () => {
  it('lists the ten nodes and six credentials in its n8n section', () => {
    expect(manifest.n8n.n8nNodesApiVersion).toBe(1);
    expect(manifest.n8n.nodes.map((p) => basename(p))).toEqual([
      'IonfluxShopify.node.js',
      'IonfluxShopifyTrigger.node.js',
      'IonfluxTikTok.node.js',
      'IonfluxLlm.node.js',
      'IonfluxHttpRequest.node.js',
      'IonfluxCanvas.node.js',
      'IonfluxChat.node.js',
      'IonfluxChatTrigger.node.js',
      'IonfluxNotify.node.js',
      'IonfluxVectorStore.node.js',
    ]);
    expect(manifest.n8n.credentials.map((p) => basename(p))).toEqual([
      'IonfluxShopifyAccessTokenApi.credentials.js',
      'IonfluxShopifyOAuth2Api.credentials.js',
      'IonfluxTikTokOAuth2Api.credentials.js',
      'IonfluxLlmApi.credentials.js',
      'IonfluxPineconeApi.credentials.js',
      'IonfluxApi.credentials.js',
    ]);
  });

  it('contains every file of the n8n section, with icons and codex files, and the main entry', () => {
    for (const path of [...manifest.n8n.nodes, ...manifest.n8n.credentials, manifest.main, 'package.json'])
      expect(files).toContain(path);
    for (const node of manifest.n8n.nodes) {
      const dir = node.slice(0, node.lastIndexOf('/'));
      const name = basename(node, '.node.js');
      expect(files).toContain(`${dir}/${name}.node.json`);
      expect(files).toContain(`${dir}/${name[0]!.toLowerCase()}${name.slice(1)}.svg`);
    }
  });

  it('ships no tests, test helpers or build info', () => {
    expect(files.filter((f) => /\.test\.|test-support|tsbuildinfo|\.ts$(?<!\.d\.ts)/.test(f))).toEqual([]);
  });

  it('loads like n8n loads it: each file exports a class named after it, with the name the compiler uses', () => {
    const unpacked = join(workDir, 'package');
    // The package's dependencies come from the repository's node_modules, as an n8n install would provide them.
    const script = `
      const { join, basename } = require('node:path');
      const fs = require('node:fs');
      const manifest = require(join(${JSON.stringify(unpacked)}, 'package.json'));
      const out = { nodes: [], credentials: [], main: [], named: [] };
      for (const file of manifest.n8n.nodes) {
        const exported = require(join(${JSON.stringify(unpacked)}, file));
        const className = basename(file, '.node.js');
        const node = new exported[className]();
        const icon = String(node.description.icon).replace('file:', '');
        out.nodes.push({ className, name: node.description.name, version: node.description.defaultVersion, icon: fs.existsSync(join(${JSON.stringify(unpacked)}, file, '..', icon)) });
        // Every credential each version names (versioned nodes keep one description per version).
        const versions = node.nodeVersions ? Object.values(node.nodeVersions) : [node];
        for (const version of versions)
          for (const credential of version.description.credentials ?? []) out.named.push([node.description.name, credential.name]);
      }
      for (const file of manifest.n8n.credentials) {
        const exported = require(join(${JSON.stringify(unpacked)}, file));
        const className = basename(file, '.credentials.js');
        const credential = new exported[className]();
        const icon = credential.icon ? fs.existsSync(join(${JSON.stringify(unpacked)}, file, '..', String(credential.icon).replace('file:', ''))) : null;
        out.credentials.push({ className, name: credential.name, icon });
      }
      const main = require(join(${JSON.stringify(unpacked)}, manifest.main));
      out.main = [Object.keys(main.nodeTypes), Object.keys(main.credentialTypes)];
      process.stdout.write(JSON.stringify(out));
    `;
    const loaded = JSON.parse(
      execFileSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: join(repoDir, 'node_modules') },
      }),
    );
    expect(loaded.nodes).toEqual([
      { className: 'IonfluxShopify', name: 'ionfluxShopify', version: 1, icon: true },
      { className: 'IonfluxShopifyTrigger', name: 'ionfluxShopifyTrigger', version: 1, icon: true },
      { className: 'IonfluxTikTok', name: 'ionfluxTikTok', version: 1, icon: true },
      { className: 'IonfluxLlm', name: 'ionfluxLlm', version: 1, icon: true },
      { className: 'IonfluxHttpRequest', name: 'ionfluxHttpRequest', version: 1, icon: true },
      { className: 'IonfluxCanvas', name: 'ionfluxCanvas', version: 1, icon: true },
      { className: 'IonfluxChat', name: 'ionfluxChat', version: 1, icon: true },
      { className: 'IonfluxChatTrigger', name: 'ionfluxChatTrigger', version: 1, icon: true },
      { className: 'IonfluxNotify', name: 'ionfluxNotify', version: 1, icon: true },
      { className: 'IonfluxVectorStore', name: 'ionfluxVectorStore', version: 1, icon: true },
    ]);
    expect(loaded.credentials).toEqual([
      { className: 'IonfluxShopifyAccessTokenApi', name: 'ionfluxShopifyAccessTokenApi', icon: true },
      { className: 'IonfluxShopifyOAuth2Api', name: 'ionfluxShopifyOAuth2Api', icon: true },
      { className: 'IonfluxTikTokOAuth2Api', name: 'ionfluxTikTokOAuth2Api', icon: true },
      { className: 'IonfluxLlmApi', name: 'ionfluxLlmApi', icon: true },
      { className: 'IonfluxPineconeApi', name: 'ionfluxPineconeApi', icon: true },
      { className: 'IonfluxApi', name: 'ionfluxApi', icon: true },
    ]);
    // Nodes use only the package's own credentials (never another package's: n8n's no-credential-reuse rule).
    const own = new Set(loaded.credentials.map((c: { name: string }) => c.name));
    expect(loaded.named.length).toBeGreaterThan(0);
    expect(loaded.named.filter(([, credential]: [string, string]) => !own.has(credential))).toEqual([]);
    expect(loaded.main).toEqual([
      [
        'ionfluxShopify',
        'ionfluxShopifyTrigger',
        'ionfluxTikTok',
        'ionfluxLlm',
        'ionfluxHttpRequest',
        'ionfluxCanvas',
        'ionfluxChat',
        'ionfluxChatTrigger',
        'ionfluxNotify',
        'ionfluxVectorStore',
      ],
      [
        'ionfluxShopifyAccessTokenApi',
        'ionfluxShopifyOAuth2Api',
        'ionfluxTikTokOAuth2Api',
        'ionfluxLlmApi',
        'ionfluxPineconeApi',
        'ionfluxApi',
      ],
    ]);
  });
});
