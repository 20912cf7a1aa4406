import { sql, type Kysely } from 'kysely';

/**
 * A revision number per canvas page that changes whenever the page or any of its blocks changes, maintained by
 * triggers so that no write path can forget it. The server keeps serialized page documents in memory and only
 * rebuilds one when its revision moved (a one-row lookup instead of re-reading every block).
 */
const up_ = [
  `alter table canvas_pages add column revision integer not null default 0`,
  `create function ionflux_bump_page_revision() returns trigger language plpgsql as $$
   begin
     update canvas_pages set revision = revision + 1
     where id = coalesce(new.page_id, old.page_id) or id = old.page_id;
     return null;
   end
   $$`,
  `create trigger canvas_blocks_bump_page_revision after insert or update or delete on canvas_blocks
   for each row execute function ionflux_bump_page_revision()`,
  `create function ionflux_next_page_revision() returns trigger language plpgsql as $$
   begin
     new.revision := old.revision + 1;
     return new;
   end
   $$`,
  `create trigger canvas_pages_next_revision before update on canvas_pages
   for each row execute function ionflux_next_page_revision()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop trigger if exists canvas_pages_next_revision on canvas_pages').execute(db);
  await sql.raw('drop function if exists ionflux_next_page_revision()').execute(db);
  await sql.raw('drop trigger if exists canvas_blocks_bump_page_revision on canvas_blocks').execute(db);
  await sql.raw('drop function if exists ionflux_bump_page_revision()').execute(db);
  await sql.raw('alter table canvas_pages drop column if exists revision').execute(db);
}
