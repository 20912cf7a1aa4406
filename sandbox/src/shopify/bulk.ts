/**
 * Bulk query operations (`bulkOperationRunQuery`, Admin GraphQL 2025-10,
 * https://shopify.dev/docs/api/usage/bulk-operations/queries): the query runs in the background over the store,
 * page by page through the same schema and resolvers as the Admin API (without cost limits), and writes a JSONL
 * file: one line per object, the objects of a nested connection on their own lines after their parent with
 * `__parentId`. While it runs, `currentBulkOperation` and `node(id:)` report `RUNNING` with growing counts; when it
 * ends the file is served on the sandbox's own address (the `url`, no credentials, as Shopify's signed URLs) and
 * apps subscribed to `BULK_OPERATIONS_FINISH` get the `bulk_operations/finish` webhook.
 *
 * Shopify's rules the sandbox enforces: one bulk query at a time per app and shop (`OPERATION_IN_PROGRESS`), at
 * least one connection, at most five connections, nested at most two levels deep, no top-level `node`/`nodes`.
 * Limits of the emulation: one top-level connection per query; a nested connection holds at most its first 250
 * objects.
 */
import { GraphQLError, Kind, execute, getNamedType, isObjectType, parse, validate, visit } from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  GraphQLSchema,
  GraphQLObjectType,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MAX_PAGE_SIZE } from './connection';

export type BulkOperationStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'EXPIRED';

export interface BulkOperationRecord {
  legacyId: number;
  type: 'QUERY';
  query: string;
  status: BulkOperationStatus;
  errorCode: 'INTERNAL_SERVER_ERROR' | null;
  createdAt: Date;
  completedAt: Date | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  /** Where the JSONL is written, and the secret part of its URL. */
  file: string;
  token: string;
  /** Resolves when the operation has finished (tests and shutdown). */
  done: Promise<void>;
}

export interface BulkUserError {
  field: string[] | null;
  message: string;
  code: 'INVALID' | 'OPERATION_IN_PROGRESS';
}

const MAX_CONNECTIONS = 5;
const MAX_NESTING = 2;
const CURSOR_VARIABLE = '__bulkAfter';
const PAGE_INFO_ALIAS = '__bulkPageInfo';

const isConnectionType = (type: GraphQLObjectType) => type.name.endsWith('Connection');

interface Plan {
  document: DocumentNode;
  /** Response key of the top-level connection. */
  rootKey: string;
}

