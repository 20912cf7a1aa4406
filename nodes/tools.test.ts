import { describe, expect, it } from '@jest/globals';
import type { INodeType, IVersionedNodeType } from 'n8n-workflow';
import { nodeTypes } from './index';

/**
 * n8n offers a node with `usableAsTool` to its AI Agent as a tool (as it does Slack v2). These are the nodes whose
 * operations an agent may call on its own: Shopify and TikTok reads, the LLM, and writes to the IONFLUX canvas and
 * chat. Not: HTTP Request (n8n has its own HTTP tool), Notify, the vector store, the triggers.
 */
const TOOLS = ['ionfluxCanvas', 'ionfluxChat', 'ionfluxLlm', 'ionfluxShopify', 'ionfluxTikTok'];

describe('nodes as AI-agent tools', () => {
  it('marks exactly the tool nodes usableAsTool, in every version', () => {
    const marked: string[] = [];
    for (const [name, Node] of Object.entries(nodeTypes)) {
      const node = new Node() as INodeType | IVersionedNodeType;
      const versions = 'nodeVersions' in node ? Object.values(node.nodeVersions) : [node];
      const flags = versions.map((version) => version.description.usableAsTool === true);
      expect([name, new Set(flags).size]).toEqual([name, 1]);
      if (flags[0]) marked.push(name);
    }
    expect(marked.sort()).toEqual(TOOLS);
  });
});
