import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { parameterError, readString, readStringList } from '../../../shared/parameters';
import { IonfluxApiClient } from '../../../shared/ionflux/transport';

export const meta: OperationMeta = { action: 'notify', effect: 'write', idempotent: false };

const LEVELS = ['info', 'success', 'warning', 'critical'] as const;

export const description: INodeProperties[] = forOperation('notification', 'create', [
  {
    displayName: 'Title',
    name: 'title',
    type: 'string',
    default: '',
    required: true,
    description: 'At most 200 characters',
  },
  {
    displayName: 'Body',
    name: 'body',
    type: 'string',
    typeOptions: { rows: 3 },
    default: '',
    description: 'The notification text under the title, at most 2,000 characters',
  },
  {
    displayName: 'Level',
    name: 'level',
    type: 'options',
    options: LEVELS.map((level) => ({ name: level.charAt(0).toUpperCase() + level.slice(1), value: level })),
    default: 'info',
    description: 'How urgent the notification is; it sets its colour and icon',
  },
  {
    displayName: 'Link',
    name: 'link',
    type: 'string',
    default: '',
    description: 'Where the notification leads: an app path (/...) or an https:// URL',
  },
  {
    displayName: 'Recipients',
    name: 'recipients',
    type: 'json',
    default: '[]',
    description: 'Emails of the members to notify, e.g. ["ana@shop.com"]; an empty list notifies every member',
  },
]);

/** Notifies the members (all of them unless recipients are given); the level is the notification's kind. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const title = readString(this, 'title', itemIndex, { required: true });
  if (title.length > 200)
    throw parameterError(this, 'title', itemIndex, `must be at most 200 characters, but has ${title.length}.`);
  const body = readString(this, 'body', itemIndex) ?? '';
  const level = readString(this, 'level', itemIndex, { oneOf: LEVELS }) ?? 'info';
  const link = readString(this, 'link', itemIndex)?.trim();
  if (link && !(link.startsWith('/') || link.startsWith('https://'))) {
    throw parameterError(
      this,
      'link',
      itemIndex,
      `must be an app path starting with / or an https:// URL, but got "${link.slice(0, 100)}".`,
    );
  }
  const recipients = readStringList(this, 'recipients', itemIndex, { maxItems: 100 });
  const api = await IonfluxApiClient.forItem(this, itemIndex);
  return api.run(async () => {
    const result = await api.workspace<{ notifications: { id: string }[] }>('POST', '/notifications', {
      title,
      body: body.slice(0, 2000),
      kind: level,
      ...(link ? { link } : {}),
      ...(recipients && recipients.length > 0 ? { emails: recipients } : {}),
      source: { type: 'agent_run', id: String(this.getExecutionId()).slice(0, 200) },
    });
    return { notificationIds: result.notifications.map((n) => n.id), count: result.notifications.length };
  });
}
