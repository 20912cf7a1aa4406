import { RunInputError } from './inputs';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The item a trigger hands to the run, in the shape the trigger node produces in a real n8n: the DSL's
 * `{{ trigger }}` (see the trigger catalog). Callers may pass the whole payload or, for webhook-like triggers, just
 * the body (a Shopify order webhook body, say).
 */
export function triggerItem({
  triggerType,
  parameters,
  payload,
  shop,
  now = new Date(),
}: {
  triggerType: string;
  parameters: Obj;
  payload: unknown;
  shop?: string;
  now?: Date;
}): Obj {
  const at = now.toISOString();
  switch (triggerType) {
    case 'n8n-nodes-base.manualTrigger':
      return { startedBy: null, startedAt: at, ...(isObj(payload) ? payload : {}) };
    case 'n8n-nodes-base.scheduleTrigger':
      return { scheduledAt: at, timezone: 'UTC', ...(isObj(payload) ? payload : {}) };
    case 'n8n-nodes-base.webhook':
      if (isObj(payload) && ('body' in payload || 'headers' in payload || 'query' in payload)) {
        return { headers: {}, query: {}, method: String(parameters.httpMethod ?? 'POST'), ...payload };
      }
      return { body: payload ?? {}, headers: {}, query: {}, method: String(parameters.httpMethod ?? 'POST') };
    case 'n8n-nodes-ionflux.ionfluxChatTrigger': {
      if (!isObj(payload)) throw new RunInputError('trigger', 'A chat command trigger needs { channel, text, ... }.');
      const text = typeof payload.text === 'string' ? payload.text : '';
      return {
        command: String(payload.command ?? parameters.command ?? ''),
        text,
        args: Array.isArray(payload.args) ? payload.args : text.split(/\s+/).filter(Boolean),
        channel: payload.channel ?? 'general',
        threadId: payload.threadId ?? null,
        messageId: payload.messageId ?? '',
        user: isObj(payload.user) ? payload.user : { id: '', name: '' },
      };
    }
    case 'n8n-nodes-ionflux.ionfluxShopifyTrigger': {
      if (isObj(payload) && isObj(payload.order))
        return { topic: parameters.topic ?? 'orders/create', shop: shop ?? '', ...payload };
      if (!isObj(payload))
        throw new RunInputError(
          'trigger',
          'A Shopify order trigger needs the order webhook body, e.g. {"id":1,"name":"#1001","total_price":"150.00",...}.',
        );
      if (!('total_price' in payload) && !('id' in payload)) {
        throw new RunInputError(
          'trigger',
          'This does not look like a Shopify order webhook body (no id or total_price).',
        );
      }
      return { topic: parameters.topic ?? 'orders/create', shop: shop ?? '', order: payload };
    }
    default:
      return isObj(payload) ? payload : {};
  }
}
