import Ajv2020 from 'ajv/dist/2020';
import { getAction, type ActionDefinition } from './catalog/actions';
import { connectionValueSchema, type ConnectionType } from './catalog/connections';
import type { JsonSchema } from './catalog/json-schema';
import { triggerCatalog, type TriggerKind } from './catalog/triggers';
import { parseDuration, stepKind } from './agent';
import {
  createDiagnostic,
  type Diagnostic,
  type DiagnosticCode,
  type DocumentPath,
  type Severity,
} from './diagnostics';
import { asReferencePath, type Expression, type Template } from './expressions/ast';
import { RESERVED_FIELD_NAMES } from './expressions/reserved-names';
import { hasExpression, parseTemplate } from './expressions/parse';
import {
  arrayOf,
  BOOLEAN,
  describeType,
  isDefinitely,
  mayBe,
  nonNull,
  NUMBER,
  objectOf,
  STRING,
  typeFromSchema,
  typeOfValue,
  union,
  UNKNOWN,
  type ValueType,
} from './expressions/types';
import type { SourceLocator } from './source-map';
import { closestMatch, didYouMean } from './suggest';

/**
 * Semantic checks Ajv cannot do: step ids, references inside expressions, types of conditions and loop sources,
 * connections, error-handler graphs, cron. Defensive on purpose: it runs on documents that may also have schema
 * errors, so every value is type-checked before use, and it reports everything it finds in one pass.
 */

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const entries = (value: unknown): [string, unknown][] => (isObj(value) ? Object.entries(value) : []);

const ROOTS = ['inputs', 'trigger', 'steps', 'connections'] as const;
const RESERVED_NAMES = new Set<string>([...ROOTS, 'loop', 'error', 'item_index', 'true', 'false', 'null']);

interface StepInfo {
  id: string;
  path: DocumentPath;
  step: Obj;
  kind: 'action' | 'if' | 'switch' | 'forEach' | undefined;
  order: number;
  handler: string | undefined;
  /** Enclosing forEach step ids, outermost first. */
  loops: string[];
  /** Enclosing branches as `<control step id>:<branch>`, outermost first. */
  branches: string[];
}

interface Location {
  order: number;
  handler: string | undefined;
  loops: string[];
  branches: string[];
  /** Loop variables in scope (name -> item type). */
  variables: Map<string, ValueType>;
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** Connection each action step uses after inference (step id -> connection name). */
  resolvedConnections: Map<string, string>;
}

const metaSchemaAjv = new Ajv2020({ strict: false, allErrors: false, validateSchema: true });
const schemaProblems = new Map<string, string | undefined>();