/** Checks a bulk query against Shopify's rules and rewrites it to run page by page; returns errors instead. */
function planQuery(schema: GraphQLSchema, query: string): Plan | { errors: string[] } {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { errors: [`Invalid bulk query: ${(error as GraphQLError).message}`] };
  }
  const validation = validate(schema, document);
  if (validation.length > 0) return { errors: validation.map((e) => `Invalid bulk query: ${e.message}`) };
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1 || operations[0]!.operation !== 'query')
    return { errors: ['Bulk queries must contain exactly one query operation (no mutations).'] };
  if (document.definitions.some((d) => d.kind === Kind.FRAGMENT_DEFINITION))
    return { errors: ['Fragments are not supported by the sandbox in bulk queries: inline the fields.'] };
  const operation = operations[0]!;

  // Count connections and their nesting over the schema's types.
  const errors: string[] = [];
  let connections = 0;
  const walk = (set: SelectionSetNode, type: GraphQLObjectType, depth: number) => {
    for (const selection of set.selections) {
      if (selection.kind !== Kind.FIELD) {
        if (selection.kind === Kind.INLINE_FRAGMENT && selection.typeCondition) {
          const inner = schema.getType(selection.typeCondition.name.value);
          if (isObjectType(inner)) walk(selection.selectionSet, inner, depth);
        }
        continue;
      }
      const field = type.getFields()[selection.name.value];
      if (!field || !selection.selectionSet) continue;
      const named = getNamedType(field.type);
      if (!isObjectType(named)) continue;
      if (isConnectionType(named)) {
        connections++;
        if (depth + 1 > MAX_NESTING)
          errors.push(
            `Bulk queries cannot contain connections with a nesting depth greater than ${MAX_NESTING} (${selection.name.value}).`,
          );
        walk(selection.selectionSet, named, depth + 1);
      } else walk(selection.selectionSet, named, depth);
    }
  };
  const root = schema.getQueryType()!;
  const topFields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  for (const field of topFields)
    if (field.name.value === 'node' || field.name.value === 'nodes')
      errors.push(`The top-level '${field.name.value}' field can't be used in bulk queries.`);
  walk(operation.selectionSet, root, 0);
  if (connections === 0) errors.push('Bulk queries must contain at least one connection.');
  if (connections > MAX_CONNECTIONS)
    errors.push(`Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections.`);
  const rootConnections = topFields.filter((f) => {
    const def = root.getFields()[f.name.value];
    const named = def && getNamedType(def.type);
    return named && isObjectType(named) && isConnectionType(named);
  });
  if (errors.length === 0 && (rootConnections.length !== 1 || topFields.length !== 1))
    errors.push('The sandbox runs bulk queries with exactly one top-level field, a connection (e.g. orders).');
  if (errors.length > 0) return { errors };
  const rootField = rootConnections[0]!;

  const intArg = (name: string, value: number) => ({
    kind: Kind.ARGUMENT as const,
    name: { kind: Kind.NAME as const, value: name },
    value: { kind: Kind.INT as const, value: String(value) },
  });
  const hasArg = (field: FieldNode, ...names: string[]) =>
    (field.arguments ?? []).some((a) => names.includes(a.name.value));
  const idField: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'id' } };

  // Page the top-level connection with a cursor variable; give nested connections a page size; make sure every
  // object with a nested connection has its id (the children's __parentId).
  const rewritten = visit(document, {
    OperationDefinition(node) {
      return {
        ...node,
        variableDefinitions: [
          ...(node.variableDefinitions ?? []),
          {
            kind: Kind.VARIABLE_DEFINITION,
            variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: CURSOR_VARIABLE } },
            type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'String' } },
          },
        ],
      };
    },
    Field(node, _key, _parent, _path, ancestors) {
      const isRoot = node === rootField || (node.loc !== undefined && node.loc === rootField.loc);
      const nestedConnection =
        !isRoot &&
        node.selectionSet !== undefined &&
        node.selectionSet.selections.some(
          (s) => s.kind === Kind.FIELD && (s.name.value === 'edges' || s.name.value === 'nodes'),
        ) &&
        ancestors.some((a) => (a as { kind?: string }).kind === Kind.FIELD);
      if (isRoot) {
        const args = (node.arguments ?? []).filter((a) => !['first', 'last', 'after', 'before'].includes(a.name.value));
        args.push(intArg('first', MAX_PAGE_SIZE), {
          kind: Kind.ARGUMENT,
          name: { kind: Kind.NAME, value: 'after' },
          value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: CURSOR_VARIABLE } },
        } as never);
        // Orders are read in creation order, which the store indexes (Shopify's files come in id order).
        if (node.name.value === 'orders' && !hasArg(node, 'sortKey'))
          args.push({
            kind: Kind.ARGUMENT,
            name: { kind: Kind.NAME, value: 'sortKey' },
            value: { kind: Kind.ENUM, value: 'CREATED_AT' },
          } as never);
        const pageInfo: FieldNode = {
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: PAGE_INFO_ALIAS },
          name: { kind: Kind.NAME, value: 'pageInfo' },
          selectionSet: {
            kind: Kind.SELECTION_SET,
            selections: [
              { kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'hasNextPage' } },
              { kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'endCursor' } },
            ],
          },
        };
        return {
          ...node,
          arguments: args,
          selectionSet: { ...node.selectionSet!, selections: [...node.selectionSet!.selections, pageInfo] },
        };
      }
      if (nestedConnection && !hasArg(node, 'first', 'last'))
        return { ...node, arguments: [...(node.arguments ?? []), intArg('first', MAX_PAGE_SIZE)] };
      return undefined;
    },
    SelectionSet(node, _key, parent) {
      if ((parent as { kind?: string } | undefined)?.kind === Kind.OPERATION_DEFINITION) return undefined;
      // A node selection (under edges/node or nodes) holding a nested connection needs its id.
      const holdsConnection = node.selections.some(
        (s) =>
          s.kind === Kind.FIELD &&
          s.selectionSet?.selections.some(
            (c) => c.kind === Kind.FIELD && (c.name.value === 'edges' || c.name.value === 'nodes'),
          ),
      );
      const isConnectionLevel = node.selections.some(
        (s) => s.kind === Kind.FIELD && (s.name.value === 'edges' || s.name.value === 'nodes'),
      );
      const hasId = node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'id' && !s.alias);
      if (holdsConnection && !isConnectionLevel && !hasId)
        return { ...node, selections: [idField, ...node.selections] };
      return undefined;
    },
  });
  return { document: rewritten, rootKey: rootField.alias?.value ?? rootField.name.value };
}

