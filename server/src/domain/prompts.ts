import {
  deleteLibrary,
  deletePrompt,
  findLibrary,
  findPrompt,
  insertLibrary,
  insertPrompt,
  listLibraries,
  listPrompts,
  updateLibrary,
  updatePrompt,
} from '../data-access/prompts-repository';
import { conflict, forbidden, invalidRequest, isUniqueViolation, notFound } from '../errors';
import { hasRole, type AppContext, type WorkspaceAccess } from './context';
import type { Prompt, PromptLibrary } from './model';
import { extractVariables, renderTemplate } from './prompt-template';
import { actingUserId } from './workspace-access';

/** Workspace prompt libraries and their `{{variable}}` prompts. */
export class Prompts {
  readonly #ctx: AppContext;

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  listLibraries(access: WorkspaceAccess): Promise<PromptLibrary[]> {
    return listLibraries(this.#ctx.db, access.workspaceId);
  }

  async getLibrary(access: WorkspaceAccess, libraryId: string): Promise<PromptLibrary> {
    const library = await findLibrary(this.#ctx.db, { workspaceId: access.workspaceId, libraryId });
    if (!library) throw notFound('prompt library');
    return library;
  }

  async createLibrary(access: WorkspaceAccess, args: { name: string; description: string }): Promise<PromptLibrary> {
    requireWriter(access);
    try {
      const id = await insertLibrary(this.#ctx.db, {
        workspaceId: access.workspaceId,
        name: args.name.trim(),
        description: args.description,
        createdBy: actingUserId(access),
      });
      return await this.getLibrary(access, id);
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          'library_name_taken',
          `A prompt library named ${JSON.stringify(args.name)} already exists; pick another name`,
        );
      throw error;
    }
  }

  async updateLibrary(
    access: WorkspaceAccess,
    libraryId: string,
    args: { name?: string; description?: string },
  ): Promise<PromptLibrary> {
    requireWriter(access);
    try {
      if (
        !(await updateLibrary(this.#ctx.db, {
          workspaceId: access.workspaceId,
          libraryId,
          ...args,
          name: args.name?.trim(),
        }))
      )
        throw notFound('prompt library');
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          'library_name_taken',
          `A prompt library named ${JSON.stringify(args.name)} already exists; pick another name`,
        );
      throw error;
    }
    return this.getLibrary(access, libraryId);
  }

  async deleteLibrary(access: WorkspaceAccess, libraryId: string): Promise<void> {
    requireWriter(access);
    if (!(await deleteLibrary(this.#ctx.db, { workspaceId: access.workspaceId, libraryId })))
      throw notFound('prompt library');
  }

  async listPrompts(access: WorkspaceAccess, libraryId: string): Promise<Prompt[]> {
    await this.getLibrary(access, libraryId);
    return listPrompts(this.#ctx.db, { workspaceId: access.workspaceId, libraryId });
  }

  async getPrompt(access: WorkspaceAccess, promptId: string): Promise<Prompt> {
    const prompt = await findPrompt(this.#ctx.db, { workspaceId: access.workspaceId, promptId });
    if (!prompt) throw notFound('prompt');
    return prompt;
  }

  async createPrompt(
    access: WorkspaceAccess,
    libraryId: string,
    args: { name: string; description: string; template: string },
  ): Promise<Prompt> {
    requireWriter(access);
    await this.getLibrary(access, libraryId);
    return insertPrompt(this.#ctx.db, {
      workspaceId: access.workspaceId,
      libraryId,
      name: args.name.trim(),
      description: args.description,
      template: args.template,
      variables: extractVariables(args.template),
      createdBy: actingUserId(access),
    });
  }

  async updatePrompt(
    access: WorkspaceAccess,
    promptId: string,
    args: { name?: string; description?: string; template?: string; libraryId?: string },
  ): Promise<Prompt> {
    requireWriter(access);
    if (
      args.libraryId !== undefined &&
      !(await findLibrary(this.#ctx.db, { workspaceId: access.workspaceId, libraryId: args.libraryId }))
    ) {
      throw invalidRequest([{ path: 'libraryId', message: 'no prompt library with this id in this workspace' }]);
    }
    const prompt = await updatePrompt(this.#ctx.db, {
      workspaceId: access.workspaceId,
      promptId,
      ...args,
      name: args.name?.trim(),
      variables: args.template !== undefined ? extractVariables(args.template) : undefined,
    });
    if (!prompt) throw notFound('prompt');
    return prompt;
  }

  async deletePrompt(access: WorkspaceAccess, promptId: string): Promise<void> {
    requireWriter(access);
    if (!(await deletePrompt(this.#ctx.db, { workspaceId: access.workspaceId, promptId }))) throw notFound('prompt');
  }

  async renderPrompt(
    access: WorkspaceAccess,
    promptId: string,
    variables: Record<string, string>,
  ): Promise<{ text: string; missing: string[] }> {
    const prompt = await this.getPrompt(access, promptId);
    return renderTemplate({ template: prompt.template, variables });
  }
}

function requireWriter(access: WorkspaceAccess): void {
  if (!hasRole(access.role, 'member')) throw forbidden('insufficient_role', 'Viewers cannot change prompts');
}
