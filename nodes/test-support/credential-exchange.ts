/**
 * An exchange for transports built directly in tests (without an n8n run): it signs each attempt with a
 * credential type's `authenticate`, as n8n's request helper does, then sends it on node:http.
 */
import type { ICredentialDataDecryptedObject, ICredentialType } from 'n8n-workflow';
import { credentialTypes } from '../index';
import { authenticateRequest } from '../shared/credential-authentication';
import { nodeHttpExchange } from '../shared/http/client';
import type { Exchange } from '../shared/http/client';

export function credentialExchange(typeName: string, credentials: ICredentialDataDecryptedObject): Exchange {
  const Type = (credentialTypes as Record<string, new () => ICredentialType>)[typeName];
  if (!Type) throw new Error(`Unknown credential type ${typeName}`);
  const type = new Type();
  return async (input) => {
    const signed = await authenticateRequest({
      type,
      credentials,
      request: { method: input.method as never, url: input.url.toString(), headers: { ...input.headers } },
    });
    const headers = Object.fromEntries(
      Object.entries(signed.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
    return nodeHttpExchange({ ...input, headers });
  };
}