/** The objects of a connection value (`edges { node }` or `nodes`), or null when the value is not a connection. */
function connectionNodes(value: unknown): Record<string, unknown>[] | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as { edges?: unknown; nodes?: unknown };
  const keys = Object.keys(v).filter((k) => k !== PAGE_INFO_ALIAS && k !== 'pageInfo');
  if (keys.length === 0 || keys.some((k) => k !== 'edges' && k !== 'nodes')) return null;
  const out: Record<string, unknown>[] = [];
  if (Array.isArray(v.edges))
    for (const edge of v.edges) if (edge?.node) out.push(edge.node as Record<string, unknown>);
  if (Array.isArray(v.nodes)) for (const node of v.nodes as Record<string, unknown>[]) out.push(node);
  return out;
}

/** JSONL lines of one object and, after it, the objects of its nested connections (with __parentId). */
function linesOf(object: Record<string, unknown>, parentId: string | null, out: string[]): void {
  const line: Record<string, unknown> = {};
  const children: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(object)) {
    const nodes = connectionNodes(value);
    if (nodes) children.push(...nodes);
    else line[key] = value;
  }
  if (parentId !== null) line.__parentId = parentId;
  out.push(JSON.stringify(line));
  for (const child of children) linesOf(child, typeof object.id === 'string' ? object.id : null, out);
}

export class BulkOperations {
  private readonly operations = new Map<number, BulkOperationRecord>();
  private latest: BulkOperationRecord | null = null;
  private nextId = 4_400_000_000_001;

  constructor(private readonly options: { now: () => Date }) {}

  current(): BulkOperationRecord | null {
    return this.latest;
  }

  get(legacyId: number): BulkOperationRecord | undefined {
    return this.operations.get(legacyId);
  }

  /** The file of a finished operation, when the token is the one in its URL. */
  file(legacyId: number, token: string): BulkOperationRecord | undefined {
    const operation = this.operations.get(legacyId);
    return operation && operation.token === token && (operation.url || operation.partialDataUrl)
      ? operation
      : undefined;
  }

