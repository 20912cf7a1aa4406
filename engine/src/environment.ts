import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * n8n-core reads its settings from the environment when it loads, and writes `$N8N_USER_FOLDER/.n8n/config` (an
 * encryption key) on first use. Point it at a folder of ours before anything requires n8n-core, and keep its error
 * reporter quiet (run logs are ours). Imported first by every engine module that loads n8n.
 */
if (!process.env.N8N_USER_FOLDER) {
  const folder = join(tmpdir(), `ionflux-n8n-${process.getuid?.() ?? 'user'}`);
  mkdirSync(folder, { recursive: true });
  process.env.N8N_USER_FOLDER = folder;
}
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
process.env.N8N_VERSION_NOTIFICATIONS_ENABLED ??= 'false';

export const n8nUserFolder = process.env.N8N_USER_FOLDER;
