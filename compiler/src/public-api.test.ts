import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileAgent } from './compile';
import { decompileWorkflow } from './decompile';
import { ionfluxMetaOf, toPublicApiWorkflow } from './public-api';
import type { N8nWorkflow } from './workflow';

const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));

describe('workflows for the n8n public API', () => {
  it.each(examples)('%s: no top-level meta; the metadata lives in staticData and decompiles the same', (file) => {
    const { workflow } = compileAgent(readFileSync(join(examplesDir, file), 'utf8'));
    const body = toPublicApiWorkflow(workflow!);
    // n8n's POST /api/v1/workflows refuses `meta` (read-only) and any property it does not list.
    expect(Object.keys(body).sort()).toEqual(['connections', 'name', 'nodes', 'settings', 'staticData']);
    expect(ionfluxMetaOf(body)).toEqual(workflow!.meta.ionflux);
    // As n8n returns it (static data may come back as JSON text), beside n8n's own static data keys.
    const returned = {
      ...body,
      id: 'wf1',
      active: false,
      staticData: JSON.stringify({ ...body.staticData, 'node:Webhook': { webhookId: 'x' } }),
    };
    expect(decompileWorkflow(returned as unknown as N8nWorkflow).yaml).toBe(decompileWorkflow(workflow!).yaml);
  });

  it('finds no IONFLUX metadata in a workflow built in n8n', () => {
    expect(ionfluxMetaOf({ staticData: null })).toBeUndefined();
    expect(ionfluxMetaOf({ staticData: 'not json' })).toBeUndefined();
    expect(ionfluxMetaOf({ staticData: { global: {} }, meta: { instanceId: 'x' } })).toBeUndefined();
  });
});
