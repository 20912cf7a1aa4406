import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import type { JsonSchema } from './catalog/json-schema';
import { triggerKinds } from './catalog/triggers';
import {
  formatMessage,
  reportedDiagnostic,
  type Diagnostic,
  type DiagnosticMessage,
  type DocumentPath,
} from './diagnostics';
import { agentSchema, EXPRESSION_PATTERN } from './schema';
import type { SourceLocator } from './source-map';
import { closestMatch, didYouMean } from './suggest';

let compiled: ValidateFunction | undefined;

/** Entries of a long `allOf` per function Ajv generates (see `schemaForAjv`). */
const ALL_OF_PER_FUNCTION = 8;

/**
 * The schema Ajv compiles: the published one with each long `allOf` of a definition (the action step's: an `if`/
 * `then` per action, 59 of them) cut into definitions of `ALL_OF_PER_FUNCTION` entries, each a function of its own.
 * In one function they made a 32 KB function (276 KB with the parameter schemas inlined) that V8 took 150-200 ms of
 * a core to optimise (Maglev) about 45 keystrokes into editing a big agent in the studio, while the user typed.
 */
function schemaForAjv(schema: JsonSchema): JsonSchema {
  const defs: Record<string, JsonSchema> = { ...schema.$defs };
  for (const [name, definition] of Object.entries(schema.$defs ?? {})) {
    const { allOf } = definition;
    if (!allOf || allOf.length <= 2 * ALL_OF_PER_FUNCTION) continue;
    const parts: JsonSchema[] = [];
    for (let start = 0; start < allOf.length; start += ALL_OF_PER_FUNCTION) {
      const part = `${name}.allOf.${start / ALL_OF_PER_FUNCTION}`;
      defs[part] = { allOf: allOf.slice(start, start + ALL_OF_PER_FUNCTION) };
      parts.push({ $ref: `#/$defs/${part}` });
    }
    defs[name] = { ...definition, allOf: parts };
  }
  return { ...schema, $defs: defs };
}

/** Ajv's options for the agent schema (the runtime validator and the standalone code alike). */
export const AGENT_SCHEMA_AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
  strictTypes: false,
  // By default Ajv inlines every $ref'd schema without a $ref inside: the action step's function held every action's
  // parameter schema (276 KB of code). Schemas of more than 8 keywords are now functions of their own (with
  // `schemaForAjv`'s cut the largest function is 20 KB); the reports are the same (validate-schema.test.ts).
  inlineRefs: 8,
} as const;

/** The Ajv validator of the published schema, compiled once per process (or installed precompiled). */
export function agentSchemaValidator(): ValidateFunction {
  if (!compiled) compiled = new Ajv2020(AGENT_SCHEMA_AJV_OPTIONS).compile(schemaForAjv(agentSchema));
  return compiled;
}

/**
 * The schema validator as an ES module's source (Ajv standalone code), for hosts where compiling it at run time is
 * not allowed: Ajv compiles schemas with `new Function`, which a strict Content-Security-Policy (the studio's, in
 * its pages and workers) forbids. A build step writes this module; the host installs its default export with
 * `installAgentSchemaValidator` before validating.
 *
 * @example
 * // vite plugin: load() { return agentSchemaStandaloneCode(); }  worker: installAgentSchemaValidator(validate);
 */
export function agentSchemaStandaloneCode({ esm = true }: { esm?: boolean } = {}): string {
  const ajv = new Ajv2020({ ...AGENT_SCHEMA_AJV_OPTIONS, code: { source: true, esm } });
  const code = standaloneCode(ajv, ajv.compile(schemaForAjv(agentSchema)));
  if (!esm) return code;
  // Ajv's ES module output still loads its runtime helpers (ucs2length, equal...) with require(): make them imports.
  const imports: string[] = [];
  const body = code.replace(/const (\w+) = require\("([^"]+)"\)\.default;/g, (_, name: string, from: string) => {
    imports.push(`import ${name} from ${JSON.stringify(from)};`);
    return '';
  });
  return `${imports.join('')}${body}`;
}

