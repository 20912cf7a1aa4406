import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { IonfluxApiClient } from '../../../shared/ionflux/transport';
import { blockOutput, blockProperties, putBlock, readSnippet, readTarget } from './common';

export const meta: OperationMeta = { action: 'canvas.write', effect: 'write', idempotent: true };

export const description: INodeProperties[] = forOperation('block', 'write', blockProperties('write'));

/** Creates the block on the page, or replaces its content when it exists (last write wins). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const target = readTarget(this, itemIndex);
  const content = readSnippet(this, itemIndex);
  const api = await IonfluxApiClient.forItem(this, itemIndex);
  return api.run(async () => blockOutput(await putBlock(api, this, target, content)));
}
