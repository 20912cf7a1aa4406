import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderDiagnosticsReference, renderDslReference } from './docs';
import { buildAgentSchema } from './schema';

/** Files generated from the DSL sources, relative to the repository root. */
export function generatedFiles(): Record<string, string> {
  return {
    'dsl/schema/agent.schema.json': `${JSON.stringify(buildAgentSchema(), null, 2)}\n`,
    'docs/dsl.md': renderDslReference(),
    'docs/diagnostics.md': renderDiagnosticsReference(),
  };
}

export const repositoryRoot = join(__dirname, '..', '..');

/** Writes the generated files; with `check`, reports the stale ones instead. Returns the stale/written paths. */
export function writeGeneratedFiles({ check = false }: { check?: boolean } = {}): string[] {
  const changed: string[] = [];
  for (const [path, content] of Object.entries(generatedFiles())) {
    const file = join(repositoryRoot, path);
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    changed.push(path);
    if (!check) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  return changed;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const changed = writeGeneratedFiles({ check });
  if (check && changed.length > 0) {
    console.error(`Out of date: ${changed.join(', ')}. Run npm run generate.`);
    process.exit(1);
  }
  console.log(
    changed.length === 0 ? 'Generated files are up to date.' : `${check ? 'Stale' : 'Wrote'}: ${changed.join(', ')}`,
  );
}
