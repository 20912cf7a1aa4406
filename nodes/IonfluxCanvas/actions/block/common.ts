import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { parameterError, readAny, readString } from '../../../shared/parameters';
import { IonfluxApiClient, IonfluxApiError } from '../../../shared/ionflux/transport';

export const FORMATS = ['markdown', 'text', 'json', 'table'] as const;
export type BlockFormat = (typeof FORMATS)[number];
/** The server keeps at most this much markdown per block. */
const MAX_MARKDOWN = 20_000;
const BLOCK_KEY = /^[a-z0-9][a-z0-9_-]{0,99}$/;

export function blockProperties(verb: string): INodeProperties[] {
  return [
    {
      displayName: 'Page',
      name: 'page',
      type: 'string',
      default: '',
      placeholder: 'Q4 Holiday Campaign Plan',
      description: 'Page ID or exact title. Empty: a page named after this workflow (created when missing).',
    },
    {
      displayName: 'Create Page',
      name: 'createPage',
      type: 'boolean',
      default: false,
      description: 'Whether to create a page with this title when the workspace has none (Page given as a title)',
    },
    {
      displayName: 'Block Key',
      name: 'block',
      type: 'string',
      default: '',
      required: true,
      placeholder: 'revenue',
      description: 'Key of the block on the page: 1-100 lowercase letters, digits, - or _',
    },
    {
      displayName: 'Content',
      name: 'content',
      type: 'json',
      default: 'null',
      required: true,
      description: `What to ${verb}: text (markdown) or structured data (lists and objects)`,
    },
    {
      displayName: 'Format',
      name: 'format',
      type: 'options',
      options: [
        {
          name: 'Markdown',
          value: 'markdown',
          description: 'Text as markdown; structured data rendered as a table or JSON',
        },
        { name: 'Text', value: 'text', description: 'Plain text' },
        { name: 'JSON', value: 'json', description: 'Structured data shown as JSON' },
        { name: 'Table', value: 'table', description: 'A list of objects shown as a table' },
      ],
      default: 'markdown',
      description: 'How the block shows the content',
    },
    { displayName: 'Title', name: 'title', type: 'string', default: '', description: 'Title shown above the block' },
  ];
}

export interface BlockTarget {
  page: string;
  createPageIfMissing: boolean;
  key: string;
}

export function readTarget(ctx: IExecuteFunctions, itemIndex: number): BlockTarget {
  const key = readString(ctx, 'block', itemIndex, { required: true }).trim();
  if (!BLOCK_KEY.test(key))
    throw parameterError(
      ctx,
      'block',
      itemIndex,
      `must be a block key of 1-100 lowercase letters, digits, - or _ (such as revenue-summary), but got "${key}".`,
    );
  const page = readString(ctx, 'page', itemIndex)?.trim();
  const createPage = ctx.getNodeParameter('createPage', itemIndex, false) as unknown;
  if (typeof createPage !== 'boolean')
    throw parameterError(ctx, 'createPage', itemIndex, `must be true or false, but got ${JSON.stringify(createPage)}.`);
  // Without a page, the workflow's own page: named after the agent, created on first write.
  return page
    ? { page, createPageIfMissing: createPage, key }
    : { page: ctx.getWorkflow().name ?? 'Agent output', createPageIfMissing: true, key };
}

/** A page that is not there, named as the step gave it (an id or a title), with both ways out. */
export function pageNotFound(target: BlockTarget): IonfluxApiError {
  return new IonfluxApiError(
    404,
    'page_not_found',
    `The workspace has no canvas page with the id or title "${target.page}": create it first, or set createPage: true on the step to create a page with that title.`,
  );
}

