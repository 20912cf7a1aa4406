import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxHttpRequestV1 } from './v1/IonfluxHttpRequestV1.node';
import { operationSubtitle } from '../shared/operation';
import { properties } from './actions/router';

/** IONFLUX HTTP Request: calls a user-supplied URL through the SSRF guard (`http.request`). */
export class IonfluxHttpRequest extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'IONFLUX HTTP Request',
      name: 'ionfluxHttpRequest',
      icon: 'file:ionfluxHttpRequest.svg',
      group: ['output'],
      subtitle: operationSubtitle(properties),
      description: 'Calls a URL. Private, loopback and cloud metadata addresses are blocked.',
      defaultVersion: 1,
    };
    const nodeVersions: IVersionedNodeType['nodeVersions'] = {
      1: new IonfluxHttpRequestV1(baseDescription),
    };
    super(nodeVersions, baseDescription);
  }
}
