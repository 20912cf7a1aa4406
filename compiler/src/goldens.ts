import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileAgent } from './compile';

/** The example agents and their compiled workflows (golden files `examples/agents/<name>.n8n.json`). */
export const examplesDirectory = join(__dirname, '..', '..', 'examples', 'agents');

export function goldenFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of readdirSync(examplesDirectory)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const result = compileAgent(readFileSync(join(examplesDirectory, file), 'utf8'));
    if (!result.json) throw new Error(`${file} does not compile: ${JSON.stringify(result.diagnostics)}`);
    files[file.replace(/\.yaml$/, '.n8n.json')] = result.json;
  }
  return files;
}

if (require.main === module) {
  const written: string[] = [];
  for (const [file, json] of Object.entries(goldenFiles())) {
    const path = join(examplesDirectory, file);
    let current: string | undefined;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== json) {
      writeFileSync(path, json);
      written.push(file);
    }
  }
  console.log(written.length === 0 ? 'Golden workflows are up to date.' : `Wrote ${written.join(', ')}`);
}