/** Uses a validator precompiled by `agentSchemaStandaloneCode` (same schema, same options) from now on. */
export function installAgentSchemaValidator(validate: ValidateFunction): void {
  compiled = validate;
}

/** Ajv's instancePath (`/spec/steps/0/with`) as a document path (`['spec', 'steps', 0, 'with']`). */
export function instancePathToPath(instancePath: string, data: unknown): DocumentPath {
  if (instancePath === '') return [];
  const path: DocumentPath = [];
  let current: unknown = data;
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const useIndex = Array.isArray(current) && /^\d+$/.test(segment);
    path.push(useIndex ? Number(segment) : segment);
    current =
      current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

const typeNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

function describeActual(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return `${typeof value} ${String(value)}`;
}

function isExpressionBranch(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as JsonSchema).pattern === EXPRESSION_PATTERN;
}

/**
 * Keeps the errors a person needs: Ajv reports every failing branch of `anyOf`/`if`; we keep the branch the author
 * evidently meant and drop the bookkeeping errors.
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const error of errors) {
    // `if` only says a `then` failed, and `propertyNames` only that a name did: the errors inside say what and where.
    if (error.keyword === 'if' || error.keyword === 'propertyNames') dropped.add(error);
    if (error.keyword !== 'anyOf') continue;
    const branches = error.schema as JsonSchema[];
    const base = `${error.schemaPath}/`;
    const branchErrors = errors.filter(
      (e) => e.schemaPath.startsWith(base) && e.instancePath.startsWith(error.instancePath),
    );
    dropped.add(error);
    const expressionIndex = branches.findIndex(isExpressionBranch);
    if (expressionIndex >= 0) {
      // A literal where an expression is also allowed: report the literal's problem unless it looks like an expression.
      const looksLikeExpression = typeof error.data === 'string' && error.data.includes('{{');
      for (const e of branchErrors) {
        const inExpressionBranch = e.schemaPath.startsWith(`${base}${expressionIndex}/`);
        if (inExpressionBranch !== looksLikeExpression) dropped.add(e);
      }
      continue;
    }
    // Otherwise keep the branches whose type matched the value; if none did, keep one combined type error.
    const typeFailed = new Set<number>();
    for (const e of branchErrors) {
      if (e.keyword === 'type' && e.instancePath === error.instancePath)
        typeFailed.add(Number(e.schemaPath.slice(base.length).split('/')[0]));
    }
    if (typeFailed.size === branches.length) {
      branchErrors.forEach((e) => dropped.add(e));
      dropped.delete(error);
      continue;
    }
    for (const e of branchErrors) {
      if (typeFailed.has(Number(e.schemaPath.slice(base.length).split('/')[0]))) dropped.add(e);
    }
  }
  return errors.filter((e) => !dropped.has(e));
}

/** Names a value by its nearest key, e.g. 'with.level' or 'steps[2]': the range already says where it is. */
function describeWhere(path: DocumentPath, { midSentence = false }: { midSentence?: boolean } = {}): string {
  if (path.length === 0) return midSentence ? 'the document' : 'The document';
  const tail: string[] = [];
  for (let i = path.length - 1; i >= 0 && tail.length < 2; i--) {
    const segment = path[i]!;
    if (typeof segment === 'number') {
      tail.unshift(`${String(path[i - 1] ?? '')}[${segment}]`);
      i--;
    } else {
      tail.unshift(segment);
    }
  }
  return `'${tail.join('.')}'`;
}

/** One Ajv error as a catalog message, placed at `path`. */
type MappedError = DiagnosticMessage & {
  /** For IFX201: the missing property. */
  missing?: string;
  path: DocumentPath;
  prefer: 'value' | 'key';
  suggestion?: string;
};

