import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxChatTriggerV1 } from './v1/IonfluxChatTriggerV1.node';

/**
 * IONFLUX Chat Trigger: starts the workflow when someone types `/run_agent <agent> <command> ...` in the team chat.
 * The IONFLUX server POSTs the command to this webhook, signed with the workspace API token of the credential
 * (`X-Ionflux-Signature: sha256=<hex HMAC of the body>`); unsigned or badly signed calls get 401.
 */
export class IonfluxChatTrigger extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'IONFLUX Chat Trigger',
      name: 'ionfluxChatTrigger',
      icon: 'file:ionfluxChatTrigger.svg',
      group: ['trigger'],
      subtitle: '={{"/" + $parameter["command"]}}',
      description: 'Handle slash commands typed in IONFLUX chat (/run_agent ...)',
      defaultVersion: 1,
    };
    const nodeVersions: IVersionedNodeType['nodeVersions'] = {
      1: new IonfluxChatTriggerV1(baseDescription),
    };
    super(nodeVersions, baseDescription);
  }
}