function cell(value: unknown): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A markdown table of a list of objects (columns: keys in first-seen order, at most 12). */
export function markdownTable(rows: unknown[]): string {
  const objects: IDataObject[] = rows.map((row) =>
    row !== null && typeof row === 'object' && !Array.isArray(row)
      ? (row as IDataObject)
      : ({ value: row } as IDataObject),
  );
  const columns: string[] = [];
  for (const row of objects)
    for (const key of Object.keys(row)) if (!columns.includes(key) && columns.length < 12) columns.push(key);
  if (columns.length === 0) return '_No rows._';
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...objects.map((row) => `| ${columns.map((c) => cell(row[c])).join(' | ')} |`),
  ].join('\n');
}

function rowsOf(content: unknown): unknown[] | undefined {
  if (Array.isArray(content)) return content;
  if (content !== null && typeof content === 'object') {
    const list = Object.values(content as IDataObject).find(Array.isArray);
    if (list) return list;
  }
  return undefined;
}

/** Agent output as the content of an `agent_snippet` block: markdown to show, structured data kept beside it. */
export function renderSnippet({
  content,
  format,
  title,
}: {
  content: unknown;
  format: BlockFormat;
  title?: string;
}): IDataObject {
  let markdown: string;
  if (typeof content === 'string' && format !== 'json') markdown = content;
  else if (format === 'table' || (format === 'markdown' && rowsOf(content) && typeof content !== 'string')) {
    const rows = rowsOf(content);
    markdown = rows ? markdownTable(rows) : `\`\`\`json\n${JSON.stringify(content, null, 2)}\n\`\`\``;
  } else if (format === 'text') markdown = String(content);
  else markdown = `\`\`\`json\n${JSON.stringify(content, null, 2)}\n\`\`\``;
  if (markdown.length > MAX_MARKDOWN) markdown = `${markdown.slice(0, MAX_MARKDOWN - 40)}\n\n_(truncated)_`;
  const snippet: IDataObject = { status: 'succeeded', markdown };
  if (title) snippet.title = title.slice(0, 200);
  if (typeof content !== 'string') snippet.data = content as IDataObject;
  return snippet;
}

export function readSnippet(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
  const content = readAny(ctx, 'content', itemIndex);
  if (content === undefined)
    throw parameterError(ctx, 'content', itemIndex, 'is required: give the text or data to show.');
  const format = (readString(ctx, 'format', itemIndex, { oneOf: FORMATS }) ?? 'markdown') as BlockFormat;
  const title = readString(ctx, 'title', itemIndex);
  return renderSnippet({ content, format, ...(title ? { title } : {}) });
}

export interface StoredBlock {
  block: { id: string; key: string | null; version: number; content: IDataObject; type: string };
  page: { id: string; title: string };
  created?: boolean;
}

export function blockOutput(result: StoredBlock): IDataObject {
  return {
    pageId: result.page.id,
    blockId: result.block.id,
    blockKey: result.block.key ?? '',
    version: result.block.version,
  };
}

/** PUT by key (the server creates or replaces); `baseVersion` makes a stale write a 409. */
export function putBlock(
  api: IonfluxApiClient,
  ctx: IExecuteFunctions,
  target: BlockTarget,
  content: IDataObject,
  baseVersion?: number,
): Promise<StoredBlock> {
  return api
    .workspace<StoredBlock>('PUT', '/blocks/by-key', {
      page: target.page,
      createPageIfMissing: target.createPageIfMissing,
      key: target.key,
      type: 'agent_snippet',
      content,
      ...(baseVersion !== undefined ? { baseVersion } : {}),
      writtenByRunId: ctx.getExecutionId(),
    })
    .catch((error: unknown) => {
      // A write by key creates the block: only the page can be missing.
      throw error instanceof IonfluxApiError && error.status === 404 ? pageNotFound(target) : error;
    });
}

/** The block by key, or undefined when the page or the block does not exist yet. */
export async function findBlock(api: IonfluxApiClient, target: BlockTarget): Promise<StoredBlock | undefined> {
  try {
    return await api.workspace<StoredBlock>('GET', '/blocks/by-key', undefined, { page: target.page, key: target.key });
  } catch (error) {
    if (error instanceof IonfluxApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Conflicting concurrent writes are retried this many times on the fresh version. */
export const VERSION_CONFLICT_RETRIES = 3;
