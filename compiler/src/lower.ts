import { actionCatalog, type DocumentPath } from '@ionflux/dsl';
import {
  INTERPOLATE,
  jsString,
  lowerValue,
  n8nExpression,
  nodeRef,
  parameterValue,
  type ExpressionScope,
} from './expressions';
import type { CompileCache } from './compile-cache';
import { sha256Hex, stableUuid } from './hash';
import { layoutWorkflow } from './layout';
import { forEachForm, LOOP_RESULT_FIELD } from './loop-form';
import {
  forEachStep,
  type ActionStepIR,
  type AgentIR,
  type ForEachStepIR,
  type IfStepIR,
  type StepIR,
  type SwitchStepIR,
  type ValueIR,
} from './ir';
import {
  ACTION_NODES,
  BASE_NODES,
  connectionCredential,
  CREDENTIAL_TYPES,
  DEFAULT_LLM_CREDENTIAL,
  IONFLUX_NODE_VERSION,
  NODE_PACKAGE,
  parameterTakesAny,
  parameterTakesJson,
  TRIGGER_NODES,
  WORKSPACE_CREDENTIAL,
} from './nodes';
import type { IonfluxMeta, N8nConnections, N8nNode, N8nWorkflow, NodeSource } from './workflow';

/** Grid of the auto-layout: left to right, branches stacked. */
export const COLUMN = 240;
export const ROW = 160;

/**
 * `auto`: the straight form wherever `forEachForm` allows it; `loop`: Loop Over Items for every forEach; `unordered`:
 * the straight form for every body of actions without a handler, the ordering rules ignored (only to show, in tests,
 * what those rules prevent: it can change what a run does).
 */
export type ForEachLowering = 'auto' | 'loop' | 'unordered';

/** Positions from a sidecar (`<agent>.layout.json`), by node name, override the auto-layout. */
export type LayoutPositions = Record<string, [number, number]>;

interface Port {
  node: string;
  output: number;
}

interface Location {
  loops: ForEachStepIR[];
  branches: string[];
  handler?: string;
}

interface StepPlacement {
  step: StepIR;
  /** Node holding the step's output: the action node, or the loop's end node. */
  outputNode?: string;
  loops: string[];
  branches: string[];
  handler?: string;
}

/** A node input that is not the first (a Merge's second input, ...). */
interface InputPort {
  node: string;
  input: number;
}

/** Where a lowered part goes: the output it hangs from, its top-left position, and the branches and loops around it. */
interface At {
  entry: Port;
  x: number;
  y: number;
  location: Location;
}

interface Lowered {
  exit: Port;
  /** Column after the last node placed. */
  x: number;
  /** Rows used (at least 1). */
  rows: number;
}

const TRIGGER_NAMES: Record<string, string> = {
  manual: 'Manual trigger',
  schedule: 'Schedule',
  webhook: 'Webhook',
  'chat.command': 'Chat command',
  'shopify.order': 'Shopify order',
};

class Lowerer {
  private readonly nodes: N8nNode[] = [];
  private readonly connections: N8nConnections = {};
  private readonly sources: Record<string, NodeSource> = {};
  private readonly names = new Set<string>();
  /** The number `reserve` tries first for a wanted name already taken. */
  private readonly nextNumber = new Map<string, number>();
  private readonly placements = new Map<string, StepPlacement>();
  private readonly loopSplitNode = new Map<string, string>();
  private readonly handlerNodes = new Map<string, string>();
  /** The node named after an if, switch or forEach step (the IF, the Switch, the loop). */
  private readonly controlNodes = new Map<string, string>();
  /** The node holding a forEach step's results (`steps.<id>.output`), by step id. */
  private readonly loopEnds = new Map<string, string>();
  /** The "Error in <step>" nodes that lead into each handler, in the order steps route to it. */
  private readonly errorNodes = new Map<string, string[]>();
  private readonly inputsNode: string;

  constructor(
    private readonly ir: AgentIR,
    private readonly layout: LayoutPositions,
    private readonly forEachLowering: ForEachLowering,
    private readonly withHash: boolean,
    private readonly cache: CompileCache | undefined,
  ) {
    // Names: trigger and Inputs first, then every step in document order, then helper nodes as they come.
    this.reserve(TRIGGER_NAMES[ir.trigger.kind]!);
    this.inputsNode = this.reserve('Inputs');
    const place = (steps: StepIR[], location: { loops: string[]; branches: string[]; handler?: string }) => {
      for (const step of steps) {
        const placement: StepPlacement = { step, loops: location.loops, branches: location.branches };
        if (location.handler !== undefined) placement.handler = location.handler;
        if (step.kind === 'action') placement.outputNode = this.reserve(step.name);
        this.placements.set(step.id, placement);
        if (step.kind === 'if') {
          place(step.then, { ...location, branches: [...location.branches, `${step.id}:then`] });
          place(step.else, { ...location, branches: [...location.branches, `${step.id}:else`] });
        } else if (step.kind === 'switch') {
          step.cases.forEach((c) =>
            place(c.steps, { ...location, branches: [...location.branches, `${step.id}:case:${c.value}`] }),
          );
          place(step.default, { ...location, branches: [...location.branches, `${step.id}:default`] });
        } else if (step.kind === 'forEach') {
          place(step.steps, { ...location, loops: [...location.loops, step.id] });
        }
      }
    };
    place(ir.steps, { loops: [], branches: [] });
    for (const handler of ir.handlers) place(handler.steps, { loops: [], branches: [], handler: handler.name });
    // Control steps get their (first) node name now too, so user names win over helper names.
    forEachStepAll(ir, (step) => {
      if (step.kind !== 'action') this.controlNodes.set(step.id, this.reserve(step.name));
    });
  }

