import type { N8nNode, N8nWorkflow } from './workflow';

/** The label of output `index` of a node, as n8n shows it (true/false, case values, done/loop, error). */
export function outputLabel(node: N8nNode, index: number): string | undefined {
  if (node.type === 'n8n-nodes-base.if') return index === 0 ? 'true' : 'false';
  if (node.type === 'n8n-nodes-base.splitInBatches') return index === 0 ? 'done' : 'loop';
  if (node.type === 'n8n-nodes-base.switch') {
    const rules = (node.parameters.rules as { values?: { outputKey?: string }[] } | undefined)?.values ?? [];
    return rules[index]?.outputKey ?? (index === rules.length ? 'default' : String(index));
  }
  if (node.onError === 'continueErrorOutput' && index === 1) return 'error';
  return index === 0 ? undefined : String(index);
}

/**
 * A plain-text view of a workflow: nodes (name, type, what they do) and edges (with branch labels), for a quick
 * look in a terminal (`ionflux graph`).
 */
export function renderGraph(workflow: N8nWorkflow): string {
  const sources = workflow.meta?.ionflux?.nodes ?? {};
  const width = Math.max(...workflow.nodes.map((n) => n.name.length), 4);
  const typeWidth = Math.max(...workflow.nodes.map((n) => n.type.length), 4);
  const lines = [`${workflow.name}: ${workflow.nodes.length} nodes`, ''];
  for (const node of workflow.nodes) {
    const source = sources[node.name];
    const operation = node.parameters.resource
      ? `${String(node.parameters.resource)}.${String(node.parameters.operation)}`
      : '';
    const role = source ? `${source.role}${source.step ? ` (${source.step})` : ''}` : '';
    lines.push(
      `  ${node.name.padEnd(width)}  ${node.type.padEnd(typeWidth)}  ${[operation, role].filter(Boolean).join('  ')}`.trimEnd(),
    );
  }
  const edges: string[] = [];
  for (const node of workflow.nodes) {
    (workflow.connections[node.name]?.main ?? []).forEach((targets, output) => {
      for (const target of targets ?? []) {
        const label = outputLabel(node, output);
        const input = target.index > 0 ? ` (input ${target.index + 1})` : '';
        edges.push(`  ${node.name}${label ? ` [${label}]` : ''} -> ${target.node}${input}`);
      }
    });
  }
  lines.push('', `${edges.length} edges`, '', ...edges);
  return `${lines.join('\n')}\n`;
}
