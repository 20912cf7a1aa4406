import { createHmac, timingSafeEqual } from 'node:crypto';
import { NodeConnectionTypes } from 'n8n-workflow';
import type {
  IDataObject,
  INodeType,
  INodeTypeBaseDescription,
  INodeTypeDescription,
  IWebhookFunctions,
  IWebhookResponseData,
} from 'n8n-workflow';

export class IonfluxChatTriggerV1 implements INodeType {
  description: INodeTypeDescription;

  constructor(baseDescription: INodeTypeBaseDescription) {
    this.description = {
      ...baseDescription,
      version: 1,
      defaults: { name: 'Chat command' },
      inputs: [],
      outputs: [NodeConnectionTypes.Main],
      credentials: [{ name: 'ionfluxApi', required: true }],
      webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'chat-command' }],
      properties: [
        {
          displayName: 'Command',
          name: 'command',
          type: 'string',
          default: '',
          required: true,
          placeholder: 'summarize_thread',
          description: 'Command word after the agent name',
        },
        {
          displayName: 'Description',
          name: 'description',
          type: 'string',
          default: '',
          description: 'Shown in the chat command autocomplete',
        },
      ],
    };
  }

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const request = this.getRequestObject();
    const response = this.getResponseObject();
    const credentials = await this.getCredentials('ionfluxApi');
    const raw = (request as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.from(JSON.stringify(request.body ?? {}));
    const expected = `sha256=${createHmac('sha256', String(credentials.token ?? ''))
      .update(raw)
      .digest('hex')}`;
    const given = String(request.headers['x-ionflux-signature'] ?? '');
    const valid = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    if (!valid) {
      response.status(401).json({ error: 'invalid or missing X-Ionflux-Signature' });
      return { noWebhookResponse: true };
    }
    const body = (request.body ?? {}) as IDataObject;
    const command = String(this.getNodeParameter('command', '') as string);
    if (body.command !== undefined && body.command !== command) {
      response.status(404).json({ error: `this workflow handles /${command}, not /${String(body.command)}` });
      return { noWebhookResponse: true };
    }
    const text = typeof body.text === 'string' ? body.text : '';
    const item: IDataObject = {
      command,
      text,
      args: Array.isArray(body.args) ? body.args : text.split(/\s+/).filter(Boolean),
      channel: body.channel ?? '',
      threadId: body.threadId ?? null,
      messageId: body.messageId ?? '',
      user: body.user ?? { id: '', name: '' },
    };
    // n8n answers an `onReceived` webhook with its `responseData`, which defaults to the literal text
    // 'firstEntryJson' for a node that sets none: the node answers with a small JSON acknowledgement itself, and
    // n8n still starts the run with workflowData.
    response.status(200).json({ received: true, command });
    return { noWebhookResponse: true, workflowData: [[{ json: item }]] };
  }
}
