import Ajv2020 from 'ajv/dist/2020';
import { isObj } from './context';

const metaSchemaAjv = new Ajv2020({ strict: false, allErrors: false, validateSchema: true });
const schemaProblems = new Map<string, string | undefined>();

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
  else if (!metaSchemaAjv.validateSchema(schema))
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
