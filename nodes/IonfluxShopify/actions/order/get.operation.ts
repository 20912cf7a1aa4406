import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { parameterError, readString } from '../../../shared/parameters';
import { ORDER_QUERY, normalizeOrder } from '../../normalize';
import type { GraphqlOrder } from '../../normalize';
import { completeLineItems } from '../../queries';
import { ShopifyGraphql, toGlobalId } from '../../transport';

export const meta: OperationMeta = { action: 'shopify.orders.get', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('order', 'get', [
  {
    displayName: 'Order ID',
    name: 'id',
    type: 'string',
    default: '',
    required: true,
    placeholder: 'gid://shopify/Order/1001 or 1001',
    description: 'Global ID or numeric ID of the order',
  },
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const raw = readString(this, 'id', itemIndex, { required: true });
  const id = toGlobalId(raw, 'Order');
  if (!id)
    throw parameterError(
      this,
      'id',
      itemIndex,
      `must be an order id such as gid://shopify/Order/1001 or 1001, but got "${raw}".`,
    );
  const shopify = await ShopifyGraphql.forItem(this, itemIndex);
  const { data } = await shopify.query<{ order: GraphqlOrder | null }>(ORDER_QUERY, { id });
  if (!data.order)
    throw new NodeOperationError(
      this.getNode(),
      `Order ${raw} was not found in the store ${shopify.connection.shopDomain}.`,
      { itemIndex },
    );
  await completeLineItems(shopify, [data.order]);
  return { order: normalizeOrder(data.order) };
}
