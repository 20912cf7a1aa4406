// The real-n8n lane (`npm run test:n8n`): suites named *.n8n.test.ts, run against an n8n server they start from the
// cached install (scripts/n8n/install.sh). `npm test` does not run them.
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testTimeout: 600_000,
  projects: base.projects
    .filter((project) => ['engine', 'cli', 'server'].includes(project.displayName))
    .map((project) => ({
      ...project,
      testMatch: ['<rootDir>/**/*.n8n.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    })),
};
