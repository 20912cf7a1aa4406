import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { getEnvironmentData, setEnvironmentData, Worker } from 'node:worker_threads';
import type { PGlite as KyselyPGlite, PGliteQueryResults, PGliteTransaction } from 'kysely';

/** What the worker opens: a data folder, or an in-memory database when none is given. */
export interface PGliteWorkerOptions {
  dataDir?: string;
  /** With no data folder: start the in-memory database from this dump (`dumpDataDir`, uncompressed tar). */
  snapshot?: Uint8Array;
}

/** What the server opens: as the worker's options, with the snapshot as the Blob PGlite dumps. */
export interface PGliteThreadOptions {
  dataDir?: string;
  snapshot?: Blob;
}

/** Kysely's PGlite interface, plus a dump of the data folder (PGlite's `dumpDataDir('none')`). */
export interface PGliteThread extends KyselyPGlite {
  dumpDataDir(): Promise<Blob>;
}

export type PGliteRequest =
  | { id: number; op: 'query'; sql: string; params: unknown[]; txId?: number }
  | { id: number; op: 'begin' | 'commit' | 'rollback'; txId: number }
  | { id: number; op: 'close' | 'dump' };

/** A request before the client numbers it (Omit over each member of the union). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

export type SerializedDatabaseError = { message: string } & Record<string, string>;

export type PGliteResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedDatabaseError };

/** Where the worker finds the compiled PostgreSQL module (`getEnvironmentData`), shared by every database thread. */
export const PGLITE_MODULE_KEY = 'ionflux:pglite.wasm';

/** Node's WebAssembly global; its types come with TypeScript's DOM library, which this build leaves out. */
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<object> };

/** Tagged, not `instanceof`: a test runner loads these files in a fresh realm per test file, with its own globals. */
export const isCompiledModule = (value: unknown): value is object =>
  Object.prototype.toString.call(value) === '[object WebAssembly.Module]';

let compiling: Promise<void> | undefined;

/**
 * Compiles PGlite's PostgreSQL (8.9 MB of WebAssembly) once per process and hands the compiled module to every
 * database thread through the workers' environment data: a `WebAssembly.Module` crosses threads without a copy, so
 * each thread only instantiates it. A thread that compiled its own module would free that code when it stops, and
 * V8 can abort when one thread frees WebAssembly code while others compile (`Check failed:
 * jit_page_->allocations_.erase(addr) == 1`, nodejs/node#64500, seen in CI with a database thread per test server).
 * Compiled once and held by the process, PostgreSQL's code is never freed while the process runs; it also saves
 * each new database the compile. The environment data is process-wide, so test files that each load this module
 * afresh still share the one compile.
 */
function sharePGliteModule(): Promise<void> {
  if (isCompiledModule(getEnvironmentData(PGLITE_MODULE_KEY))) return Promise.resolve();
  compiling ??= (async () => {
    const wasm = join(dirname(require.resolve('@electric-sql/pglite')), 'pglite.wasm');
    setEnvironmentData(PGLITE_MODULE_KEY, await WebAssembly.compile(await readFile(wasm)));
  })().finally(() => {
    compiling = undefined;
  });
  return compiling;
}

/** The compiled worker script: beside this file when running from dist, else in dist (tests run the sources). */
function workerScript(): string {
  const beside = join(__dirname, 'pglite-worker.js');
  return existsSync(beside) ? beside : join(__dirname, '..', '..', 'dist', 'data-access', 'pglite-worker.js');
}

/** A database error as the caller would have seen it in-thread: message plus PostgreSQL's fields (code, ...). */
function reviveError(serialized: SerializedDatabaseError): Error {
  const { message, ...fields } = serialized;
  return Object.assign(new Error(message), fields);
}

/**
 * Timestamp columns arrive as Dates of the realm that received the message; remake them in this module's realm, so
 * `instanceof Date` holds wherever this module is loaded (test runners load it in a separate VM context).
 */
function localDates<T>(result: PGliteQueryResults<T>): PGliteQueryResults<T> {
  for (const row of result.rows as Record<string, unknown>[]) {
    for (const key in row) {
      const value = row[key];
      if (typeof value === 'object' && value !== null && !(value instanceof Date) && isDate(value)) {
        row[key] = new Date((value as Date).getTime());
      }
    }
  }
  return result;
}

const isDate = (value: object) => Object.prototype.toString.call(value) === '[object Date]';

/**
 * PGlite on a worker thread, behind the interface Kysely's `PGliteDialect` uses (query, transaction, close, ready,
 * waitReady). The WASM database then never runs on the server's event loop: sockets and HTTP keep moving while a
 * query executes (bench/chat measures it). Values cross the thread by structured clone (dates, byte arrays, JSON
 * values and bigints survive as they are); errors keep PostgreSQL's fields (`code`, `constraint`, ...).
 *
 * @example const pglite = await openPGliteThread({ dataDir }); new Kysely({ dialect: new PGliteDialect({ pglite }) })
 */
export async function openPGliteThread(options: PGliteThreadOptions): Promise<PGliteThread> {
  const workerData: PGliteWorkerOptions = {
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.snapshot ? { snapshot: new Uint8Array(await options.snapshot.arrayBuffer()) } : {}),
  };
  await sharePGliteModule();
  const worker = new Worker(workerScript(), { workerData });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let nextTxId = 1;
  let closed = false;
  let failure: Error | undefined;

  const ready = new Promise<void>((resolve, reject) => pending.set(0, { resolve: () => resolve(), reject }));
  worker.on('message', (response: PGliteResponse) => {
    const waiter = pending.get(response.id);
    if (!waiter) return;
    pending.delete(response.id);
    if (response.ok) waiter.resolve(response.value);
    else waiter.reject(reviveError(response.error));
  });
  const failAll = (error: Error) => {
    failure = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('error', (error) => failAll(new Error(`the embedded database thread failed: ${error.message}`)));
  worker.on('exit', (code) => {
    closed = true;
    if (pending.size > 0) failAll(new Error(`the embedded database thread stopped (exit code ${code})`));
  });

  const call = <T>(request: Unnumbered<PGliteRequest>): Promise<T> => {
    if (failure) return Promise.reject(failure);
    if (closed) return Promise.reject(new Error('the embedded database is closed'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  };

  const query = async <T>(sql: string, params: unknown[] = [], txId?: number) =>
    localDates(
      await call<PGliteQueryResults<T>>({ op: 'query', sql, params, ...(txId === undefined ? {} : { txId }) }),
    );

  const handle: PGliteThread = {
    get closed() {
      return closed;
    },
    ready: false,
    waitReady: ready,
    query: (sql, params) => query(sql, params),
    async transaction<T>(callback: (tx: PGliteTransaction) => Promise<T>): Promise<T> {
      const txId = nextTxId++;
      await call({ op: 'begin', txId });
      let result: T;
      try {
        result = await callback({
          query: (sql, params) => query(sql, params, txId),
          rollback: async () => {
            throw new Error('roll back by throwing from the transaction callback');
          },
        });
      } catch (error) {
        await call({ op: 'rollback', txId }).catch(() => undefined);
        throw error;
      }
      await call({ op: 'commit', txId });
      return result;
    },
    dumpDataDir: async () => new Blob([await call<Uint8Array<ArrayBuffer>>({ op: 'dump' })]),
    async close() {
      if (closed) return;
      await call({ op: 'close' });
      closed = true;
      await worker.terminate();
    },
  };
  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  handle.ready = true;
  return handle;
}
