import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getEnvironmentData } from 'node:worker_threads';
import { sql } from 'kysely';
import pino from 'pino';
import { createTestPostgresDatabase, testDatabaseTarget } from '../testing/test-server';
import { openDatabase, type DatabaseHandle } from './database';
import { migrateDown, migrateToLatest, migrations } from './migrations';
import { isCompiledModule, openPGliteThread, PGLITE_MODULE_KEY } from './pglite-thread';

let handle: DatabaseHandle;
let drop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const logger = pino({ level: 'silent' });
  if (testDatabaseTarget() === 'postgres') {
    const database = await createTestPostgresDatabase();
    drop = database.drop;
    handle = await openDatabase({ config: { kind: 'postgres', url: database.url }, logger });
  } else {
    handle = await openDatabase({ config: { kind: 'pglite-memory' }, logger });
  }
});
afterAll(async () => {
  await handle.close();
  await drop?.();
});

async function tableNames(): Promise<string[]> {
  const result = await sql<{
    table_name: string;
  }>`select table_name from information_schema.tables where table_schema = current_schema() order by table_name`.execute(
    handle.db,
  );
  return result.rows.map((r) => r.table_name);
}

describe('migrations', () => {
  it('apply every migration once, in order, and roll back cleanly', async () => {
    const first = await migrateToLatest(handle.db);
    expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual(
      Object.keys(migrations).map((name) => [name, 'Success']),
    );
    expect(await tableNames()).toEqual(
      expect.arrayContaining([
        'users',
        'workspaces',
        'canvas_blocks',
        'chat_messages',
        'api_tokens',
        'ionflux_migrations',
      ]),
    );
    expect((await migrateToLatest(handle.db)).results).toEqual([]);

    for (const name of Object.keys(migrations).reverse()) {
      const down = await migrateDown(handle.db);
      expect(down.error).toBeUndefined();
      expect(down.results?.map((r) => r.migrationName)).toEqual([name]);
    }
    expect((await tableNames()).filter((name) => !name.startsWith('ionflux_migrations'))).toEqual([]);
    await migrateToLatest(handle.db);
    expect(await tableNames()).toContain('chat_messages');
  });
});

