// The repository's ESLint flat config (run it with `npm run lint`, which installs this folder's toolchain first).
// typescript-eslint for every package (type-aware rules only where they are cheap and catch real bugs: promises),
// and n8n's community-node rules for the node package. The node package imports what n8n Cloud forbids (openai,
// @pinecone-database/pinecone, node:crypto...), so it uses the self-hosted rule set (see nodes/README.md).
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import globals from 'globals';
import path from 'node:path';
import tseslint from 'typescript-eslint';

const root = path.resolve(import.meta.dirname, '..', '..');

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'tools/**',
      'coverage/**',
      '.scratch/**',
      'docs/**',
      'examples/**',
      '**/test-output/**',
      'studio/public/**',
    ],
  },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    rules: {
      // Promises that nobody awaits or catches lose errors: type-aware, and worth their cost.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `x!` after a check the compiler cannot follow is how this code base states an invariant.
      '@typescript-eslint/no-non-null-assertion': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // A `let` that a closure reads before its one assignment (a handle created after its callbacks) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-console': 'off',
    },
  },
  {
    // React event props take async handlers by design (the handler's promise is the component's business), as
    // typescript-eslint's no-misused-promises documentation recommends for React code.
    files: ['studio/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }] },
  },
  {
    // Bench scripts evaluate some functions inside the browser page (playwright's page.evaluate).
    files: ['bench/studio/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.test.ts', '**/test-support/**', '**/testing/**', 'bench/**', 'studio/e2e/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node }, sourceType: 'commonjs' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module' },
  },
  {
    files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
    ignores: ['**/*.test.ts', 'nodes/test-support/**'],
    extends: [n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport],
  },
  {
    files: ['nodes/package.json'],
    extends: [n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport],
    rules: {
      // A self-hosted community package is installed by n8n with `npm install`, which installs its dependencies;
      // the nodes need the openai and Pinecone SDKs at run time (n8n Cloud, which forbids them, is not a target).
      '@n8n/community-nodes/no-runtime-dependencies': 'off',
    },
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { extraFileExtensions: ['.json'], projectService: false },
    },
  },
);
