import { NodeConnectionTypes } from 'n8n-workflow';
import type {
  IExecuteFunctions,
  INodeCredentialDescription,
  INodeExecutionData,
  INodeProperties,
  INodeType,
  INodeTypeBaseDescription,
  INodeTypeDescription,
} from 'n8n-workflow';

export interface RoutedNodeOptions {
  /** The node's default name on the canvas. */
  name: string;
  credentials?: INodeCredentialDescription[];
  /** Resource, operation and the operations' parameters (`nodeProperties(...)` of the node's router). */
  properties: INodeProperties[];
  /** Runs the operation each item asks for (`router` of the node's `actions/router.ts`). */
  router: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;
  /** Offered to n8n's AI Agent as a tool (the operations are calls an agent can make on its own). */
  usableAsTool?: boolean;
}

/**
 * Version 1 of an action node: one main input and output, its credentials and operations, each item routed to its
 * operation file. The nodes differ only in these options.
 *
 * @example
 * export class IonfluxCanvasV1 extends RoutedNodeVersion {
 *   constructor(baseDescription: INodeTypeBaseDescription) {
 *     super(baseDescription, { name: 'Canvas', credentials: [{ name: 'ionfluxApi', required: true }], properties, router });
 *   }
 * }
 */
export class RoutedNodeVersion implements INodeType {
  description: INodeTypeDescription;

  execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

  constructor(
    baseDescription: INodeTypeBaseDescription,
    { name, credentials, properties, router, usableAsTool }: RoutedNodeOptions,
  ) {
    this.description = {
      ...baseDescription,
      version: 1,
      defaults: { name },
      inputs: [NodeConnectionTypes.Main],
      outputs: [NodeConnectionTypes.Main],
      ...(credentials ? { credentials } : {}),
      ...(usableAsTool ? { usableAsTool: true } : {}),
      properties,
    };
    this.execute = router;
  }
}