  private reserve(wanted: string): string {
    let name = wanted;
    // The first free of `wanted`, `wanted 2`, `wanted 3`...: names are never given back, so the numbers below the
    // one this wanted name got last time are still taken (a step name repeated n times costs n checks, not n^2/2).
    let i = this.nextNumber.get(wanted) ?? 2;
    if (this.names.has(name)) for (name = `${wanted} ${i}`; this.names.has(name);) name = `${wanted} ${++i}`;
    this.names.add(name);
    if (name !== wanted) this.nextNumber.set(wanted, i + 1);
    return name;
  }

  private addNode({
    name,
    type,
    version,
    parameters,
    position,
    source,
    extra = {},
  }: {
    name: string;
    type: string;
    version: number;
    parameters: Record<string, unknown>;
    position: [number, number];
    source: NodeSource;
    extra?: Partial<N8nNode>;
  }): string {
    const node: N8nNode = {
      id: stableUuid(`${this.ir.metadata.name}/${name}`),
      name,
      type,
      typeVersion: version,
      position: this.layout[name] ?? position,
      parameters,
      ...extra,
    };
    this.nodes.push(node);
    this.sources[name] = source;
    return name;
  }

  /** Connects an output to a node's first input, or to the input `to` names (a Merge's second, ...). */
  private connect(from: Port, to: string | InputPort): void {
    const { node, input } = typeof to === 'string' ? { node: to, input: 0 } : to;
    const outputs = (this.connections[from.node] ??= { main: [] }).main;
    while (outputs.length <= from.output) outputs.push([]);
    outputs[from.output]!.push({ node, type: 'main', index: input });
  }

  // ----------------------------------------------------------------------------------------- expressions

  private scope(location: Location): ExpressionScope {
    return {
      inputsNode: this.inputsNode,
      stepOutput: (id) => this.stepOutputJs(id, location),
      variable: (name) => {
        for (let i = location.loops.length - 1; i >= 0; i--) {
          const loop = location.loops[i]!;
          const split = nodeRef(this.loopSplitNode.get(loop.id)!);
          if (name === loop.as) return `${split}.item.json.value`;
          if (name === 'loop' && i === location.loops.length - 1) return `${split}.item.json`;
        }
        if (name === 'error' && location.handler !== undefined)
          return `${nodeRef(this.handlerNodes.get(location.handler)!)}.item.json.error`;
        return undefined;
      },
    };
  }

  private stepOutputJs(id: string, location: Location): string {
    const placement = this.placements.get(id)!;
    const node = placement.step.kind === 'forEach' ? this.loopEndName(placement.step) : placement.outputNode!;
    const innermost = placement.loops[placement.loops.length - 1];
    const sameLoop = innermost !== undefined && location.loops.some((loop) => loop.id === innermost);
    let access = `${nodeRef(node)}.${sameLoop ? 'item' : 'first()'}.json`;
    if (placement.step.kind === 'forEach') access += '.items';
    const mayNotRun =
      placement.branches.some((branch) => !location.branches.includes(branch)) ||
      (location.handler !== undefined && placement.handler === undefined);
    return mayNotRun ? `(${nodeRef(node)}.isExecuted ? ${access} : undefined)` : access;
  }

  private loopEndName(step: ForEachStepIR): string {
    let name = this.loopEnds.get(step.id);
    if (!name) {
      name = this.reserve(`${step.name} results`);
      this.loopEnds.set(step.id, name);
    }
    return name;
  }

  // ----------------------------------------------------------------------------------------- the graph

