import { NodeHelpers, type INodeType, type INodeTypes, type IVersionedNodeType } from 'n8n-workflow';

type NodeClass = new () => INodeType | IVersionedNodeType;

/**
 * The standard n8n nodes the compiler emits, and nothing else: the embedded engine runs compiled agents, not
 * arbitrary workflows (no Code node: it needs n8n's task runner and is not a sandbox here).
 */
const BASE_NODES: Record<string, [file: string, className: string]> = {
  'n8n-nodes-base.manualTrigger': ['ManualTrigger/ManualTrigger.node', 'ManualTrigger'],
  'n8n-nodes-base.scheduleTrigger': ['Schedule/ScheduleTrigger.node', 'ScheduleTrigger'],
  'n8n-nodes-base.webhook': ['Webhook/Webhook.node', 'Webhook'],
  'n8n-nodes-base.set': ['Set/Set.node', 'Set'],
  'n8n-nodes-base.if': ['If/If.node', 'If'],
  'n8n-nodes-base.switch': ['Switch/Switch.node', 'Switch'],
  'n8n-nodes-base.merge': ['Merge/Merge.node', 'Merge'],
  'n8n-nodes-base.splitOut': ['Transform/SplitOut/SplitOut.node', 'SplitOut'],
  'n8n-nodes-base.splitInBatches': ['SplitInBatches/SplitInBatches.node', 'SplitInBatches'],
  'n8n-nodes-base.aggregate': ['Transform/Aggregate/Aggregate.node', 'Aggregate'],
  'n8n-nodes-base.noOp': ['NoOp/NoOp.node', 'NoOp'],
};

export const ALLOWED_BASE_NODES = Object.keys(BASE_NODES);

export class UnsupportedNodeType extends Error {}

/** n8n's node-type registry for the embedded engine: IONFLUX nodes plus the allowlisted standard nodes. */
export class EngineNodeTypes implements INodeTypes {
  private readonly instances = new Map<string, INodeType | IVersionedNodeType>();

  constructor(private readonly packageNodes: Record<string, NodeClass>) {}

  getByName(type: string): INodeType | IVersionedNodeType {
    let instance = this.instances.get(type);
    if (instance) return instance;
    const base = BASE_NODES[type];
    if (base) {
      // Loaded one file at a time: requiring n8n-nodes-base whole would load hundreds of nodes.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
      const module = require(`n8n-nodes-base/dist/nodes/${base[0]}`) as Record<string, NodeClass>;
      instance = new module[base[1]]!();
    } else {
      const Node = this.packageNodes[type];
      if (!Node) {
        throw new UnsupportedNodeType(
          `Node type ${type} does not run in the embedded engine (it runs IONFLUX nodes and ${ALLOWED_BASE_NODES.join(', ')}).`,
        );
      }
      instance = new Node();
    }
    this.instances.set(type, instance);
    return instance;
  }

  getByNameAndVersion(type: string, version?: number): INodeType {
    return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
  }

  getKnownTypes(): Record<string, { className: string; sourcePath: string }> {
    return {};
  }
}
