import dagre from '@dagrejs/dagre';
import type { N8nConnections } from './workflow';

/**
 * Canvas positions for a compiled workflow, from a layered graph layout (dagre, the library n8n's own "Tidy up"
 * uses): left to right, every branch of an IF or Switch, every error path and every loop body on rows of its own.
 * Deterministic: the same nodes and connections, in the same order, give the same positions.
 */

/** n8n's canvas: a node is a 100 x 100 box at its position (top left); its name and subtitle sit under it. */
export const NODE_SIZE = 100;
const LABEL_HEIGHT = 40;
/** n8n's canvas grid: positions are multiples of it. */
const GRID = 20;
/** Horizontal gap between columns. */
const RANK_GAP = 120;

export interface LayoutNode {
  name: string;
}

/**
 * The last few layouts, by the graph's shape (node names in order and connections): the layout depends on nothing
 * else, and it is most of a compile's time (dagre). An editor re-compiles at every keystroke that seldom changes the
 * shape, so a repeated shape costs a lookup.
 */
const recentLayouts = new Map<string, Record<string, [number, number]>>();
const RECENT_LAYOUTS = 8;

/** Positions by node name, the first node (the trigger) at [0, 0]. */
export function layoutWorkflow(nodes: LayoutNode[], connections: N8nConnections): Record<string, [number, number]> {
  const key = JSON.stringify([nodes.map((n) => n.name), connections]);
  let positions = recentLayouts.get(key);
  if (positions) recentLayouts.delete(key);
  else positions = computeLayout(nodes, connections);
  recentLayouts.set(key, positions);
  if (recentLayouts.size > RECENT_LAYOUTS) recentLayouts.delete(recentLayouts.keys().next().value!);
  // Copies: callers own (and may move) the positions they get.
  return Object.fromEntries(Object.entries(positions).map(([name, [x, y]]) => [name, [x, y]]));
}

function computeLayout(nodes: LayoutNode[], connections: N8nConnections): Record<string, [number, number]> {
  const edges = Object.entries(connections).flatMap(([source, { main }]) =>
    main.flatMap((targets, output) =>
      targets.map((target) => ({ source, target: target.node, output, input: target.index })),
    ),
  );
  /** Lays out the nodes; an edge that spans more than one column goes through spacers, one per column between. */
  const run = (spans: Map<(typeof edges)[number], number>) => {
    const graph = new dagre.graphlib.Graph({ multigraph: true });
    graph.setGraph({ rankdir: 'LR', nodesep: 60, ranksep: RANK_GAP, edgesep: 30, marginx: 0, marginy: 0 });
    graph.setDefaultEdgeLabel(() => ({}));
    // dagre writes each node's position into its label: one object per node.
    const box = () => ({ width: NODE_SIZE, height: NODE_SIZE + LABEL_HEIGHT });
    for (const node of nodes) graph.setNode(node.name, box());
    edges.forEach((edge, index) => {
      const span = spans.get(edge) ?? 1;
      const weight = span > 1 ? 8 : edge.output === 0 ? 2 : 1;
      let from = edge.source;
      for (let k = 1; k < span; k++) {
        const spacer = `\u0000spacer ${index}.${k}`;
        graph.setNode(spacer, box());
        graph.setEdge(from, spacer, { minlen: 1, weight }, `${edge.output}:${edge.input}`);
        from = spacer;
      }
      graph.setEdge(from, edge.target, { minlen: 1, weight }, `${edge.output}:${edge.input}`);
    });
    dagre.layout(graph);
    return graph;
  };
  // n8n draws an edge straight from node to node, not along the layout's route: an edge that skips columns (the
  // empty branch of an IF, a loop's exit) would run behind the nodes of the columns it skips. A second pass
  // reserves a node-sized spacer in each column it crosses (dagre keeps heavy chains straight), so the row the
  // edge runs along holds no node.
  const first = run(new Map());
  const column = (name: string) => Math.round(first.node(name).x / (NODE_SIZE + RANK_GAP));
  const graph = run(
    new Map(edges.map((e) => [e, column(e.target) - column(e.source)] as const).filter(([, span]) => span > 1)),
  );
  const corner = (name: string): [number, number] => {
    const { x, y } = graph.node(name);
    return [x - NODE_SIZE / 2, y - (NODE_SIZE + LABEL_HEIGHT) / 2];
  };
  const [originX, originY] = corner(nodes[0]!.name);
  const snap = (value: number) => Math.round(value / GRID) * GRID;
  return Object.fromEntries(
    nodes.map((node) => {
      const [x, y] = corner(node.name);
      return [node.name, [snap(x - originX), snap(y - originY)]];
    }),
  );
}
