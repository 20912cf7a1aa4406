import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  ReactFlowProvider,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { flowPositionOf, type GraphModel, type GraphNode } from './graph-model';

// The IONFLUX node icons (nodes/<Name>/<name>.svg), served as app assets: keyed by n8n type suffix (ionfluxShopify).
const iconFiles = import.meta.glob('../../../nodes/*/*.svg', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const icons = new Map(
  Object.entries(iconFiles).map(([file, url]) => [
    file
      .split('/')
      .pop()!
      .replace(/\.svg$/, '')
      .toLowerCase(),
    url,
  ]),
);
function iconOf(type: string): string | undefined {
  return icons.get((type.split('.').pop() ?? '').toLowerCase());
}

/** What a node draws (not its YAML range: typing above a node moves its range, which must not re-render it). */
type FlowNodeData = { node: Pick<GraphNode, 'id' | 'type' | 'role' | 'operation'>; outputs: string[] };
type FlowNode = Node<FlowNodeData, 'ionflux'>;

const roleClass: Record<string, string> = {
  trigger: 'trigger',
  if: 'branch',
  switch: 'branch',
  error: 'error',
  handler: 'error',
};

const IonfluxNode = memo(function IonfluxNode({ data, selected }: NodeProps<FlowNode>) {
  const { node, outputs } = data;
  const icon = iconOf(node.type);
  const kind = node.role ? (roleClass[node.role] ?? (node.role.startsWith('loop') ? 'loop' : 'action')) : 'action';
  return (
    <div className={`graph-node graph-node-${kind}${selected ? ' selected' : ''}`}>
      {node.role !== 'trigger' && <Handle type="target" position={Position.Top} />}
      <div className="graph-node-title">
        {icon ? <img src={icon} alt="" width={18} height={18} /> : <span className="graph-node-glyph">{kind[0]}</span>}
        <span>{node.id}</span>
      </div>
      <div className="graph-node-sub">{node.operation ?? node.type.replace(/^n8n-nodes-(base|ionflux)\./, '')}</div>
      {outputs.length <= 1 ? (
        <Handle type="source" position={Position.Bottom} />
      ) : (
        outputs.map((label, i) => (
          <Handle
            key={i}
            type="source"
            id={String(i)}
            position={Position.Bottom}
            style={{ left: `${((i + 1) / (outputs.length + 1)) * 100}%` }}
            title={label}
          />
        ))
      )}
    </div>
  );
});

const nodeTypes = { ionflux: IonfluxNode };

/**
 * A node's size before React Flow has measured it (about what .graph-node draws, editor.css). React Flow hides a
 * node it cannot size and fits the view only once every node is sized: with this estimate the first commit already
 * shows the nodes, fitted, instead of waiting for a measuring pass and a second render of every node. The measured
 * size replaces it a frame later (edges are drawn then).
 */
const ESTIMATED_NODE_SIZE = { initialWidth: 148, initialHeight: 48 } as const;

function describeNode(node: GraphNode): string {
  return `${node.id}: ${node.role ?? 'node'}${node.step ? ` of step ${node.step}` : ''}${node.operation ? `, ${node.operation}` : ''}`;
}

/**
 * The compiled workflow drawn with React Flow: n8n's node names and positions, IONFLUX icons, IF/Switch branches,
 * loops and error outputs labelled. It only renders: selecting a node is reported up (the editor highlights its YAML
 * lines), and edits come back as graph edits of the YAML.
 */
export function GraphPane({
  graph,
  version,
  stale,
  compileError,
  selected,
  onSelect,
  onMoveNode,
  onConnectNodes,
}: {
  graph: GraphModel | undefined;
  /** The model version the graph was compiled from (bench/studio reads it). */
  version: number;
  /** The YAML has errors: this is the last graph that compiled. */
  stale: boolean;
  compileError?: string | undefined;
  selected: string | undefined;
  onSelect: (node: GraphNode | undefined) => void;
  /** A node dropped at a new place (the pane's coordinates); absent: nodes cannot be moved. */
  onMoveNode?: (id: string, position: { x: number; y: number }) => void;
  /** An output dragged onto a node: the YAML decides what it means (connect.ts); absent: no connecting. */
  onConnectNodes?: (source: GraphNode, sourceHandle: string | null | undefined, target: GraphNode) => void;
}) {
  // The previous nodes and edges by id: an unchanged one is handed to React Flow as the same object, so a keystroke
  // that changes one node (or none) re-renders that node only, not the whole graph.
  const previous = useRef<{ nodes: Map<string, [string, FlowNode]>; edges: Map<string, [string, Edge]> }>({
    nodes: new Map(),
    edges: new Map(),
  });
  const { nodes, edges } = useMemo(() => {
    if (!graph) return { nodes: [] as FlowNode[], edges: [] as Edge[] };
    const outputs = new Map<string, string[]>();
    for (const e of graph.edges) {
      const list = outputs.get(e.source) ?? [];
      list[e.output] = e.label ?? String(e.output);
      outputs.set(e.source, list);
    }
    const multi = (name: string) => (outputs.get(name)?.length ?? 0) > 1;
    const reuse = <T,>(cache: Map<string, [string, T]>, next: Map<string, [string, T]>, id: string, item: T): T => {
      const key = JSON.stringify(item);
      const old = cache.get(id);
      const kept = old && old[0] === key ? old[1] : item;
      next.set(id, [key, kept]);
      return kept;
    };
    const nextNodes = new Map<string, [string, FlowNode]>();
    const nextEdges = new Map<string, [string, Edge]>();
    const result = {
      nodes: graph.nodes.map<FlowNode>((n) =>
        reuse(previous.current.nodes, nextNodes, n.id, {
          id: n.id,
          type: 'ionflux',
          position: flowPositionOf(n.position),
          ...ESTIMATED_NODE_SIZE,
          data: {
            node: {
              id: n.id,
              type: n.type,
              ...(n.role ? { role: n.role } : {}),
              ...(n.operation ? { operation: n.operation } : {}),
            },
            outputs: [...(outputs.get(n.id) ?? [])].map((l, i) => l ?? String(i)),
          },
          selected: n.id === selected,
          ariaLabel: describeNode(n),
        }),
      ),
      edges: graph.edges.map<Edge>((e) =>
        reuse(previous.current.edges, nextEdges, e.id, {
          id: e.id,
          source: e.source,
          target: e.target,
          ...(multi(e.source) ? { sourceHandle: String(e.output) } : {}),
          ...(e.label ? { label: e.label } : {}),
          ...(e.error ? { className: 'graph-edge-error' } : {}),
          animated: e.error,
        }),
      ),
    };
    previous.current = { nodes: nextNodes, edges: nextEdges };
    return result;
  }, [graph, selected]);
  // Where nodes are being dragged to, until the next graph (compiled with the dropped positions) arrives.
  const [dragged, setDragged] = useState<Record<string, { x: number; y: number }>>({});
  useEffect(() => setDragged({}), [graph]);
  const shownNodes = useMemo(
    () =>
      Object.keys(dragged).length === 0
        ? nodes
        : nodes.map((n) => (dragged[n.id] ? { ...n, position: dragged[n.id]! } : n)),
    [nodes, dragged],
  );
  const byId = useMemo(() => new Map(graph?.nodes.map((n) => [n.id, n]) ?? []), [graph]);
  // A new set of nodes is fitted into view again (React Flow fits on mount).
  const shape = graph?.nodes.map((n) => n.id).join('\n') ?? '';

  // What the handlers read, as of the last render: the handlers themselves stay the same functions, so the flow
  // below is the same element while its nodes and edges are, and React skips it when only the version changed (a
  // keystroke that leaves the graph as it was re-renders this pane for its data-graph-version alone).
  const latest = useRef({ byId, selected, onSelect, onMoveNode, onConnectNodes });
  useLayoutEffect(() => {
    latest.current = { byId, selected, onSelect, onMoveNode, onConnectNodes };
  });
  const movable = onMoveNode !== undefined;
  const connectable = onConnectNodes !== undefined;
  const flow = useMemo(
    () => (
      <ReactFlowProvider>
        <ReactFlow
          key={shape}
          nodes={shownNodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={movable}
          nodesConnectable={connectable}
          onConnect={(connection) => {
            const { byId, onConnectNodes } = latest.current;
            const source = byId.get(connection.source);
            const target = byId.get(connection.target);
            if (source && target && onConnectNodes) onConnectNodes(source, connection.sourceHandle, target);
          }}
          elementsSelectable
          fitView
          minZoom={0.2}
          proOptions={{ hideAttribution: true }}
          onNodeClick={(_, node) => latest.current.onSelect(latest.current.byId.get(node.id))}
          onPaneClick={() => latest.current.onSelect(undefined)}
          onNodeDragStop={(_, node) => {
            const { byId, onMoveNode } = latest.current;
            const before = byId.get(node.id);
            if (!before || !onMoveNode) return;
            const at = flowPositionOf(before.position);
            if (Math.abs(at.x - node.position.x) >= 1 || Math.abs(at.y - node.position.y) >= 1)
              onMoveNode(node.id, node.position);
          }}
          onNodesChange={(changes) => {
            const { byId, selected, onSelect } = latest.current;
            // Keyboard selection (a focused node + Enter) arrives as a select change.
            for (const change of changes) {
              if (change.type === 'select' && change.selected && change.id !== selected) onSelect(byId.get(change.id));
              if (change.type === 'position' && change.position) {
                const position = change.position;
                setDragged((d) => ({ ...d, [change.id]: position }));
              }
            }
          }}
        >
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </ReactFlowProvider>
    ),
    [shape, shownNodes, edges, movable, connectable],
  );

  return (
    <div
      className={`editor-graph${stale ? ' stale' : ''}`}
      aria-label="Workflow graph"
      role="region"
      data-graph-version={version}
    >
      {stale && (
        <p className="graph-stale" role="status">
          {compileError
            ? `The compiler failed on this agent (${compileError}): showing the last graph that compiled.`
            : 'The YAML has errors: showing the last graph that compiled.'}
        </p>
      )}
      {!graph && <p className="empty">The graph appears once the agent compiles.</p>}
      {flow}
    </div>
  );
}
