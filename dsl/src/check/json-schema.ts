import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import { isObj } from './context';

const META_OPTIONS = { strict: false, allErrors: false, validateSchema: true } as const;
const META_SCHEMA_ID = 'https://json-schema.org/draft/2020-12/schema';
const metaSchemaAjv = new Ajv2020(META_OPTIONS);
const schemaProblems = new Map<string, string | undefined>();
let precompiledMeta: ValidateFunction | undefined;

/**
 * The JSON Schema 2020-12 meta-schema validator as an ES module's source (Ajv standalone code), for hosts that forbid
 * eval (the studio's editor worker; see `agentSchemaStandaloneCode`).
 */
export function jsonSchemaMetaStandaloneCode(): string {
  const ajv = new Ajv2020({ ...META_OPTIONS, code: { source: true, esm: true } });
  const code = standaloneCode(ajv, ajv.getSchema(META_SCHEMA_ID)!);
  const imports: string[] = [];
  const body = code.replace(/const (\w+) = require\("([^"]+)"\)\.default;/g, (_, name: string, from: string) => {
    imports.push(`import ${name} from ${JSON.stringify(from)};`);
    return '';
  });
  return `${imports.join('')}${body}`;
}

/**
 * Checks schemas with a precompiled meta-schema validator from now on. Without eval, a schema is checked against the
 * meta-schema only: what only compiling it finds (a $ref that resolves nowhere) is left to the server's check.
 */
export function installJsonSchemaMetaValidator(validate: ValidateFunction): void {
  precompiledMeta = validate;
}

/** Why `schema` is not a valid JSON Schema 2020-12, or undefined (cached: the editor re-checks on every keystroke). */
export function jsonSchemaProblem(schema: unknown): string | undefined {
  let key: string;
  try {
    key = JSON.stringify(schema);
  } catch {
    return 'the schema cannot be serialized';
  }
  if (schemaProblems.has(key)) return schemaProblems.get(key);
  let problem: string | undefined;
  if (!isObj(schema)) problem = 'a JSON Schema is a mapping';
  else if (precompiledMeta) {
    if (!precompiledMeta(schema)) problem = metaSchemaAjv.errorsText(precompiledMeta.errors, { dataVar: 'schema' });
  } else if (!metaSchemaAjv.validateSchema(schema))
    problem = metaSchemaAjv.errorsText(metaSchemaAjv.errors, { dataVar: 'schema' });
  else {
    try {
      metaSchemaAjv.compile(schema);
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  if (schemaProblems.size > 500) schemaProblems.clear();
  schemaProblems.set(key, problem);
  return problem;
}
