import { sql, type Kysely } from 'kysely';

/**
 * The first schema: accounts, workspaces, profiles, canvas, chat, prompts, notifications and API tokens.
 * Plain SQL that both PGlite (PostgreSQL 17 in WASM) and PostgreSQL 15+ accept. Full-text search uses stored
 * generated tsvector columns with GIN indexes; flexible documents are JSONB.
 */
const statements = [
  `create table users (
     id uuid primary key default gen_random_uuid(),
     email text not null,
     email_normalized text not null unique,
     password_hash text not null,
     display_name text not null,
     avatar_url text,
     current_workspace_id uuid,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now()
   )`,
  `create table refresh_tokens (
     id uuid primary key default gen_random_uuid(),
     family_id uuid not null,
     user_id uuid not null references users(id) on delete cascade,
     token_hash text not null unique,
     expires_at timestamptz not null,
     used_at timestamptz,
     revoked_at timestamptz,
     created_at timestamptz not null default now()
   )`,
  `create index refresh_tokens_family on refresh_tokens (family_id)`,
  `create table workspaces (
     id uuid primary key default gen_random_uuid(),
     name text not null,
     created_by uuid references users(id) on delete set null,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now()
   )`,
  `alter table users add constraint users_current_workspace_fk
     foreign key (current_workspace_id) references workspaces(id) on delete set null`,
  `create table workspace_members (
     workspace_id uuid not null references workspaces(id) on delete cascade,
     user_id uuid not null references users(id) on delete cascade,
     role text not null check (role in ('owner', 'admin', 'member', 'viewer')),
     created_at timestamptz not null default now(),
     primary key (workspace_id, user_id)
   )`,
  `create index workspace_members_user on workspace_members (user_id)`,
  `create table invitations (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     email_normalized text not null,
     role text not null check (role in ('owner', 'admin', 'member', 'viewer')),
     token_hash text not null unique,
     invited_by uuid references users(id) on delete set null,
     expires_at timestamptz not null,
     accepted_at timestamptz,
     accepted_by uuid references users(id) on delete set null,
     revoked_at timestamptz,
     created_at timestamptz not null default now()
   )`,
  `create index invitations_workspace on invitations (workspace_id)`,
  `create table brands (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     name text not null,
     shop_domain text,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now()
   )`,
  `create index brands_workspace on brands (workspace_id)`,
  `create table creators (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     name text not null,
     handle text,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now()
   )`,
  `create index creators_workspace on creators (workspace_id)`,
  // OAuth tokens of brands and creators, sealed with AES-256-GCM; kept out of the profile tables so a profile read
  // can never select them by accident. key_id says which key sealed the row (rotation).
  `create table integration_credentials (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     owner_type text not null check (owner_type in ('brand', 'creator')),
     owner_id uuid not null,
     key_id text not null,
     ciphertext text not null,
     scopes jsonb not null default '[]'::jsonb,
     expires_at timestamptz,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     unique (owner_type, owner_id)
   )`,
  `create index integration_credentials_key on integration_credentials (key_id)`,
  `create table canvas_pages (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     title text not null,
     icon text,
     position double precision not null,
     archived_at timestamptz,
     created_by uuid references users(id) on delete set null,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     search tsvector generated always as (to_tsvector('english', title)) stored
   )`,
  `create index canvas_pages_workspace on canvas_pages (workspace_id, position)`,
  `create index canvas_pages_title on canvas_pages (workspace_id, lower(title))`,
  `create index canvas_pages_search on canvas_pages using gin (search)`,
  `create table canvas_blocks (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     page_id uuid not null references canvas_pages(id) on delete cascade,
     type text not null check (type in ('text', 'heading', 'checklist', 'agent_snippet', 'image', 'embed')),
     key text,
     content jsonb not null,
     x double precision not null default 0,
     y double precision not null default 0,
     width double precision not null default 480,
     height double precision not null default 120,
     agent_config_id uuid,
     written_by_run_id text,
     version integer not null default 1,
     created_by uuid references users(id) on delete set null,
     updated_by uuid references users(id) on delete set null,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     search tsvector generated always as (
       to_tsvector('english', coalesce(key, '')) || jsonb_to_tsvector('english', content, '["string"]')
     ) stored,
     constraint canvas_blocks_page_key unique (page_id, key)
   )`,
  `create index canvas_blocks_page on canvas_blocks (page_id, y, x)`,
  `create index canvas_blocks_workspace on canvas_blocks (workspace_id)`,
  `create index canvas_blocks_search on canvas_blocks using gin (search)`,
  `create table chat_channels (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     name text not null,
     topic text not null default '',
     visibility text not null check (visibility in ('public', 'private')),
     last_seq integer not null default 0,
     created_by uuid references users(id) on delete set null,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     constraint chat_channels_workspace_name unique (workspace_id, name)
   )`,
  `create table channel_members (
     channel_id uuid not null references chat_channels(id) on delete cascade,
     user_id uuid not null references users(id) on delete cascade,
     workspace_id uuid not null references workspaces(id) on delete cascade,
     last_read_seq integer not null default 0,
     joined_at timestamptz not null default now(),
     primary key (channel_id, user_id)
   )`,
  `create index channel_members_user on channel_members (user_id, workspace_id)`,
  `create table chat_messages (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     channel_id uuid not null references chat_channels(id) on delete cascade,
     seq integer not null,
     author_kind text not null check (author_kind in ('user', 'agent')),
     author_user_id uuid references users(id) on delete set null,
     author_agent_name text,
     api_token_id uuid,
     sender_key text not null,
     client_message_id text,
     text text not null default '',
     payload jsonb,
     mentions jsonb not null default '[]'::jsonb,
     thread_root_id uuid references chat_messages(id) on delete set null,
     reply_count integer not null default 0,
     last_reply_at timestamptz,
     edited_at timestamptz,
     deleted_at timestamptz,
     created_at timestamptz not null default now(),
     search tsvector generated always as (to_tsvector('english', text)) stored,
     constraint chat_messages_channel_seq unique (channel_id, seq),
     constraint chat_messages_client_id unique (channel_id, sender_key, client_message_id)
   )`,
  `create index chat_messages_thread on chat_messages (thread_root_id, seq) where thread_root_id is not null`,
  `create index chat_messages_workspace on chat_messages (workspace_id)`,
  `create index chat_messages_search on chat_messages using gin (search)`,
  `create table prompt_libraries (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     name text not null,
     description text not null default '',
     created_by uuid references users(id) on delete set null,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     constraint prompt_libraries_workspace_name unique (workspace_id, name)
   )`,
  `create table prompts (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     library_id uuid not null references prompt_libraries(id) on delete cascade,
     name text not null,
     description text not null default '',
     template text not null,
     variables jsonb not null default '[]'::jsonb,
     created_by uuid references users(id) on delete set null,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     search tsvector generated always as (
       setweight(to_tsvector('english', name), 'A') || to_tsvector('english', description || ' ' || template)
     ) stored
   )`,
  `create index prompts_library on prompts (library_id)`,
  `create index prompts_search on prompts using gin (search)`,
  `create table notifications (
     id uuid primary key default gen_random_uuid(),
     user_id uuid not null references users(id) on delete cascade,
     workspace_id uuid not null references workspaces(id) on delete cascade,
     kind text not null,
     title text not null,
     body text not null default '',
     link text,
     source_type text,
     source_id text,
     read_at timestamptz,
     created_at timestamptz not null default now()
   )`,
  `create index notifications_user on notifications (user_id, created_at desc)`,
  `create table api_tokens (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     name text not null,
     role text not null check (role in ('admin', 'member', 'viewer')),
     scopes jsonb not null,
     token_hash text not null unique,
     token_prefix text not null,
     created_by uuid references users(id) on delete set null,
     created_at timestamptz not null default now(),
     last_used_at timestamptz,
     expires_at timestamptz,
     revoked_at timestamptz
   )`,
  `create index api_tokens_workspace on api_tokens (workspace_id)`,
];

const tables = [
  'api_tokens',
  'notifications',
  'prompts',
  'prompt_libraries',
  'chat_messages',
  'channel_members',
  'chat_channels',
  'canvas_blocks',
  'canvas_pages',
  'integration_credentials',
  'creators',
  'brands',
  'invitations',
  'workspace_members',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of tables) await sql.raw(`drop table if exists ${table}`).execute(db);
  await sql.raw('alter table users drop constraint if exists users_current_workspace_fk').execute(db);
  await sql.raw('drop table if exists workspaces').execute(db);
  await sql.raw('drop table if exists refresh_tokens').execute(db);
  await sql.raw('drop table if exists users').execute(db);
}