/** A repeated list item, as the message shows it. */
function describeItem(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : describeActual(value);
}

/**
 * Maps one Ajv error (of the agent schema, or of any schema: the keywords the agent schema does not use today fall
 * back to Ajv's own wording) to a catalog message.
 */
export function mapSchemaError(error: ErrorObject, data: unknown): MappedError | undefined {
  const path = instancePathToPath(error.instancePath, data);
  const where = describeWhere(path);
  const parent = error.parentSchema as JsonSchema | undefined;
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      if (error.schemaPath.includes('stepWithoutKind')) {
        return { code: 'IFX206', messageId: 'stepWithoutKind', path, prefer: 'value' };
      }
      return {
        code: 'IFX201',
        messageId: 'missingProperty',
        data: { where, property: missing },
        path,
        prefer: 'key',
        missing,
      };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const extra =
        (error.params as { additionalProperty?: string; unevaluatedProperty?: string }).additionalProperty ??
        (error.params as { unevaluatedProperty: string }).unevaluatedProperty;
      const known = Object.keys(parent?.properties ?? {});
      const suggestion = closestMatch(extra, known);
      const stepKinds = ['uses', 'if', 'switch', 'forEach'];
      if (stepKinds.includes(extra) && known.some((k) => stepKinds.includes(k))) {
        return {
          code: 'IFX206',
          messageId: 'stepKindsCombined',
          data: { kind: extra },
          path: [...path, extra],
          prefer: 'key',
        };
      }
      const data = { name: extra, where: describeWhere(path, { midSentence: true }) };
      const mapped: MappedError =
        suggestion === undefined && known.length > 0 && known.length <= 12
          ? {
              code: 'IFX202',
              messageId: 'unknownPropertyAllowed',
              data: { ...data, allowed: known.join(', ') },
              path: [...path, extra],
              prefer: 'key',
            }
          : {
              code: 'IFX202',
              messageId: 'unknownProperty',
              data: { ...data, didYouMean: didYouMean(suggestion) },
              path: [...path, extra],
              prefer: 'key',
            };
      if (suggestion !== undefined) mapped.suggestion = suggestion;
      return mapped;
    }
    case 'type': {
      const expected = String((error.params as { type: string | string[] }).type)
        .split(',')
        .map((t) => typeNames[t] ?? t)
        .join(' or ');
      return {
        code: 'IFX200',
        messageId: 'wrongType',
        data: { where, expected, actual: describeActual(error.data) },
        path,
        prefer: 'value',
      };
    }
    case 'anyOf': {
      const branches = (error.schema as JsonSchema[]).map((b) =>
        isExpressionBranch(b)
          ? 'a {{ expression }}'
          : b.enum
            ? (b.enum as unknown[]).map(String).join(', ')
            : (typeNames[String(b.type)] ?? 'a value'),
      );
      return {
        code: 'IFX200',
        messageId: 'wrongType',
        data: { where, expected: branches.join(' or '), actual: describeActual(error.data) },
        path,
        prefer: 'value',
      };
    }
    case 'enum':
    case 'const': {
      const allowed =
        error.keyword === 'enum'
          ? (error.params as { allowedValues: unknown[] }).allowedValues
          : [(error.params as { allowedValue: unknown }).allowedValue];
      const last = path[path.length - 1];
      const suggestion = typeof error.data === 'string' ? closestMatch(error.data, allowed.map(String)) : undefined;
      const actual = describeActual(error.data);
      const listed = allowed.map(String).join(', ');
      let message: DiagnosticMessage;
      if (last === 'uses') {
        const name = String(error.data);
        message =
          suggestion === undefined
            ? { code: 'IFX305', messageId: 'unknownActionUnmatched', data: { name } }
            : { code: 'IFX305', messageId: 'unknownAction', data: { name, suggestion } };
      } else if (path.length === 1 && (last === 'apiVersion' || last === 'kind')) {
        message =
          suggestion === undefined
            ? { code: 'IFX207', messageId: 'unsupportedValueListed', data: { where, actual, allowed: listed } }
            : { code: 'IFX207', messageId: 'unsupportedValue', data: { where, actual, suggestion } };
      } else if (suggestion !== undefined) {
        message = { code: 'IFX203', messageId: 'notAllowed', data: { where, actual, suggestion } };
      } else if (allowed.length <= 12) {
        message = { code: 'IFX203', messageId: 'notAllowedListed', data: { where, actual, allowed: listed } };
      } else {
        message = { code: 'IFX203', messageId: 'notAllowedLong', data: { where, actual } };
      }
      const mapped: MappedError = { ...message, path, prefer: 'value' };
      if (suggestion !== undefined) mapped.suggestion = suggestion;
      return mapped;
    }
    case 'pattern':
    case 'format': {
      const actual = describeActual(error.data);
      if ((error.schema as unknown) === EXPRESSION_PATTERN)
        return { code: 'IFX204', messageId: 'notWholeExpression', data: { where, actual }, path, prefer: 'value' };
      if (parent?.description) {
        const data = { where, actual, description: parent.description };
        return { code: 'IFX204', messageId: 'invalidFormat', data, path, prefer: 'value' };
      }
      return { code: 'IFX204', messageId: 'invalidFormatUndescribed', data: { where, actual }, path, prefer: 'value' };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const prefer = path[path.length - 1] === 'trigger' ? 'key' : 'value';
      if (error.keyword === 'minProperties' && path[path.length - 1] === 'trigger') {
        return { code: 'IFX205', messageId: 'emptyTrigger', data: { kinds: triggerKinds.join(', ') }, path, prefer };
      }
      if (error.keyword === 'maxProperties' && path[path.length - 1] === 'trigger') {
        const kinds = error.data !== null && typeof error.data === 'object' ? Object.keys(error.data) : [];
        const data = { count: kinds.length, kinds: kinds.join(', ') };
        return { code: 'IFX205', messageId: 'severalTriggers', data, path, prefer };
      }
      const problem = error.message ?? 'is out of range';
      return { code: 'IFX205', messageId: 'outOfRange', data: { where, problem }, path, prefer: 'value' };
    }
    case 'uniqueItems': {
      const { i } = error.params as { i: number; j: number };
      const value = describeItem(Array.isArray(error.data) ? (error.data as unknown[])[i] : undefined);
      return { code: 'IFX205', messageId: 'repeatedItem', data: { where, value }, path, prefer: 'value' };
    }
    default: {
      const problem = error.message ?? 'is invalid';
      return { code: 'IFX200', messageId: 'schemaRule', data: { where, problem }, path, prefer: 'value' };
    }
  }
}

/** Validates the plain value against the published schema and maps every error to the YAML source range. */
export function validateAgentSchema({ value, locator }: { value: unknown; locator: SourceLocator }): Diagnostic[] {
  const validate = agentSchemaValidator();
  if (validate(value)) return [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const mappedErrors = relevantErrors(validate.errors ?? []).map((error) => mapSchemaError(error, value));
  // A misspelt property already says "did you mean 'x'"; "x is missing" on top of it would be noise.
  const misspelt = new Set(
    mappedErrors
      .filter((m) => m?.code === 'IFX202' && m.suggestion)
      .map((m) => [...m!.path.slice(0, -1), m!.suggestion].join('/')),
  );
  for (const mapped of mappedErrors) {
    if (!mapped) continue;
    if (mapped.code === 'IFX201' && misspelt.has([...mapped.path, mapped.missing].join('/'))) continue;
    const key = `${mapped.code}|${mapped.path.join('/')}|${formatMessage(mapped)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(reportedDiagnostic({ ...mapped, range: locator.rangeOf(mapped.path, mapped.prefer) }));
  }
  return diagnostics;
}
