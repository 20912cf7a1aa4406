import { sql, type Kysely, type Selectable } from 'kysely';
import type { Prompt, PromptLibrary } from '../domain/model';
import { isoRequired, toJsonb, type Database, type PromptsTable } from './schema';

type PromptRow = Omit<Selectable<PromptsTable>, 'search'>;
const promptColumns = [
  'id',
  'workspace_id',
  'library_id',
  'name',
  'description',
  'template',
  'variables',
  'created_by',
  'created_at',
  'updated_at',
] as const;

function toPrompt(row: PromptRow): Prompt {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    libraryId: row.library_id,
    name: row.name,
    description: row.description,
    template: row.template,
    variables: row.variables,
    createdAt: isoRequired(row.created_at),
    updatedAt: isoRequired(row.updated_at),
  };
}

function selectLibraries(db: Kysely<Database>) {
  return db
    .selectFrom('prompt_libraries as l')
    .select(['l.id', 'l.workspace_id', 'l.name', 'l.description', 'l.created_at', 'l.updated_at'])
    .select(sql<number>`(select count(*)::int from prompts p where p.library_id = l.id)`.as('prompt_count'));
}

type LibraryRow = {
  id: string;
  workspace_id: string;
  name: string;
  description: string;
  created_at: Date;
  updated_at: Date;
  prompt_count: number;
};

function toLibrary(row: LibraryRow): PromptLibrary {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    promptCount: row.prompt_count,
    createdAt: isoRequired(row.created_at),
    updatedAt: isoRequired(row.updated_at),
  };
}

export async function listLibraries(db: Kysely<Database>, workspaceId: string): Promise<PromptLibrary[]> {
  return (await selectLibraries(db).where('l.workspace_id', '=', workspaceId).orderBy('l.name').execute()).map(
    toLibrary,
  );
}

export async function findLibrary(
  db: Kysely<Database>,
  args: { workspaceId: string; libraryId: string },
): Promise<PromptLibrary | undefined> {
  const row = await selectLibraries(db)
    .where('l.workspace_id', '=', args.workspaceId)
    .where('l.id', '=', args.libraryId)
    .executeTakeFirst();
  return row ? toLibrary(row) : undefined;
}

export async function insertLibrary(
  db: Kysely<Database>,
  args: { workspaceId: string; name: string; description: string; createdBy: string | null },
): Promise<string> {
  const row = await db
    .insertInto('prompt_libraries')
    .values({
      workspace_id: args.workspaceId,
      name: args.name,
      description: args.description,
      created_by: args.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateLibrary(
  db: Kysely<Database>,
  args: { workspaceId: string; libraryId: string; name?: string; description?: string },
): Promise<boolean> {
  const result = await db
    .updateTable('prompt_libraries')
    .set({
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.description !== undefined ? { description: args.description } : {}),
      updated_at: new Date(),
    })
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.libraryId)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function deleteLibrary(
  db: Kysely<Database>,
  args: { workspaceId: string; libraryId: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom('prompt_libraries')
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.libraryId)
    .executeTakeFirst();
  return result.numDeletedRows === 1n;
}

export async function listPrompts(
  db: Kysely<Database>,
  args: { workspaceId: string; libraryId: string },
): Promise<Prompt[]> {
  const rows = await db
    .selectFrom('prompts')
    .select(promptColumns)
    .where('workspace_id', '=', args.workspaceId)
    .where('library_id', '=', args.libraryId)
    .orderBy('name')
    .execute();
  return rows.map(toPrompt);
}

export async function findPrompt(
  db: Kysely<Database>,
  args: { workspaceId: string; promptId: string },
): Promise<Prompt | undefined> {
  const row = await db
    .selectFrom('prompts')
    .select(promptColumns)
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.promptId)
    .executeTakeFirst();
  return row ? toPrompt(row) : undefined;
}

export async function insertPrompt(
  db: Kysely<Database>,
  args: {
    workspaceId: string;
    libraryId: string;
    name: string;
    description: string;
    template: string;
    variables: string[];
    createdBy: string | null;
  },
): Promise<Prompt> {
  const row = await db
    .insertInto('prompts')
    .values({
      workspace_id: args.workspaceId,
      library_id: args.libraryId,
      name: args.name,
      description: args.description,
      template: args.template,
      variables: toJsonb(args.variables),
      created_by: args.createdBy,
    })
    .returning(promptColumns)
    .executeTakeFirstOrThrow();
  return toPrompt(row);
}

export async function updatePrompt(
  db: Kysely<Database>,
  args: {
    workspaceId: string;
    promptId: string;
    name?: string;
    description?: string;
    template?: string;
    variables?: string[];
    libraryId?: string;
  },
): Promise<Prompt | undefined> {
  const row = await db
    .updateTable('prompts')
    .set({
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.description !== undefined ? { description: args.description } : {}),
      ...(args.template !== undefined ? { template: args.template } : {}),
      ...(args.variables !== undefined ? { variables: toJsonb(args.variables) } : {}),
      ...(args.libraryId !== undefined ? { library_id: args.libraryId } : {}),
      updated_at: new Date(),
    })
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.promptId)
    .returning(promptColumns)
    .executeTakeFirst();
  return row ? toPrompt(row) : undefined;
}

export async function deletePrompt(
  db: Kysely<Database>,
  args: { workspaceId: string; promptId: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom('prompts')
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.promptId)
    .executeTakeFirst();
  return result.numDeletedRows === 1n;
}
