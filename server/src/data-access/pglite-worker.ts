/**
 * Worker-thread host of the embedded database: PGlite (PostgreSQL compiled to WASM) runs every query on the thread
 * that calls it, so on the server's event loop it would stall sockets and HTTP for the length of each query. Here it
 * runs on its own thread; `pglite-thread.ts` is the other end. One request at a time arrives in practice (Kysely
 * serializes a single-connection dialect), but the protocol carries ids so it never depends on that.
 */
import { getEnvironmentData, parentPort, workerData } from 'node:worker_threads';
import { parse, PGlite, protocol, type PGliteOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import {
  isCompiledModule,
  PGLITE_MODULE_KEY,
  type PGliteRequest,
  type PGliteResponse,
  type PGliteWorkerOptions,
  type SerializedDatabaseError,
} from './pglite-thread';

const port = parentPort;
if (!port) throw new Error('pglite-worker.js runs as a worker thread (see pglite-thread.ts)');

const options = workerData as PGliteWorkerOptions;
// PostgreSQL as the process compiled it once (pglite-thread.ts says why): this thread instantiates, never compiles.
const shared = getEnvironmentData(PGLITE_MODULE_KEY);
if (!isCompiledModule(shared)) throw new Error('pglite-worker.js needs the compiled PGlite module (pglite-thread.ts)');
const wasmModule = shared as PGliteOptions['wasmModule'];
const opened = options.dataDir
  ? PGlite.create(options.dataDir, { extensions: { vector }, wasmModule })
  : PGlite.create({
      extensions: { vector },
      wasmModule,
      ...(options.snapshot ? { loadDataDir: new Blob([options.snapshot as Uint8Array<ArrayBuffer>]) } : {}),
    });

/** Open transactions by id: the transaction handle, and how to end it (resolve = commit, reject = roll back). */
const transactions = new Map<
  number,
  { tx: Transaction; end: { commit: () => void; rollback: (reason: Error) => void }; closed: Promise<unknown> }
>();

const ROLLBACK = new Error('rolled back by the caller');

type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

/** A statement prepared on the connection under `name`, with what each execution needs from its description. */
interface PreparedStatement {
  name: string;
  /** Parameter type oids (they pick PGlite's serializer for each value). */
  paramTypes: number[];
  /** The RowDescription of its rows (none for a statement without rows). */
  rowDescription: BackendMessage | undefined;
}

/** The most statements kept prepared (least recently used closed first); the server runs a few dozen texts. */
const PREPARED_MAX = 256;
/** Statements prepared on the connection, by SQL text, least recently used first (Map order). */
const prepared = new Map<string, PreparedStatement>();
let nextStatement = 1;
/** Statements evicted from `prepared`, closed on the connection before the next Sync. */
const toClose: string[] = [];

/** Schema changes: a statement prepared before one may no longer fit the tables (its row type changed). */
const SCHEMA_CHANGE = /^\s*(create|alter|drop|truncate|comment|grant|revoke)\b/i;

/**
 * Runs a statement with parameters as a named prepared statement, parsed and described once per connection:
 * PGlite's own `query` parses, describes and plans the text again on every call (six protocol messages through the
 * WASM module, the planning included), which was most of what a statement cost the database thread (bench/runs).
 * Here an execution is Bind, Execute and Sync; PostgreSQL also keeps the plan once a generic one is as good.
 * Serialized with PGlite's own query lock (and, outside a transaction, its transaction lock), as `query` is.
 */
async function preparedQuery(db: PGlite, sql: string, params: unknown[], inTransaction: boolean): Promise<Results> {
  const run = async (): Promise<Results> => {
    const options = { syncToFs: false };
    const messages: BackendMessage[] = [];
    let statement = prepared.get(sql);
    try {
      for (const name of toClose.splice(0))
        await db.execProtocolStream(protocol.serialize.close({ type: 'S', name }), options);
      if (statement) {
        // Most recently used last.
        prepared.delete(sql);
        prepared.set(sql, statement);
      } else {
        const name = `ifx_${nextStatement++}`;
        await db.execProtocolStream(protocol.serialize.parse({ name, text: sql }), options);
        const description = await db.execProtocolStream(protocol.serialize.describe({ type: 'S', name }), options);
        statement = {
          name,
          paramTypes: parse.parseDescribeStatementResults(description),
          rowDescription: description.find((message) => message.name === 'rowDescription'),
        };
        prepared.set(sql, statement);
        if (prepared.size > PREPARED_MAX) {
          const [oldestSql, oldest] = prepared.entries().next().value!;
          prepared.delete(oldestSql);
          toClose.push(oldest.name);
        }
      }
      const { paramTypes } = statement;
      const values = params.map((value, index) => {
        if (value === null || value === undefined) return null;
        const serialize = db.serializers[paramTypes[index]!];
        return serialize ? serialize(value) : String(value);
      });
      if (statement.rowDescription) messages.push(statement.rowDescription);
      messages.push(
        ...(await db.execProtocolStream(protocol.serialize.bind({ statement: statement.name, values }), options)),
        ...(await db.execProtocolStream(protocol.serialize.execute({}), options)),
      );
    } finally {
      messages.push(...(await db.execProtocolStream(protocol.serialize.sync(), options)));
    }
    if (!db.isInTransaction()) await db.syncToFs();
    return parse.parseResults(messages, db.parsers, { rowMode: 'object' })[0]!;
  };
  return inTransaction ? db._runExclusiveQuery(run) : db._runExclusiveTransaction(() => db._runExclusiveQuery(run));
}

/** Forgets every prepared statement (after a schema change); they are closed before the next statement runs. */
function forgetPrepared(): void {
  for (const statement of prepared.values()) toClose.push(statement.name);
  prepared.clear();
}

function serializeError(error: unknown): SerializedDatabaseError {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const out: SerializedDatabaseError = { message: String((error as Error).message ?? error) };
  // The fields of PostgreSQL's error response that callers read (code for unique violations, constraint names...).
  for (const key of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity', 'position']) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

async function handle(request: PGliteRequest, db: PGlite): Promise<unknown> {
  switch (request.op) {
    case 'query': {
      const target = request.txId === undefined ? db : transactions.get(request.txId)?.tx;
      if (!target) throw new Error(`transaction ${request.txId} is not open`);
      let result: Results;
      if (request.params.length > 0)
        result = await preparedQuery(db, request.sql, request.params, request.txId !== undefined);
      else {
        if (SCHEMA_CHANGE.test(request.sql)) forgetPrepared();
        result = await target.query(request.sql, request.params, { rowMode: 'object' });
      }
      // Kysely reads the rows and the count only: the column descriptions stay here (each crossing is a structured
      // clone, paid per query; bench/runs).
      return { rows: result.rows, affectedRows: result.affectedRows, fields: [] };
    }
    case 'begin': {
      const txId = request.txId;
      await new Promise<void>((begun, failed) => {
        let started = false;
        const closed = db.transaction(
          (tx) =>
            new Promise<void>((commit, rollback) => {
              started = true;
              transactions.set(txId, { tx, end: { commit, rollback }, closed: finished });
              begun();
            }),
        );
        // Settles once the transaction ends; a failure before the callback ran is a failed BEGIN.
        const finished = closed.catch((error: unknown) => {
          if (!started) failed(error as Error);
          throw error;
        });
        finished.catch(() => undefined);
      });
      return undefined;
    }
    case 'commit':
    case 'rollback': {
      const open = transactions.get(request.txId);
      if (!open) throw new Error(`transaction ${request.txId} is not open`);
      if (request.op === 'commit') open.end.commit();
      else open.end.rollback(ROLLBACK);
      try {
        await open.closed;
      } catch (error) {
        if (error !== ROLLBACK) throw error;
      } finally {
        transactions.delete(request.txId);
      }
      return undefined;
    }
    case 'dump':
      // Uncompressed: it is written and read locally, where gzip costs more time than the bytes it saves.
      return new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
    case 'close':
      await db.close();
      return undefined;
  }
}

opened.then(
  (db) => {
    port.postMessage({ id: 0, ok: true, value: undefined } satisfies PGliteResponse);
    port.on('message', (request: PGliteRequest) => {
      handle(request, db).then(
        (value) => port.postMessage({ id: request.id, ok: true, value } satisfies PGliteResponse),
        (error: unknown) =>
          port.postMessage({ id: request.id, ok: false, error: serializeError(error) } satisfies PGliteResponse),
      );
    });
  },
  (error: unknown) => port.postMessage({ id: 0, ok: false, error: serializeError(error) } satisfies PGliteResponse),
);
