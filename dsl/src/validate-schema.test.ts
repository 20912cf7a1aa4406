import { afterAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020';
import { validateAgent } from './validate';
import { agentSchemaStandaloneCode, agentSchemaValidator, installAgentSchemaValidator } from './validate-schema';

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
