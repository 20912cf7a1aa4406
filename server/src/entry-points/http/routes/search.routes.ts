import { z } from 'zod';
import { SearchHitSchema } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { queryInt, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const searchTypes = ['page', 'block', 'message', 'prompt'] as const;

export function searchRoutes(useCases: UseCases): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/search',
      operationId: 'search',
      summary: 'Full-text search across pages, blocks, messages and prompts (command palette)',
      description:
        'Every word must match; words match as prefixes (holid camp finds "Holiday Campaign"). Private channels show ' +
        "only to their members (an API token sees what its creator sees). Each hit's snippet is data: plain-text " +
        'segments `{ text, match }` with the matched words flagged; render the text as text, never as HTML.',
      tags: ['search'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'search:read' },
      params: WorkspaceParams,
      query: z.object({
        q: z.string().trim().min(1).max(200),
        types: z
          .string()
          .default(searchTypes.join(','))
          .transform((v) =>
            v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          )
          .pipe(z.array(z.enum(searchTypes)).min(1))
          .describe('Comma-separated subset of page,block,message,prompt'),
        limit: queryInt({ min: 1, max: 50, fallback: 20 }),
      }),
      example: { query: { q: 'holiday campaign' } },
      response: { status: 200, description: 'Hits, best first', schema: z.object({ hits: z.array(SearchHitSchema) }) },
      handler: async ({ auth, query }) => ({ hits: await useCases.search.search(auth.access!, query) }),
    }),
  ];
}
