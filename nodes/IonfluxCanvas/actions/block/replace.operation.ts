import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { IonfluxApiClient, IonfluxApiError } from '../../../shared/ionflux/transport';
import {
  blockOutput,
  blockProperties,
  findBlock,
  putBlock,
  readSnippet,
  readTarget,
  VERSION_CONFLICT_RETRIES,
} from './common';

export const meta: OperationMeta = { action: 'canvas.replace', effect: 'write', idempotent: true };

export const description: INodeProperties[] = forOperation(
  'block',
  'replace',
  blockProperties('put in place of the old content'),
);

/** Replaces the content of an existing block (never creates one), based on the version it read. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const target = { ...readTarget(this, itemIndex), createPageIfMissing: false };
  const content = readSnippet(this, itemIndex);
  const api = await IonfluxApiClient.forItem(this, itemIndex);
  return api.run(async () => {
    for (let attempt = 0; ; attempt++) {
      const existing = await findBlock(api, target);
      if (!existing) {
        throw new NodeOperationError(
          this.getNode(),
          `There is no block "${target.key}" on page "${target.page}" to replace; use the Write operation to create it.`,
          { itemIndex },
        );
      }
      try {
        return blockOutput(await putBlock(api, this, target, content, existing.block.version));
      } catch (error) {
        if (!(error instanceof IonfluxApiError && error.status === 409) || attempt >= VERSION_CONFLICT_RETRIES)
          throw error;
      }
    }
  });
}