  lower(): N8nWorkflow {
    const { ir } = this;
    const triggerName = TRIGGER_NAMES[ir.trigger.kind]!;
    this.addNode({
      name: triggerName,
      ...TRIGGER_NODES[ir.trigger.kind],
      parameters: this.triggerParameters(),
      position: [0, 0],
      source: { role: 'trigger', path: ir.trigger.path },
      extra: this.triggerExtra(),
    });
    this.addNode({
      name: this.inputsNode,
      ...BASE_NODES.set,
      parameters: this.inputsParameters(),
      position: [COLUMN, 0],
      source: { role: 'inputs', path: ['spec', 'inputs'] },
    });
    this.connect({ node: triggerName, output: 0 }, this.inputsNode);
    // Handlers sit below the main flow; their entry nodes must exist before steps route errors to them.
    const main = this.lowerSequence(ir.steps, {
      entry: { node: this.inputsNode, output: 0 },
      x: 2 * COLUMN,
      y: 0,
      location: { loops: [], branches: [] },
    });
    let handlerRow = main.rows + 1;
    for (const handler of ir.handlers) {
      const entry = this.handlerNodes.get(handler.name) ?? this.createHandlerNode(handler.name);
      const node = this.nodes.find((n) => n.name === entry)!;
      node.position = this.layout[entry] ?? [COLUMN, handlerRow * ROW];
      const lowered = this.lowerSequence(handler.steps, {
        entry: { node: entry, output: 0 },
        x: 2 * COLUMN,
        y: handlerRow * ROW,
        location: { loops: [], branches: [], handler: handler.name },
      });
      this.errorNodesOf(handler.name).forEach((errorNode, index) => {
        const n = this.nodes.find((candidate) => candidate.name === errorNode)!;
        n.position = this.layout[errorNode] ?? [0, (handlerRow + index) * ROW];
      });
      handlerRow += Math.max(lowered.rows, this.errorNodesOf(handler.name).length) + 1;
    }
    if (ir.output) this.lowerOutput(main);
    // The grid positions above only order the nodes; the canvas positions come from the graph layout, and a
    // sidecar's positions (the builder's own) win over both.
    // Every node placed by the sidecar: no layout to compute (an editor with a saved layout opens faster).
    const positions = this.nodes.every((node) => this.layout[node.name])
      ? {}
      : layoutWorkflow(this.nodes, this.connections);
    for (const node of this.nodes) node.position = this.layout[node.name] ?? positions[node.name]!;

    const meta: IonfluxMeta = {
      format: 1,
      agent: ir.metadata.name,
      version: ir.metadata.version,
      hash: '',
      metadata: { ...ir.metadata },
      inputs: mapValues(ir.inputs, (definition) => orderKeys(definition, INPUT_KEYS)),
      connections: mapValues(ir.connections, (definition) => orderKeys(definition, CONNECTION_KEYS)),
      nodes: this.sources,
    };
    if (ir.policy.budget || ir.policy.concurrency)
      meta.policy = {
        ...(ir.policy.budget ? { budget: ir.policy.budget } : {}),
        ...(ir.policy.concurrency ? { concurrency: ir.policy.concurrency } : {}),
      };
    const settings: N8nWorkflow['settings'] = { executionOrder: 'v1' };
    const timezone = ir.trigger.kind === 'schedule' ? (ir.trigger.config.timezone as string | undefined) : undefined;
    if (timezone) settings.timezone = timezone;
    if (ir.policy.timeoutMs !== undefined)
      settings.executionTimeout = Math.max(1, Math.ceil(ir.policy.timeoutMs / 1000));
    // The hash identifies the agent's meaning: everything compiled except positions (presentation) and the hash.
    // Every object here is built in a fixed key order (parameters in catalog order), so plain JSON is canonical.
    if (this.withHash)
      meta.hash = sha256Hex(
        JSON.stringify({
          nodes: this.nodes.map(({ position: _position, ...node }) => node),
          connections: this.connections,
          settings,
          meta,
        }),
      );
    return {
      name: ir.metadata.displayName,
      nodes: this.nodes,
      connections: this.connections,
      settings,
      meta: { ionflux: meta },
    };
  }

  private errorNodesOf(handler: string): string[] {
    return this.errorNodes.get(handler) ?? [];
  }

  private createHandlerNode(handler: string): string {
    const name = this.reserve(`Handle ${handler}`);
    this.handlerNodes.set(handler, name);
    this.addNode({
      name,
      ...BASE_NODES.noOp,
      parameters: {},
      position: [COLUMN, 0],
      source: { role: 'handler', path: ['spec', 'handlers', handler] },
    });
    return name;
  }

  private triggerParameters(): Record<string, unknown> {
    const { kind, config } = this.ir.trigger;
    switch (kind) {
      case 'manual':
        return {};
      case 'schedule':
        return { rule: { interval: [{ field: 'cronExpression', expression: config.cron }] } };
      case 'webhook':
        return {
          httpMethod: (config.method as string | undefined) ?? 'POST',
          path: (config.path as string | undefined) ?? this.ir.metadata.name,
          responseMode: 'onReceived',
          options: {},
        };
      case 'chat.command': {
        const parameters: Record<string, unknown> = { command: config.command };
        if (config.description !== undefined) parameters.description = config.description;
        return parameters;
      }
      case 'shopify.order':
        return { topic: (config.topic as string | undefined) ?? 'orders/create' };
    }
  }

