import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

/**
 * docker/: no Docker engine runs here, so the images are not built; this checks the compose file against the
 * Compose Specification's JSON Schema and the wiring between services against the server's own configuration.
 */
const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
type Service = {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  command?: string[];
  volumes?: string[];
};
const compose = parse(read('docker/compose.yaml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
/** `${NAME:-default}` / `${NAME:?message}` / `${NAME}` references in a value. */
const variables = (value: string) => [...value.matchAll(/\$\{([A-Z0-9_]+)(?::[-?][^}]*)?\}/g)].map((m) => m[1]!);

describe('docker/compose.yaml', () => {
  it('is valid against the Compose Specification JSON Schema', () => {
    const schema = JSON.parse(read('docker/compose-spec.schema.json')) as object;
    // The schema names its draft as https://json-schema.org/draft-07/schema, which Ajv (draft-07) knows as http://...#.
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    const validate = ajv.compile(schema);
    // Validated as written (anchors and merge keys resolved as compose resolves them).
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The check can fail: a service with an unknown key is refused.
    expect(validate({ services: { x: { image: 'a:1', restart_policy: 'always' } } })).toBe(false);
  });

  it('runs the five services with pinned images, health checks, and healthy dependencies only', () => {
    expect(Object.keys(services).sort()).toEqual(['ionflux', 'n8n', 'n8n-worker', 'postgres', 'redis']);
    for (const [name, service] of Object.entries(services)) {
      expect({ name, image: service.image }).toEqual({
        name,
        image: expect.stringMatching(/^[a-z0-9./-]+:[0-9][\w.-]*$/),
      });
      expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(Object.keys(services)).toContain(dependency);
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: 'service_healthy' });
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.')) expect(Object.keys(compose.volumes)).toContain(source);
      }
    }
    // Both n8n processes run the one image the n8n Dockerfile builds.
    expect(services['n8n-worker']!.image).toBe(services.n8n!.image);
    expect(services.n8n!.build!.dockerfile).toBe('docker/n8n.Dockerfile');
    expect(services.ionflux!.build!.dockerfile).toBe('docker/ionflux.Dockerfile');
    expect(services.n8n!.image).toMatch(/:2\.41\.1$/);
  });

  it('wires database, queue and ports consistently', () => {
    const ionflux = services.ionflux!.environment!;
    const postgres = services.postgres!.environment!;
    const url = new URL(ionflux.DATABASE_URL!.replace(/\$\{[^}]+\}/g, 'x'));
    expect(url.hostname).toBe('postgres');
    expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`);
    expect(ionflux.DATABASE_URL).toContain(`${postgres.POSTGRES_USER}:${postgres.POSTGRES_PASSWORD}@`);
    // The server listens on every interface inside its container, on the port published and probed.
    expect(ionflux.IONFLUX_HOST).toBe('0.0.0.0');
    expect(services.ionflux!.ports).toEqual([`\${IONFLUX_PORT:-8080}:${ionflux.PORT}`]);
    expect(services.ionflux!.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${ionflux.PORT}/healthz`);

    for (const name of ['n8n', 'n8n-worker']) {
      const env = services[name]!.environment!;
      expect({ name, host: env.DB_POSTGRESDB_HOST, user: env.DB_POSTGRESDB_USER }).toEqual({
        name,
        host: 'postgres',
        user: postgres.POSTGRES_USER,
      });
      expect({ name, mode: env.EXECUTIONS_MODE, redis: env.QUEUE_BULL_REDIS_HOST }).toEqual({
        name,
        mode: 'queue',
        redis: 'redis',
      });
      expect(env.N8N_ENCRYPTION_KEY).toBe(services.n8n!.environment!.N8N_ENCRYPTION_KEY);
      expect(env.DB_POSTGRESDB_DATABASE).toBe('n8n');
      // What the lane's n8n runs with (engine/src/testing/n8n-server.ts): activation done when the API answers.
      expect(env.N8N_USE_WORKFLOW_PUBLICATION_SERVICE).toBe('false');
    }
    expect(read('docker/postgres-init.sql')).toMatch(/CREATE DATABASE n8n;/);
    expect(services.n8n!.ports).toEqual([`\${N8N_PORT:-5678}:${services.n8n!.environment!.N8N_PORT}`]);
    expect(services['n8n-worker']!.command).toEqual(['worker', '--concurrency=10']);
    const workerHealth = services['n8n-worker']!.environment!.QUEUE_HEALTH_CHECK_PORT;
    expect(services['n8n-worker']!.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${workerHealth}/healthz`);
  });

  it('reads only variables .env.example lists, and IONFLUX_* variables the server reads', () => {
    const text = read('docker/compose.yaml');
    const example = new Set(
      read('docker/.env.example')
        .split('\n')
        .filter((line) => /^[A-Z0-9_]+=/.test(line))
        .map((line) => line.split('=')[0]!),
    );
    const used = new Set(variables(text));
    expect([...used].filter((name) => !example.has(name))).toEqual([]);
    const serverConfig = read('server/src/config.ts');
    for (const name of Object.keys(services.ionflux!.environment!))
      if (name.startsWith('IONFLUX_') || name === 'DATABASE_URL' || name === 'PORT')
        expect({
          name,
          readByServer: serverConfig.includes(`'${name}'`) || serverConfig.includes(`env.${name}`),
        }).toEqual({
          name,
          readByServer: true,
        });
  });

  it('builds the images with the commands CI runs', () => {
    const ionflux = read('docker/ionflux.Dockerfile');
    expect(ionflux).toMatch(/^RUN npm ci --no-audit --no-fund$/m);
    expect(ionflux).toMatch(/^CMD \["node", "cli\/bin\/ionflux\.js", "serve"\]$/m);
    const n8n = read('docker/n8n.Dockerfile');
    expect(n8n).toMatch(/^RUN bash \/tmp\/install\.sh$/m);
    expect(n8n).toContain('COPY scripts/n8n/install.sh /tmp/install.sh');
    expect(read('scripts/n8n/install.sh')).toMatch(/^version="2\.41\.1"$/m);
    expect(read('.ci/run')).toContain('npm run test:n8n');
  });
});
