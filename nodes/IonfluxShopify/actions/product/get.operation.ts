import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { parameterError, readString } from '../../../shared/parameters';
import { PRODUCT_QUERY, normalizeProduct } from '../../normalize';
import type { GraphqlProduct } from '../../normalize';
import { completeVariants } from '../../queries';
import { ShopifyGraphql, toGlobalId } from '../../transport';

export const meta: OperationMeta = { action: 'shopify.products.get', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('product', 'get', [
  {
    displayName: 'Product ID',
    name: 'id',
    type: 'string',
    default: '',
    required: true,
    placeholder: 'gid://shopify/Product/8100000000001 or 8100000000001',
    description: 'Global ID or numeric ID of the product',
  },
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const raw = readString(this, 'id', itemIndex, { required: true });
  const id = toGlobalId(raw, 'Product');
  if (!id)
    throw parameterError(
      this,
      'id',
      itemIndex,
      `must be a product id such as gid://shopify/Product/123 or 123, but got "${raw}".`,
    );
  const shopify = await ShopifyGraphql.forItem(this, itemIndex);
  const { data } = await shopify.query<{ product: GraphqlProduct | null }>(PRODUCT_QUERY, { id });
  if (!data.product)
    throw new NodeOperationError(
      this.getNode(),
      `Product ${raw} was not found in the store ${shopify.connection.shopDomain}.`,
      { itemIndex },
    );
  await completeVariants(shopify, [data.product]);
  return { product: normalizeProduct(data.product) };
}
