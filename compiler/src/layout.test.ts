import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileAgent } from './compile';
import { examplesDirectory } from './goldens';
import { NODE_SIZE } from './layout';
import type { N8nWorkflow } from './workflow';

/**
 * The compiled workflows as n8n's canvas draws them: nodes are 100 x 100 boxes at their positions; an edge leaves
 * its output handle (right side, outputs spread over the height) and enters its input handle (left side). A
 * forward edge is a bezier curve whose control points sit half the horizontal distance out (vue-flow's
 * `getBezierPath`); an edge to a node on its left (a loop back) goes right, down under the source, left, and up
 * into the target (n8n's canvas edge for backward connections).
 */
type Point = [number, number];

function handle(position: Point, index: number, count: number, side: 'in' | 'out'): Point {
  return [position[0] + (side === 'out' ? NODE_SIZE : 0), position[1] + (NODE_SIZE * (index + 1)) / (count + 1)];
}

function bezier(from: Point, to: Point, steps: number): Point[] {
  const offset = 0.5 * Math.abs(to[0] - from[0]);
  const c1: Point = [from[0] + offset, from[1]];
  const c2: Point = [to[0] - offset, to[1]];
  return Array.from({ length: steps + 1 }, (_, i) => {
    const t = i / steps;
    const u = 1 - t;
    return [
      u ** 3 * from[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t ** 3 * to[0],
      u ** 3 * from[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t ** 3 * to[1],
    ];
  });
}

function polyline(points: Point[], step: number): Point[] {
  const out: Point[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i]!, points[i + 1]!];
    const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / step));
    for (let k = 0; k <= n; k++) out.push([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n]);
  }
  return out;
}

/** Points along the edge as the canvas draws it. */
export function edgePath(from: Point, to: Point): Point[] {
  if (to[0] >= from[0]) return bezier(from, to, 200);
  const below = Math.max(from[1], to[1]) + 130;
  return polyline(
    [from, [from[0] + 20, from[1]], [from[0] + 20, below], [to[0] - 20, below], [to[0] - 20, to[1]], to],
    5,
  );
}

/** Edges that pass behind a node other than their own two, and nodes that overlap. */
export function layoutProblems(workflow: N8nWorkflow): string[] {
  const position = new Map(workflow.nodes.map((n) => [n.name, n.position as Point]));
  const inputs = new Map<string, number>();
  for (const { main } of Object.values(workflow.connections))
    for (const targets of main)
      for (const t of targets) inputs.set(t.node, Math.max(inputs.get(t.node) ?? 1, t.index + 1));
  const inside = ([x, y]: Point, [nx, ny]: Point) => x > nx && x < nx + NODE_SIZE && y > ny && y < ny + NODE_SIZE;
  const problems: string[] = [];
  for (const [source, { main }] of Object.entries(workflow.connections))
    main.forEach((targets, output) => {
      for (const target of targets) {
        const from = handle(position.get(source)!, output, main.length, 'out');
        const to = handle(position.get(target.node)!, target.index, inputs.get(target.node)!, 'in');
        const path = edgePath(from, to);
        for (const node of workflow.nodes) {
          if (node.name === source || node.name === target.node) continue;
          if (path.some((p) => inside(p, node.position as Point)))
            problems.push(`${source} -> ${target.node} passes behind ${node.name}`);
        }
      }
    });
  for (const a of workflow.nodes)
    for (const b of workflow.nodes)
      if (
        a.name < b.name &&
        Math.abs(a.position[0] - b.position[0]) < NODE_SIZE &&
        Math.abs(a.position[1] - b.position[1]) < NODE_SIZE
      )
        problems.push(`${a.name} overlaps ${b.name}`);
  return problems;
}

describe('layout of the compiled workflows on n8n’s canvas', () => {
  const examples = readdirSync(examplesDirectory).filter((f) => f.endsWith('.yaml'));

  it.each(examples)('%s: no edge passes behind a node, no node overlaps another', (file) => {
    const { workflow } = compileAgent(readFileSync(join(examplesDirectory, file), 'utf8'));
    expect(layoutProblems(workflow!)).toEqual([]);
  });

  it('is deterministic', () => {
    const source = readFileSync(join(examplesDirectory, examples[0]!), 'utf8');
    expect(compileAgent(source).json).toBe(compileAgent(source).json);
  });

  it('sees an edge drawn behind a node (the check can fail)', () => {
    const node = (name: string, position: Point) => ({ name, position }) as N8nWorkflow['nodes'][number];
    const workflow = {
      nodes: [node('A', [0, 0]), node('B', [200, 0]), node('C', [400, 0])],
      connections: { A: { main: [[{ node: 'C', type: 'main', index: 0 }]] } },
    } as unknown as N8nWorkflow;
    expect(layoutProblems(workflow)).toEqual(['A -> C passes behind B']);
    const back = {
      nodes: [node('A', [0, 0]), node('B', [200, 0]), node('Below', [100, 140])],
      connections: { B: { main: [[{ node: 'A', type: 'main', index: 0 }]] } },
    } as unknown as N8nWorkflow;
    expect(layoutProblems(back)).toEqual(['B -> A passes behind Below']);
  });
});
