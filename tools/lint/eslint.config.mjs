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
    rules: {
      // The credentials live in the repository's credentials/ folder (the package's root is the repository, see
      // nodes/tsconfig.json), which this rule cannot resolve from nodes/package.json: it reports the package's own
      // ionfluxApi as foreign. nodes/package.test.ts loads the packed package as n8n does and checks that every
      // credential a node names is one of the package's own.
      '@n8n/community-nodes/no-credential-reuse': 'off',
    },
  },
  {
    // Library layers under the operations: the HTTP client, the SSRF guard, the structured-output checker and the
    // canvas block helpers throw typed errors (or pass an unexpected one on unchanged) that the node's router turns
    // into a NodeApiError / NodeOperationError for the failing item (toNodeError), with its item index.
    files: [
      'nodes/shared/http/**/*.ts',
      'nodes/IonfluxLlm/structured-output.ts',
      'nodes/IonfluxCanvas/actions/block/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
  },
  {
    // Versioned triggers: each version's description spreads the base description, whose icon n8n resolves beside
    // the loaded node file (IonfluxChatTrigger.node.ts); a literal here would point into v1/.
    files: ['nodes/*Trigger/v1/*.node.ts'],
    rules: { '@n8n/community-nodes/icon-validation': 'off' },
  },
  {
    files: ['nodes/package.json'],
    extends: [n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport],
    rules: {
      // A self-hosted community package is installed by n8n with `npm install`, which installs its dependencies;
      // the nodes need the openai and Pinecone SDKs at run time (n8n Cloud, which forbids them, is not a target).
      '@n8n/community-nodes/no-runtime-dependencies': 'off',
      // The publisher identity (author with email, homepage) is set when the package is first published to npm;
      // until then the package is installed from this repository (nodes/README.md, "Publishing").
      '@n8n/community-nodes/valid-author': 'off',
      '@n8n/community-nodes/require-homepage': 'off',
    },
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { extraFileExtensions: ['.json'], projectService: false },
    },
  },
);
