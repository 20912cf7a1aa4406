import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config';
import { generateKeyringEntry, parseKeyring, type SecretKeyring } from '../domain/secrets/index';

export interface ServerSecrets {
  jwtKey: Uint8Array;
  keyring: SecretKeyring;
}

const FILE_NAME = 'server-secrets.json';

/**
 * The JWT secret and the encryption keyring. Configured values win; otherwise they are generated once and kept in
 * `<dataDir>/server-secrets.json` (mode 0600), so sessions and stored credentials survive restarts on a laptop.
 * In-memory servers (tests) get throwaway secrets.
 */
export async function loadServerSecrets(args: { config: ServerConfig; logger: Logger }): Promise<ServerSecrets> {
  const { config, logger } = args;
  let jwtSecret = config.jwtSecret;
  let encryptionKeys = config.encryptionKeys;

  if ((jwtSecret === undefined || encryptionKeys === undefined) && config.database.kind !== 'pglite-memory') {
    const file = path.join(config.dataDir, FILE_NAME);
    let stored: { jwtSecret?: string; encryptionKeys?: string } = {};
    try {
      stored = JSON.parse(await fs.readFile(file, 'utf8')) as typeof stored;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(
          `Cannot read ${file}: ${(error as Error).message}. Fix or delete it (deleting signs everyone out and makes stored credentials unreadable).`,
          { cause: error },
        );
      }
    }
    let changed = false;
    if (!stored.jwtSecret) {
      stored.jwtSecret = randomBytes(48).toString('base64url');
      changed = true;
    }
    if (!stored.encryptionKeys) {
      stored.encryptionKeys = generateKeyringEntry(`k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`);
      changed = true;
    }
    if (changed) {
      await fs.mkdir(config.dataDir, { recursive: true });
      await fs.writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
      logger.warn(
        { file },
        'generated server secrets; set IONFLUX_JWT_SECRET and IONFLUX_ENCRYPTION_KEYS in production',
      );
    }
    jwtSecret ??= stored.jwtSecret;
    encryptionKeys ??= stored.encryptionKeys;
  }

  jwtSecret ??= randomBytes(48).toString('base64url');
  encryptionKeys ??= generateKeyringEntry('ephemeral');
  return { jwtKey: new TextEncoder().encode(jwtSecret), keyring: parseKeyring(encryptionKeys) };
}

/**
 * One server per embedded data folder: PGlite has no locking of its own, and two writers would corrupt it.
 * Returns a release function.
 */
export async function lockDataFolder(dataDir: string): Promise<() => Promise<void>> {
  await fs.mkdir(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'server.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await fs.writeFile(lockFile, String(process.pid), { flag: 'wx' });
      return async () => {
        await fs.rm(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(await fs.readFile(lockFile, 'utf8').catch(() => ''));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `Another IONFLUX server (pid ${pid}) is using the data folder ${dataDir}; stop it or pass another --data-dir`,
        );
      }
      if (pid === process.pid) {
        throw new Error(`This process already runs a server on the data folder ${dataDir}; pass another dataDir`);
      }
      await fs.rm(lockFile, { force: true }); // stale lock from a crashed server
    }
  }
  throw new Error(`Could not lock the data folder ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