  private triggerExtra(): Partial<N8nNode> {
    const { kind, config } = this.ir.trigger;
    if (kind === 'webhook') return { webhookId: stableUuid(`${this.ir.metadata.name}/webhook`) };
    if (kind === 'chat.command') {
      // The node checks the chat command's signature with the workspace token: n8n refuses to activate it without.
      return {
        webhookId: stableUuid(`${this.ir.metadata.name}/chat.command`),
        credentials: { [CREDENTIAL_TYPES.ionflux]: WORKSPACE_CREDENTIAL },
      };
    }
    if (kind === 'shopify.order') {
      return {
        webhookId: stableUuid(`${this.ir.metadata.name}/shopify.order`),
        credentials: { [CREDENTIAL_TYPES.shopify]: connectionCredential(config.connection as string) },
      };
    }
    return {};
  }

  /** Inputs holds the configured inputs, the bound connections (never secrets) and the trigger payload. */
  private inputsParameters(): Record<string, unknown> {
    const inputs: Record<string, unknown> = {};
    for (const [name, definition] of Object.entries(this.ir.inputs)) inputs[name] = definition.default ?? null;
    const connections: Record<string, unknown> = {};
    for (const [name, definition] of Object.entries(this.ir.connections))
      connections[name] = { name, type: definition.type, account: '' };
    const assignment = (name: string, value: string) => ({
      id: stableUuid(`${this.ir.metadata.name}/Inputs/${name}`),
      name,
      value,
      type: 'object',
    });
    return {
      mode: 'manual',
      assignments: {
        assignments: [
          assignment('inputs', JSON.stringify(inputs)),
          assignment('connections', JSON.stringify(connections)),
          assignment('trigger', '={{ $json }}'),
        ],
      },
      options: {},
    };
  }

  private lowerSequence(steps: StepIR[], { entry, x, y, location }: At): Lowered {
    let port = entry;
    let rows = 1;
    for (const step of steps) {
      const lowered = this.lowerStep(step, { entry: port, x, y, location });
      port = lowered.exit;
      x = lowered.x;
      rows = Math.max(rows, lowered.rows);
    }
    return { exit: port, x, rows };
  }

  private lowerStep(step: StepIR, at: At): Lowered {
    switch (step.kind) {
      case 'action':
        return this.lowerAction(step, at);
      case 'if':
        return this.lowerIf(step, at);
      case 'switch':
        return this.lowerSwitch(step, at);
      case 'forEach':
        return this.lowerForEach(step, at);
    }
  }

  private lowerAction(step: ActionStepIR, { entry, x, y, location }: At): Lowered {
    const target = ACTION_NODES[step.uses];
    const action = actionCatalog[step.uses];
    const scope = this.scope(location);
    const parameters: Record<string, unknown> = { resource: target.resource, operation: target.operation };
    const paramSchemas = action.params.properties ?? {};
    // Catalog order, not YAML order: reordering keys under `with` is formatting and must not change the output.
    const order = Object.keys(paramSchemas);
    const params = [...step.params].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    for (const [name, value] of params) {
      const options = { json: parameterTakesJson(paramSchemas[name]), anyJson: parameterTakesAny(paramSchemas[name]) };
      parameters[name] = this.cache
        ? this.cache.parameter(value, scope, options)
        : parameterValue(value, scope, options);
    }
    const options: Record<string, unknown> = {};
    if (step.timeoutMs !== undefined) options.timeoutMs = step.timeoutMs;
    if (step.retry?.backoff === 'exponential') {
      options.retries = step.retry.max;
      options.retryDelayMs = step.retry.delayMs;
    }
    if ('connection' in action && action.connection?.type === 'pinecone')
      parameters.backend = step.connection ? 'pinecone' : 'ionflux';
    parameters.options = options;

    const extra: Partial<N8nNode> = { credentials: this.credentialsFor(step) };
    if (Object.keys(extra.credentials!).length === 0) delete extra.credentials;
    if (step.retry?.backoff === 'fixed') {
      extra.retryOnFail = true;
      extra.maxTries = step.retry.max + 1;
      extra.waitBetweenTries = step.retry.delayMs;
    }
    if (step.onError.kind === 'continue') extra.onError = 'continueRegularOutput';
    if (step.onError.kind === 'goto') extra.onError = 'continueErrorOutput';
    if (step.description !== undefined) extra.notes = step.description;
    const name = this.placements.get(step.id)!.outputNode!;
    this.addNode({
      name,
      type: `${NODE_PACKAGE}.${target.node}`,
      version: IONFLUX_NODE_VERSION,
      parameters,
      position: [x, y],
      source: { role: 'action', step: step.id, path: step.path },
      extra,
    });
    this.connect(entry, name);
    if (step.onError.kind === 'goto') this.routeErrors(step, name);
    return { exit: { node: name, output: 0 }, x: x + COLUMN, rows: 1 };
  }

