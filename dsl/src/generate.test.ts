import { describe, expect, it } from '@jest/globals';
import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionCatalog } from './catalog/actions';
import { functionCatalog } from './catalog/functions';
import { diagnosticCatalog } from './diagnostics';
import { generatedFiles, repositoryRoot } from './generate';

describe('generated files do not drift from the sources', () => {
  it.each(Object.keys(generatedFiles()))('%s is up to date (run `npm run generate`)', (path) => {
    expect(readFileSync(join(repositoryRoot, path), 'utf8')).toBe(generatedFiles()[path]);
  });

  it('the published schema is a valid JSON Schema 2020-12 document', () => {
    const schema = JSON.parse(readFileSync(join(repositoryRoot, 'dsl/schema/agent.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('the reference documents every action, function and diagnostic code', () => {
    const dsl = readFileSync(join(repositoryRoot, 'docs/dsl.md'), 'utf8');
    const diagnostics = readFileSync(join(repositoryRoot, 'docs/diagnostics.md'), 'utf8');
    for (const action of Object.keys(actionCatalog)) expect(dsl).toContain(`### ${action}\n`);
    for (const fn of Object.values(functionCatalog)) expect(dsl).toContain(`\`${fn.signature}\``);
    for (const [code, definition] of Object.entries(diagnosticCatalog)) {
      expect(diagnostics).toContain(`## ${code}\n`);
      expect(diagnostics).toContain(`Fix: ${definition.fix}`);
    }
  });
});
