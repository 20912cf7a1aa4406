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

export const meta: OperationMeta = { action: 'canvas.append', effect: 'write', idempotent: false };

export const description: INodeProperties[] = forOperation('block', 'append', blockProperties('append'));

/** Appends markdown (and list data) to the block; creates it when missing. Concurrent appends are all kept. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const target = readTarget(this, itemIndex);
  const addition = readSnippet(this, itemIndex);
  const api = await IonfluxApiClient.forItem(this, itemIndex);
  return api.run(async () => {
    for (let attempt = 0; ; attempt++) {
      const existing = await findBlock(api, target);
      const old = existing?.block.type === 'agent_snippet' ? existing.block.content : undefined;
      const content: IDataObject = { ...addition };
      if (old) {
        content.markdown = [old.markdown, addition.markdown]
          .filter((m) => typeof m === 'string' && m !== '')
          .join('\n\n');
        if (!addition.title && old.title) content.title = old.title;
        const before = Array.isArray(old.data) ? old.data : old.data === undefined ? [] : [old.data];
        const added = Array.isArray(addition.data) ? addition.data : addition.data === undefined ? [] : [addition.data];
        if (before.length + added.length > 0) content.data = [...before, ...added] as IDataObject[];
      }
      try {
        return blockOutput(await putBlock(api, this, target, content, existing?.block.version));
      } catch (error) {
        if (!(error instanceof IonfluxApiError && error.status === 409) || attempt >= VERSION_CONFLICT_RETRIES)
          throw error;
      }
    }
  });
}
