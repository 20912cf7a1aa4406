import type { IonfluxMeta, N8nWorkflow } from './workflow';

/**
 * The compiled workflow in the shape n8n's public REST API (`POST /api/v1/workflows`, `PUT /api/v1/workflows/{id}`)
 * accepts. That API refuses a top-level `meta` (400 "request/body/meta is read-only") and any property it does not
 * list, so IONFLUX's metadata (agent name, version, content hash, each node's source in the YAML) moves into the
 * workflow's `staticData`, which the API stores and returns as is, and where `pull` and the server find it again.
 * n8n keeps its own keys of static data (`global`, `node:<name>`) beside it.
 */
export interface PublicApiWorkflow {
  name: string;
  nodes: N8nWorkflow['nodes'];
  connections: N8nWorkflow['connections'];
  settings: N8nWorkflow['settings'];
  staticData: { ionflux: IonfluxMeta } & Record<string, unknown>;
}

/** The key under a deployed workflow's `staticData` that holds IONFLUX's metadata. */
export const STATIC_DATA_KEY = 'ionflux';

export function toPublicApiWorkflow(workflow: N8nWorkflow): PublicApiWorkflow {
  return {
    name: workflow.name,
    nodes: workflow.nodes,
    connections: workflow.connections,
    settings: workflow.settings,
    staticData: { [STATIC_DATA_KEY]: workflow.meta.ionflux },
  };
}

/**
 * IONFLUX's metadata of a workflow from any of its homes: `meta.ionflux` (compiled files, n8n's internal API and
 * editor imports) or `staticData.ionflux` (deployed through the public API). Undefined for a workflow built in n8n.
 */
export function ionfluxMetaOf(workflow: { meta?: unknown; staticData?: unknown }): Partial<IonfluxMeta> | undefined {
  const fromMeta = (workflow.meta as { ionflux?: unknown } | null | undefined)?.ionflux;
  if (isIonfluxMeta(fromMeta)) return fromMeta;
  let staticData = workflow.staticData;
  if (typeof staticData === 'string') {
    try {
      staticData = JSON.parse(staticData) as unknown;
    } catch {
      return undefined;
    }
  }
  const fromStaticData = (staticData as Record<string, unknown> | null | undefined)?.[STATIC_DATA_KEY];
  return isIonfluxMeta(fromStaticData) ? fromStaticData : undefined;
}

function isIonfluxMeta(value: unknown): value is Partial<IonfluxMeta> {
  return value !== null && typeof value === 'object' && typeof (value as { agent?: unknown }).agent === 'string';
}
