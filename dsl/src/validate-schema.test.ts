import { afterAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020';
import { validateAgent } from './validate';
import { agentSchemaStandaloneCode, agentSchemaValidator, installAgentSchemaValidator } from './validate-schema';
import { installJsonSchemaMetaValidator, jsonSchemaMetaStandaloneCode, jsonSchemaProblem } from './check/json-schema';

const examples = join(__dirname, '..', '..', 'examples');
const agents = ['agents', 'invalid'].flatMap((dir) =>
  readdirSync(join(examples, dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(examples, dir, f)),
);

/** Loads the standalone code as CommonJS (what a bundler does with the ES module version). */
function loadStandalone(code: string): ValidateFunction {
  const module = { exports: {} as { default?: ValidateFunction } };
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  return (module.exports.default ?? module.exports) as ValidateFunction;
}

describe('precompiled schema validator (hosts without eval)', () => {
  const runtime = agentSchemaValidator();
  afterAll(() => installAgentSchemaValidator(runtime));

  it('reports exactly what the runtime-compiled validator reports, on every example and invalid agent', () => {
    const expected = agents.map((file) => validateAgent(readFileSync(file, 'utf8')).diagnostics);
    expect(expected.flat().some((d) => d.code.startsWith('IFX2'))).toBe(true);
    const precompiled = loadStandalone(agentSchemaStandaloneCode({ esm: false }));
    expect(precompiled).not.toBe(runtime);
    installAgentSchemaValidator(precompiled);
    expect(agentSchemaValidator()).toBe(precompiled);
    const actual = agents.map((file) => validateAgent(readFileSync(file, 'utf8')).diagnostics);
    expect(actual).toEqual(expected);
  });

  it('is an ES module by default (for bundlers)', () => {
    const code = agentSchemaStandaloneCode();
    expect(/export default/.test(code)).toBe(true);
    expect(code.match(/.{0,40}\brequire\(.{0,40}/g)).toBeNull();
    expect(code.match(/^import \w+ from "ajv\/dist\/runtime\/[a-z0-9]+";/)).not.toBeNull();
  });
});

/** The ES module output run as CommonJS: its imports as require(), its default export as module.exports.default. */
function loadStandaloneModule(code: string): ValidateFunction {
  const cjs = code
    .replace(/import (\w+) from ("[^"]+");/g, 'const $1 = require($2).default;')
    .replace(/export const (\w+) = /g, 'exports.$1 = ')
    .replace(/export default /g, 'exports.default = ');
  return loadStandalone(cjs);
}

describe('precompiled JSON Schema meta-schema validator (llm.extract schemas in the editor)', () => {
  it('finds the meta-schema problems that checking with Ajv at run time finds (not compile-only ones)', () => {
    const schemas: unknown[] = [
      { type: 'object', properties: { subject: { type: 'string' }, body: { type: 'string' } }, required: ['subject'] },
      { type: 'strin' },
      { type: 'object', properties: { n: { type: 'number', minimum: 'zero' } } },
      { type: 'array', items: { enum: [] } },
      { anyOf: { type: 'string' } },
    ];
    const runtime = schemas.map(jsonSchemaProblem);
    expect(runtime.filter((p) => p !== undefined).length).toBeGreaterThanOrEqual(3);
    installJsonSchemaMetaValidator(loadStandaloneModule(jsonSchemaMetaStandaloneCode()));
    // Distinct objects: the problem cache is keyed by the schema's text, so clear it by using fresh keys.
    const precompiled = schemas.map((s) => jsonSchemaProblem({ ...(s as object), $comment: 'precompiled' }));
    // An empty enum passes the meta-schema and fails only when Ajv compiles the schema: without eval the editor
    // cannot find it (the server's check on save does).
    expect(runtime[3]).toBe('enum must have non-empty array');
    expect(precompiled).toEqual(runtime.map((problem, i) => (i === 3 ? undefined : problem)));
  });
});
