/**
 * The node package against its contracts: the DSL action catalog (@ionflux/dsl: parameters and output schemas,
 * READ/WRITE, idempotency) and the compiler's node map (@ionflux/compiler: node, resource, operation, credential
 * and trigger names). Every action the compiler lowers to one of these nodes must be an operation of that node
 * taking every catalog parameter, and its output, run against the sandbox, must validate against the catalog's
 * output schema.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { actionCatalog, triggerCatalog, triggerKinds } from '@ionflux/dsl';
import type { JsonSchema } from '@ionflux/dsl';
import { ACTION_NODES, compileAgent, CREDENTIAL_TYPES, NODE_PACKAGE, TRIGGER_NODES } from '@ionflux/compiler';
import type { N8nWorkflow } from '@ionflux/compiler';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import type { IDataObject, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { credentialTypes, nodeTypes } from './index';
import type { OperationTable } from './shared/operation';
import { operations as httpOperations } from './IonfluxHttpRequest/actions/router';
import { operations as llmOperations } from './IonfluxLlm/actions/router';
import { operations as shopifyOperations } from './IonfluxShopify/actions/router';
import { operations as tiktokOperations } from './IonfluxTikTok/actions/router';
import { operations as canvasOperations } from './IonfluxCanvas/actions/router';
import { operations as chatOperations } from './IonfluxChat/actions/router';
import { operations as notifyOperations } from './IonfluxNotify/actions/router';
import { operations as vectorOperations } from './IonfluxVectorStore/actions/router';
import { startServer, type ServerHandle } from '@ionflux/server';
import { runNodeForOutput, testNodeTypes } from './test-support/n8n-harness';
import { sendJson, startLocalServer } from './test-support/local-server';
import type { LocalServer } from './test-support/local-server';
import { startTestSandbox } from './test-support/sandbox';
import type { TestSandbox } from './test-support/sandbox';

const OPERATION_TABLES: Record<string, OperationTable> = {
  ionfluxShopify: shopifyOperations,
  ionfluxTikTok: tiktokOperations,
  ionfluxLlm: llmOperations,
  ionfluxHttpRequest: httpOperations,
  ionfluxCanvas: canvasOperations,
  ionfluxChat: chatOperations,
  ionfluxNotify: notifyOperations,
  ionfluxVectorStore: vectorOperations,
};

/** Actions whose node is in this package (all of them: the compiler emits no other node for an action). */
const OURS = Object.entries(ACTION_NODES).filter(([, target]) => target.node in nodeTypes);

function descriptionOf(name: string): INodeTypeDescription {
  return NodeHelpers.getVersionedNodeType(new nodeTypes[name]!(), 1).description;
}

/** The node properties of one operation (shown for its resource and operation). */
function operationProperties(
  description: INodeTypeDescription,
  resource: string,
  operation: string,
): INodeProperties[] {
  return description.properties.filter((p) => {
    const show = p.displayOptions?.show;
    return show?.resource?.includes(resource) && show.operation?.includes(operation);
  });
}

/**
 * The default of a parameter the catalog gives none: empty text, no number, and in JSON fields the empty JSON of
 * the type (n8n's JSON editor marks an empty field as invalid): `[]`, `{}`, or `null` for any type.
 */
function unsetDefault(schema: JsonSchema): unknown {
  if (expectedPropertyType(schema) === 'json') {
    const types = typesOf(schema);
    if (types.length === 0) return 'null';
    return types.includes('array') ? '[]' : '{}';
  }
  return expectedPropertyType(schema) === 'number' ? undefined : '';
}

function typesOf(schema: JsonSchema): string[] {
  if (schema.anyOf) return [...new Set(schema.anyOf.flatMap(typesOf))];
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
}

/** The n8n property type a catalog parameter must have (JSON text for lists and objects, as the compiler writes). */
function expectedPropertyType(schema: JsonSchema): string {
  const types = typesOf(schema);
  if (types.length === 0) return 'json'; // "any": given as is
  if (types.every((t) => t === 'array' || t === 'object')) return 'json';
  if (schema.enum) return 'options';
  if (types.includes('integer') || types.includes('number')) return 'number';
  if (types.includes('boolean')) return 'boolean';
  return 'string';
}

