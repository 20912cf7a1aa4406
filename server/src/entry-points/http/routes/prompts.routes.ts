import { z } from 'zod';
import { PromptLibrarySchema, PromptSchema } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { text, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const LibraryParams = WorkspaceParams.extend({ libraryId: uuid });
const PromptParams = WorkspaceParams.extend({ promptId: uuid });
const template = z.string().min(1).max(50_000).describe('Prompt text with {{variables}}');

export function promptRoutes(useCases: UseCases): RouteDefinition[] {
  const { prompts } = useCases;
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/prompt-libraries',
      operationId: 'listPromptLibraries',
      summary: 'Prompt libraries of the workspace',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      response: {
        status: 200,
        description: 'Libraries',
        schema: z.object({ libraries: z.array(PromptLibrarySchema) }),
      },
      handler: async ({ auth }) => ({ libraries: await prompts.listLibraries(auth.access!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/prompt-libraries',
      operationId: 'createPromptLibrary',
      summary: 'Create a prompt library',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: WorkspaceParams,
      body: z.strictObject({ name: text(100, 'Name'), description: z.string().trim().max(1000).default('') }),
      example: { body: { name: 'Campaign briefs', description: 'Reusable briefs for holiday campaigns' } },
      response: { status: 201, description: 'Created', schema: z.object({ library: PromptLibrarySchema }) },
      errors: [409],
      handler: async ({ auth, body }) => ({ library: await prompts.createLibrary(auth.access!, body) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/prompt-libraries/:libraryId',
      operationId: 'updatePromptLibrary',
      summary: 'Rename or describe a prompt library',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: LibraryParams,
      body: z.strictObject({ name: text(100, 'Name').optional(), description: z.string().trim().max(1000).optional() }),
      example: { body: { description: 'Briefs for Q4' } },
      response: { status: 200, description: 'Updated', schema: z.object({ library: PromptLibrarySchema }) },
      errors: [409],
      handler: async ({ auth, params, body }) => ({
        library: await prompts.updateLibrary(auth.access!, params.libraryId, body),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/prompt-libraries/:libraryId',
      operationId: 'deletePromptLibrary',
      summary: 'Delete a prompt library and its prompts',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: LibraryParams,
      response: { status: 204, description: 'Deleted' },
      handler: async ({ auth, params }) => {
        await prompts.deleteLibrary(auth.access!, params.libraryId);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/prompt-libraries/:libraryId/prompts',
      operationId: 'listPrompts',
      summary: 'Prompts of a library',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: LibraryParams,
      response: { status: 200, description: 'Prompts', schema: z.object({ prompts: z.array(PromptSchema) }) },
      handler: async ({ auth, params }) => ({ prompts: await prompts.listPrompts(auth.access!, params.libraryId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/prompt-libraries/:libraryId/prompts',
      operationId: 'createPrompt',
      summary: 'Add a prompt; its {{variables}} are detected',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: LibraryParams,
      body: z.strictObject({ name: text(200, 'Name'), description: z.string().trim().max(2000).default(''), template }),
      example: { body: { name: 'Holiday brief', template: 'Write a holiday brief for {{brand}} about {{product}}.' } },
      response: { status: 201, description: 'Created', schema: z.object({ prompt: PromptSchema }) },
      handler: async ({ auth, params, body }) => ({
        prompt: await prompts.createPrompt(auth.access!, params.libraryId, body),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/prompts/:promptId',
      operationId: 'getPrompt',
      summary: 'One prompt',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: PromptParams,
      response: { status: 200, description: 'Prompt', schema: z.object({ prompt: PromptSchema }) },
      handler: async ({ auth, params }) => ({ prompt: await prompts.getPrompt(auth.access!, params.promptId) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/prompts/:promptId',
      operationId: 'updatePrompt',
      summary: 'Change a prompt (or move it to another library)',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: PromptParams,
      body: z.strictObject({
        name: text(200, 'Name').optional(),
        description: z.string().trim().max(2000).optional(),
        template: template.optional(),
        libraryId: uuid.optional(),
      }),
      example: { body: { template: 'Write a short holiday brief for {{brand}}.' } },
      response: { status: 200, description: 'Updated', schema: z.object({ prompt: PromptSchema }) },
      handler: async ({ auth, params, body }) => ({
        prompt: await prompts.updatePrompt(auth.access!, params.promptId, body),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/prompts/:promptId',
      operationId: 'deletePrompt',
      summary: 'Delete a prompt',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: PromptParams,
      response: { status: 204, description: 'Deleted' },
      handler: async ({ auth, params }) => {
        await prompts.deletePrompt(auth.access!, params.promptId);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/prompts/:promptId/render',
      operationId: 'renderPrompt',
      summary: 'Fill a prompt with values; variables without a value are listed in missing',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: PromptParams,
      body: z.strictObject({ variables: z.record(z.string().max(100), z.string().max(20_000)).default({}) }),
      example: { body: { variables: { brand: 'My Test Store', product: 'Product X' } } },
      response: {
        status: 200,
        description: 'Rendered text',
        schema: z.object({ text: z.string(), missing: z.array(z.string()) }),
      },
      handler: async ({ auth, params, body }) => prompts.renderPrompt(auth.access!, params.promptId, body.variables),
    }),
  ];
}