  /**
   * Starts a bulk query. `baseUrl` is where the sandbox's Shopify routes are reachable (the file URL is built on
   * it); `contextValue` is the Admin API context the query's resolvers run with.
   */
  start({
    schema,
    query,
    baseUrl,
    contextValue,
    onFinish,
  }: {
    schema: GraphQLSchema;
    query: string;
    baseUrl: string;
    contextValue: { searchReports: unknown[] };
    /** Called when the operation ends (the finish webhook). */
    onFinish: (operation: BulkOperationRecord) => void;
  }): { bulkOperation: BulkOperationRecord | null; userErrors: BulkUserError[] } {
    const running = this.latest && (this.latest.status === 'CREATED' || this.latest.status === 'RUNNING');
    if (running)
      return {
        bulkOperation: null,
        userErrors: [
          {
            field: null,
            message: `A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/${this.latest!.legacyId}.`,
            code: 'OPERATION_IN_PROGRESS',
          },
        ],
      };
    const plan = planQuery(schema, query);
    if ('errors' in plan)
      return {
        bulkOperation: null,
        userErrors: plan.errors.map((message) => ({ field: ['query'], message, code: 'INVALID' })),
      };
    const legacyId = this.nextId++;
    const token = randomBytes(16).toString('hex');
    let finished!: () => void;
    const operation: BulkOperationRecord = {
      legacyId,
      type: 'QUERY',
      query,
      status: 'CREATED',
      errorCode: null,
      createdAt: this.options.now(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      partialDataUrl: null,
      file: join(tmpdir(), `ionflux-sandbox-bulk-${legacyId}-${token}.jsonl`),
      token,
      done: new Promise<void>((resolve) => (finished = resolve)),
    };
    // Shopify keeps files for a week; the sandbox keeps the previous operation's and drops older ones.
    for (const old of this.operations.values())
      if (old !== this.latest && old.status !== 'EXPIRED') {
        void rm(old.file, { force: true });
        old.status = 'EXPIRED';
        old.url = null;
        old.partialDataUrl = null;
      }
    this.operations.set(legacyId, operation);
    this.latest = operation;
    const url = `${baseUrl}/bulk-operations/${legacyId}/${token}.jsonl`;
    void this.run(schema, operation, plan, contextValue, url).finally(() => {
      onFinish(operation);
      finished();
    });
    return { bulkOperation: operation, userErrors: [] };
  }

  private async run(
    schema: GraphQLSchema,
    operation: BulkOperationRecord,
    plan: Plan,
    contextValue: { searchReports: unknown[] },
    url: string,
  ): Promise<void> {
    const out = createWriteStream(operation.file);
    const write = async (chunk: string) => {
      if (!out.write(chunk)) await once(out, 'drain');
    };
    let failed = false;
    try {
      // Created first: a poll right after the mutation sees CREATED, then RUNNING while pages are written.
      await yieldToEventLoop();
      operation.status = 'RUNNING';
      let after: string | null = null;
      for (;;) {
        contextValue.searchReports.length = 0;
        const result = await execute({
          schema,
          document: plan.document,
          variableValues: { [CURSOR_VARIABLE]: after },
          contextValue,
        });
        if (result.errors?.length || !result.data) {
          failed = true;
          break;
        }
        const connection = result.data[plan.rootKey] as Record<string, unknown>;
        const roots = connectionNodes(connection) ?? [];
        const lines: string[] = [];
        for (const root of roots) linesOf(root, null, lines);
        if (lines.length > 0) await write(`${lines.join('\n')}\n`);
        operation.rootObjectCount += roots.length;
        operation.objectCount += lines.length;
        const pageInfo = connection[PAGE_INFO_ALIAS] as { hasNextPage: boolean; endCursor: string | null };
        if (!pageInfo.hasNextPage || !pageInfo.endCursor) break;
        after = pageInfo.endCursor;
        await yieldToEventLoop();
      }
    } catch {
      failed = true;
    }
    out.end();
    await once(out, 'close');
    operation.completedAt = this.options.now();
    if (failed) {
      operation.status = 'FAILED';
      operation.errorCode = 'INTERNAL_SERVER_ERROR';
      if (operation.objectCount > 0) operation.partialDataUrl = url;
      else await rm(operation.file, { force: true });
      return;
    }
    operation.fileSize = (await stat(operation.file)).size;
    operation.status = 'COMPLETED';
    // Shopify gives no URL when the query matched nothing.
    operation.url = operation.objectCount > 0 ? url : null;
  }

  /** Waits for running operations and deletes every file. */
  async close(): Promise<void> {
    await Promise.all([...this.operations.values()].map((o) => o.done));
    await Promise.all([...this.operations.values()].map((o) => rm(o.file, { force: true })));
    this.operations.clear();
  }
}

/** The `bulk_operations/finish` webhook body (https://shopify.dev/docs/api/usage/bulk-operations/queries). */
export function bulkFinishPayload(operation: BulkOperationRecord, isoSeconds: (d: Date) => string) {
  return {
    admin_graphql_api_id: `gid://shopify/BulkOperation/${operation.legacyId}`,
    completed_at: operation.completedAt ? isoSeconds(operation.completedAt) : null,
    created_at: isoSeconds(operation.createdAt),
    error_code: operation.errorCode ? operation.errorCode.toLowerCase() : null,
    status: operation.status.toLowerCase(),
    type: operation.type.toLowerCase(),
  };
}
