import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, checkEncryptionKeysSyntax, loadConfig, redactUrl } from './config';

const key32 = Buffer.alloc(32, 7).toString('base64');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the documented defaults: 127.0.0.1:8080 and .ionflux/data under the working directory', () => {
    const config = loadConfig({ env: {}, cwd: '/srv/app' });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('/srv/app/.ionflux/data'),
      database: { kind: 'pglite', dataDir: path.resolve('/srv/app/.ionflux/data/pglite') },
      demo: false,
      logLevel: 'info',
      passwordHashCost: 15,
    });
  });

  it('reads PORT, IONFLUX_DATA_DIR, DATABASE_URL and IONFLUX_DEMO from the environment', () => {
    const config = loadConfig({
      env: {
        PORT: '9090',
        IONFLUX_DATA_DIR: 'state',
        DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
        IONFLUX_DEMO: 'yes',
      },
      cwd: '/srv/app',
    });
    expect(config.port).toBe(9090);
    expect(config.dataDir).toBe(path.resolve('/srv/app/state'));
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/db' });
    expect(config.demo).toBe(true);
  });

  it('lets options win over the environment', () => {
    const config = loadConfig({
      port: 0,
      dataDir: '/data/x',
      demo: false,
      env: { PORT: '9090', IONFLUX_DATA_DIR: 'state', IONFLUX_DEMO: '1' },
    });
    expect(config.port).toBe(0);
    expect(config.dataDir).toBe('/data/x');
    expect(config.demo).toBe(false);
  });

  it('selects in-memory PGlite only when asked and no DATABASE_URL is given', () => {
    expect(loadConfig({ inMemory: true, env: {} }).database).toEqual({ kind: 'pglite-memory' });
    expect(loadConfig({ inMemory: true, env: { DATABASE_URL: 'postgresql://h/db' } }).database.kind).toBe('postgres');
  });

  it('collects every problem with the variable name and a fix', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          PORT: 'eighty',
          DATABASE_URL: 'mysql://localhost/x',
          IONFLUX_LOG_LEVEL: 'chatty',
          IONFLUX_JWT_SECRET: 'too-short',
          IONFLUX_DEMO: 'maybe',
          IONFLUX_ENCRYPTION_KEYS: 'k1:c2hvcnQ=',
          IONFLUX_ALLOWED_ORIGINS: 'https://ok.example,not a url',
          IONFLUX_PASSWORD_HASH_COST: '40',
        },
      }),
    );
    expect(problems).toEqual([
      'PORT must be an integer from 0 to 65535 (got "eighty")',
      'DATABASE_URL must start with postgres:// or postgresql:// (got "mysql://localhost/x"); unset it to use the embedded database',
      'IONFLUX_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "chatty")',
      'IONFLUX_JWT_SECRET must be at least 32 characters (try: openssl rand -base64 48)',
      'IONFLUX_ENCRYPTION_KEYS: key "k1" must be 32 bytes of base64 (got 5 bytes; try: openssl rand -base64 32)',
      'IONFLUX_ALLOWED_ORIGINS entries must look like https://host[:port] with no path (got "not a url")',
      'IONFLUX_DEMO must be 1/true/yes/on or 0/false/no/off (got "maybe")',
      'IONFLUX_PASSWORD_HASH_COST must be an integer from 10 to 20 (got "40")',
    ]);
  });

  it('names the option (not the variable) when an option is wrong', () => {
    expect(problemsOf(() => loadConfig({ port: -1, env: {} }))).toEqual([
      'option port must be an integer from 0 to 65535 (got -1)',
    ]);
  });

  it('never echoes a database password in errors', () => {
    const problems = problemsOf(() => loadConfig({ env: { DATABASE_URL: 'mysql://admin:hunter2@db/x' } }));
    expect(problems.join()).not.toContain('hunter2');
    expect(redactUrl('postgres://admin:hunter2@db:5432/x')).toBe('postgres://admin:***@db:5432/x');
  });
});

describe('loadConfig: the engine', () => {
  it('runs agents embedded by default, on n8n with IONFLUX_ENGINE=n8n and its URL and API key', () => {
    expect(loadConfig({ env: {} }).engine).toEqual({ kind: 'embedded' });
    expect(
      loadConfig({
        env: { IONFLUX_ENGINE: 'n8n', IONFLUX_N8N_URL: 'http://127.0.0.1:5678/', IONFLUX_N8N_API_KEY: 'key-1' },
      }).engine,
    ).toEqual({ kind: 'n8n', url: 'http://127.0.0.1:5678', apiKey: 'key-1' });
  });

  it('names the missing n8n settings and an unknown engine', () => {
    const problems = problemsOf(() => loadConfig({ env: { IONFLUX_ENGINE: 'n8n', IONFLUX_N8N_URL: 'n8n.local' } }));
    expect(problems).toEqual([
      expect.stringContaining('IONFLUX_N8N_URL must be'),
      expect.stringContaining('IONFLUX_N8N_API_KEY must be'),
    ]);
    expect(problemsOf(() => loadConfig({ env: { IONFLUX_ENGINE: 'n9n' } }))).toEqual([
      expect.stringContaining('IONFLUX_ENGINE must be embedded or n8n'),
    ]);
  });
});

describe('checkEncryptionKeysSyntax', () => {
  it('accepts a keyring and flags duplicates and bad ids', () => {
    expect(checkEncryptionKeysSyntax(`k2:${key32},k1:${key32}`)).toEqual([]);
    expect(checkEncryptionKeysSyntax(`k1:${key32},k1:${key32}`)).toEqual(['key id "k1" appears twice']);
    expect(checkEncryptionKeysSyntax(`bad id:${key32}`)[0]).toMatch(/keyId of 1-32 letters/);
    expect(checkEncryptionKeysSyntax(' , ')).toEqual(['give at least one key as keyId:base64key']);
  });
});
