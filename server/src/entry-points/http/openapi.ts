import { z } from 'zod';
import { ErrorResponseSchema } from './common-schemas';
import type { RouteDefinition, RoutePolicy } from './route';

type JsonSchema = Record<string, unknown>;

/**
 * Builds the OpenAPI 3.1 document from the route table: the same zod schemas that validate requests and responses
 * become the JSON Schemas of the document (schemas with a `.meta({ id })` become shared components).
 */
export function buildOpenApiDocument(args: { routes: RouteDefinition[]; version: string }): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {};

  const convert = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    for (const [name, def] of Object.entries(defs)) {
      const existing = components[name];
      if (existing && JSON.stringify(existing) !== JSON.stringify(rewriteRefs(def))) {
        throw new Error(
          `OpenAPI component ${name} has two different shapes (input vs output?); give one of them another id`,
        );
      }
      components[name] = rewriteRefs(def) as JsonSchema;
    }
    return rewriteRefs(json) as JsonSchema;
  };

  const errorRef = { $ref: '#/components/schemas/ErrorResponse' };
  convert(z.object({ e: ErrorResponseSchema }), 'output');

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of args.routes) {
    const openApiPath = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    if (route.params) parameters.push(...objectParameters(convert(route.params, 'input'), 'path'));
    if (route.query) parameters.push(...objectParameters(convert(route.query, 'input'), 'query'));
    const responses: Record<string, unknown> = {
      [String(route.response.status)]: route.response.schema
        ? {
            description: route.response.description,
            content: { 'application/json': { schema: convert(route.response.schema, 'output') } },
          }
        : { description: route.response.description },
    };
    const errorStatuses = new Set<number>([
      ...(route.body || route.query || route.params ? [400] : []),
      ...policyErrors(route.policy),
      ...(route.errors ?? []),
    ]);
    for (const status of [...errorStatuses].sort()) {
      responses[String(status)] = {
        description: errorDescriptions[status] ?? 'Error',
        content: { 'application/json': { schema: errorRef } },
      };
    }
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      security: securityOf(route.policy),
      'x-ionflux-policy': route.policy,
      ...(parameters.length > 0 ? { parameters } : {}),
      responses,
    };
    if (route.rawBody) {
      operation.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: convert(route.rawBody.schema, 'input'),
            ...(route.rawBody.example !== undefined ? { example: route.rawBody.example } : {}),
          },
        },
      };
    }
    if (route.body) {
      const schema = convert(route.body, 'input');
      operation.requestBody = {
        required: true,
        content: {
          'application/json': { schema, ...(route.example?.body !== undefined ? { example: route.example.body } : {}) },
        },
      };
    }
    (paths[openApiPath] ??= {})[route.method] = operation;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'IONFLUX server API',
      version: args.version,
      description:
        'Accounts, workspaces, canvases, chat, prompts, notifications and search. Users authenticate with a bearer ' +
        'access token from /api/auth/login (refreshed through an httpOnly cookie); agents (n8n) use a workspace API ' +
        'token (ifx_...) as a bearer token. Errors always have the shape of ErrorResponse.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(args.routes.flatMap((r) => r.tags))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Access token from login/refresh',
        },
        apiToken: { type: 'http', scheme: 'bearer', description: 'Workspace API token (ifx_...), for agents and n8n' },
        shopifyHmac: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Shopify-Hmac-Sha256',
          description: 'Base64 HMAC-SHA256 of the raw body keyed with the Shopify app secret',
        },
        oauthState: {
          type: 'apiKey',
          in: 'cookie',
          name: 'ionflux_oauth',
          description: 'Signed, httpOnly cookie set by the begin operation; the state parameter must match it',
        },
        refreshCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'ionflux_refresh',
          description: 'httpOnly refresh cookie; also send X-CSRF-Token',
        },
      },
    },
  };
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] =
        key === '$ref' && typeof inner === 'string'
          ? inner.replace('#/$defs/', '#/components/schemas/')
          : rewriteRefs(inner);
    }
    return out;
  }
  return value;
}

function objectParameters(schema: JsonSchema, location: 'path' | 'query'): unknown[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

function securityOf(policy: RoutePolicy): Array<Record<string, string[]>> {
  switch (policy.kind) {
    case 'public':
      return [];
    case 'refreshCookie':
      return [{ refreshCookie: [] }];
    case 'user':
      return [{ bearerAuth: [] }];
    case 'apiToken':
      return [{ apiToken: [] }];
    case 'workspace':
      return policy.apiTokenScope ? [{ bearerAuth: [] }, { apiToken: [policy.apiTokenScope] }] : [{ bearerAuth: [] }];
    case 'shopifyWebhook':
      return [{ shopifyHmac: [] }];
    case 'oauthState':
      return [{ oauthState: [] }];
  }
}

function policyErrors(policy: RoutePolicy): number[] {
  switch (policy.kind) {
    case 'public':
      return [];
    case 'refreshCookie':
      return [401, 403];
    case 'user':
    case 'apiToken':
      return [401, 403];
    case 'workspace':
      return [401, 403, 404];
    case 'shopifyWebhook':
    case 'oauthState':
      return [401];
  }
}

const errorDescriptions: Record<number, string> = {
  400: 'Invalid request: `error.fields` names each bad field',
  401: 'Not signed in, or the token is invalid/expired',
  403: 'Signed in, but your role or token scope does not allow this',
  404: 'Not found in this workspace (also what outsiders get, so existence never leaks)',
  409: 'Conflict: e.g. a stale version (current state in `error.details`) or a taken name',
  410: 'Gone: e.g. an invitation already used, revoked or expired',
  413: 'Body too large',
  429: 'Too many attempts: wait for Retry-After seconds',
};
