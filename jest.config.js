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
};

const packages = ['dsl', 'compiler', 'nodes', 'sandbox', 'engine', 'server', 'cli', 'bench'];

module.exports = {
  testTimeout: 30_000,
  projects: packages
    .filter((dir) => fs.existsSync(path.join(__dirname, dir, 'package.json')))
    .map((dir) => ({
      displayName: dir,
      rootDir: path.join(__dirname, dir),
      testEnvironment: 'node',
      transform: { '^.+\\.tsx?$': swc },
      moduleNameMapper,
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      ...(dir === 'nodes' ? { roots: ['<rootDir>', '<rootDir>/../credentials'] } : {}),
    })),
};
