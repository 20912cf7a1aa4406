/**
 * Setup of every Jest project of the repository (runs before each test file):
 * - n8n-core writes `$N8N_USER_FOLDER/.n8n/config` on first use: point it at a temporary folder;
 * - no test reaches the internet: every TCP connection to a non-loopback address fails with a clear error;
 * - `ionflux run --sandbox` runs on a sandbox of its own (no background local sandbox outlives a test), except in the
 *   tests that turn the local sandbox on and stop it themselves.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installLoopbackOnlyNetwork } from './network-guard';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'ionflux-nodes-n8n-'));
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.IONFLUX_SANDBOX_DAEMON ??= 'off';
installLoopbackOnlyNetwork();
