import {
  actionCatalog,
  formatMessage,
  type ActionName,
  type DiagnosticCode,
  type DiagnosticMessage,
  type InputDefinition,
  type JsonSchema,
} from '@ionflux/dsl';
import { Document, isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import {
  expressionBody,
  liftExpression,
  liftTemplate,
  liftValue,
  UnsupportedExpression,
  type LiftContext,
  type NodeMeaning,
} from './lift';
import { ACTION_NODES, CREDENTIAL_TYPES, NODE_PACKAGE, parameterTakesJson, TRIGGER_NODES } from './nodes';
import { humanizeId, idFromName, titleFromName } from './naming';
import { ionfluxMetaOf } from './public-api';
import type { IonfluxMeta, N8nConnection, N8nNode, N8nWorkflow, NodeSource } from './workflow';

/**
 * decompile: an n8n workflow made of IONFLUX and standard n8n nodes -> agent YAML. Works from the graph itself
 * (node types, parameters, connections); the compiler's `meta.ionflux` only restores what n8n has no place for
 * (agent metadata, input and connection declarations, step ids). Nodes it cannot express are reported with a
 * diagnostic naming the node and its type, never dropped silently.
 */

export interface DecompileDiagnostic {
  code: Extract<DiagnosticCode, `IFX6${string}`>;
  severity: 'error' | 'warning';
  message: string;
  node?: string;
  type?: string;
}

export interface DecompileResult {
  diagnostics: DecompileDiagnostic[];
  /** The agent as YAML text, present when there is no error. */
  yaml?: string;
  /** The agent as a plain value. */
  agent?: Record<string, unknown>;
  /** Node positions for the sidecar layout file (`<agent>.layout.json`). */
  layout?: Record<string, [number, number]>;
}

type Obj = Record<string, unknown>;

const ACTION_BY_NODE = new Map<string, ActionName>(
  (Object.entries(ACTION_NODES) as [ActionName, (typeof ACTION_NODES)[ActionName]][]).map(([action, target]) => [
    `${NODE_PACKAGE}.${target.node}/${target.resource}/${target.operation}`,
    action,
  ]),
);
const TRIGGER_BY_TYPE = new Map(Object.entries(TRIGGER_NODES).map(([kind, node]) => [node.type, kind]));

class DecompileError extends Error {
  constructor(readonly diagnostic: DecompileDiagnostic) {
    super(diagnostic.message);
  }
}

/** A catalog message of the decompile family (IFX6xx). */
type DecompileMessage = Extract<DiagnosticMessage, { code: DecompileDiagnostic['code'] }>;

function decompileDiagnostic(message: DecompileMessage): DecompileDiagnostic {
  return { code: message.code, severity: 'error', message: formatMessage(message) };
}

function fail(message: DecompileMessage, node?: N8nNode): never {
  const diagnostic = decompileDiagnostic(message);
  if (node) {
    diagnostic.node = node.name;
    diagnostic.type = node.type;
  }
  throw new DecompileError(diagnostic);
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

class Decompiler {
  private readonly nodes = new Map<string, N8nNode>();
  private readonly meta: Partial<IonfluxMeta>;
  private readonly sources: Record<string, NodeSource>;
  private readonly handlers = new Map<string, unknown[]>();
  private readonly handlerOfNode = new Map<string, string>();
  private readonly stepIds = new Map<string, string>();
  private readonly usedIds = new Set<string>();
  private readonly visited = new Set<string>();
  private readonly loopSplitAs = new Map<string, string>();
  private readonly loopEnds = new Map<string, string>();
  private connectionTypes = new Map<string, string>();
  readonly warnings: DecompileDiagnostic[] = [];
  /** Every error found: the decompiler keeps going past a node it cannot read, as the checker does. */
  readonly errors: DecompileDiagnostic[] = [];
  private readonly liftContext: LiftContext;

  constructor(private readonly workflow: N8nWorkflow) {
    for (const node of workflow.nodes) this.nodes.set(node.name, node);
    this.meta = ionfluxMetaOf(workflow) ?? {};
    this.sources = this.meta.nodes ?? {};
    this.liftContext = { resolveNode: (name) => this.meaningOf(name) };
  }

  /** Runs `work`; a problem it reports is recorded and `fallback` stands in, so reading goes on. */
  private recover<T>(fallback: T, work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof DecompileError)) throw error;
      this.errors.push(error.diagnostic);
      return fallback;
    }
  }

  // --------------------------------------------------------------------------------------------- graph helpers

  private outputs(name: string, output: number): N8nConnection[] {
    return this.workflow.connections[name]?.main?.[output] ?? [];
  }

  private next(name: string, output = 0): N8nNode | undefined {
    const targets = this.outputs(name, output);
    if (targets.length > 1)
      fail({ code: 'IFX602', messageId: 'fanOut', data: { node: name, count: targets.length } }, this.nodes.get(name));
    return targets[0] ? this.node(targets[0].node) : undefined;
  }

  private node(name: string): N8nNode {
    const node = this.nodes.get(name);
    if (!node) fail({ code: 'IFX600', messageId: 'missingNode', data: { name } });
    return node;
  }

  private incoming(name: string): { from: string; output: number; input: number }[] {
    const result: { from: string; output: number; input: number }[] = [];
    for (const [from, { main }] of Object.entries(this.workflow.connections)) {
      (main ?? []).forEach((targets, output) =>
        targets?.forEach((t) => t.node === name && result.push({ from, output, input: t.index })),
      );
    }
    return result;
  }

  private role(node: N8nNode): NodeSource['role'] | undefined {
    return this.sources[node.name]?.role;
  }

  private isAction(node: N8nNode): boolean {
    return ACTION_BY_NODE.has(`${node.type}/${String(node.parameters.resource)}/${String(node.parameters.operation)}`);
  }

  private stepId(node: N8nNode): string {
    let id = this.stepIds.get(node.name);
    if (id) return id;
    const recorded = this.sources[node.name]?.step;
    id = recorded && !this.usedIds.has(recorded) ? recorded : idFromName(node.name);
    for (let i = 2; this.usedIds.has(id); i++) id = `${idFromName(node.name)}${i}`;
    this.usedIds.add(id);
    this.stepIds.set(node.name, id);
    return id;
  }

  private meaningOf(name: string): NodeMeaning | undefined {
    const node = this.nodes.get(name);
    if (!node) return undefined;
    if (this.role(node) === 'inputs' || (node.type === 'n8n-nodes-base.set' && name === 'Inputs'))
      return { kind: 'inputs' };
    if (this.loopSplitAs.has(name)) return { kind: 'loop-split', as: this.loopSplitAs.get(name)! };
    if (this.loopEnds.has(name)) return { kind: 'loop-end', id: this.loopEnds.get(name)! };
    if (this.handlerOfNode.has(name)) return { kind: 'handler' };
    if (this.isAction(node)) return { kind: 'step', id: this.stepId(node) };
    return undefined;
  }

  private lift(value: unknown, node: N8nNode, parameter: string): unknown {
    const body = expressionBody(value);
    try {
      if (body === undefined) return liftTemplate(value, this.liftContext) ?? value;
      return liftValue(body, this.liftContext);
    } catch (error) {
      if (error instanceof UnsupportedExpression) {
        const data = { parameter, node: node.name, reason: error.message };
        fail({ code: 'IFX601', messageId: 'parameterExpression', data }, node);
      }
      throw error;
    }
  }

  private liftWhole(js: string, node: N8nNode, what: string): string {
    try {
      return liftExpression(js, this.liftContext);
    } catch (error) {
      if (error instanceof UnsupportedExpression)
        fail(
          { code: 'IFX601', messageId: 'nodeExpression', data: { what, node: node.name, reason: error.message } },
          node,
        );
      throw error;
    }
  }

  // --------------------------------------------------------------------------------------------- the agent

  run(): { agent: Obj; layout: Record<string, [number, number]> } {
    const triggers = this.workflow.nodes.filter((n) => TRIGGER_BY_TYPE.has(n.type));
    if (triggers.length !== 1) {
      const others = this.workflow.nodes.filter((n) => /trigger|webhook/i.test(n.type) && !TRIGGER_BY_TYPE.has(n.type));
      if (others[0]) {
        const data = { node: others[0].name, type: others[0].type };
        fail({ code: 'IFX600', messageId: 'unsupportedTrigger', data }, others[0]);
      }
      fail(
        triggers.length === 0
          ? { code: 'IFX602', messageId: 'noTrigger' }
          : {
              code: 'IFX602',
              messageId: 'severalTriggers',
              data: { count: triggers.length, nodes: triggers.map((t) => `"${t.name}"`).join(', ') },
            },
      );
    }
    const trigger = triggers[0]!;
    this.visited.add(trigger.name);
    let first = this.next(trigger.name);
    const inputs = this.readInputs(first);
    if (first && inputs.node) {
      this.visited.add(first.name);
      first = this.next(first.name);
    }
    const spec: Obj = {};
    const declaredInputs = (this.meta.inputs ?? {}) as Record<string, InputDefinition>;
    const inputDefinitions: Record<string, InputDefinition> = {};
    for (const [name, value] of Object.entries(inputs.values)) {
      const declared = declaredInputs[name];
      const definition: InputDefinition = declared ? { ...declared } : { type: inferInputType(value) };
      if (value !== null && value !== undefined) definition.default = value;
      else delete definition.default;
      inputDefinitions[name] = definition;
    }
    if (Object.keys(inputDefinitions).length > 0) spec.inputs = inputDefinitions;
    this.connectionTypes = new Map(
      Object.entries((this.meta.connections ?? inputs.connections) as Record<string, { type: string }>).map(
        ([name, c]) => [name, c.type],
      ),
    );
    const { steps, outputStart } = this.walk(first, undefined);
    spec.trigger = this.readTrigger(trigger);
    spec.steps = steps;
    if (outputStart) {
      const output = this.readOutput(outputStart);
      if (output) spec.output = output;
    }
    if (this.handlers.size > 0)
      spec.handlers = Object.fromEntries(
        [...this.handlers].sort(([a], [b]) => this.handlerOrder(a) - this.handlerOrder(b)),
      );
    const connections = this.meta.connections ?? this.connectionsFromCredentials();
    if (Object.keys(connections).length > 0) spec.connections = connections;
    const policy: Obj = {};
    if (this.workflow.settings?.executionTimeout)
      policy.timeout = formatDuration(this.workflow.settings.executionTimeout * 1000);
    if (this.meta.policy?.budget) policy.budget = this.meta.policy.budget;
    if (this.meta.policy?.concurrency) policy.concurrency = this.meta.policy.concurrency;
    if (Object.keys(policy).length > 0) spec.policy = policy;

    for (const node of this.workflow.nodes) {
      if (!this.visited.has(node.name)) {
        fail({ code: 'IFX600', messageId: 'unreachable', data: { node: node.name, type: node.type } }, node);
      }
    }
    const metadata: Obj = { ...(this.meta.metadata ?? {}) };
    if (!metadata.name) metadata.name = slugify(this.workflow.name) || 'decompiled-agent';
    if (!metadata.version) metadata.version = '0.1.0';
    if (metadata.displayName === titleFromName(metadata.name as string)) delete metadata.displayName;
    if (!this.meta.metadata && this.workflow.name !== titleFromName(metadata.name as string))
      metadata.displayName = this.workflow.name;
    const ordered: Obj = {};
    for (const key of ['inputs', 'connections', 'trigger', 'steps', 'handlers', 'output', 'policy'])
      if (spec[key] !== undefined) ordered[key] = spec[key];
    const layout: Record<string, [number, number]> = {};
    for (const node of this.workflow.nodes) layout[node.name] = node.position;
    return {
      agent: { apiVersion: 'ionflux/v1', kind: 'Agent', metadata: orderMetadata(metadata), spec: ordered },
      layout,
    };
  }

  private handlerOrder(name: string): number {
    const index = this.workflow.nodes.findIndex((n) => this.handlerOfNode.get(n.name) === name);
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  }

  private readInputs(node: N8nNode | undefined): { node: boolean; values: Obj; connections: Obj } {
    if (!node || node.type !== 'n8n-nodes-base.set' || !(this.role(node) === 'inputs' || node.name === 'Inputs')) {
      return { node: false, values: {}, connections: {} };
    }
    const assignments = ((node.parameters.assignments as Obj | undefined)?.assignments ?? []) as {
      name: string;
      value: unknown;
    }[];
    const parse = (name: string): Obj => {
      const assignment = assignments.find((a) => a.name === name);
      if (!assignment || typeof assignment.value !== 'string') return {};
      try {
        return JSON.parse(assignment.value) as Obj;
      } catch {
        return fail({ code: 'IFX601', messageId: 'notJson', data: { what: name, node: node.name } }, node);
      }
    };
    return { node: true, values: parse('inputs'), connections: parse('connections') };
  }

  private readTrigger(node: N8nNode): Obj {
    const kind = TRIGGER_BY_TYPE.get(node.type)!;
    const p = node.parameters;
    switch (kind) {
      case 'manual':
        return { manual: {} };
      case 'schedule': {
        const interval = ((p.rule as Obj | undefined)?.interval as Obj[] | undefined)?.[0];
        if (!interval || interval.field !== 'cronExpression')
          fail({ code: 'IFX601', messageId: 'scheduleRule', data: { node: node.name } }, node);
        const config: Obj = { cron: interval.expression };
        if (this.workflow.settings?.timezone) config.timezone = this.workflow.settings.timezone;
        return { schedule: config };
      }
      case 'webhook': {
        const config: Obj = {};
        if (p.path !== undefined && p.path !== this.meta.agent) config.path = p.path;
        if (p.httpMethod !== undefined && p.httpMethod !== 'POST') config.method = p.httpMethod;
        return { webhook: config };
      }
      case 'chat.command': {
        const config: Obj = { command: p.command };
        if (p.description !== undefined) config.description = p.description;
        return { 'chat.command': config };
      }
      default: {
        const credential = node.credentials?.[CREDENTIAL_TYPES.shopify];
        const config: Obj = { connection: credentialConnection(credential?.id) ?? 'store' };
        if (p.topic !== undefined && p.topic !== 'orders/create') config.topic = p.topic;
        return { 'shopify.order': config };
      }
    }
  }

  private connectionsFromCredentials(): Obj {
    const connections: Obj = {};
    const typeByCredential = new Map(Object.entries(CREDENTIAL_TYPES).map(([type, credential]) => [credential, type]));
    for (const node of this.workflow.nodes) {
      for (const [credentialType, reference] of Object.entries(node.credentials ?? {})) {
        const name = credentialConnection(reference.id);
        const type = typeByCredential.get(credentialType);
        if (name && type && type !== 'ionflux') connections[name] = { type };
      }
    }
    return connections;
  }

  /** Steps from `start` until `stop` (a join node) or the end of the flow. */
  private walk(start: N8nNode | undefined, stop: string | undefined): { steps: unknown[]; outputStart?: N8nNode } {
    const steps: unknown[] = [];
    let node = start;
    while (node && node.name !== stop) {
      if (this.visited.has(node.name))
        fail({ code: 'IFX602', messageId: 'reachedTwice', data: { node: node.name } }, node);
      const role = this.role(node);
      if (role === 'output' || (node.type === 'n8n-nodes-base.set' && node.name === 'Output' && !role))
        return { steps, outputStart: node };
      const current = node;
      const result = this.recover(undefined, () => this.readStep(current, role));
      if (result) {
        steps.push(result.step);
        node = result.next;
      } else {
        // Not readable: go on with what follows it, so every other problem is reported too.
        this.visited.add(current.name);
        node = this.recover(undefined, () => this.next(current.name, 0));
      }
    }
    return { steps };
  }

  private readStep(node: N8nNode, role: NodeSource['role'] | undefined): { step: unknown; next: N8nNode | undefined } {
    if (this.isAction(node)) return this.readAction(node);
    if (node.type === 'n8n-nodes-base.if' && role !== 'loop-check') return this.readIf(node);
    if (node.type === 'n8n-nodes-base.switch') return this.readSwitch(node);
    if (node.type === 'n8n-nodes-base.set' && (role === 'loop-items' || this.looksLikeLoop(node)))
      return this.readForEach(node);
    return fail({ code: 'IFX600', messageId: 'noEquivalent', data: { node: node.name, type: node.type } }, node);
  }

  private looksLikeLoop(node: N8nNode): boolean {
    if (this.loopParts(node)) return true;
    const check = this.next(node.name);
    const split = check?.type === 'n8n-nodes-base.if' ? this.next(check.name, 0) : undefined;
    return split?.type === 'n8n-nodes-base.splitOut' && this.next(split.name)?.type === 'n8n-nodes-base.splitInBatches';
  }

  private readAction(node: N8nNode): { step: unknown; next: N8nNode | undefined } {
    this.visited.add(node.name);
    const uses = ACTION_BY_NODE.get(
      `${node.type}/${String(node.parameters.resource)}/${String(node.parameters.operation)}`,
    )!;
    const action = actionCatalog[uses];
    const id = this.stepId(node);
    const step: Obj = { id };
    if (node.name !== humanizeId(id)) step.name = node.name;
    if (node.notes) step.description = node.notes;
    step.uses = uses;
    const needed = 'connection' in action ? action.connection : undefined;
    if (needed) {
      const credential = node.credentials?.[CREDENTIAL_TYPES[needed.type]];
      const connection = credentialConnection(credential?.id);
      const sameType = [...this.connectionTypes].filter(([, type]) => type === needed.type).length;
      if (connection && (sameType > 1 || this.connectionTypes.get(connection) !== needed.type))
        step.connection = connection;
    }
    const params: Obj = {};
    const schemas = action.params.properties ?? {};
    for (const [name, value] of Object.entries(node.parameters)) {
      if (['resource', 'operation', 'options', 'backend', 'authentication'].includes(name)) continue;
      const schema = schemas[name];
      if (!schema) {
        this.recover(undefined, () =>
          fail(
            { code: 'IFX600', messageId: 'unknownParameter', data: { node: node.name, parameter: name, action: uses } },
            node,
          ),
        );
        continue;
      }
      params[name] = this.recover(value, () => this.readParameter(value, schema, node, name));
    }
    if (Object.keys(params).length > 0) step.with = params;
    const options = (node.parameters.options ?? {}) as Obj;
    if (typeof options.timeoutMs === 'number') step.timeout = formatDuration(options.timeoutMs);
    if (typeof options.retries === 'number') {
      step.retries = {
        max: options.retries,
        backoff: 'exponential',
        delay: formatDuration(Number(options.retryDelayMs ?? 1000)),
      };
    } else if (node.retryOnFail) {
      step.retries = {
        max: Math.max(0, (node.maxTries ?? 3) - 1),
        backoff: 'fixed',
        delay: formatDuration(node.waitBetweenTries ?? 1000),
      };
    }
    if (node.onError === 'continueRegularOutput') step.onError = 'continue';
    if (node.onError === 'continueErrorOutput') step.onError = { goto: this.readErrorRoute(node) };
    return { step, next: this.next(node.name, 0) };
  }

  private readParameter(value: unknown, schema: JsonSchema, node: N8nNode, name: string): unknown {
    const lifted = this.lift(value, node, name);
    if (lifted !== value) return lifted;
    if (parameterTakesJson(schema) && typeof value === 'string') {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        fail({ code: 'IFX601', messageId: 'parameterNotJson', data: { parameter: name, node: node.name } }, node);
      }
    }
    return value;
  }

  /** Error output -> "Error in <step>" -> handler entry -> handler steps. Returns the handler's name. */
  private readErrorRoute(node: N8nNode): string {
    const errorNode = this.next(node.name, 1);
    if (!errorNode) fail({ code: 'IFX602', messageId: 'errorOutputUnconnected', data: { node: node.name } }, node);
    this.visited.add(errorNode.name);
    const entry = errorNode.type === 'n8n-nodes-base.noOp' ? errorNode : this.next(errorNode.name);
    if (!entry || entry.type !== 'n8n-nodes-base.noOp')
      fail({ code: 'IFX602', messageId: 'errorRouteEnd', data: { node: node.name } }, node);
    const known = this.handlerOfNode.get(entry.name);
    if (known) return known;
    const path = this.sources[entry.name]?.path;
    const name =
      path && path[0] === 'spec' && path[1] === 'handlers'
        ? String(path[2])
        : idFromName(entry.name.replace(/^Handle /, ''));
    this.handlerOfNode.set(entry.name, name);
    this.visited.add(entry.name);
    this.handlers.set(name, []);
    const { steps } = this.walk(this.next(entry.name), undefined);
    this.handlers.set(name, steps);
    return name;
  }

  /** The node where two branches meet: the first node on the first branch that the second also reaches. */
  private join(a: N8nNode | undefined, b: N8nNode | undefined, owner: N8nNode): N8nNode | undefined {
    const reachable = new Set(this.chain(b).map((n) => n.name));
    const met = this.chain(a).find((n) => reachable.has(n.name));
    if (!met && a && b) fail({ code: 'IFX602', messageId: 'branchesNeverMeet', data: { node: owner.name } }, owner);
    return met;
  }

  private afterJoin(join: N8nNode | undefined): N8nNode | undefined {
    if (join && join.type === 'n8n-nodes-base.merge') {
      this.visited.add(join.name);
      return this.next(join.name);
    }
    return join;
  }

  private readIf(node: N8nNode): { step: unknown; next: N8nNode | undefined } {
    this.visited.add(node.name);
    const conditions = ((node.parameters.conditions as Obj | undefined)?.conditions ?? []) as Obj[];
    const condition = conditions[0];
    const operator = condition?.operator as Obj | undefined;
    if (!condition || conditions.length !== 1 || operator?.type !== 'boolean' || operator.operation !== 'true') {
      fail({ code: 'IFX601', messageId: 'ifCondition', data: { node: node.name } }, node);
    }
    let js = expressionBody(condition.leftValue);
    if (js === undefined) fail({ code: 'IFX601', messageId: 'ifExpression', data: { node: node.name } }, node);
    if (js.startsWith('!!(') && js.endsWith(')')) js = js.slice(3, -1);
    const id = this.controlId(node);
    const thenStart = this.next(node.name, 0);
    const elseStart = this.next(node.name, 1);
    const join = this.join(thenStart, elseStart, node);
    const step: Obj = { id };
    if (node.name !== humanizeId(id)) step.name = node.name;
    step.if = `{{ ${this.liftWhole(js, node, 'condition')} }}`;
    step.then = this.walk(thenStart, join?.name).steps;
    const elseSteps = this.walk(elseStart, join?.name).steps;
    if (elseSteps.length > 0) step.else = elseSteps;
    return { step, next: this.afterJoin(join) };
  }

  private readSwitch(node: N8nNode): { step: unknown; next: N8nNode | undefined } {
    this.visited.add(node.name);
    const rules = (((node.parameters.rules as Obj | undefined)?.values ?? []) as Obj[]).map((rule) => {
      const conditions = ((rule.conditions as Obj | undefined)?.conditions ?? []) as Obj[];
      if (conditions.length !== 1 || (conditions[0]!.operator as Obj | undefined)?.operation !== 'equals') {
        fail({ code: 'IFX601', messageId: 'switchRule', data: { node: node.name } }, node);
      }
      return conditions[0]!;
    });
    if (rules.length === 0) fail({ code: 'IFX601', messageId: 'switchNoRules', data: { node: node.name } }, node);
    let js = expressionBody(rules[0]!.leftValue);
    if (js === undefined) fail({ code: 'IFX601', messageId: 'switchExpression', data: { node: node.name } }, node);
    const interpolation =
      /^\(\(x\) => x == null \? "" : typeof x === "object" \? JSON\.stringify\(x\) : String\(x\)\)\(([\s\S]*)\)$/.exec(
        js,
      );
    if (interpolation) js = interpolation[1]!;
    const id = this.controlId(node);
    const starts = rules.map((_, output) => this.next(node.name, output));
    const fallback = this.next(node.name, rules.length);
    const lanes = [...starts, fallback];
    // Lanes end in the Merge the compiler writes after them, or (graphs made in n8n) in their common successor.
    let join = this.commonMerge(lanes);
    if (!join) {
      for (const lane of lanes) if (lane) join = join ? this.join(lane, join, node) : this.chain(lane).at(-1);
    }
    const step: Obj = { id };
    if (node.name !== humanizeId(id)) step.name = node.name;
    step.switch = `{{ ${this.liftWhole(js, node, 'routing value')} }}`;
    const cases: Obj = {};
    rules.forEach((rule, output) => {
      cases[String(rule.rightValue)] = this.walk(starts[output], join?.name).steps;
    });
    step.cases = cases;
    const defaultSteps = this.walk(fallback, join?.name).steps;
    if (defaultSteps.length > 0) step.default = defaultSteps;
    return { step, next: this.afterJoin(join) };
  }

  /** The nodes from `start` following single successors (output 0, a forEach as one), without repeating. */
  private chain(start: N8nNode | undefined): N8nNode[] {
    const nodes: N8nNode[] = [];
    for (let n = start; n && !nodes.some((m) => m.name === n!.name);) {
      nodes.push(n);
      const next = this.outputs(n.name, 0);
      // A forEach's items fan out to the split and to "is empty"; both meet again at its results.
      const straightEnd = next.length === 2 ? this.loopParts(n)?.end : undefined;
      n = straightEnd ?? (next.length === 1 ? this.node(next[0]!.node) : undefined);
    }
    return nodes;
  }

  /** The Merge node every lane flows into, if there is one. */
  private commonMerge(lanes: (N8nNode | undefined)[]): N8nNode | undefined {
    const paths = lanes
      .filter((lane): lane is N8nNode => lane !== undefined)
      .map((lane) => this.chain(lane).map((n) => n.name));
    return this.workflow.nodes.find(
      (n) => n.type === 'n8n-nodes-base.merge' && paths.length > 0 && paths.every((p) => p.includes(n.name)),
    );
  }

  private controlId(node: N8nNode): string {
    return this.stepId(node);
  }

  /**
   * A forEach as the compiler writes it now (`forEachForm`): items (Set) -> split (SplitOut) and items -> is empty
   * (IF) -> results (Aggregate). Straight, the body hangs from the split; with Loop Over Items, the split feeds the
   * loop. Undefined for any other shape.
   */
  private loopParts(
    items: N8nNode,
  ): { split: N8nNode; check: N8nNode; end: N8nNode; loop: N8nNode | undefined } | undefined {
    const targets = this.outputs(items.name, 0).map((t) => this.nodes.get(t.node));
    if (targets.length !== 2) return undefined;
    const split = targets.find((n) => n?.type === 'n8n-nodes-base.splitOut');
    const check = targets.find((n) => n?.type === 'n8n-nodes-base.if');
    if (!split || !check) return undefined;
    const [toEnd, ...more] = this.outputs(check.name, 0);
    const end = toEnd && more.length === 0 ? this.nodes.get(toEnd.node) : undefined;
    if (end?.type !== 'n8n-nodes-base.aggregate' || this.outputs(check.name, 1).length > 0) return undefined;
    const [toLoop] = this.outputs(split.name, 0);
    const next = toLoop ? this.nodes.get(toLoop.node) : undefined;
    return { split, check, end, loop: next?.type === 'n8n-nodes-base.splitInBatches' ? next : undefined };
  }

  /** The Set node's list expression (`{ <as>: records of the list }`), lifted to DSL text. */
  private loopSource(items: N8nNode): string {
    const js = expressionBody((items.parameters as Obj).jsonOutput);
    const match =
      js &&
      /^\(\{ "[^"]*": \(\(l\) => \(Array\.isArray\(l\) \? l : \[\]\)\.map\(\(value, index, all\) => \(\{ value, index, length: all\.length, first: index === 0, last: index === all\.length - 1 \}\)\)\)\(([\s\S]*)\) \}\)$/.exec(
        js,
      );
    if (!match) fail({ code: 'IFX601', messageId: 'loopItems', data: { node: items.name } }, items);
    return this.liftWhole(match[1]!, items, 'list');
  }

  private readLoopParts(
    items: N8nNode,
    { split, check, end, loop }: NonNullable<ReturnType<Decompiler['loopParts']>>,
  ): { step: unknown; next: N8nNode | undefined } {
    const as = String(split.parameters.fieldToSplitOut);
    // The body ends at the collect node: it feeds the loop back, or (straight) the results.
    const collect = this.incoming(loop ? loop.name : end.name)
      .map((i) => this.node(i.from))
      .find((n) => n.name !== (loop ? split.name : check.name));
    if (!collect) fail({ code: 'IFX602', messageId: 'loopShape', data: { node: items.name } }, items);
    for (const n of [items, check, split, collect, end, ...(loop ? [loop] : [])]) this.visited.add(n.name);
    const named = loop ?? split;
    const id = this.stepId(named);
    this.loopSplitAs.set(split.name, as);
    this.loopEnds.set(end.name, id);
    const source = this.loopSource(items);
    const step: Obj = { id };
    if (named.name !== humanizeId(id)) step.name = named.name;
    step.forEach = `{{ ${source} }}`;
    if (as !== 'item') step.as = as;
    step.steps = this.walk(loop ? this.next(loop.name, 1) : this.next(split.name, 0), collect.name).steps;
    return { step, next: this.next(end.name) };
  }

  /**
   * A forEach: as the compiler writes it now (`loopParts`), or as it wrote it before (still read, for workflows
   * deployed then): items (Set) -> has items (IF) -> split (SplitOut) -> loop (SplitInBatches) -> body -> collect ->
   * loop; done -> aggregate -> end (Merge) <- empty.
   */
  private readForEach(items: N8nNode): { step: unknown; next: N8nNode | undefined } {
    const parts = this.loopParts(items);
    if (parts) return this.readLoopParts(items, parts);
    const check = this.next(items.name);
    const split = check ? this.next(check.name, 0) : undefined;
    const loop = split ? this.next(split.name) : undefined;
    const empty = check ? this.next(check.name, 1) : undefined;
    const aggregate = loop ? this.next(loop.name, 0) : undefined;
    const end = aggregate ? this.next(aggregate.name) : undefined;
    if (
      !check ||
      !split ||
      !loop ||
      !empty ||
      !aggregate ||
      !end ||
      loop.type !== 'n8n-nodes-base.splitInBatches' ||
      end.type !== 'n8n-nodes-base.merge'
    ) {
      fail({ code: 'IFX602', messageId: 'loopShape', data: { node: items.name } }, items);
    }
    const as = String(split.parameters.fieldToSplitOut);
    const source = this.loopSource(items);
    for (const n of [items, check, split, loop, empty, aggregate, end]) this.visited.add(n.name);
    const id = this.stepId(loop);
    this.loopSplitAs.set(split.name, as);
    this.loopEnds.set(end.name, id);
    const step: Obj = { id };
    if (loop.name !== humanizeId(id)) step.name = loop.name;
    step.forEach = `{{ ${source} }}`;
    if (as !== 'item') step.as = as;
    // The body ends at the collect node, which feeds the loop back.
    const collect = this.incoming(loop.name)
      .map((i) => this.node(i.from))
      .find((n) => n.name !== split.name);
    if (collect) this.visited.add(collect.name);
    step.steps = this.walk(this.next(loop.name, 1), collect?.name).steps;
    return { step, next: this.next(end.name) };
  }

  private readOutput(start: N8nNode): Obj | undefined {
    const output: Obj = {};
    this.visited.add(start.name);
    const js = expressionBody(start.parameters.jsonOutput);
    const match = js ? /^\(\{ value: ([\s\S]*) \}\)$/.exec(js) : null;
    if (!match) fail({ code: 'IFX601', messageId: 'outputValue', data: { node: start.name } }, start);
    if (match[1] !== '$json') {
      try {
        output.value = liftValue(match[1]!, this.liftContext);
      } catch (error) {
        if (error instanceof UnsupportedExpression)
          fail(
            { code: 'IFX601', messageId: 'outputExpression', data: { node: start.name, reason: error.message } },
            start,
          );
        throw error;
      }
    }
    let node = this.next(start.name);
    while (node) {
      this.visited.add(node.name);
      const p = node.parameters;
      if (node.type === `${NODE_PACKAGE}.ionfluxCanvas`) {
        const canvas: Obj = {};
        if (p.page !== undefined) canvas.page = this.lift(p.page, node, 'page');
        canvas.block = this.lift(p.block, node, 'block');
        if (p.operation === 'append') canvas.mode = 'append';
        if (p.title !== undefined) canvas.title = this.lift(p.title, node, 'title');
        if (p.format !== undefined && p.format !== 'markdown') canvas.format = p.format;
        output.canvas = canvas;
      } else if (node.type === `${NODE_PACKAGE}.ionfluxChat`) {
        const chat: Obj = { channel: this.lift(p.channel, node, 'channel') };
        if (p.threadId !== undefined) chat.threadId = this.lift(p.threadId, node, 'threadId');
        output.chat = chat;
      } else {
        fail({ code: 'IFX600', messageId: 'afterOutput', data: { node: node.name, type: node.type } }, node);
      }
      node = this.next(node.name);
    }
    return output;
  }
}