/** Whether `schema` is a valid JSON Schema 2020-12 (cached: the editor re-checks on every keystroke). */
function jsonSchemaProblem(schema: unknown): string | undefined {
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

export function checkAgentSemantics({ value, locator }: { value: unknown; locator: SourceLocator }): CheckResult {
  return new SemanticChecker(value, locator).run();
}

class SemanticChecker {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly resolvedConnections = new Map<string, string>();
  private readonly spec: Obj;
  private readonly inputs = new Map<string, Obj>();
  private readonly connections = new Map<string, Obj>();
  private readonly usedInputs = new Set<string>();
  private readonly usedConnections = new Set<string>();
  private readonly steps = new Map<string, StepInfo>();
  private readonly handlers = new Map<string, unknown[]>();
  private readonly outputTypes = new Map<string, ValueType | undefined>();
  private triggerType: ValueType = UNKNOWN;
  /** Item type of each forEach loop, recorded when its source expression is checked. */
  private readonly loopItemTypes = new Map<string, ValueType>();
  private order = 0;

  constructor(
    private readonly agent: unknown,
    private readonly locator: SourceLocator,
  ) {
    this.spec = isObj(agent) && isObj(agent.spec) ? agent.spec : {};
  }

  run(): CheckResult {
    for (const [name, definition] of entries(this.spec.inputs))
      if (isObj(definition)) this.inputs.set(name, definition);
    for (const [name, definition] of entries(this.spec.connections))
      if (isObj(definition)) this.connections.set(name, definition);
    for (const [name, steps] of entries(this.spec.handlers)) if (Array.isArray(steps)) this.handlers.set(name, steps);

    this.checkInputs();
    this.checkTrigger();
    this.collectSteps(this.spec.steps, ['spec', 'steps'], { handler: undefined, loops: [], branches: [] });
    for (const [name, steps] of this.handlers) {
      this.collectSteps(steps, ['spec', 'handlers', name], { handler: name, loops: [], branches: [] });
    }
    const mainVariables = new Map<string, ValueType>();
    this.checkSteps(this.spec.steps, ['spec', 'steps'], mainVariables);
    for (const [name, steps] of this.handlers) {
      const variables = new Map<string, ValueType>([
        ['error', objectOf({ message: STRING, step: STRING, node: STRING, description: STRING }, true)],
      ]);
      this.checkSteps(steps, ['spec', 'handlers', name], variables);
    }
    this.checkOutput();
    this.checkErrorHandling();
    this.checkUnused();
    return { diagnostics: this.diagnostics, resolvedConnections: this.resolvedConnections };
  }

  // ---------------------------------------------------------------------------------------------- reporting

  private report({
    code,
    message,
    path,
    prefer = 'value',
    suggestion,
    severity,
  }: {
    code: DiagnosticCode;
    message: string;
    path: DocumentPath;
    prefer?: 'value' | 'key';
    suggestion?: string | undefined;
    severity?: Severity;
  }): void {
    const diagnostic = createDiagnostic({
      code,
      message,
      path,
      range: this.locator.rangeOf(path, prefer),
      ...(severity ? { severity } : {}),
    });
    if (suggestion !== undefined) diagnostic.suggestion = suggestion;
    this.diagnostics.push(diagnostic);
  }

  /** Reports a problem on characters `start..end` of the string at `path` (exact when the scalar allows it). */
  private reportInString({
    code,
    message,
    path,
    value,
    start,
    end,
    suggestion,
    severity,
  }: {
    code: DiagnosticCode;
    message: string;
    path: DocumentPath;
    value: string;
    start: number;
    end: number;
    suggestion?: string | undefined;
    severity?: Severity;
  }): void {
    const range = this.locator.rangeInString(path, value, start, end) ?? this.locator.rangeOf(path);
    const diagnostic = createDiagnostic({ code, message, path, range, ...(severity ? { severity } : {}) });
    if (suggestion !== undefined) diagnostic.suggestion = suggestion;
    this.diagnostics.push(diagnostic);
  }

  // ---------------------------------------------------------------------------------------------- inputs

  private checkInputs(): void {
    for (const [name, definition] of this.inputs) {
      if (RESERVED_NAMES.has(name)) {
        this.report({
          code: 'IFX203',
          message: `'${name}' is reserved; name the input differently.`,
          path: ['spec', 'inputs', name],
          prefer: 'key',
        });
      }
      const knownType = ['string', 'number', 'integer', 'boolean', 'array', 'object'].includes(
        definition.type as string,
      );
      if (!('default' in definition) || !knownType) continue;
      const problem = valueTypeProblem(definition.default, definition);
      if (problem) {
        this.report({
          code: 'IFX504',
          message: `The default of input '${name}' ${problem}.`,
          path: ['spec', 'inputs', name, 'default'],
        });
      }
    }
  }

  private inputsType(): ValueType {
    const fields: Record<string, ValueType> = {};
    for (const [name, definition] of this.inputs) fields[name] = inputValueType(definition);
    return objectOf(fields, false);
  }

  // ---------------------------------------------------------------------------------------------- trigger

  private checkTrigger(): void {
    const trigger = this.spec.trigger;
    const kinds = Object.keys(isObj(trigger) ? trigger : {});
    const kind = kinds.length === 1 ? (kinds[0] as TriggerKind) : undefined;
    if (!kind || !(kind in triggerCatalog)) return;
    this.triggerType = typeFromSchema(triggerCatalog[kind].payload);
    const config = (trigger as Obj)[kind];
    if (!isObj(config)) return;
    if (kind === 'schedule' && typeof config.cron === 'string') {
      const problem = cronProblem(config.cron);
      if (problem)
        this.report({
          code: 'IFX505',
          message: `Invalid cron '${config.cron}': ${problem}.`,
          path: ['spec', 'trigger', kind, 'cron'],
        });
    }
    if (kind === 'schedule' && typeof config.timezone === 'string' && !isTimeZone(config.timezone)) {
      const suggestion = closestMatch(config.timezone, timeZones());
      this.report({
        code: 'IFX203',
        message: `Unknown timezone '${config.timezone}'${didYouMean(suggestion)}; use an IANA name such as Europe/Paris.`,
        path: ['spec', 'trigger', kind, 'timezone'],
        suggestion,
      });
    }
    if (kind === 'shopify.order' && typeof config.connection === 'string') {
      this.checkNamedConnection({
        name: config.connection,
        type: 'shopify',
        path: ['spec', 'trigger', kind, 'connection'],
        user: 'The Shopify order trigger',
      });
    }
  }

  // ---------------------------------------------------------------------------------------------- steps

  private collectSteps(
    steps: unknown,
    path: DocumentPath,
    scope: { handler: string | undefined; loops: string[]; branches: string[] },
  ): void {
    if (!Array.isArray(steps)) return;
    steps.forEach((step, index) => {
      if (!isObj(step)) return;
      const stepPath = [...path, index];
      const kind = stepKind(step);
      const id = typeof step.id === 'string' ? step.id : undefined;
      const info: StepInfo = { id: id ?? '', path: stepPath, step, kind, order: this.order++, ...scope };
      if (id !== undefined) {
        const existing = this.steps.get(id);
        if (existing) {
          this.report({
            code: 'IFX300',
            message: `Step id '${id}' is already used at ${describePath(existing.path)}; step ids must be unique.`,
            path: [...stepPath, 'id'],
          });
        } else {
          this.steps.set(id, info);
        }
      }
      const inner = (key: string, branch: string | undefined, extraLoop?: string) =>
        this.collectSteps(step[key], [...stepPath, key], {
          handler: scope.handler,
          loops: extraLoop ? [...scope.loops, extraLoop] : scope.loops,
          branches: branch ? [...scope.branches, branch] : scope.branches,
        });
      if (kind === 'if') {
        inner('then', `${id}:then`);
        inner('else', `${id}:else`);
      } else if (kind === 'switch') {
        for (const [value, caseSteps] of entries(step.cases)) {
          this.collectSteps(caseSteps, [...stepPath, 'cases', value], {
            handler: scope.handler,
            loops: scope.loops,
            branches: [...scope.branches, `${id}:case:${value}`],
          });
        }
        inner('default', `${id}:default`);
      } else if (kind === 'forEach') {
        inner('steps', undefined, id ?? '');
      }
    });
  }

  private checkSteps(steps: unknown, path: DocumentPath, variables: Map<string, ValueType>): void {
    if (!Array.isArray(steps)) return;
    steps.forEach((step, index) => {
      if (!isObj(step)) return;
      const stepPath = [...path, index];
      const info = typeof step.id === 'string' ? this.steps.get(step.id) : undefined;
      const location: Location =
        info && info.path.join('/') === stepPath.join('/')
          ? { order: info.order, handler: info.handler, loops: info.loops, branches: info.branches, variables }
          : { order: Number.MAX_SAFE_INTEGER, handler: undefined, loops: [], branches: [], variables };
      switch (stepKind(step)) {
        case 'action':
          this.checkAction(step, stepPath, location);
          break;
        case 'if': {
          const type = this.checkWholeExpression(step.if, [...stepPath, 'if'], location);
          if (type && isDefinitely(type, ['string', 'number', 'array', 'object', 'null'])) {
            this.report({
              code: 'IFX500',
              message: `The condition is ${describeType(type)}, not true/false: compare it (e.g. with == or >).`,
              path: [...stepPath, 'if'],
            });
          }
          this.checkSteps(step.then, [...stepPath, 'then'], variables);
          this.checkSteps(step.else, [...stepPath, 'else'], variables);
          break;
        }
        case 'switch': {
          this.checkWholeExpression(step.switch, [...stepPath, 'switch'], location);
          for (const [value, caseSteps] of entries(step.cases))
            this.checkSteps(caseSteps, [...stepPath, 'cases', value], variables);
          this.checkSteps(step.default, [...stepPath, 'default'], variables);
          break;
        }
        case 'forEach': {
          const type = this.checkWholeExpression(step.forEach, [...stepPath, 'forEach'], location);
          if (type && isDefinitely(type, ['string', 'number', 'boolean', 'object', 'null'])) {
            this.report({
              code: 'IFX501',
              message: `forEach needs a list; this is ${describeType(type)}.`,
              path: [...stepPath, 'forEach'],
            });
          }
          const as = typeof step.as === 'string' ? step.as : 'item';
          if (RESERVED_NAMES.has(as)) {
            this.report({
              code: 'IFX203',
              message: `The loop variable cannot be named '${as}'.`,
              path: [...stepPath, 'as'],
            });
          }
          const itemType = type && type.kind === 'array' ? type.items : UNKNOWN;
          if (typeof step.id === 'string') this.loopItemTypes.set(step.id, itemType);
          const clash = (Array.isArray(step.steps) ? step.steps : []).find((inner) => isObj(inner) && inner.id === as);
          if (clash) {
            this.report({
              code: 'IFX203',
              message: `The loop variable '${as}' has the same name as a step inside the loop; rename one.`,
              path: [...stepPath, 'as'],
            });
          }
          const inner = new Map(variables);
          inner.set(as, itemType);
          inner.set('loop', objectOf({ index: NUMBER, first: BOOLEAN, last: BOOLEAN, length: NUMBER }));
          this.checkSteps(step.steps, [...stepPath, 'steps'], inner);
          break;
        }
        default:
          break;
      }
    });
  }

  private checkAction(step: Obj, path: DocumentPath, location: Location): void {
    const uses = typeof step.uses === 'string' ? step.uses : undefined;
    const action = uses ? getAction(uses) : undefined;
    if (action) this.checkStepConnection(step, path, uses!, action);
    const withValue = step.with;
    if (isObj(withValue)) {
      const params = action?.params.properties ?? {};
      for (const [name, value] of Object.entries(withValue)) {
        const paramPath = [...path, 'with', name];
        if (name === 'schema' && uses === 'llm.extract') {
          const problem = jsonSchemaProblem(value);
          if (problem)
            this.report({
              code: 'IFX506',
              message: `The extraction schema is not a valid JSON Schema: ${problem}.`,
              path: paramPath,
            });
          continue;
        }
        const type = this.checkValue(value, paramPath, location);
        const expected = params[name];
        if (expected && type && typeof value === 'string' && parseTemplateCached(value).isWholeExpression) {
          const problem = parameterTypeProblem(type, expected);
          if (problem) this.report({ code: 'IFX503', message: `Parameter '${name}' ${problem}.`, path: paramPath });
        }
      }
    }
    if (isObj(step.onError) && typeof step.onError.goto === 'string' && !this.handlers.has(step.onError.goto)) {
      this.reportUnknownHandler(step.onError.goto, [...path, 'onError', 'goto']);
    }
    this.checkRetries(step.retries, [...path, 'retries']);
  }

  /** Fixed-backoff retries become n8n's own retry settings, which allow 5 attempts and 5 s between them. */
  private checkRetries(retries: unknown, path: DocumentPath): void {
    if (!isObj(retries) || retries.backoff !== 'fixed') return;
    if (typeof retries.max === 'number' && retries.max > 4) {
      this.report({
        code: 'IFX205',
        message:
          "With backoff: fixed, retries run on n8n's retry settings: at most 4 retries (5 attempts). Use backoff: exponential for more.",
        path: [...path, 'max'],
      });
    }
    const delay = typeof retries.delay === 'string' ? parseDuration(retries.delay) : undefined;
    if (delay !== undefined && delay > 5000) {
      this.report({
        code: 'IFX205',
        message:
          'With backoff: fixed, n8n waits at most 5s between attempts. Use a shorter delay or backoff: exponential.',
        path: [...path, 'delay'],
      });
    }
  }

  private checkStepConnection(step: Obj, path: DocumentPath, uses: string, action: ActionDefinition): void {
    const needed = action.connection;
    const stepId = typeof step.id === 'string' ? step.id : '';
    if (typeof step.connection === 'string') {
      if (!needed) {
        this.report({
          code: 'IFX306',
          message: `${uses} does not use a connection; remove 'connection'.`,
          path: [...path, 'connection'],
        });
        return;
      }
      const ok = this.checkNamedConnection({
        name: step.connection,
        type: needed.type,
        path: [...path, 'connection'],
        user: uses,
      });
      if (ok) {
        this.resolvedConnections.set(stepId, step.connection);
        this.checkScopes(step.connection, uses, action, [...path, 'connection']);
      }
      return;
    }
    if (!needed) return;
    const candidates = [...this.connections].filter(([, c]) => c.type === needed.type).map(([name]) => name);
    if (candidates.length === 1) {
      this.usedConnections.add(candidates[0]!);
      this.resolvedConnections.set(stepId, candidates[0]!);
      this.checkScopes(candidates[0]!, uses, action, [...path, 'uses']);
    } else if (candidates.length === 0 && needed.required) {
      this.report({
        code: 'IFX307',
        message: `${uses} needs a ${needed.type} connection: declare one under spec.connections (e.g. store: { type: ${needed.type} }).`,
        path: [...path, 'uses'],
      });
    } else if (candidates.length > 1) {
      this.report({
        code: 'IFX308',
        message: `Several ${needed.type} connections fit (${candidates.join(', ')}): say which with 'connection:'.`,
        path: [...path, 'uses'],
      });
    }
  }

  private checkNamedConnection({
    name,
    type,
    path,
    user,
  }: {
    name: string;
    type: ConnectionType;
    path: DocumentPath;
    user: string;
  }): boolean {
    const connection = this.connections.get(name);
    if (!connection) {
      const suggestion = closestMatch(name, this.connections.keys());
      this.report({
        code: 'IFX304',
        message: `Unknown connection '${name}'${didYouMean(suggestion)}; declare it under spec.connections.`,
        path,
        suggestion,
      });
      return false;
    }
    this.usedConnections.add(name);
    if (typeof connection.type === 'string' && connection.type !== type) {
      this.report({
        code: 'IFX306',
        message: `${user} needs a ${type} connection, but '${name}' is ${connection.type}.`,
        path,
      });
      return false;
    }
    return true;
  }

  private checkScopes(connectionName: string, uses: string, action: ActionDefinition, path: DocumentPath): void {
    const connection = this.connections.get(connectionName);
    const declared = Array.isArray(connection?.scopes) ? (connection!.scopes as unknown[]) : undefined;
    if (!declared || !action.connection?.scopes) return;
    const missing = action.connection.scopes.filter((scope) => !declared.includes(scope));
    if (missing.length > 0) {
      this.report({
        code: 'IFX316',
        message: `${uses} needs the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which connection '${connectionName}' does not ask for.`,
        path,
        severity: 'warning',
      });
    }
  }

  // ---------------------------------------------------------------------------------------------- output, handlers

  private checkOutput(): void {
    const output = this.spec.output;
    if (!isObj(output)) return;
    const location: Location = {
      order: Number.MAX_SAFE_INTEGER,
      handler: undefined,
      loops: [],
      branches: [],
      variables: new Map(),
    };
    if (output.value !== undefined) this.checkValue(output.value, ['spec', 'output', 'value'], location);
    for (const [section, value] of entries(output)) {
      if (section === 'value' || !isObj(value)) continue;
      for (const [key, field] of Object.entries(value))
        this.checkValue(field, ['spec', 'output', section, key], location);
    }
  }

  private reportUnknownHandler(name: string, path: DocumentPath): void {
    const suggestion = closestMatch(name, this.handlers.keys());
    this.report({
      code: 'IFX309',
      message: `Unknown handler '${name}'${didYouMean(suggestion)}; declare it under spec.handlers.`,
      path,
      suggestion,
    });
  }

  private checkErrorHandling(): void {
    const policy = this.spec.policy;
    if (isObj(policy)) this.checkRetries(policy.retries, ['spec', 'policy', 'retries']);
    if (
      isObj(policy) &&
      isObj(policy.onError) &&
      typeof policy.onError.goto === 'string' &&
      !this.handlers.has(policy.onError.goto)
    ) {
      this.reportUnknownHandler(policy.onError.goto, ['spec', 'policy', 'onError', 'goto']);
    }
    // Edges handler -> handler from every `goto` inside a handler; a cycle would bounce errors forever.
    const edges = new Map<string, { target: string; path: DocumentPath }[]>();
    for (const info of this.steps.values()) {
      if (!info.handler || !isObj(info.step.onError) || typeof info.step.onError.goto !== 'string') continue;
      const target = info.step.onError.goto;
      if (!this.handlers.has(target)) continue;
      const list = edges.get(info.handler) ?? [];
      list.push({ target, path: [...info.path, 'onError', 'goto'] });
      edges.set(info.handler, list);
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const reported = new Set<string>();
    const visit = (handler: string, trail: string[]): void => {
      state.set(handler, 'visiting');
      for (const edge of edges.get(handler) ?? []) {
        if (state.get(edge.target) === 'visiting') {
          const cycle = [...trail.slice(trail.indexOf(edge.target)), handler, edge.target];
          const key = [...cycle].sort().join('>');
          if (!reported.has(key)) {
            reported.add(key);
            this.report({
              code: 'IFX310',
              message: `Error handlers form a cycle: ${cycle.filter((h, i) => i === 0 || h !== cycle[i - 1]).join(' -> ')}.`,
              path: edge.path,
            });
          }
        } else if (!state.has(edge.target)) {
          visit(edge.target, [...trail, handler]);
        }
      }
      state.set(handler, 'done');
    };
    for (const handler of this.handlers.keys()) if (!state.has(handler)) visit(handler, []);
  }

  private checkUnused(): void {
    for (const name of this.inputs.keys()) {
      if (!this.usedInputs.has(name)) {
        this.report({
          code: 'IFX315',
          message: `Input '${name}' is declared but never used.`,
          path: ['spec', 'inputs', name],
          prefer: 'key',
        });
      }
    }
    for (const name of this.connections.keys()) {
      if (!this.usedConnections.has(name)) {
        this.report({
          code: 'IFX315',
          message: `Connection '${name}' is declared but never used.`,
          path: ['spec', 'connections', name],
          prefer: 'key',
        });
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- expressions

  /** Checks every string inside a value; returns the value's type (typed when it is one whole expression). */
  private checkValue(value: unknown, path: DocumentPath, location: Location): ValueType | undefined {
    if (typeof value === 'string') {
      if (!hasExpression(value)) return STRING;
      const template = parseTemplateCached(value);
      this.reportTemplateProblems(template, value, path);
      let wholeType: ValueType | undefined;
      for (const part of template.parts) {
        if (part.kind !== 'expression' || !part.expression) continue;
        const type = this.infer(part.expression, { path, value, location });
        if (template.isWholeExpression) wholeType = type;
      }
      return template.isWholeExpression ? wholeType : STRING;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => this.checkValue(item, [...path, index], location));
      return typeOfValue(value);
    }
    if (isObj(value)) {
      for (const [key, item] of Object.entries(value)) this.checkValue(item, [...path, key], location);
      return objectOf({}, true);
    }
    return typeOfValue(value);
  }

  /** A value that must be one `{{ expression }}` (if, switch, forEach, output.value); the schema checks the form. */
  private checkWholeExpression(value: unknown, path: DocumentPath, location: Location): ValueType | undefined {
    if (typeof value !== 'string' || !hasExpression(value)) return undefined;
    const template = parseTemplateCached(value);
    if (!template.isWholeExpression) {
      this.reportTemplateProblems(template, value, path);
      return undefined;
    }
    return this.checkValue(value, path, location);
  }

  private reportTemplateProblems(template: Template, value: string, path: DocumentPath): void {
    for (const problem of template.problems) {
      this.reportInString({
        code: problem.code,
        message: problem.message,
        path,
        value,
        start: problem.start,
        end: problem.end,
        suggestion: problem.suggestion,
      });
    }
  }

  private infer(expression: Expression, at: { path: DocumentPath; value: string; location: Location }): ValueType {
    const report = (
      code: DiagnosticCode,
      message: string,
      span: { start: number; end: number },
      suggestion?: string,
      severity?: Severity,
    ) =>
      this.reportInString({
        code,
        message,
        path: at.path,
        value: at.value,
        start: span.start,
        end: span.end,
        suggestion,
        severity,
      });

    switch (expression.kind) {
      case 'literal':
        return typeOfValue(expression.value);
      case 'array':
        return arrayOf(union(expression.items.map((item) => this.infer(item, at))));
      case 'identifier':
        return this.resolveRoot(expression.name, expression, at.location, report);
      case 'member':
      case 'index': {
        const reference = asReferencePath(expression);
        if (reference && reference.root === 'steps' && !at.location.variables.has('steps')) {
          return this.resolveStepReference(reference, at.location, report);
        }
        if (reference?.root === 'inputs' && reference.segments.length === 0)
          this.inputs.forEach((_, name) => this.usedInputs.add(name));
        const objectType = this.infer(expression.object, at);
        if (expression.kind === 'member') {
          const span = { start: expression.propertyStart, end: expression.end };
          const rootField =
            reference && reference.segments.length === 1 && !at.location.variables.has(reference.root)
              ? reference.root
              : undefined;
          if (rootField === 'inputs')
            return this.resolveDeclared(
              'input',
              expression.property,
              this.inputs,
              this.usedInputs,
              objectType,
              span,
              report,
            );
          if (rootField === 'connections') {
            return this.resolveDeclared(
              'connection',
              expression.property,
              this.connections,
              this.usedConnections,
              objectType,
              span,
              report,
            );
          }
          return this.accessField(objectType, expression.property, span, report);
        }
        const indexType = this.infer(expression.index, at);
        if (expression.index.kind === 'literal' && typeof expression.index.value === 'string') {
          if (reference?.root === 'inputs' && reference.segments.length === 1)
            this.usedInputs.add(expression.index.value);
          return this.accessField(objectType, expression.index.value, expression.index, report);
        }
        const target = nonNull(objectType);
        if (target.kind === 'array') {
          if (isDefinitely(indexType, ['string', 'boolean', 'array', 'object', 'null'])) {
            report('IFX507', `A list index must be a number, not ${describeType(indexType)}.`, expression.index);
          }
          return target.items;
        }
        return UNKNOWN;
      }
      case 'call':
        return this.inferCall(expression, at, report);
      case 'unary': {
        const operand = this.infer(expression.operand, at);
        if (expression.operator === '!') return BOOLEAN;
        if (isDefinitely(operand, ['string', 'boolean', 'array', 'object', 'null'])) {
          report('IFX507', `Cannot negate ${describeType(operand)}: convert with number(...).`, expression.operand);
        }
        return NUMBER;
      }
      case 'conditional':
        this.infer(expression.test, at);
        return union([this.infer(expression.consequent, at), this.infer(expression.alternate, at)]);
      case 'binary': {
        const left = this.infer(expression.left, at);
        const right = this.infer(expression.right, at);
        const { operator } = expression;
        const nonNumeric: ValueType['kind'][] = ['string', 'boolean', 'array', 'object', 'null'];
        switch (operator) {
          case '-':
          case '*':
          case '/':
          case '%':
            for (const [side, type] of [
              [expression.left, left],
              [expression.right, right],
            ] as const) {
              if (isDefinitely(type, nonNumeric)) {
                report(
                  'IFX507',
                  `'${operator}' needs numbers; this is ${describeType(type)}${type.kind === 'string' ? ': convert with number(...)' : ''}.`,
                  side,
                );
              }
            }
            return NUMBER;
          case '+':
            for (const [side, type] of [
              [expression.left, left],
              [expression.right, right],
            ] as const) {
              if (isDefinitely(type, ['boolean', 'array', 'object', 'null'])) {
                report('IFX507', `'+' adds numbers or joins text; this is ${describeType(type)}.`, side);
              }
            }
            if (isDefinitely(left, ['string']) || isDefinitely(right, ['string'])) return STRING;
            if (isDefinitely(left, ['number']) && isDefinitely(right, ['number'])) return NUMBER;
            return union([STRING, NUMBER]);
          case '<':
          case '<=':
          case '>':
          case '>=':
          case '==':
          case '!=': {
            const mixed =
              (isDefinitely(left, ['string']) && isDefinitely(right, ['number'])) ||
              (isDefinitely(left, ['number']) && isDefinitely(right, ['string']));
            if (mixed) {
              const text = isDefinitely(left, ['string']) ? expression.left : expression.right;
              report(
                'IFX502',
                operator === '==' || operator === '!='
                  ? `'${operator}' compares text with a number and is never equal: convert with number(...).`
                  : `Comparing text with a number: convert the text with number(...) (Shopify money fields are text).`,
                text,
                undefined,
                'warning',
              );
            }
            return BOOLEAN;
          }
          case '&&':
          case '||':
            return isDefinitely(left, ['boolean']) && isDefinitely(right, ['boolean']) ? BOOLEAN : union([left, right]);
          case '??':
            return union([nonNull(left), right]);
        }
      }
    }
    return UNKNOWN;
  }

  /** `inputs.<name>` / `connections.<name>`: unknown names get their own codes (IFX301, IFX304). */
  private resolveDeclared(
    what: 'input' | 'connection',
    name: string,
    declared: Map<string, Obj>,
    used: Set<string>,
    objectType: ValueType,
    span: { start: number; end: number },
    report: (code: DiagnosticCode, message: string, span: { start: number; end: number }, suggestion?: string) => void,
  ): ValueType {
    if (declared.has(name)) {
      used.add(name);
      return objectType.kind === 'object' ? (objectType.fields[name] ?? UNKNOWN) : UNKNOWN;
    }
    const suggestion = closestMatch(name, declared.keys());
    report(
      what === 'input' ? 'IFX301' : 'IFX304',
      `Unknown ${what} '${name}'${didYouMean(suggestion)}; declare it under spec.${what}s.`,
      span,
      suggestion,
    );
    return UNKNOWN;
  }

  private resolveRoot(
    name: string,
    span: { start: number; end: number },
    location: Location,
    report: (code: DiagnosticCode, message: string, span: { start: number; end: number }, suggestion?: string) => void,
  ): ValueType {
    const variable = location.variables.get(name);
    if (variable) return variable;
    switch (name) {
      case 'inputs':
        return this.inputsType();
      case 'trigger':
        return this.triggerType;
      case 'connections': {
        const fields: Record<string, ValueType> = {};
        for (const connection of this.connections.keys()) fields[connection] = typeFromSchema(connectionValueSchema);
        return objectOf(fields, false);
      }
      case 'steps':
        return UNKNOWN;
      default: {
        const candidates = [...ROOTS, ...location.variables.keys()];
        const suggestion = closestMatch(name, candidates);
        const where =
          location.loops.length > 0 ? '' : name === 'item' || name === 'loop' ? ' (only inside forEach)' : '';
        report(
          'IFX312',
          `Unknown variable '${name}'${where}${didYouMean(suggestion)}. Expressions start from ${candidates.join(', ')}.`,
          span,
          suggestion,
        );
        return UNKNOWN;
      }
    }
  }

  private resolveStepReference(
    reference: NonNullable<ReturnType<typeof asReferencePath>>,
    location: Location,
    report: (
      code: DiagnosticCode,
      message: string,
      span: { start: number; end: number },
      suggestion?: string,
      severity?: Severity,
    ) => void,
  ): ValueType {
    const [idSegment, outputSegment, ...rest] = reference.segments;
    if (!idSegment) return UNKNOWN;
    const id = String(idSegment.name);
    const target = this.steps.get(id);
    if (!target) {
      const suggestion = closestMatch(
        id,
        [...this.steps.values()].filter((s) => s.order < location.order).map((s) => s.id),
      );
      report('IFX302', `Unknown step '${id}'${didYouMean(suggestion)}.`, idSegment, suggestion);
      return UNKNOWN;
    }
    if (target.handler !== undefined && target.handler !== location.handler) {
      report('IFX313', `Step '${id}' belongs to handler '${target.handler}' and is only visible inside it.`, idSegment);
      return UNKNOWN;
    }
    const hiddenLoop = target.loops.find((loop) => !location.loops.includes(loop));
    if (hiddenLoop !== undefined) {
      report(
        'IFX313',
        `Step '${id}' runs inside forEach '${hiddenLoop}'; outside it use steps.${hiddenLoop}.output.`,
        idSegment,
      );
      return UNKNOWN;
    }
    if (target.handler === location.handler && target.order >= location.order) {
      report(
        'IFX303',
        target.order === location.order
          ? `A step cannot use its own output ('${id}').`
          : `Step '${id}' runs after this point; reference an earlier step.`,
        idSegment,
      );
      return UNKNOWN;
    }
    const skipped = target.branches.find((branch) => !location.branches.includes(branch));
    if (skipped !== undefined || (location.handler !== undefined && target.handler === undefined)) {
      report(
        'IFX314',
        skipped !== undefined
          ? `Step '${id}' only runs in branch '${skipped.split(':').slice(1).join(' ')}' of '${skipped.split(':')[0]}'; its output may be missing here.`
          : `Step '${id}' may not have run when this handler runs.`,
        idSegment,
        undefined,
        'warning',
      );
    }
    if (!outputSegment) return objectOf({ output: this.stepOutputType(target) ?? UNKNOWN });
    if (outputSegment.name !== 'output') {
      report(
        'IFX311',
        `A step reference continues with '.output' (steps.${id}.output), not '.${String(outputSegment.name)}'.`,
        outputSegment,
        'output',
      );
      return UNKNOWN;
    }
    const outputType = this.stepOutputType(target);
    if (outputType === undefined) {
      report(
        'IFX311',
        `'${id}' is ${target.kind === 'if' ? 'an if' : 'a switch'} step and has no output; reference a step inside its branches.`,
        outputSegment,
      );
      return UNKNOWN;
    }
    let type = outputType;
    for (const segment of rest) type = this.accessField(type, segment.name, segment, report);
    return type;
  }

  private stepOutputType(info: StepInfo): ValueType | undefined {
    if (this.outputTypes.has(info.id)) return this.outputTypes.get(info.id);
    this.outputTypes.set(info.id, UNKNOWN); // guards against self-referencing loops
    let type: ValueType | undefined = UNKNOWN;
    if (info.kind === 'action') {
      const uses = info.step.uses;
      const action = typeof uses === 'string' ? getAction(uses) : undefined;
      if (action) {
        type = typeFromSchema(action.output);
        const withValue = info.step.with;
        if (
          uses === 'llm.extract' &&
          isObj(withValue) &&
          isObj(withValue.schema) &&
          !jsonSchemaProblem(withValue.schema) &&
          type.kind === 'object'
        ) {
          type = objectOf({ ...type.fields, data: typeFromSchema(withValue.schema as JsonSchema) }, type.open);
        }
      }
    } else if (info.kind === 'forEach') {
      // One entry per item: the item under the loop variable's name, and the output of each action step directly
      // in the loop body under its id.
      const fields: Record<string, ValueType> = {};
      fields[typeof info.step.as === 'string' ? info.step.as : 'item'] = this.loopItemTypes.get(info.id) ?? UNKNOWN;
      for (const inner of Array.isArray(info.step.steps) ? info.step.steps : []) {
        const innerInfo = isObj(inner) && typeof inner.id === 'string' ? this.steps.get(inner.id) : undefined;
        if (innerInfo?.kind === 'action') fields[innerInfo.id] = this.stepOutputType(innerInfo) ?? UNKNOWN;
      }
      type = arrayOf(objectOf(fields, false));
    } else if (info.kind === 'if' || info.kind === 'switch') {
      type = undefined;
    }
    this.outputTypes.set(info.id, type);
    return type;
  }

  private accessField(
    type: ValueType,
    name: string | number,
    span: { start: number; end: number },
    report: (
      code: DiagnosticCode,
      message: string,
      span: { start: number; end: number },
      suggestion?: string,
      severity?: Severity,
    ) => void,
  ): ValueType {
    if (typeof name === 'string' && RESERVED_FIELD_NAMES.has(name)) {
      report(
        'IFX317',
        `A field named '${name}' cannot be read in an expression: n8n refuses it or reads a JavaScript built-in instead.`,
        span,
      );
      return UNKNOWN;
    }
    const target = nonNull(type);
    switch (target.kind) {
      case 'unknown':
      case 'union':
        return UNKNOWN;
      case 'object': {
        const key = String(name);
        if (Object.prototype.hasOwnProperty.call(target.fields, key)) return target.fields[key]!;
        const suggestion = closestMatch(key, Object.keys(target.fields));
        if (!target.open) {
          const known = Object.keys(target.fields);
          report(
            'IFX311',
            `Unknown field '${key}'${didYouMean(suggestion)}.${suggestion || known.length === 0 || known.length > 15 ? '' : ` Fields: ${known.join(', ')}.`}`,
            span,
            suggestion,
          );
        } else if (suggestion !== undefined) {
          report(
            'IFX311',
            `Field '${key}' is not a known field${didYouMean(suggestion)}.`,
            span,
            suggestion,
            'warning',
          );
        }
        return UNKNOWN;
      }
      case 'array':
        if (name === 'length') return NUMBER;
        if (typeof name === 'number') return target.items;
        report(
          'IFX311',
          `'${String(name)}' is not a field of a list: use first(...).${String(name)} or pluck(list, '${String(name)}').`,
          span,
        );
        return UNKNOWN;
      case 'string':
        if (name === 'length') return NUMBER;
        if (typeof name === 'number') return STRING;
        report('IFX311', `Text has no field '${String(name)}'.`, span);
        return UNKNOWN;
      default:
        report('IFX311', `${describeType(target)} has no field '${String(name)}'.`, span);
        return UNKNOWN;
    }
  }

  private inferCall(
    call: Extract<Expression, { kind: 'call' }>,
    at: { path: DocumentPath; value: string; location: Location },
    report: (
      code: DiagnosticCode,
      message: string,
      span: { start: number; end: number },
      suggestion?: string,
      severity?: Severity,
    ) => void,
  ): ValueType {
    const args = call.args.map((arg) => this.infer(arg, at));
    const needList = (index: number) => {
      const type = args[index];
      if (type && isDefinitely(type, ['string', 'number', 'boolean', 'object', 'null'])) {
        report('IFX507', `${call.callee}(...) needs a list; this is ${describeType(type)}.`, call.args[index]!);
      }
      return type && type.kind === 'array' ? type.items : UNKNOWN;
    };
    const fieldOf = (itemType: ValueType, index: number): ValueType => {
      const arg = call.args[index];
      if (!arg) return itemType;
      if (arg.kind !== 'literal' || typeof arg.value !== 'string') return UNKNOWN;
      return this.accessField(itemType, arg.value, { start: arg.start + 1, end: arg.end - 1 }, report);
    };
    switch (call.callee) {
      case 'length': {
        const type = args[0]!;
        if (isDefinitely(type, ['number', 'boolean', 'null']))
          report('IFX507', `length(...) needs a list, text or object; this is ${describeType(type)}.`, call.args[0]!);
        return NUMBER;
      }
      case 'number':
      case 'round':
        if (call.callee === 'round' && isDefinitely(args[0]!, ['string', 'boolean', 'array', 'object', 'null'])) {
          report('IFX507', `round(...) needs a number; this is ${describeType(args[0]!)}.`, call.args[0]!);
        }
        return NUMBER;
      case 'sum':
      case 'avg':
      case 'min':
      case 'max': {
        const items = needList(0);
        const field = fieldOf(items, 1);
        if (isDefinitely(field, ['string', 'boolean', 'array', 'object'])) {
          report(
            'IFX507',
            `${call.callee}(...) adds up numbers; these values are ${describeType(field)}.`,
            call.args[1] ?? call.args[0]!,
          );
        }
        return NUMBER;
      }
      case 'pluck':
        return arrayOf(fieldOf(needList(0), 1));
      case 'where':
      case 'sortBy': {
        const items = needList(0);
        fieldOf(items, 1);
        return args[0]!.kind === 'array' ? args[0]! : arrayOf(UNKNOWN);
      }
      case 'unique':
        needList(0);
        return args[0]!.kind === 'array' ? args[0]! : arrayOf(UNKNOWN);
      case 'first':
      case 'last':
        return needList(0);
      case 'slice':
        return mayBe(args[0]!, ['array']) && !mayBe(args[0]!, ['string'])
          ? args[0]!
          : isDefinitely(args[0]!, ['string'])
            ? STRING
            : UNKNOWN;
      case 'split':
      case 'keys':
        return arrayOf(STRING);
      case 'contains':
        return BOOLEAN;
      case 'default':
        return union([nonNull(args[0]!), args[1]!]);
      case 'join':
        needList(0);
        return STRING;
      default:
        // lower, upper, trim, truncate, string, json, now, today, daysAgo, money, percent
        return STRING;
    }
  }
}

// ------------------------------------------------------------------------------------------------ helpers

const templateCache = new Map<string, Template>();

/** Templates repeat across keystrokes; caching them keeps re-validation of big agents cheap. */
export function parseTemplateCached(value: string): Template {
  let template = templateCache.get(value);
  if (!template) {
    template = parseTemplate(value);
    if (templateCache.size > 5000) templateCache.clear();
    templateCache.set(value, template);
  }
  return template;
}

function describePath(path: DocumentPath): string {
  return path
    .map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`))
    .join('')
    .replace(/^\./, '');
}

function inputValueType(definition: Obj): ValueType {
  switch (definition.type) {
    case 'string':
      return STRING;
    case 'number':
    case 'integer':
      return NUMBER;
    case 'boolean':
      return BOOLEAN;
    case 'array': {
      const items = isObj(definition.items) ? inputValueType(definition.items) : UNKNOWN;
      return arrayOf(items);
    }
    case 'object':
      return objectOf({}, true);
    default:
      return UNKNOWN;
  }
}

/** Why a literal value does not fit an input definition, or undefined when it does. */
function valueTypeProblem(value: unknown, definition: Obj): string | undefined {
  const type = definition.type;
  const actual = Array.isArray(value)
    ? 'a list'
    : value === null
      ? 'null'
      : typeof value === 'object'
        ? 'a mapping'
        : `${typeof value} ${JSON.stringify(value)}`;
  const fits =
    (type === 'string' && typeof value === 'string') ||
    (type === 'number' && typeof value === 'number') ||
    (type === 'integer' && typeof value === 'number' && Number.isInteger(value)) ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'object' && isObj(value));
  if (!fits) return `is ${actual}, not ${type === 'integer' ? 'a whole number' : `a ${type}`}`;
  if (
    Array.isArray(definition.enum) &&
    !definition.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))
  ) {
    return `is not one of ${definition.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (typeof value === 'number' && typeof definition.minimum === 'number' && value < definition.minimum)
    return `is below the minimum ${definition.minimum}`;
  if (typeof value === 'number' && typeof definition.maximum === 'number' && value > definition.maximum)
    return `is above the maximum ${definition.maximum}`;
  if (type === 'array' && isObj(definition.items) && Array.isArray(value)) {
    const index = value.findIndex((item) => valueTypeProblem(item, definition.items as Obj) !== undefined);
    if (index >= 0) return `has item ${index} that ${valueTypeProblem(value[index], definition.items as Obj)}`;
  }
  return undefined;
}

/** Why an expression of `type` cannot fill a parameter described by `schema`, or undefined. */
function parameterTypeProblem(type: ValueType, schema: JsonSchema): string | undefined {
  const expected = typeFromSchema(schema);
  if (type.kind === 'unknown' || expected.kind === 'unknown') return undefined;
  const accepts = (kind: ValueType['kind']): boolean => {
    switch (kind) {
      case 'string':
        // Numbers and booleans read naturally as text (titles, messages).
        return mayBe(expected, ['string']);
      case 'number':
        return mayBe(expected, ['number', 'string']);
      case 'boolean':
        return mayBe(expected, ['boolean', 'string']);
      case 'null':
        return mayBe(expected, ['null']) || true;
      default:
        return mayBe(expected, [kind]);
    }
  };
  const members = type.kind === 'union' ? type.types : [type];
  if (members.some((member) => member.kind === 'unknown' || accepts(member.kind))) {
    if (type.kind === 'string' && !mayBe(expected, ['string'])) return `expects ${describeType(expected)}, got text`;
    return undefined;
  }
  return `expects ${describeType(expected)}, got ${describeType(type)}${type.kind === 'string' && mayBe(expected, ['number']) ? ': convert with number(...)' : ''}`;
}

const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** Why a five-field cron expression is invalid, or undefined when it is valid. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5)
    return `expected 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  for (let i = 0; i < 5; i++) {
    const spec = CRON_FIELDS[i]!;
    const toNumber = (text: string): number | undefined => {
      const upper = text.toUpperCase();
      const named = spec.names?.indexOf(upper) ?? -1;
      if (named >= 0) return named + (spec.name === 'month' ? 1 : 0);
      return /^\d+$/.test(text) ? Number(text) : undefined;
    };
    for (const part of fields[i]!.split(',')) {
      const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
      if (!match) return `the ${spec.name} field '${fields[i]}' is not valid`;
      if (match[2] !== undefined && Number(match[2]) === 0) return `the ${spec.name} step cannot be 0`;
      if (match[1] === '*') continue;
      const [from, to] = match[1]!.split('-');
      for (const bound of [from, to]) {
        if (bound === undefined) continue;
        const n = toNumber(bound);
        if (n === undefined) return `'${bound}' is not a valid ${spec.name}`;
        if (n < spec.min || n > spec.max) return `${spec.name} ${bound} is out of range ${spec.min}-${spec.max}`;
      }
      if (to !== undefined && toNumber(from!)! > toNumber(to)!) return `the ${spec.name} range ${match[1]} is reversed`;
    }
  }
  return undefined;
}

let zones: string[] | undefined;
function timeZones(): string[] {
  zones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return zones;
}
function isTimeZone(name: string): boolean {
  if (timeZones().includes(name)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
