import type { Range } from '@ionflux/dsl';
import type { N8nWorkflow, NodeRole } from '@ionflux/compiler';
import { outputLabel } from '@ionflux/compiler';

/**
 * The compiled workflow as the editor's graph shows it: n8n's nodes (their names, types and canvas positions) with
 * the YAML lines each comes from, and n8n's connections with their branch labels (true/false, case values,
 * done/loop, error). Pure data: React Flow only renders it.
 */
export interface GraphNode {
  /** n8n's node name (unique in the workflow). */
  id: string;
  type: string;
  role?: NodeRole;
  /** The step the node belongs to, when it comes from a step. */
  step?: string;
  /** `resource.operation` of IONFLUX action nodes. */
  operation?: string;
  position: [number, number];
  /** Where it comes from in the YAML (1-based lines and columns). */
  range?: Range;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  output: number;
  label?: string;
  /** An error output (continueErrorOutput) or the path into a handler. */
  error: boolean;
}

export interface GraphModel {
  name: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function graphOfWorkflow(workflow: N8nWorkflow, sourceMap: Record<string, { range: Range }>): GraphModel {
  const sources = workflow.meta.ionflux.nodes;
  const nodes: GraphNode[] = workflow.nodes.map((node) => {
    const source = sources[node.name];
    const operation =
      typeof node.parameters.resource === 'string' && typeof node.parameters.operation === 'string'
        ? `${node.parameters.resource}.${node.parameters.operation}`
        : undefined;
    return {
      id: node.name,
      type: node.type,
      ...(source ? { role: source.role } : {}),
      ...(source?.step ? { step: source.step } : {}),
      ...(operation ? { operation } : {}),
      position: node.position,
      ...(sourceMap[node.name] ? { range: sourceMap[node.name]!.range } : {}),
    };
  });
  const byName = new Map(workflow.nodes.map((n) => [n.name, n]));
  const edges: GraphEdge[] = [];
  for (const [from, { main }] of Object.entries(workflow.connections)) {
    const node = byName.get(from);
    main.forEach((targets, output) => {
      for (const target of targets ?? []) {
        const label = node ? outputLabel(node, output) : undefined;
        edges.push({
          id: `${from}#${output}->${target.node}#${target.index}`,
          source: from,
          target: target.node,
          output,
          ...(label ? { label } : {}),
          error: label === 'error' || sources[target.node]?.role === 'handler',
        });
      }
    });
  }
  return { name: workflow.name, nodes, edges };
}

/** The innermost node whose YAML range holds a line (the step under the cursor). */
export function nodeAtLine(graph: GraphModel, line: number): GraphNode | undefined {
  let best: GraphNode | undefined;
  for (const node of graph.nodes) {
    const r = node.range;
    if (!r || line < r.start.line || line > r.end.line) continue;
    if (!best || r.end.line - r.start.line < best.range!.end.line - best.range!.start.line) best = node;
  }
  return best;
}

/**
 * n8n lays workflows out left to right; the editor's graph pane is tall and narrow, so it draws them top to bottom:
 * n8n's [x, y] becomes the pane's (y, x), scaled. `n8nPositionOf` is the inverse (rounded to whole n8n units).
 */
export function flowPositionOf(position: [number, number]): { x: number; y: number } {
  return { x: position[1] * 1.1, y: position[0] * 0.45 };
}

export function n8nPositionOf(position: { x: number; y: number }): [number, number] {
  return [Math.round(position.y / 0.45), Math.round(position.x / 1.1)];
}