  private credentialsFor(step: ActionStepIR): Record<string, { id: string; name: string }> {
    const action = actionCatalog[step.uses];
    const needed = 'connection' in action ? action.connection : undefined;
    const credentials: Record<string, { id: string; name: string }> = {};
    if (!needed) {
      if (step.uses.startsWith('canvas.') || step.uses.startsWith('chat.') || step.uses === 'notify') {
        credentials[CREDENTIAL_TYPES.ionflux] = WORKSPACE_CREDENTIAL;
      }
      return credentials;
    }
    switch (needed.type) {
      case 'llm':
        credentials[CREDENTIAL_TYPES.llm] = step.connection
          ? connectionCredential(step.connection)
          : DEFAULT_LLM_CREDENTIAL;
        break;
      case 'pinecone':
        // Vectors are embedded with the workspace's LLM, then stored in Pinecone or in the workspace (pgvector).
        credentials[CREDENTIAL_TYPES.llm] = DEFAULT_LLM_CREDENTIAL;
        if (step.connection) credentials[CREDENTIAL_TYPES.pinecone] = connectionCredential(step.connection);
        else credentials[CREDENTIAL_TYPES.ionflux] = WORKSPACE_CREDENTIAL;
        break;
      default:
        credentials[CREDENTIAL_TYPES[needed.type]] = connectionCredential(step.connection!);
    }
    return Object.fromEntries(Object.entries(credentials).sort(([a], [b]) => a.localeCompare(b)));
  }

  /** A failing step's error output -> "Error in <step>" (what failed) -> the handler's entry node. */
  private routeErrors(step: ActionStepIR, nodeName: string): void {
    if (step.onError.kind !== 'goto') return;
    const handler = step.onError.handler;
    const entry = this.handlerNodes.get(handler) ?? this.createHandlerNode(handler);
    const errorNode = this.reserve(`Error in ${step.name}`);
    const message = `(typeof $json.error === "string" ? $json.error : $json.error?.message ?? JSON.stringify($json.error ?? null))`;
    this.addNode({
      name: errorNode,
      ...BASE_NODES.set,
      parameters: {
        mode: 'raw',
        jsonOutput: n8nExpression(
          `({ error: { message: ${message}, step: ${jsString(step.id)}, node: ${jsString(nodeName)} } })`,
        ),
        options: {},
      },
      position: [0, 0],
      source: { role: 'error', step: step.id, path: [...step.path, 'onError'] },
    });
    this.errorNodes.set(handler, [...this.errorNodesOf(handler), errorNode]);
    this.connect({ node: nodeName, output: 1 }, errorNode);
    this.connect({ node: errorNode, output: 0 }, entry);
  }

  private mergeAfter(
    step: StepIR,
    { branches, x, y, rows }: { branches: Port[]; x: number; y: number; rows: number },
  ): Lowered {
    const name = this.reserve(`${step.name} done`);
    const parameters: Record<string, unknown> = branches.length > 2 ? { numberInputs: branches.length } : {};
    this.addNode({
      name,
      ...BASE_NODES.merge,
      parameters,
      position: [x, y],
      source: { role: 'merge', step: step.id, path: step.path },
    });
    branches.forEach((port, input) => this.connect(port, { node: name, input }));
    return { exit: { node: name, output: 0 }, x: x + COLUMN, rows };
  }

  private lowerIf(step: IfStepIR, { entry, x, y, location }: At): Lowered {
    const name = this.controlNodes.get(step.id)!;
    const condition = `!!(${lowerValue(step.condition, this.scope(location))})`;
    this.addNode({
      name,
      ...BASE_NODES.if,
      parameters: {
        conditions: {
          options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
          conditions: [
            {
              id: stableUuid(`${this.ir.metadata.name}/${name}/condition`),
              leftValue: n8nExpression(condition),
              rightValue: '',
              operator: { type: 'boolean', operation: 'true', singleValue: true },
            },
          ],
          combinator: 'and',
        },
        options: {},
      },
      position: [x, y],
      source: { role: 'if', step: step.id, path: step.path },
    });
    this.connect(entry, name);
    const thenLowered = this.lowerSequence(step.then, {
      entry: { node: name, output: 0 },
      x: x + COLUMN,
      y,
      location: { ...location, branches: [...location.branches, `${step.id}:then`] },
    });
    const elseLowered = this.lowerSequence(step.else, {
      entry: { node: name, output: 1 },
      x: x + COLUMN,
      y: y + thenLowered.rows * ROW,
      location: { ...location, branches: [...location.branches, `${step.id}:else`] },
    });
    return this.mergeAfter(step, {
      branches: [thenLowered.exit, elseLowered.exit],
      x: Math.max(thenLowered.x, elseLowered.x),
      y,
      rows: thenLowered.rows + elseLowered.rows,
    });
  }

