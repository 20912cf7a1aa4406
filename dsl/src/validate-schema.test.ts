import { afterAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { parse, stringify } from 'yaml';
import { agentSchema } from './schema';
import { validateAgent } from './validate';
import {
  AGENT_SCHEMA_AJV_OPTIONS,
  agentSchemaStandaloneCode,
  agentSchemaValidator,
  installAgentSchemaValidator,
} from './validate-schema';
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

/** A seeded pseudo-random generator (mulberry32): the same mutations on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = (string | number)[];
/** Every path to a value inside `value` (the root excluded). */
function pathsOf(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...path, i], ...pathsOf(v, [...path, i])]);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => [[...path, k], ...pathsOf(v, [...path, k])]);
  return [];
}

/** `document` with one value changed: replaced by a value of another type or shape, removed, or given a bad key. */
function mutate(document: unknown, random: () => number): unknown {
  const copy = structuredClone(document) as Record<string, unknown>;
  const paths = pathsOf(copy);
  const path = paths[Math.floor(random() * paths.length)]!;
  const parent = path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>((v, k) => v[k] as Record<string | number, unknown>, copy);
  const key = path[path.length - 1]!;
  const replacements: unknown[] = [7, -1, 2.5, 'x', 'Bad Name', '{{ inputs.x }}', '{{ oops', true, null, [], ['x'], {}];
  const choice = Math.floor(random() * (replacements.length + 3));
  if (choice < replacements.length) parent[key] = replacements[choice];
  else if (choice === replacements.length && !Array.isArray(parent)) delete parent[key];
  else if (choice === replacements.length + 1 && typeof parent[key] === 'object' && parent[key] !== null)
    (parent[key] as Record<string, unknown>)[Array.isArray(parent[key]) ? 0 : 'withh'] = { uses: 'nope' };
  else parent[key] = { nested: { value: [1, 'two'] } };
  return copy;
}

describe('the schema validator with large schemas as functions of their own', () => {
  const runtime = agentSchemaValidator();
  afterAll(() => installAgentSchemaValidator(runtime));

  it('reports exactly what a validator with every leaf $ref inlined reports (Ajv default), on 800 broken agents', () => {
    expect(AGENT_SCHEMA_AJV_OPTIONS.inlineRefs).not.toBe(true);
    const inlined = new Ajv2020({ ...AGENT_SCHEMA_AJV_OPTIONS, inlineRefs: true }).compile(agentSchema);
    // The agents that are YAML mappings (some invalid examples are broken YAML on purpose).
    const documents = agents.flatMap((file) => {
      try {
        const value = parse(readFileSync(file, 'utf8')) as unknown;
        return typeof value === 'object' && value !== null ? [value] : [];
      } catch {
        return [];
      }
    });
    expect(documents.length).toBeGreaterThanOrEqual(10);
    const random = seeded(20261204);
    const codes = new Set<string>();
    for (let i = 0; i < 800; i++) {
      const text = stringify(mutate(documents[i % documents.length], random));
      installAgentSchemaValidator(runtime);
      const split = validateAgent(text).diagnostics;
      installAgentSchemaValidator(inlined);
      const reference = validateAgent(text).diagnostics;
      expect({ text, diagnostics: split }).toEqual({ text, diagnostics: reference });
      for (const d of split) codes.add(d.code);
    }
    // The mutations reach the schema's reports that depend on where Ajv puts an error (anyOf branches, the step
    // without a kind), not only type errors.
    expect([...codes].filter((c) => c.startsWith('IFX2')).sort()).toEqual(
      expect.arrayContaining(['IFX201', 'IFX202', 'IFX203', 'IFX206']),
    );
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