function credentialConnection(id: string | undefined): string | undefined {
  if (!id || !id.startsWith('ionflux:')) return undefined;
  const name = id.slice('ionflux:'.length);
  return name === 'workspace' || name === 'llm' ? undefined : name;
}

function inferInputType(value: unknown): InputDefinition['type'] {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (value !== null && typeof value === 'object') return 'object';
  return 'string';
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63);
}

function orderMetadata(metadata: Obj): Obj {
  const ordered: Obj = {};
  for (const key of ['name', 'displayName', 'version', 'description', 'tags', 'author', 'icon', 'license'])
    if (metadata[key] !== undefined) ordered[key] = metadata[key];
  return ordered;
}

/** Writes the agent as YAML: block style, flow style for short leaf mappings and lists, the schema modeline first. */
export function agentToYaml(
  agent: Record<string, unknown>,
  { schemaPath = '../../dsl/schema/agent.schema.json' }: { schemaPath?: string } = {},
): string {
  const doc = new Document(agent);
  const compact = (node: YamlNode | null | undefined, depth: number): void => {
    if (!node) return;
    if (isMap(node) || isSeq(node)) {
      const items = node.items as unknown[];
      // Cheapest test first: only small collections of leaves deep in the document are measured.
      const flow =
        depth >= 2 &&
        items.length > 0 &&
        items.every((item) => {
          const value = isMap(node) ? (item as { value: unknown }).value : item;
          return (
            isScalar(value) &&
            !(typeof value.value === 'string' && (value.value.includes('\n') || value.value.length > 60))
          );
        }) &&
        JSON.stringify(node.toJSON()).length <= 80;
      if (flow) node.flow = true;
      for (const item of items)
        compact(isMap(node) ? ((item as { value: YamlNode }).value as YamlNode) : (item as YamlNode), depth + 1);
    }
  };
  compact(doc.contents as YamlNode, 0);
  doc.commentBefore = ` yaml-language-server: $schema=${schemaPath}`;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/**
 * Decompiles an n8n workflow (object or JSON text) into agent YAML. Unsupported nodes and expressions give a
 * diagnostic naming the node and its type.
 */
export function decompileWorkflow(input: N8nWorkflow | string, options: { schemaPath?: string } = {}): DecompileResult {
  let workflow: N8nWorkflow;
  try {
    workflow = typeof input === 'string' ? (JSON.parse(input) as N8nWorkflow) : input;
  } catch (error) {
    const problem = (error as Error).message;
    return { diagnostics: [decompileDiagnostic({ code: 'IFX603', messageId: 'invalidJson', data: { problem } })] };
  }
  if (
    !workflow ||
    typeof workflow !== 'object' ||
    !Array.isArray(workflow.nodes) ||
    typeof workflow.connections !== 'object' ||
    workflow.connections === null
  ) {
    return { diagnostics: [decompileDiagnostic({ code: 'IFX603', messageId: 'notWorkflow' })] };
  }
  const decompiler = new Decompiler(workflow);
  try {
    const { agent, layout } = decompiler.run();
    if (decompiler.errors.length) return { diagnostics: [...decompiler.errors, ...decompiler.warnings] };
    return { diagnostics: decompiler.warnings, agent, yaml: agentToYaml(agent, options), layout };
  } catch (error) {
    if (error instanceof DecompileError)
      return { diagnostics: [...decompiler.errors, error.diagnostic, ...decompiler.warnings] };
    throw error;
  }
}
