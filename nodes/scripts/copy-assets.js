#!/usr/bin/env node
/**
 * Copies what tsc does not emit into dist: node icons (*.svg) and codex files (*.node.json), keeping their folders,
 * so that `dist/nodes/<Name>/<Name>.node.js` finds `file:<icon>.svg` next to it (n8n resolves icons that way).
 * Credentials' icons, if any, go to `dist/credentials/`.
 */
const fs = require('node:fs');
const path = require('node:path');

const packageDir = path.resolve(__dirname, '..');
const repoDir = path.resolve(packageDir, '..');
const sources = [
  { from: packageDir, to: path.join(packageDir, 'dist', 'nodes') },
  { from: path.join(repoDir, 'credentials'), to: path.join(packageDir, 'dist', 'credentials') },
];
const SKIP = new Set(['node_modules', 'dist', 'scripts', 'test-support']);
const isAsset = (name) => name.endsWith('.svg') || name.endsWith('.png') || name.endsWith('.node.json');

let copied = 0;
function walk(dir, target) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP.has(entry.name)) continue;
    const source = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(source, path.join(target, entry.name));
    else if (entry.isFile() && isAsset(entry.name)) {
      fs.mkdirSync(target, { recursive: true });
      fs.copyFileSync(source, path.join(target, entry.name));
      copied++;
    }
  }
}

for (const { from, to } of sources) walk(from, to);
console.log(
  `copy-assets: ${copied} file(s) copied into ${path.relative(process.cwd(), path.join(packageDir, 'dist')) || 'dist'}`,
);
