import fs from 'node:fs/promises';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { redactUrl, type DatabaseConfig } from '../config';
import { openPGliteThread, type PGliteThread } from './pglite-thread';
import type { Database } from './schema';

/** The one query layer of the server: a Kysely instance over embedded PGlite or a PostgreSQL server. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  /** Waits for running queries, then closes (PGlite flushes its data folder). */
  close(): Promise<void>;
  /** A snapshot of an embedded database's data folder (a tar), to start an in-memory one from; PGlite only. */
  snapshot?(): Promise<Blob>;
}

/**
 * Opens the configured store. PGlite runs on a worker thread (`pglite-thread.ts`: its WASM never blocks the event
 * loop) and goes through Kysely's own PGlite dialect (no extra package): PGlite is a single connection, and that
 * dialect reports `supportsMultipleConnections = false`, so Kysely serializes every query and holds the connection
 * for the whole of a transaction behind its connection mutex (tested in database.test.ts).
 *
 * @example const { db, close } = await openDatabase({ config: { kind: 'pglite-memory' }, logger });
 */
export async function openDatabase(args: { config: DatabaseConfig; logger: Logger }): Promise<DatabaseHandle> {
  const { config, logger } = args;
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.url, max: 10, connectionTimeoutMillis: 10_000 });
    // An idle client can lose its server (restart, network): log it instead of crashing the process.
    pool.on('error', (error) => logger.error({ err: error }, 'idle PostgreSQL client error'));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      await db.destroy().catch(() => undefined);
      throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(config.url)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    logger.info({ database: redactUrl(config.url) }, 'connected to PostgreSQL');
    return {
      db,
      kind: 'postgres',
      ping: async () => void (await sql`select 1`.execute(db)),
      close: () => db.destroy(),
    };
  }

  let pglite: PGliteThread;
  if (config.kind === 'pglite') {
    await fs.mkdir(config.dataDir, { recursive: true });
    try {
      pglite = await openPGliteThread({ dataDir: config.dataDir });
    } catch (error) {
      throw new Error(
        `Cannot open the embedded database in ${config.dataDir}: ${(error as Error).message}. Is another IONFLUX server using this data folder?`,
        { cause: error },
      );
    }
    logger.info({ dataDir: config.dataDir }, 'opened embedded PostgreSQL (PGlite, on its own thread)');
  } else {
    pglite = await openPGliteThread(config.snapshot ? { snapshot: config.snapshot } : {});
    logger.info(
      { fromSnapshot: Boolean(config.snapshot) },
      'opened in-memory embedded PostgreSQL (PGlite, on its own thread)',
    );
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    ping: async () => void (await sql`select 1`.execute(db)),
    close: () => db.destroy(),
    // Uncompressed: it is written and read locally, where gzip costs more time than the bytes it saves.
    snapshot: () => pglite.dumpDataDir(),
  };
}
