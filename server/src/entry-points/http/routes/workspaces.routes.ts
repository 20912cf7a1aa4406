import { z } from 'zod';
import { InvitationSchema, MemberSchema, WorkspaceRoleSchema, WorkspaceSchema } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { text, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';
import { userIdOf } from './auth.routes';

const MemberParams = WorkspaceParams.extend({ userId: uuid });
const InvitationParams = WorkspaceParams.extend({ invitationId: uuid });

export function workspaceRoutes(useCases: UseCases): RouteDefinition[] {
  const { workspaces } = useCases;
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces',
      operationId: 'listMyWorkspaces',
      summary: 'Workspaces you belong to, with your role in each',
      tags: ['workspaces'],
      policy: { kind: 'user' },
      response: {
        status: 200,
        description: 'Your workspaces',
        schema: z.object({ workspaces: z.array(WorkspaceSchema) }),
      },
      handler: async ({ auth }) => ({ workspaces: await workspaces.listMine(userIdOf(auth.actor)) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces',
      operationId: 'createWorkspace',
      summary: 'Create a workspace (you become its owner; it starts with #general)',
      tags: ['workspaces'],
      policy: { kind: 'user' },
      body: z.strictObject({ name: text(100, 'Name') }),
      example: { body: { name: 'My Marketing Agency' } },
      response: { status: 201, description: 'Created', schema: z.object({ workspace: WorkspaceSchema }) },
      handler: async ({ auth, body }) => ({
        workspace: await workspaces.create({ userId: userIdOf(auth.actor), name: body.name }),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId',
      operationId: 'getWorkspace',
      summary: 'One workspace',
      tags: ['workspaces'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      response: { status: 200, description: 'The workspace', schema: z.object({ workspace: WorkspaceSchema }) },
      handler: async ({ auth }) => ({ workspace: await workspaces.get(auth.access!) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId',
      operationId: 'renameWorkspace',
      summary: 'Rename a workspace',
      tags: ['workspaces'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      body: z.strictObject({ name: text(100, 'Name') }),
      example: { body: { name: 'Renamed Agency' } },
      response: { status: 200, description: 'Renamed', schema: z.object({ workspace: WorkspaceSchema }) },
      handler: async ({ auth, body }) => ({ workspace: await workspaces.rename(auth.access!, body.name) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/switch',
      operationId: 'switchWorkspace',
      summary: 'Make this your current workspace',
      tags: ['workspaces'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      response: { status: 200, description: 'Switched', schema: z.object({ workspace: WorkspaceSchema }) },
      handler: async ({ auth }) => ({ workspace: await workspaces.switchTo(auth.access!) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/members',
      operationId: 'listMembers',
      summary: 'Members and their roles',
      tags: ['workspaces'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      response: { status: 200, description: 'Members', schema: z.object({ members: z.array(MemberSchema) }) },
      handler: async ({ auth }) => ({ members: await workspaces.listMembers(auth.access!) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/members/:userId',
      operationId: 'changeMemberRole',
      summary: "Change a member's role (owners manage owners; a workspace keeps at least one owner)",
      tags: ['workspaces'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: MemberParams,
      body: z.strictObject({ role: WorkspaceRoleSchema }),
      example: { body: { role: 'member' } },
      response: { status: 200, description: 'Updated member', schema: z.object({ member: MemberSchema }) },
      errors: [409],
      handler: async ({ auth, params, body }) => ({
        member: await workspaces.changeRole(auth.access!, { userId: params.userId, role: body.role }),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/members/:userId',
      operationId: 'removeMember',
      summary: 'Remove a member (admins), or leave (yourself)',
      description:
        'The member loses access at once (their sockets leave the rooms), and every API token they created in this ' +
        'workspace is revoked for good.',
      tags: ['workspaces'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: MemberParams,
      response: { status: 204, description: 'Removed' },
      errors: [409],
      handler: async ({ auth, params }) => {
        await workspaces.removeMember(auth.access!, params.userId);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/invitations',
      operationId: 'createInvitation',
      summary: 'Invite someone by email; the token is returned once',
      tags: ['workspaces'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      body: z.strictObject({
        email: z.string().trim().max(254).pipe(z.email()),
        role: WorkspaceRoleSchema.default('member'),
      }),
      example: { body: { email: 'teammate@example.com', role: 'member' } },
      response: {
        status: 201,
        description: 'Invitation and its one-time token (send it to the invitee)',
        schema: z.object({ invitation: InvitationSchema, token: z.string() }),
      },
      handler: async ({ auth, body }) => workspaces.invite(auth.access!, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/invitations',
      operationId: 'listInvitations',
      summary: 'Invitations of this workspace',
      tags: ['workspaces'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      response: {
        status: 200,
        description: 'Invitations',
        schema: z.object({ invitations: z.array(InvitationSchema) }),
      },
      handler: async ({ auth }) => ({ invitations: await workspaces.listInvitations(auth.access!) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/invitations/:invitationId',
      operationId: 'revokeInvitation',
      summary: 'Revoke a pending invitation',
      tags: ['workspaces'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: InvitationParams,
      response: { status: 200, description: 'Revoked', schema: z.object({ invitation: InvitationSchema }) },
      handler: async ({ auth, params }) => ({
        invitation: await workspaces.revokeInvitation(auth.access!, params.invitationId),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/invitations/accept',
      operationId: 'acceptInvitation',
      summary: 'Accept an invitation (signed in with the invited email)',
      tags: ['workspaces'],
      policy: { kind: 'user' },
      body: z.strictObject({ token: z.string().min(10).max(200) }),
      example: { body: { token: 'ifi_paste-the-token-from-the-invitation' } },
      response: { status: 200, description: 'Joined workspace', schema: z.object({ workspace: WorkspaceSchema }) },
      errors: [410],
      handler: async ({ auth, body }) => ({
        workspace: await workspaces.acceptInvitation({ userId: userIdOf(auth.actor), token: body.token }),
      }),
    }),
  ];
}
