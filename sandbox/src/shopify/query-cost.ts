/**
 * Calculated query cost and the leaky bucket, as the GraphQL Admin API applies them
 * (https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits,
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits):
 *
 * - scalar and enum fields cost 0, object fields 1, a connection 2 + (first|last) x (cost of one node), a mutation 10;
 * - `requestedQueryCost` is charged from the bucket before execution and the difference to `actualQueryCost`
 *   (computed from the nodes actually returned) is refunded after;
 * - a query whose requested cost exceeds the single-query limit (1000) is rejected with MAX_COST_EXCEEDED;
 * - when the bucket holds less than the requested cost the response is `Throttled` (HTTP 200) with extensions.cost.
 */
import { Kind, getNamedType, isCompositeType, isObjectType, isInterfaceType, valueFromASTUntyped } from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';

export const SINGLE_QUERY_MAX_COST = 1000;
const MUTATION_COST = 10;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function collectFields(
  walk: Walk,
  selectionSet: SelectionSetNode,
  out: FieldNode[] = [],
  seen = new Set<string>(),
): FieldNode[] {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(walk, selection.selectionSet, out, seen);
    else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (fragment && !seen.has(name)) {
        seen.add(name);
        collectFields(walk, fragment.selectionSet, out, seen);
      }
    }
  }
  return out;
}

function argumentValue(walk: Walk, field: FieldNode, name: string): unknown {
  const arg = field.arguments?.find((a) => a.name.value === name);
  return arg ? valueFromASTUntyped(arg.value, walk.variables) : undefined;
}

/** Cost of a selection on `type`; when `data` is given, connection sizes come from the returned nodes. */
function selectionCost(
  walk: Walk,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  data: unknown,
  actual: boolean,
): number {
  let cost = 0;
  const fieldsOf = isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
  for (const field of collectFields(walk, selectionSet)) {
    const name = field.name.value;
    if (name.startsWith('__')) continue;
    const def = fieldsOf[name];
    if (!def || !field.selectionSet) continue;
    const named = getNamedType(def.type);
    if (!isCompositeType(named)) continue;
    const key = field.alias?.value ?? name;
    const value = data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
    if (actual && value === null) continue;
    if (named.name.endsWith('Connection')) cost += connectionCost(walk, named, field, value, actual);
    else if (Array.isArray(value) && actual)
      cost += value.reduce(
        (sum: number, item) => sum + 1 + selectionCost(walk, named, field.selectionSet!, item, actual),
        0,
      );
    else cost += 1 + selectionCost(walk, named, field.selectionSet, value, actual);
  }
  return cost;
}

function connectionCost(
  walk: Walk,
  type: GraphQLCompositeType,
  field: FieldNode,
  data: unknown,
  actual: boolean,
): number {
  const requested = Number(argumentValue(walk, field, 'first') ?? argumentValue(walk, field, 'last') ?? 0) || 0;
  const fields = isObjectType(type) ? type.getFields() : {};
  let perNode = 0;
  let returned = 0;
  for (const sub of collectFields(walk, field.selectionSet!)) {
    const key = sub.alias?.value ?? sub.name.value;
    const value = data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
    if (sub.name.value === 'nodes' && sub.selectionSet) {
      const nodeType = getNamedType(fields.nodes!.type) as GraphQLCompositeType;
      if (actual && Array.isArray(value)) {
        returned = Math.max(returned, value.length);
        perNode +=
          value.reduce(
            (sum: number, item) => sum + 1 + selectionCost(walk, nodeType, sub.selectionSet!, item, true),
            0,
          ) / Math.max(1, value.length);
      } else perNode += 1 + selectionCost(walk, nodeType, sub.selectionSet, undefined, false);
    }
    if (sub.name.value === 'edges' && sub.selectionSet) {
      const edgeType = getNamedType(fields.edges!.type) as GraphQLCompositeType;
      const edgeFields = isObjectType(edgeType) ? edgeType.getFields() : {};
      for (const edgeField of collectFields(walk, sub.selectionSet)) {
        if (edgeField.name.value !== 'node' || !edgeField.selectionSet) continue;
        const nodeType = getNamedType(edgeFields.node!.type) as GraphQLCompositeType;
        const nodeKey = edgeField.alias?.value ?? 'node';
        if (actual && Array.isArray(value)) {
          returned = Math.max(returned, value.length);
          perNode +=
            value.reduce(
              (sum: number, edge) =>
                sum +
                1 +
                selectionCost(
                  walk,
                  nodeType,
                  edgeField.selectionSet!,
                  (edge as Record<string, unknown>)?.[nodeKey],
                  true,
                ),
              0,
            ) / Math.max(1, value.length);
        } else perNode += 1 + selectionCost(walk, nodeType, edgeField.selectionSet, undefined, false);
      }
    }
  }
  const count = actual ? returned : requested;
  return 2 + Math.ceil(count * perNode);
}

function prepare(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName))
      operation ??= def;
  }
  return { walk: { schema, fragments, variables: variables ?? {} }, operation };
}

function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  data: unknown,
  actual: boolean,
): number {
  const { walk, operation } = prepare(schema, document, operationName, variables);
  if (!operation) return 0;
  if (operation.operation === 'mutation') {
    const root = schema.getMutationType()!;
    return collectFields(walk, operation.selectionSet).reduce((sum, field) => {
      const def = root.getFields()[field.name.value];
      if (!def || !field.selectionSet) return sum + MUTATION_COST;
      const named = getNamedType(def.type) as GraphQLCompositeType;
      const key = field.alias?.value ?? field.name.value;
      const value = data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
      return sum + MUTATION_COST + selectionCost(walk, named, field.selectionSet, value, actual);
    }, 0);
  }
  const root = schema.getQueryType()!;
  return selectionCost(walk, root, operation.selectionSet, data, actual);
}

export function requestedQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables?: Record<string, unknown> | null,
): number {
  return operationCost(schema, document, operationName, variables, undefined, false);
}

export function actualQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  data: unknown,
  operationName?: string | null,
  variables?: Record<string, unknown> | null,
): number {
  return operationCost(schema, document, operationName, variables, data, true);
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** One leaky bucket per access token (Shopify keys it per app and store; in the sandbox a token is one app install). */
export class CostBucket {
  private readonly buckets = new Map<string, { available: number; at: number }>();

  constructor(
    readonly maximumAvailable: number,
    readonly restoreRate: number,
    private readonly clock: () => number,
  ) {}

  private current(key: string): { available: number; at: number } {
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { available: this.maximumAvailable, at: now };
    const restored = Math.min(this.maximumAvailable, bucket.available + ((now - bucket.at) / 1000) * this.restoreRate);
    const state = { available: restored, at: now };
    this.buckets.set(key, state);
    return state;
  }

  /** Takes `cost` if available; returns false (taking nothing) when the bucket is too low. */
  take(key: string, cost: number): boolean {
    const state = this.current(key);
    if (state.available < cost) return false;
    state.available -= cost;
    return true;
  }

  refund(key: string, amount: number): void {
    const state = this.current(key);
    state.available = Math.min(this.maximumAvailable, state.available + Math.max(0, amount));
  }

  status(key: string): ThrottleStatus {
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.current(key).available),
      restoreRate: this.restoreRate,
    };
  }
}
