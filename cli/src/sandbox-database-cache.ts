import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/**
 * The sandbox server's database as it is after migrations and the demo seed, kept in the user's cache folder so that
 * `ionflux run --sandbox` starts its in-memory server from a copy instead of creating a database, migrating and
 * seeding it on every run. An entry is keyed by a hash of what produces that state (the migrations, the demo seed,
 * the server and PGlite versions): any change to them makes a new entry, never a stale database.
 *
 * The entry holds the server secrets the database was seeded with (a throwaway JWT secret and encryption key of this
 * local sandbox: the stored credentials are encrypted with it).
 */
export interface CachedSandboxDatabase {
  snapshot: Blob;
  jwtSecret: string;
  encryptionKeys: string;
}

/** Where IONFLUX caches things: `IONFLUX_CACHE_DIR`, else the platform's user cache folder. */
export function ionfluxCacheDir(env: Record<string, string | undefined>): string {
  if (env.IONFLUX_CACHE_DIR) return env.IONFLUX_CACHE_DIR;
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'ionflux');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'ionflux');
  const base = env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : tmpdir());
  return join(base, 'ionflux');
}

/**
 * The hash of what the cached database depends on: the server's code (its migrations, the demo seed and what that
 * calls), the example agents the demo seed installs, and the server and PGlite versions.
 */
export async function sandboxDatabaseKey(): Promise<string> {
  const serverCode = dirname(require.resolve('@ionflux/server'));
  const examples = join(serverCode, '..', '..', 'examples', 'agents');
  const hash = createHash('sha256');
  // The built files, or the TypeScript sources where those are loaded directly (tests).
  const code = (f: string) => /\.(js|ts)$/.test(f) && !/\.(d|test)\.ts$/.test(f);
  const files = [
    ...(await filesUnder(serverCode)).filter(code),
    ...(await filesUnder(examples)).filter((f) => f.endsWith('.yaml')),
  ].sort();
  for (const file of files)
    hash
      .update(relative(serverCode, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  for (const name of ['@ionflux/server', '@electric-sql/pglite']) hash.update(`${name}@${await packageVersion(name)}`);
  return hash.digest('hex').slice(0, 24);
}

async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** A package's version, from the package.json above its entry point (some packages do not export that file). */
async function packageVersion(name: string): Promise<string> {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name) return manifest.version ?? '';
    } catch {
      // not this folder
    }
  }
  return '';
}

function entryPaths(dir: string, key: string): { entry: string; data: string; secrets: string } {
  const entry = join(dir, `sandbox-db-${key}`);
  return { entry, data: join(entry, 'data.tar'), secrets: join(entry, 'secrets.json') };
}

/** The cached database for `key`, or undefined when there is none (or it cannot be read: it is then rebuilt). */
export async function readCachedDatabase(dir: string, key: string): Promise<CachedSandboxDatabase | undefined> {
  const paths = entryPaths(dir, key);
  try {
    const secrets = JSON.parse(await readFile(paths.secrets, 'utf8')) as Partial<CachedSandboxDatabase>;
    if (typeof secrets.jwtSecret !== 'string' || typeof secrets.encryptionKeys !== 'string') return undefined;
    const data = await readFile(paths.data);
    return { snapshot: new Blob([data]), jwtSecret: secrets.jwtSecret, encryptionKeys: secrets.encryptionKeys };
  } catch {
    return undefined;
  }
}

/** Fresh secrets for a sandbox database that is about to be seeded and cached. */
export function newSandboxSecrets(): { jwtSecret: string; encryptionKeys: string } {
  return {
    jwtSecret: randomBytes(48).toString('base64url'),
    encryptionKeys: `sandbox:${randomBytes(32).toString('base64')}`,
  };
}

/**
 * Stores an entry: written into a folder of its own, then renamed into place in one step, so a reader sees a
 * complete entry or none, also when several runs fill the cache at once (the first rename wins). Failing to write
 * only costs the next run time.
 */
export async function writeCachedDatabase(dir: string, key: string, entry: CachedSandboxDatabase): Promise<void> {
  const paths = entryPaths(dir, key);
  const staging = `${paths.entry}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(staging, { recursive: true, mode: 0o700 });
    await writeFile(join(staging, 'data.tar'), new Uint8Array(await entry.snapshot.arrayBuffer()), { mode: 0o600 });
    const secrets = JSON.stringify({ jwtSecret: entry.jwtSecret, encryptionKeys: entry.encryptionKeys });
    await writeFile(join(staging, 'secrets.json'), secrets, { mode: 0o600 });
    await rename(staging, paths.entry);
    // Entries of earlier keys (older migrations, seed or server code) are never read again.
    for (const name of await readdir(dir))
      if (/^sandbox-db-[0-9a-f]+$/.test(name) && name !== `sandbox-db-${key}`)
        await rm(join(dir, name), { recursive: true, force: true });
  } catch {
    // Another run stored the entry first, or the cache folder is not writable.
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
}