  private lowerSwitch(step: SwitchStepIR, { entry, x, y, location }: At): Lowered {
    const name = this.controlNodes.get(step.id)!;
    const on = `${INTERPOLATE}(${lowerValue(step.on, this.scope(location))})`;
    this.addNode({
      name,
      ...BASE_NODES.switch,
      parameters: {
        mode: 'rules',
        rules: {
          values: step.cases.map((c) => ({
            conditions: {
              options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
              conditions: [
                {
                  id: stableUuid(`${this.ir.metadata.name}/${name}/${c.value}`),
                  leftValue: n8nExpression(on),
                  rightValue: c.value,
                  operator: { type: 'string', operation: 'equals' },
                },
              ],
              combinator: 'and',
            },
            renameOutput: true,
            outputKey: c.value,
          })),
        },
        options: { fallbackOutput: 'extra', renameFallbackOutput: 'default' },
      },
      position: [x, y],
      source: { role: 'switch', step: step.id, path: step.path },
    });
    this.connect(entry, name);
    const exits: Port[] = [];
    let rowY = y;
    let rows = 0;
    let endX = x + COLUMN;
    const branches: { steps: StepIR[]; branch: string }[] = [
      ...step.cases.map((c) => ({ steps: c.steps, branch: `${step.id}:case:${c.value}` })),
      { steps: step.default, branch: `${step.id}:default` },
    ];
    branches.forEach(({ steps, branch }, output) => {
      const lowered = this.lowerSequence(steps, {
        entry: { node: name, output },
        x: x + COLUMN,
        y: rowY,
        location: { ...location, branches: [...location.branches, branch] },
      });
      exits.push(lowered.exit);
      rowY += lowered.rows * ROW;
      rows += lowered.rows;
      endX = Math.max(endX, lowered.x);
    });
    return this.mergeAfter(step, { branches: exits, x: endX, y, rows });
  }

  /** A forEach: straight where `forEachForm` allows it, else with Loop Over Items. */
  private lowerForEach(step: ForEachStepIR, at: At): Lowered {
    const straight =
      this.forEachLowering === 'auto'
        ? forEachForm(step).form === 'straight'
        : this.forEachLowering === 'unordered' &&
          step.steps.length > 0 &&
          step.steps.every((child) => child.kind === 'action' && child.onError.kind !== 'goto');
    return straight ? this.lowerStraightForEach(step, at) : this.lowerLoopForEach(step, at);
  }

  /** The loop's items: one `{ value, index, length, first, last }` per element, under the loop variable's name. */
  private loopItemsParameters(step: ForEachStepIR, location: Location): Record<string, unknown> {
    const list = lowerValue(step.source, this.scope(location));
    return {
      mode: 'raw',
      jsonOutput: n8nExpression(
        `({ ${jsString(step.as)}: ((l) => (Array.isArray(l) ? l : []).map((value, index, all) => ({ value, index, length: all.length, first: index === 0, last: index === all.length - 1 })))(${list}) })`,
      ),
      options: {},
    };
  }

  /** One entry of the loop's output: the item under the loop variable's name, then each action's output by id. */
  private loopEntry(step: ForEachStepIR, inner: Location): string {
    const scope = this.scope(inner);
    const fields = [`${jsString(step.as)}: ${scope.variable(step.as)!}`];
    for (const child of step.steps) {
      if (child.kind === 'action')
        fields.push(`${jsString(child.id)}: ${nodeRef(this.placements.get(child.id)!.outputNode!)}.item.json`);
    }
    return `({ ${fields.join(', ')} })`;
  }

  /**
   * forEach whose body n8n's per-item execution runs as the loop would (`forEachForm`): items -> split (named after
   * the step) -> body -> collect -> results (Aggregate); items -> is empty -> results for an empty list.
   */
  private lowerStraightForEach(step: ForEachStepIR, { entry, x, y, location }: At): Lowered {
    const items = this.reserve(`${step.name} items`);
    const split = this.controlNodes.get(step.id)!;
    const empty = this.reserve(`${step.name} is empty`);
    const collect = this.reserve(`${step.name} collect`);
    const end = this.loopEndName(step);
    this.loopSplitNode.set(step.id, split);

    this.addNode({
      name: items,
      ...BASE_NODES.set,
      parameters: this.loopItemsParameters(step, location),
      position: [x, y],
      source: { role: 'loop-items', step: step.id, path: step.path },
    });
    this.connect(entry, items);
    this.addNode({
      name: split,
      ...BASE_NODES.splitOut,
      parameters: { fieldToSplitOut: step.as, include: 'noOtherFields', options: {} },
      position: [x + COLUMN, y],
      source: { role: 'loop', step: step.id, path: step.path },
    });
    this.connect({ node: items, output: 0 }, split);
    const inner: Location = { ...location, loops: [...location.loops, step] };
    const body = this.lowerSequence(step.steps, {
      entry: { node: split, output: 0 },
      x: x + 2 * COLUMN,
      y,
      location: inner,
    });
    this.addCollect({ step, name: collect, inner, position: [body.x, y] });
    this.connect(body.exit, collect);
    this.addResults({ step, name: end, position: [body.x + COLUMN, y] });
    this.connect({ node: collect, output: 0 }, end);
    this.addEmptyCheck({ step, name: empty, position: [x + COLUMN, y + body.rows * ROW] });
    this.connect({ node: items, output: 0 }, empty);
    this.connect({ node: empty, output: 0 }, end);
    return { exit: { node: end, output: 0 }, x: body.x + 2 * COLUMN, rows: body.rows + 1 };
  }

