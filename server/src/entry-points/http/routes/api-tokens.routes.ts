import { z } from 'zod';
import { ApiTokenSchema, ApiTokenScopeSchema, apiTokenScopes } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { text, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const TokenParams = WorkspaceParams.extend({ tokenId: uuid });

export function apiTokenRoutes(useCases: UseCases): RouteDefinition[] {
  const { apiTokens } = useCases;
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/api-tokens',
      operationId: 'listApiTokens',
      summary: 'API tokens of the workspace (never the token values)',
      tags: ['api tokens'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      response: { status: 200, description: 'Tokens', schema: z.object({ apiTokens: z.array(ApiTokenSchema) }) },
      handler: async ({ auth }) => ({ apiTokens: await apiTokens.list(auth.access!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/api-tokens',
      operationId: 'createApiToken',
      summary: 'Create an API token for agents (n8n IonfluxApi credential); the token is shown once',
      description:
        'The token acts as you, limited by its scopes and role (the lower of its role and yours): it sees what you ' +
        'see and stops working when you leave the workspace (removal revokes it for good), change your password or ' +
        'delete your account.',
      tags: ['api tokens'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      body: z.strictObject({
        name: text(100, 'Name').describe('Also the default agent name on chat messages'),
        role: z.enum(['admin', 'member', 'viewer']).default('member'),
        scopes: z
          .array(ApiTokenScopeSchema)
          .min(1)
          .default([...apiTokenScopes]),
        expiresInDays: z.int().min(1).max(3650).optional(),
      }),
      example: { body: { name: 'n8n agents', role: 'member' } },
      response: {
        status: 201,
        description: 'The token (only now) and its record',
        schema: z.object({ apiToken: ApiTokenSchema, token: z.string() }),
      },
      handler: async ({ auth, body }) => apiTokens.create(auth.access!, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/api-tokens/:tokenId',
      operationId: 'revokeApiToken',
      summary: 'Revoke an API token (effective immediately)',
      tags: ['api tokens'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: TokenParams,
      response: { status: 200, description: 'Revoked', schema: z.object({ apiToken: ApiTokenSchema }) },
      handler: async ({ auth, params }) => ({ apiToken: await apiTokens.revoke(auth.access!, params.tokenId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/api-token',
      operationId: 'describeApiToken',
      summary: 'Which workspace, role and scopes this API token has (credential test)',
      tags: ['api tokens', 'agents'],
      policy: { kind: 'apiToken' },
      response: {
        status: 200,
        description: 'The token and its workspace',
        schema: z.object({ workspace: z.object({ id: uuid, name: z.string() }), apiToken: ApiTokenSchema }),
      },
      handler: async ({ auth }) => {
        if (auth.actor?.kind !== 'apiToken') throw new Error('route policy should have guaranteed an API token');
        return apiTokens.describe(auth.actor);
      },
    }),
  ];
}
