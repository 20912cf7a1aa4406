// One Jest run for the whole repository. Each workspace package is a project; tests sit next to the code
// (`src/x.ts` + `src/x.test.ts`) and run from TypeScript source through SWC (type checking is `npm run typecheck`).
const path = require('node:path');
const fs = require('node:fs');

const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// Workspace packages resolve to their TypeScript sources, so tests never depend on a stale build.
const moduleNameMapper = {
  '^@ionflux/(dsl|compiler|engine|sandbox|server)$': '<rootDir>/../$1/src/index.ts',
  '^n8n-nodes-ionflux$': '<rootDir>/../nodes/index.ts',
  // Relative dynamic imports carry a .js extension (required by module nodenext); the sources are .ts.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const packages = ['dsl', 'compiler', 'nodes', 'sandbox', 'engine', 'server', 'cli', 'bench', 'studio'];

module.exports = {
  // A safety net against hangs, not a speed check (tests never assert wall-clock time): generous, since this 2-core
  // machine's suites share it with builds and browsers, and a server start under load can take half a minute.
  testTimeout: 90_000,
  projects: packages
    .filter((dir) => fs.existsSync(path.join(__dirname, dir, 'package.json')))
    .map((dir) => ({
      displayName: dir,
      rootDir: path.join(__dirname, dir),
      testEnvironment: 'node',
      transform: { '^.+\\.tsx?$': swc },
      moduleNameMapper,
      testMatch: ['<rootDir>/**/*.test.ts'],
      // *.n8n.test.ts need a real n8n server: `npm run test:n8n` runs them (jest.n8n.config.js).
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.n8n\\.test\\.ts$'],
      // Every test file: loopback-only network (no test reaches the internet) and a scratch folder for n8n.
      setupFiles: [path.join(__dirname, 'nodes', 'test-support', 'jest-setup.ts')],
      // The studio's tests drive Chromium against the real server (studio/e2e); its pure modules (no React, no DOM)
      // have Node tests next to them.
      ...(dir === 'studio' ? { testMatch: ['<rootDir>/e2e/**/*.test.ts', '<rootDir>/src/**/*.test.ts'] } : {}),
      // The node package spans nodes/ and credentials/ (one tsc project, rootDir ..): its tests live in both.
      ...(dir === 'nodes'
        ? {
            roots: ['<rootDir>', '<rootDir>/../credentials'],
            testMatch: ['<rootDir>/**/*.test.ts', '<rootDir>/../credentials/**/*.test.ts'],
          }
        : {}),
    })),
};

// Some server dependencies are ES modules (kysely 0.29, jose 6) or load Node built-ins with dynamic import()
// (@electric-sql/pglite); Jest handles both only under --experimental-vm-modules, so for the tests of the server and
// of the packages that start it (engine, cli) SWC turns them into plain CommonJS. The built packages need none of
// this (Node 24 runs them natively).
for (const project of module.exports.projects.filter((p) =>
  ['server', 'engine', 'cli', 'nodes', 'studio'].includes(p.displayName),
)) {
  const packagesToConvert = ['kysely', 'jose', '@electric-sql/pglite'];
  const pattern = packagesToConvert.map((name) => name.replace('/', '\\/')).join('|');
  project.transform = {
    ...project.transform,
    [`^.+/node_modules/(${pattern})/.+\\.c?js$`]: [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'ecmascript' }, target: 'es2023' },
        module: { type: 'commonjs', ignoreDynamic: false },
      },
    ],
  };
  project.transformIgnorePatterns = [`/node_modules/(?!(${pattern})/)`];
}

// The server's test files once more, against a real PostgreSQL server (each test server creates a fresh database
// there), only when one is given: IONFLUX_TEST_DATABASE_URL="$(server/scripts/start-test-postgres.sh DIR)".
if (process.env.IONFLUX_TEST_DATABASE_URL) {
  const server = module.exports.projects.find((project) => project.displayName === 'server');
  if (server) {
    module.exports.projects.push({
      ...server,
      displayName: 'server-postgres',
      globals: { __IONFLUX_TEST_DATABASE__: 'postgres' },
    });
  }
}