  /**
   * forEach in the loop form (`forEachForm` says when): items -> split -> loop (one item at a time) -> body -> collect
   * -> back to the loop; when done -> results. An empty list: items -> is empty -> results, so later steps still run.
   */
  private lowerLoopForEach(step: ForEachStepIR, { entry, x, y, location }: At): Lowered {
    const items = this.reserve(`${step.name} items`);
    const split = this.reserve(`${step.name} split`);
    const loop = this.controlNodes.get(step.id)!;
    const empty = this.reserve(`${step.name} is empty`);
    const collect = this.reserve(`${step.name} collect`);
    const end = this.loopEndName(step);
    this.loopSplitNode.set(step.id, split);

    this.addNode({
      name: items,
      ...BASE_NODES.set,
      parameters: this.loopItemsParameters(step, location),
      position: [x, y],
      source: { role: 'loop-items', step: step.id, path: step.path },
    });
    this.connect(entry, items);
    // The empty path first: the graph layout then puts it above, and the body (with the loop's way back) below.
    this.addEmptyCheck({ step, name: empty, position: [x + COLUMN, y] });
    this.connect({ node: items, output: 0 }, empty);
    this.addNode({
      name: split,
      ...BASE_NODES.splitOut,
      parameters: { fieldToSplitOut: step.as, include: 'noOtherFields', options: {} },
      position: [x + COLUMN, y],
      source: { role: 'loop-split', step: step.id, path: step.path },
    });
    this.connect({ node: items, output: 0 }, split);
    this.addNode({
      name: loop,
      ...BASE_NODES.splitInBatches,
      parameters: { batchSize: 1, options: {} },
      position: [x + 2 * COLUMN, y],
      source: { role: 'loop', step: step.id, path: step.path },
    });
    this.connect({ node: split, output: 0 }, loop);
    const inner: Location = { ...location, loops: [...location.loops, step] };
    const body = this.lowerSequence(step.steps, {
      entry: { node: loop, output: 1 },
      x: x + 3 * COLUMN,
      y: y + ROW,
      location: inner,
    });
    this.addCollect({ step, name: collect, inner, position: [body.x, y + ROW] });
    this.connect(body.exit, collect);
    this.connect({ node: collect, output: 0 }, loop);
    this.addResults({ step, name: end, position: [x + 3 * COLUMN, y] });
    this.connect({ node: loop, output: 0 }, end);
    this.connect({ node: empty, output: 0 }, end);
    return { exit: { node: end, output: 0 }, x: Math.max(x + 4 * COLUMN, body.x + COLUMN), rows: body.rows + 2 };
  }

  /** One entry of the loop's output per item, under `result` for the results node to gather. */
  private addCollect({
    step,
    name,
    inner,
    position,
  }: {
    step: ForEachStepIR;
    name: string;
    inner: Location;
    position: [number, number];
  }): void {
    this.addNode({
      name,
      ...BASE_NODES.set,
      parameters: {
        mode: 'raw',
        jsonOutput: n8nExpression(`({ ${jsString(LOOP_RESULT_FIELD)}: ${this.loopEntry(step, inner)} })`),
        options: {},
      },
      position,
      source: { role: 'loop-collect', step: step.id, path: step.path },
    });
  }

  /**
   * The loop's output (`steps.<loop>.output`): the collected entries as `{ items: [...] }`. From the "is empty" path
   * the item has no `result` field, which the Aggregate skips (`keepMissing: false`): `{ items: [] }`.
   */
  private addResults({ step, name, position }: { step: ForEachStepIR; name: string; position: [number, number] }) {
    this.addNode({
      name,
      ...BASE_NODES.aggregate,
      parameters: {
        aggregate: 'aggregateIndividualFields',
        fieldsToAggregate: {
          fieldToAggregate: [{ fieldToAggregate: LOOP_RESULT_FIELD, renameField: true, outputFieldName: 'items' }],
        },
        options: {},
      },
      position,
      source: { role: 'loop-end', step: step.id, path: step.path },
    });
  }