describe('query layer', () => {
  it('serializes concurrent transactions and plain queries without mixing them (PGlite is one connection)', async () => {
    await sql`create table if not exists probe_counter (id int primary key, n int not null)`.execute(handle.db);
    await sql`insert into probe_counter values (1, 0) on conflict (id) do update set n = 0`.execute(handle.db);
    const increments = Array.from({ length: 25 }, (_, i) =>
      handle.db.transaction().execute(async (tx) => {
        const row = await sql<{ n: number }>`select n from probe_counter where id = 1 for update`.execute(tx);
        await new Promise((r) => setTimeout(r, i % 3));
        await sql`update probe_counter set n = ${row.rows[0]!.n + 1} where id = 1`.execute(tx);
      }),
    );
    const reads = Array.from({ length: 25 }, () =>
      sql<{ n: number }>`select n from probe_counter where id = 1`.execute(handle.db),
    );
    await Promise.all([...increments, ...reads]);
    const final = await sql<{ n: number }>`select n from probe_counter where id = 1`.execute(handle.db);
    expect(final.rows[0]!.n).toBe(25);
  });

  it('rolls a failed transaction back and keeps working', async () => {
    await sql`create table if not exists probe_items (id int primary key)`.execute(handle.db);
    await expect(
      handle.db.transaction().execute(async (tx) => {
        await sql`insert into probe_items values (1)`.execute(tx);
        await sql`insert into probe_items values (1)`.execute(tx); // duplicate: fails
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const rows = await sql<{ n: number }>`select count(*)::int as n from probe_items`.execute(handle.db);
    expect(rows.rows[0]!.n).toBe(0);
    await handle.ping();
  });

  it('returns JSONB parsed and timestamps as Dates on both stores', async () => {
    const result = await sql<{
      j: unknown;
      t: Date;
      n: number;
    }>`select ${JSON.stringify({ a: [1, 'x'] })}::jsonb as j, now() as t, 5::int as n`.execute(handle.db);
    expect(result.rows[0]!.j).toEqual({ a: [1, 'x'] });
    expect(result.rows[0]!.t).toBeInstanceOf(Date);
    expect(result.rows[0]!.n).toBe(5);
  });
});

// PGlite only: the PostgreSQL project runs this file against a server, where there is no embedded database thread.
(testDatabaseTarget() === 'postgres' ? describe.skip : describe)('embedded database threads', () => {
  it('share one compiled PostgreSQL module, held by the process, that each thread only instantiates', async () => {
    const shared = getEnvironmentData(PGLITE_MODULE_KEY);
    expect(isCompiledModule(shared)).toBe(true);
    // A second database (a second thread) reuses that module instead of compiling its own.
    const second = await openPGliteThread({});
    try {
      expect(getEnvironmentData(PGLITE_MODULE_KEY)).toBe(shared);
      expect((await second.query<{ n: number }>('select 41 + 1 as n')).rows).toEqual([{ n: 42 }]);
    } finally {
      await second.close();
    }
  });

  it('runs statements with parameters as prepared statements that follow schema changes, errors and eviction', async () => {
    const db = await openPGliteThread({});
    try {
      await db.query('create table probe_prepared (id int primary key, name text not null)');
      const insert = 'insert into probe_prepared (id, name) values ($1, $2) returning *';
      for (let id = 1; id <= 12; id++)
        expect((await db.query(insert, [id, `n${id}`])).rows).toEqual([{ id, name: `n${id}` }]);
      const select = 'select * from probe_prepared where id = $1';
      expect((await db.query(select, [3])).rows).toEqual([{ id: 3, name: 'n3' }]);
      // The table gains a column: the statement prepared before it answers the new row shape, not an error.
      await db.query('alter table probe_prepared add column extra int not null default 7');
      expect((await db.query(select, [3])).rows).toEqual([{ id: 3, name: 'n3', extra: 7 }]);
      // A failing execution (duplicate key, then a value of the wrong type) fails alone; the statement still works.
      await expect(db.query(insert, [3, 'again'])).rejects.toMatchObject({ code: '23505' });
      await expect(db.query(select, ['not a number'])).rejects.toMatchObject({ code: '22P02' });
      expect((await db.query(insert, [13, 'n13'])).rows).toEqual([{ id: 13, name: 'n13', extra: 7 }]);
      // Inside a transaction that rolls back, and after it.
      await expect(
        db.transaction(async (tx) => {
          await tx.query(insert, [14, 'n14']);
          expect(
            (await tx.query<{ n: number }>('select count(*)::int as n from probe_prepared where id > $1', [0])).rows,
          ).toEqual([{ n: 14 }]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(
        (await db.query<{ n: number }>('select count(*)::int as n from probe_prepared where id > $1', [0])).rows,
      ).toEqual([{ n: 13 }]);
      // More distinct statements than are kept prepared: each still answers its own result.
      for (let k = 0; k < 300; k++)
        expect((await db.query<{ v: number }>(`select $1::int + ${k} as v`, [k])).rows).toEqual([{ v: 2 * k }]);
      expect((await db.query(select, [12])).rows).toEqual([{ id: 12, name: 'n12', extra: 7 }]);
      // JSON and arrays are serialized by parameter type, as PGlite's own query does.
      const values = await db.query<{ j: unknown; a: string[] }>('select $1::jsonb as j, $2::text[] as a', [
        JSON.stringify({ b: [1, null] }),
        ['x', 'y,z'],
      ]);
      expect(values.rows).toEqual([{ j: { b: [1, null] }, a: ['x', 'y,z'] }]);
    } finally {
      await db.close();
    }
  });
});