describe('the package against the compiler and the DSL catalog', () => {
  it('names every node as the compiler emits it, and registers every credential type it names', () => {
    for (const [name] of Object.entries(nodeTypes)) expect(descriptionOf(name).name).toBe(name);
    expect(OURS.map(([action]) => action)).toEqual(Object.keys(ACTION_NODES));
    expect(new Set(OURS.map(([, t]) => t.node))).toEqual(
      new Set([
        'ionfluxShopify',
        'ionfluxTikTok',
        'ionfluxLlm',
        'ionfluxHttpRequest',
        'ionfluxCanvas',
        'ionfluxChat',
        'ionfluxNotify',
        'ionfluxVectorStore',
      ]),
    );
    expect(TRIGGER_NODES['shopify.order'].type).toBe(`${NODE_PACKAGE}.ionfluxShopifyTrigger`);
    expect(TRIGGER_NODES['chat.command'].type).toBe(`${NODE_PACKAGE}.ionfluxChatTrigger`);
    for (const credential of Object.values(CREDENTIAL_TYPES)) {
      expect(credentialTypes[credential]).toBeDefined();
      expect(new credentialTypes[credential]!().name).toBe(credential);
    }
    for (const [name, Type] of Object.entries(credentialTypes)) {
      const credential = new Type();
      expect(credential.name).toBe(name);
      expect(credential.test?.request).toBeDefined();
    }
    // The credential each node asks for is the one the compiler binds.
    expect(descriptionOf('ionfluxShopify').credentials!.map((c) => c.name)).toContain(CREDENTIAL_TYPES.shopify);
    expect(descriptionOf('ionfluxShopifyTrigger').credentials!.map((c) => c.name)).toContain(CREDENTIAL_TYPES.shopify);
    expect(descriptionOf('ionfluxTikTok').credentials!.map((c) => c.name)).toEqual([CREDENTIAL_TYPES.tiktok]);
    expect(descriptionOf('ionfluxLlm').credentials!.map((c) => c.name)).toEqual([CREDENTIAL_TYPES.llm]);
    for (const name of ['ionfluxCanvas', 'ionfluxChat', 'ionfluxNotify', 'ionfluxChatTrigger']) {
      expect({ name, credentials: descriptionOf(name).credentials!.map((c) => c.name) }).toEqual({
        name,
        credentials: [CREDENTIAL_TYPES.ionflux],
      });
    }
    // Embeddings come from the LLM credential; the store is the workspace's or Pinecone.
    expect(new Set(descriptionOf('ionfluxVectorStore').credentials!.map((c) => c.name))).toEqual(
      new Set([CREDENTIAL_TYPES.ionflux, CREDENTIAL_TYPES.llm, CREDENTIAL_TYPES.pinecone]),
    );
  });

  it.each(OURS)(
    '%s is an operation of its node with every catalog parameter, READ/WRITE and idempotency',
    (action, target) => {
      const definition = actionCatalog[action as keyof typeof actionCatalog];
      const description = descriptionOf(target.node);
      const resourceProperty = description.properties.find((p) => p.name === 'resource')!;
      expect(resourceProperty.options!.map((o) => (o as { value: string }).value)).toContain(target.resource);
      const operationProperty = description.properties.find(
        (p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(target.resource),
      )!;
      expect(operationProperty.options!.map((o) => (o as { value: string }).value)).toContain(target.operation);

      const module = OPERATION_TABLES[target.node]![target.resource]![target.operation]!;
      expect(module.meta).toEqual({ action, effect: definition.effect, idempotent: definition.idempotent });

      const properties = operationProperties(description, target.resource, target.operation);
      const params = (definition.params.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set(definition.params.required ?? []);
      expect(properties.map((p) => p.name).sort()).toEqual(Object.keys(params).sort());
      for (const [name, schema] of Object.entries(params)) {
        const property = properties.find((p) => p.name === name)!;
        expect({ name, type: property.type }).toEqual({ name, type: expectedPropertyType(schema) });
        if (schema.enum)
          expect({ name, values: property.options!.map((o) => (o as { value: unknown }).value) }).toEqual({
            name,
            values: schema.enum,
          });
        if (schema.default !== undefined)
          expect({ name, default: property.default }).toEqual({ name, default: schema.default });
        else expect({ name, default: property.default }).toEqual({ name, default: unsetDefault(schema) });
        expect({ name, required: property.required === true }).toEqual({ name, required: required.has(name) });
      }
    },
  );

  it('offers the trigger topics of the DSL and the same default', () => {
    const topic = descriptionOf('ionfluxShopifyTrigger').properties.find((p) => p.name === 'topic')!;
    const config = triggerCatalog['shopify.order'].config.properties!.topic!;
    expect(topic.options!.map((o) => (o as { value: string }).value)).toEqual(config.enum);
    expect(topic.default).toBe(config.default);
  });

  it('accepts every parameter the golden workflows give its nodes', () => {
    const dir = join(__dirname, '..', 'examples', 'agents');
    let checked = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.n8n.json'))) {
      const workflow = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        nodes: { name: string; type: string; parameters: IDataObject; credentials?: IDataObject }[];
      };
      for (const node of workflow.nodes) {
        const name = node.type.replace(`${NODE_PACKAGE}.`, '');
        if (!node.type.startsWith(NODE_PACKAGE) || !(name in nodeTypes)) continue;
        const description = descriptionOf(name);
        const known = new Set(description.properties.map((p) => p.name));
        expect({ file, node: node.name, unknown: Object.keys(node.parameters).filter((k) => !known.has(k)) }).toEqual({
          file,
          node: node.name,
          unknown: [],
        });
        const declared = new Set((description.credentials ?? []).map((c) => c.name));
        for (const credential of Object.keys(node.credentials ?? {}))
          expect({ file, credential, declared: declared.has(credential) }).toEqual({
            file,
            credential,
            declared: true,
          });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });
});

describe('operation outputs validate against the catalog output schemas', () => {
  let sandbox: TestSandbox;
  let api: LocalServer;
  const previousOrigins = process.env.IONFLUX_SANDBOX_ORIGINS;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', {
    validate: (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s),
  });
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  const outputs = new Map<string, IDataObject>();
  let server: ServerHandle;
  let ionfluxApi: IDataObject;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
    // The IONFLUX server nodes write to a real IONFLUX server (embedded database, demo workspace).
    server = await startServer({ port: 0, inMemory: true, demo: true, logLevel: 'silent', sandbox: false });
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: server.demo!.email, password: server.demo!.password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const created = await fetch(`${server.url}/api/workspaces/${server.demo!.workspaceId}/api-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name: 'Catalog test' }),
    });
    ionfluxApi = { baseUrl: server.url, token: ((await created.json()) as { token: string }).token };
    api = await startLocalServer((_req, res) =>
      sendJson(res, 200, { ok: true, items: [1, 2] }, { 'X-Request-Id': 'r-1' }),
    );
    process.env.IONFLUX_SANDBOX_ORIGINS = api.origin;
  });
  afterAll(async () => {
    if (previousOrigins === undefined) delete process.env.IONFLUX_SANDBOX_ORIGINS;
    else process.env.IONFLUX_SANDBOX_ORIGINS = previousOrigins;
    await Promise.all([sandbox.close(), api.close(), server.close()]);
  });

  const credentialsFor = (node: string) =>
    ({
      ionfluxShopify: { ionfluxShopifyAccessTokenApi: sandbox.credentials.shopify },
      ionfluxTikTok: { ionfluxTikTokOAuth2Api: sandbox.credentials.tiktok },
      ionfluxLlm: { ionfluxLlmApi: sandbox.credentials.llm },
      ionfluxHttpRequest: {},
      ionfluxCanvas: { ionfluxApi },
      ionfluxChat: { ionfluxApi },
      ionfluxNotify: { ionfluxApi },
      ionfluxVectorStore: { ionfluxApi, ionfluxLlmApi: sandbox.credentials.llm },
    })[node] as never;

  /** Parameters to run each action with; some take ids from the output of an earlier action. */
  const sampleParameters: Record<string, () => IDataObject> = {
    'shopify.orders.list': () => ({ period: 'yesterday', limit: 20 }),
    'shopify.orders.get': () => ({ id: (outputs.get('shopify.orders.list')!.orders as IDataObject[])[0]!.legacyId }),
    'shopify.revenue.summary': () => ({ period: 'last_7_days' }),
    'shopify.revenue.series': () => ({ period: 'last_30_days', interval: 'week' }),
    'shopify.revenue.byChannel': () => ({ period: 'last_7_days' }),
    'shopify.revenue.byProduct': () => ({ period: 'last_7_days', sortBy: 'netSales', limit: 20 }),
    'shopify.revenue.topProducts': () => ({ period: 'last_7_days', rankBy: 'quantity', limit: 5 }),
    'shopify.products.list': () => ({ limit: 5 }),
    'shopify.products.get': () => ({ id: (outputs.get('shopify.products.list')!.products as IDataObject[])[0]!.id }),
    'shopify.products.lowStock': () => ({ threshold: 50 }),
    'shopify.customers.list': () => ({ query: 'orders_count:>30', limit: 5 }),
    'shopify.export': () => ({ data: 'lineItems', period: 'yesterday', bulkThreshold: 0, limit: 10 }),
    'tiktok.trends.hashtags': () => ({ keywords: '["fashion"]', limit: 5 }),
    'tiktok.trends.sounds': () => ({ keywords: '["coffee"]', limit: 5 }),
    'tiktok.creators.search': () => ({ niche: 'tech', limit: 3 }),
    'tiktok.videos.stats': () => ({
      ids: JSON.stringify(
        (outputs.get('tiktok.creators.search')!.creators as IDataObject[])
          .flatMap((c) => (c.recentVideos as IDataObject[]).map((v) => v.id))
          .slice(0, 5),
      ),
    }),
    'llm.generate': () => ({ prompt: 'Write a TikTok caption for our winter hoodie', maxTokens: 100 }),
    'llm.summarize': () => ({
      text: 'Sales rose 12% this week. Hoodies sold out on Friday. We restock on Monday and will run a TikTok campaign.',
      maxSentences: 2,
    }),
    'llm.extract': () => ({
      text: 'Customer: Ana Silva, email ana@example.com, total $150.',
      schema:
        '{"type":"object","properties":{"name":{"type":"string"},"email":{"type":"string"},"total":{"type":"number"}},"required":["name","email","total"]}',
    }),
    'llm.classify': () => ({ text: 'Where is my parcel?', labels: '["order_status","complaint","other"]' }),
    'http.request': () => ({ url: `${api.url}/status` }),
    'canvas.write': () => ({
      page: 'Q4 Holiday Campaign Plan',
      block: 'catalog-check',
      content: 'Revenue **up** 12%',
      title: 'Catalog check',
    }),
    'canvas.append': () => ({
      page: 'Q4 Holiday Campaign Plan',
      block: 'catalog-check',
      content: '={{ [{ "sku": "HOODIE-1", "stock": 3 }] }}',
      format: 'table',
    }),
    'canvas.replace': () => ({ page: 'Q4 Holiday Campaign Plan', block: 'catalog-check', content: 'Replaced' }),
    'chat.post': () => ({ channel: 'sales', text: 'New order over $100: **$150.00**' }),
    'chat.thread': () => ({ channel: 'sales', limit: 10 }),
    notify: () => ({ title: 'Stock is low', body: 'HOODIE-1 has 3 left', level: 'warning' }),
    'vector.upsert': () => ({
      namespace: 'catalog',
      documents: JSON.stringify([
        { id: 'a', text: 'calm and warm voice' },
        { id: 'b', text: 'capsule wardrobes' },
      ]),
    }),
    'vector.query': () => ({ namespace: 'catalog', text: 'a calm voice', topK: 2 }),
  };

  it('has sample parameters for every action of the package', () => {
    expect(Object.keys(sampleParameters).sort()).toEqual(OURS.map(([action]) => action).sort());
  });

  it.each(OURS)('%s', async (action, target) => {
    const definition = actionCatalog[action as keyof typeof actionCatalog];
    const result = await runNodeForOutput({
      type: target.node,
      parameters: {
        resource: target.resource,
        operation: target.operation,
        ...sampleParameters[action]!(),
        options: {},
      },
      credentials: credentialsFor(target.node),
    });
    outputs.set(action, result);
    const validate = ajv.compile(definition.output);
    const valid = validate(result);
    expect({ action, errors: valid ? [] : validate.errors }).toEqual({ action, errors: [] });
  });
});

/** A value a parameter schema accepts: its default, its first option, or a plain value of its type. */
function sampleValue(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sampleValue(schema.anyOf[0]!);
  switch (typesOf(schema)[0]) {
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleValue(schema.items ?? {}));
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((name: string) => [name, sampleValue(schema.properties![name]!)]),
      );
    default:
      return schema.description?.includes('URL') ? 'https://example.com/' : 'text';
  }
}

/**
 * Agents that reach every node the compiler can emit: one per action (with and without a connection where the
 * action takes an optional one) and one per trigger kind.
 */
function agentsCoveringEveryNode(): { name: string; agent: object }[] {
  const agents: { name: string; agent: object }[] = [];
  const agent = (name: string, spec: object) => ({
    name,
    agent: { apiVersion: 'ionflux/v1', kind: 'Agent', metadata: { name, version: '1.0.0' }, spec },
  });
  for (const [action, definition] of Object.entries(actionCatalog)) {
    const params = definition.params;
    const withParams = Object.fromEntries(
      (params.required ?? []).map((name: string) => [name, sampleValue(params.properties![name]!)]),
    );
    const connection = 'connection' in definition ? definition.connection : undefined;
    const variants = !connection ? [false] : connection.required ? [true] : [false, true];
    for (const bound of variants) {
      const step: Record<string, unknown> = { id: 'act', uses: action, with: withParams };
      if (bound) step.connection = 'account';
      agents.push(
        agent(`${action.replace(/\./g, '-').toLowerCase()}${bound ? '-bound' : ''}`, {
          ...(bound ? { connections: { account: { type: connection!.type } } } : {}),
          trigger: { manual: {} },
          steps: [step],
        }),
      );
    }
  }
  const triggerConfigs: Record<string, object> = {
    manual: {},
    schedule: { cron: '0 9 * * 1-5' },
    webhook: { path: 'hook' },
    'chat.command': { command: 'go' },
    'shopify.order': { connection: 'store' },
  };
  for (const kind of triggerKinds) {
    agents.push(
      agent(`trigger-${kind.replace(/\./g, '-')}`, {
        ...(kind === 'shopify.order' ? { connections: { store: { type: 'shopify' } } } : {}),
        trigger: { [kind]: triggerConfigs[kind] },
        steps: [{ id: 'note', uses: 'notify', with: { title: 'hello' } }],
      }),
    );
  }
  return agents;
}

describe('credential references', () => {
  /**
   * The credentials a node's description requires for its parameters, as n8n checks them when it activates a
   * workflow ("Missing required credential"): required, and shown for the node's parameter values.
   */
  function requiredCredentials(node: N8nWorkflow['nodes'][number]): string[] {
    const name = node.type.slice(NODE_PACKAGE.length + 1);
    const description = descriptionOf(name);
    const values = NodeHelpers.getNodeParameters(
      description.properties,
      node.parameters as never,
      true,
      false,
      node as never,
      description,
    )!;
    return (description.credentials ?? [])
      .filter((c) => c.required && NodeHelpers.displayParameter(values, c, node as never, description))
      .map((c) => c.name);
  }

  const compiled = agentsCoveringEveryNode().map(({ name, agent }) => {
    const result = compileAgent(JSON.stringify(agent, null, 2));
    return { name, result };
  });

  it('compiles an agent for every action and trigger kind', () => {
    for (const { name, result } of compiled)
      expect({ name, errors: result.diagnostics.filter((d) => d.severity === 'error') }).toEqual({ name, errors: [] });
    const types = new Set(compiled.flatMap(({ result }) => result.workflow!.nodes.map((n) => n.type)));
    for (const name of Object.keys(nodeTypes)) expect(types).toContain(`${NODE_PACKAGE}.${name}`);
  });

  it('gives every node each credential its description requires, of a type it declares', () => {
    const dir = join(__dirname, '..', 'examples', 'agents');
    const goldens = readdirSync(dir)
      .filter((f) => f.endsWith('.n8n.json'))
      .map((f) => ({ name: f, workflow: JSON.parse(readFileSync(join(dir, f), 'utf8')) as N8nWorkflow }));
    const workflows = [...goldens, ...compiled.map(({ name, result }) => ({ name, workflow: result.workflow! }))];
    let checked = 0;
    for (const {
      name: workflow,
      workflow: { nodes },
    } of workflows) {
      for (const node of nodes) {
        if (!node.type.startsWith(`${NODE_PACKAGE}.`)) continue;
        const required = requiredCredentials(node);
        const given = Object.keys(node.credentials ?? {});
        expect({ workflow, node: node.name, missing: required.filter((c) => !given.includes(c)) }).toEqual({
          workflow,
          node: node.name,
          missing: [],
        });
        const declared = new Set(
          (descriptionOf(node.type.slice(NODE_PACKAGE.length + 1)).credentials ?? []).map((c) => c.name),
        );
        expect({ workflow, node: node.name, undeclared: given.filter((c) => !declared.has(c)) }).toEqual({
          workflow,
          node: node.name,
          undeclared: [],
        });
        for (const reference of Object.values(node.credentials ?? {}))
          expect(reference).toEqual({ id: expect.stringMatching(/^ionflux:/), name: expect.any(String) });
        checked += required.length;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

/**
 * What a builder sees in n8n's editor: every parameter described, defaults its field accepts, subtitles that read
 * like n8n's, a codex that puts each node where n8n's own nodes of its kind are, and credential slots n8n renders
 * as separate, labelled slots.
 */
describe('the package as n8n renders it', () => {
  const names = Object.keys(nodeTypes);
  const codexOf = (name: string) => {
    const dir = name.charAt(0).toUpperCase() + name.slice(1);
    return JSON.parse(readFileSync(join(__dirname, dir, `${dir}.node.json`), 'utf8')) as {
      node: string;
      categories: string[];
      subcategories?: Record<string, string[]>;
      alias: string[];
      resources?: Record<string, { url: string }[]>;
    };
  };
  /** Every property and every option of a collection, with where it sits. */
  const allProperties = (name: string) =>
    descriptionOf(name).properties.flatMap((p) => [
      { node: name, property: p },
      ...(p.type === 'collection' || p.type === 'fixedCollection'
        ? ((p.options ?? []) as INodeProperties[]).map((o) => ({ node: name, property: o }))
        : []),
    ]);
  /** The operation selectors: n8n describes their options (the actions in the nodes panel), not the selector. */
  const isSelector = (p: INodeProperties) => p.name === 'resource' || p.name === 'operation';

  it('describes every parameter, and every operation with an action name', () => {
    const missing = names
      .flatMap(allProperties)
      .filter(({ property }) => !isSelector(property) && !property.description);
    expect(missing.map(({ node, property }) => `${node}.${property.name}`)).toEqual([]);
    for (const name of names)
      for (const property of descriptionOf(name).properties.filter((p) => p.name === 'operation'))
        for (const option of property.options as { value: string; action?: string; description?: string }[])
          expect({ name, operation: option.value, action: !!option.action, description: !!option.description }).toEqual(
            {
              name,
              operation: option.value,
              action: true,
              description: true,
            },
          );
  });

  it('gives every parameter a default its field accepts (valid JSON in JSON fields)', () => {
    const invalid: string[] = [];
    for (const { node, property } of names.flatMap(allProperties)) {
      const value = property.default as unknown;
      const where = `${node}.${property.name} (${property.type}: ${JSON.stringify(value)})`;
      switch (property.type) {
        case 'string':
          if (typeof value !== 'string') invalid.push(where);
          break;
        case 'number':
          // Empty means "the provider's choice": allowed only on optional fields that say so in a placeholder.
          if (value === undefined ? property.required || !property.placeholder : !Number.isFinite(value))
            invalid.push(where);
          break;
        case 'boolean':
          if (typeof value !== 'boolean') invalid.push(where);
          break;
        case 'options':
          if (!(property.options as { value: unknown }[]).some((o) => o.value === value)) invalid.push(where);
          break;
        case 'json':
          try {
            JSON.parse(value as string);
          } catch {
            invalid.push(where);
          }
          break;
        case 'collection':
          if (value === null || typeof value !== 'object' || Array.isArray(value)) invalid.push(where);
          break;
        default:
          invalid.push(`${where}: a field type this test does not know`);
      }
    }
    expect(invalid).toEqual([]);
  });

  it('shows the operation display name as subtitle, as n8n evaluates it on the canvas', () => {
    const subtitle = (name: string, parameters: IDataObject) => {
      const description = descriptionOf(name);
      const node = {
        id: '1',
        name: 'node',
        type: `${NODE_PACKAGE}.${name}`,
        typeVersion: 1,
        position: [0, 0],
        parameters,
      };
      const workflow = new Workflow({
        nodes: [node as never],
        connections: {},
        active: false,
        nodeTypes: testNodeTypes(),
      });
      return workflow.expression.getSimpleParameterValue(node as never, description.subtitle!, 'internal', {});
    };
    let checked = 0;
    for (const name of names) {
      const description = descriptionOf(name);
      expect({ name, subtitle: typeof description.subtitle }).toEqual({ name, subtitle: 'string' });
      for (const selector of description.properties.filter((p) => p.name === 'operation')) {
        const resource = selector.displayOptions!.show!.resource![0] as string;
        for (const option of selector.options as { value: string; action: string }[]) {
          expect(subtitle(name, { resource, operation: option.value })).toBe(option.action);
          checked++;
        }
      }
    }
    const topic = descriptionOf('ionfluxShopifyTrigger').properties.find((p) => p.name === 'topic')!;
    for (const option of topic.options as { value: string; name: string }[])
      expect(subtitle('ionfluxShopifyTrigger', { topic: option.value })).toBe(option.name);
    expect(subtitle('ionfluxChatTrigger', { command: 'summarize_thread' })).toBe('/summarize_thread');
    expect(checked).toBe(OURS.length);
  });

  it('has a codex like n8n’s own nodes of the same kind, found by searching "IONFLUX"', () => {
    const expected: Record<string, { categories: string[]; subcategories?: Record<string, string[]> }> = {
      // n8n-nodes-base Shopify, Shopify Trigger; Notion; Slack, Slack Trigger, Mattermost; HTTP Request
      ionfluxShopify: { categories: ['Sales'] },
      ionfluxShopifyTrigger: { categories: ['Sales'] },
      ionfluxTikTok: { categories: ['Marketing'] },
      ionfluxCanvas: { categories: ['Productivity'] },
      ionfluxChat: { categories: ['Communication'] },
      ionfluxChatTrigger: { categories: ['Communication'] },
      ionfluxNotify: { categories: ['Communication'] },
      ionfluxHttpRequest: { categories: ['Development', 'Core Nodes'], subcategories: { 'Core Nodes': ['Helpers'] } },
      // @n8n/n8n-nodes-langchain Anthropic / Google Gemini / OpenAI (model nodes with a main input and output), and
      // its vector stores: n8n's panel searches AI nodes only among root nodes.
      ionfluxLlm: { categories: ['AI'], subcategories: { AI: ['Agents', 'Miscellaneous', 'Root Nodes'] } },
      ionfluxVectorStore: {
        categories: ['AI'],
        subcategories: { AI: ['Vector Stores', 'Root Nodes'], 'Vector Stores': ['Other Vector Stores'] },
      },
    };
    expect(Object.keys(expected).sort()).toEqual([...names].sort());
    for (const name of names) {
      const codex = codexOf(name);
      expect({ name, node: codex.node, categories: codex.categories, subcategories: codex.subcategories }).toEqual({
        name,
        node: `${NODE_PACKAGE}.${name}`,
        ...expected[name],
      });
      expect(codex.alias).toContain('IONFLUX');
      expect(descriptionOf(name).displayName.startsWith('IONFLUX ')).toBe(true);
      // n8n appends tracking parameters to documentation links, which breaks any link with a fragment.
      for (const link of Object.values(codex.resources ?? {}).flat())
        expect({ name, url: link.url }).toEqual({ name, url: expect.stringMatching(/^https:\/\/[^#]+$/) });
    }
  });

  it('describes each trigger on its own (n8n shows it for the node and its trigger together)', () => {
    for (const [node, trigger] of [
      ['ionfluxShopify', 'ionfluxShopifyTrigger'],
      ['ionfluxChat', 'ionfluxChatTrigger'],
    ] as const) {
      expect(descriptionOf(trigger).description).not.toBe(descriptionOf(node).description);
      expect(descriptionOf(trigger).description).not.toMatch(/^Starts the workflow/);
    }
  });

  it('gives every node its own icon, with colours no other node uses', () => {
    const colours = (name: string) => {
      const dir = name.charAt(0).toUpperCase() + name.slice(1);
      const file = (descriptionOf(name).icon as string).replace(/^file:/, '');
      const svg = readFileSync(join(__dirname, dir, file), 'utf8');
      // The shared dark tile and white marks aside, what tells the icons apart.
      return new Set([...svg.matchAll(/(?:fill|stroke)="(#[0-9a-f]{3,6})"/gi)].map((m) => m[1]!.toLowerCase()));
    };
    const sameApp = (a: string, b: string) => a.replace('Trigger', '') === b.replace('Trigger', '');
    const background = new Set(['#1f2a44', '#fff', '#ffffff']);
    for (const a of names)
      for (const b of names) {
        if (a >= b || sameApp(a, b)) continue;
        const shared = [...colours(a)].filter((c) => !background.has(c) && colours(b).has(c));
        const own = [...colours(a)].filter((c) => !background.has(c) && !colours(b).has(c));
        expect({ a, b, distinct: own.length > 0 || shared.length === 0 }).toEqual({ a, b, distinct: true });
      }
    // The two nodes builders confused: no colour in common.
    expect([...colours('ionfluxLlm')].filter((c) => !background.has(c) && colours('ionfluxChat').has(c))).toEqual([]);
  });

  /**
   * n8n's editor (`getMainAuthField` in editor-ui's nodeTypesUtils) takes a parameter for the node's authentication
   * choice when credentials' `show` options cover all its values; it then hides that parameter from the panel and
   * offers credentials per value. Only `authentication` may be one.
   */
  it('has no parameter n8n would take for an authentication choice but `authentication`', () => {
    for (const name of names) {
      const description = descriptionOf(name);
      const shownFor: Record<string, Set<string>> = {};
      for (const credential of description.credentials ?? [])
        for (const [field, values] of Object.entries(credential.displayOptions?.show ?? {}))
          for (const value of values ?? []) (shownFor[field] ??= new Set()).add(String(value));
      const authFields = description.properties.filter(
        (p) =>
          p.name in shownFor &&
          (p.options as { value: unknown }[] | undefined)?.every((o) => shownFor[p.name]!.has(String(o.value))),
      );
      expect({ name, authFields: [...new Set(authFields.map((p) => p.name))] }).toEqual({
        name,
        authFields: name.startsWith('ionfluxShopify') ? ['authentication'] : [],
      });
    }
  });

  it('labels each Vector Store credential slot and shows the slots of the chosen store', () => {
    const description = descriptionOf('ionfluxVectorStore');
    const slots = (backend: string) =>
      (description.credentials ?? [])
        .filter((c) => NodeHelpers.displayParameter({ backend }, c, { typeVersion: 1 } as never, description))
        .map((c) => ({ name: c.name, label: c.displayName }));
    expect(slots('ionflux')).toEqual([
      { name: CREDENTIAL_TYPES.ionflux, label: 'IONFLUX Workspace' },
      { name: CREDENTIAL_TYPES.llm, label: 'Embedding Model (LLM)' },
    ]);
    expect(slots('pinecone')).toEqual([
      { name: CREDENTIAL_TYPES.pinecone, label: 'Pinecone' },
      { name: CREDENTIAL_TYPES.llm, label: 'Embedding Model (LLM)' },
    ]);
  });
});