  /** An empty list: Split Out yields no item, so nothing after it runs; this IF sends the Items item to results. */
  private addEmptyCheck({ step, name, position }: { step: ForEachStepIR; name: string; position: [number, number] }) {
    this.addNode({
      name,
      ...BASE_NODES.if,
      parameters: {
        conditions: {
          options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
          conditions: [
            {
              id: stableUuid(`${this.ir.metadata.name}/${name}/condition`),
              leftValue: n8nExpression(`$json[${jsString(step.as)}].length === 0`),
              rightValue: '',
              operator: { type: 'boolean', operation: 'true', singleValue: true },
            },
          ],
          combinator: 'and',
        },
        options: {},
      },
      position,
      source: { role: 'loop-check', step: step.id, path: step.path },
    });
  }

  /** Output: the run's value, then the canvas block and the chat channel that show it. */
  private lowerOutput(main: Lowered): void {
    const output = this.ir.output!;
    const scope = this.scope({ loops: [], branches: [] });
    const path: DocumentPath = ['spec', 'output'];
    const outputName = this.reserve('Output');
    const value = output.value ? lowerValue(output.value, scope) : '$json';
    this.addNode({
      name: outputName,
      ...BASE_NODES.set,
      parameters: { mode: 'raw', jsonOutput: n8nExpression(`({ value: ${value} })`), options: {} },
      position: [main.x, 0],
      source: { role: 'output', path: output.value ? [...path, 'value'] : path },
    });
    this.connect(main.exit, outputName);
    let port: Port = { node: outputName, output: 0 };
    let x = main.x + COLUMN;
    const valueRef = `${nodeRef(outputName)}.first().json.value`;
    const param = (v: ValueIR | undefined) => (v ? parameterValue(v, scope) : undefined);
    if (output.canvas) {
      const name = this.reserve('Show on canvas');
      const parameters: Record<string, unknown> = {
        resource: 'block',
        operation: output.canvas.mode === 'append' ? 'append' : 'write',
      };
      if (output.canvas.page) parameters.page = param(output.canvas.page);
      parameters.block = param(output.canvas.block);
      parameters.content = n8nExpression(valueRef);
      parameters.format = output.canvas.format;
      if (output.canvas.title) parameters.title = param(output.canvas.title);
      parameters.options = {};
      this.addNode({
        name,
        type: `${NODE_PACKAGE}.${ACTION_NODES['canvas.write'].node}`,
        version: IONFLUX_NODE_VERSION,
        parameters,
        position: [x, 0],
        source: { role: 'output-canvas', path: [...path, 'canvas'] },
        extra: { credentials: { [CREDENTIAL_TYPES.ionflux]: WORKSPACE_CREDENTIAL } },
      });
      this.connect(port, name);
      port = { node: name, output: 0 };
      x += COLUMN;
    }
    if (output.chat) {
      const name = this.reserve('Post to chat');
      const parameters: Record<string, unknown> = {
        resource: 'message',
        operation: 'post',
        channel: param(output.chat.channel),
        text: n8nExpression(
          `((v) => typeof v === "string" ? v : "\`\`\`json\\n" + JSON.stringify(v, null, 2) + "\\n\`\`\`")(${valueRef})`,
        ),
        payload: n8nExpression(valueRef),
      };
      if (output.chat.threadId) parameters.threadId = param(output.chat.threadId);
      parameters.options = {};
      this.addNode({
        name,
        type: `${NODE_PACKAGE}.${ACTION_NODES['chat.post'].node}`,
        version: IONFLUX_NODE_VERSION,
        parameters,
        position: [x, 0],
        source: { role: 'output-chat', path: [...path, 'chat'] },
        extra: { credentials: { [CREDENTIAL_TYPES.ionflux]: WORKSPACE_CREDENTIAL } },
      });
      this.connect(port, name);
    }
  }
}

const INPUT_KEYS = [
  'type',
  'default',
  'description',
  'label',
  'required',
  'enum',
  'items',
  'minimum',
  'maximum',
  'format',
];
const CONNECTION_KEYS = ['type', 'scopes', 'description'];

function orderKeys(value: object, keys: string[]): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) result[key] = source[key];
  return result;
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

function forEachStepAll(ir: AgentIR, visit: (step: StepIR) => void): void {
  forEachStep(ir.steps, visit);
  for (const handler of ir.handlers) forEachStep(handler.steps, visit);
}

/**
 * Lowers the IR into an n8n workflow (nodes, connections, settings, meta). Pure: same IR, same workflow. With
 * `hash: false` the workflow's `meta.ionflux.hash` stays empty (`''`) and nothing else changes; with `cache`, action
 * parameters lowered by earlier compiles are reused where they are the same (see `CompileOptions`).
 */
export function lowerAgent(
  ir: AgentIR,
  {
    layout = {},
    forEach = 'auto',
    hash = true,
    cache,
  }: { layout?: LayoutPositions; forEach?: ForEachLowering; hash?: boolean; cache?: CompileCache | undefined } = {},
): N8nWorkflow {
  return new Lowerer(ir, layout, forEach, hash, cache).lower();
}
