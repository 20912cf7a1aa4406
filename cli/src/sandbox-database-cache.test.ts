import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ionfluxCacheDir, readCachedDatabase, sandboxDatabaseKey } from './sandbox-database-cache';
import { startSandboxEnvironment } from './sandbox-environment';

const cache = mkdtempSync(join(tmpdir(), 'ionflux-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('the sandbox database cache', () => {
  it('keeps the database after migrations and the demo seed, and later environments start from a copy of it', async () => {
    const key = await sandboxDatabaseKey();
    expect(await readCachedDatabase(cache, key)).toBeUndefined();
    const first = await startSandboxEnvironment({ databaseCache: cache });
    const page = await first.api('POST', `/api/workspaces/${first.workspaceId}/pages`, { title: 'Only in the first' });
    expect(page.status).toBe(201);
    await first.close();
    expect(readdirSync(cache)).toEqual([`sandbox-db-${key}`]);
    expect(await readCachedDatabase(cache, key)).toBeDefined();

    const second = await startSandboxEnvironment({ databaseCache: cache });
    try {
      // The demo workspace is there (with the ids it had), the first environment's later writes are not.
      expect(second.workspaceId).toBe(first.workspaceId);
      const pages = await second.api<{ items: { title: string }[] }>(
        'GET',
        `/api/workspaces/${second.workspaceId}/pages`,
      );
      expect(pages.status).toBe(200);
      const titles = JSON.stringify(pages.body);
      expect(titles).toContain(second.server.demo!.pageId);
      expect(titles).not.toContain('Only in the first');
      // Its API token and the stored (encrypted) sandbox credentials work: the cache kept the secrets they need.
      const me = await fetch(`${second.url}/api/workspaces/${second.workspaceId}/pages`, {
        headers: { authorization: `Bearer ${second.apiToken}` },
      });
      expect(me.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('lives in IONFLUX_CACHE_DIR, else the platform cache folder', () => {
    expect(ionfluxCacheDir({ IONFLUX_CACHE_DIR: '/x/y' })).toBe('/x/y');
    if (process.platform === 'linux') expect(ionfluxCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/ionflux');
  });
});
