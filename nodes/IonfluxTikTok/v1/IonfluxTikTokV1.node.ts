import type { INodeTypeBaseDescription } from 'n8n-workflow';
import { RoutedNodeVersion } from '../../shared/routed-node';
import { properties, router } from '../actions/router';
import { TIKTOK_CREDENTIAL } from '../transport';

export class IonfluxTikTokV1 extends RoutedNodeVersion {
  constructor(baseDescription: INodeTypeBaseDescription) {
    super(baseDescription, {
      name: 'TikTok',
      credentials: [{ name: TIKTOK_CREDENTIAL, required: true }],
      properties,
      router,
      usableAsTool: true,
    });
  }
}
