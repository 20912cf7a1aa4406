import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { agentSchemaStandaloneCode } from '../dsl/src/validate-schema';
import { jsonSchemaMetaStandaloneCode } from '../dsl/src/check/json-schema';

/**
 * The studio talks only to the IONFLUX server (HTTP API and socket.io). The production build in dist/ is served by
 * the server itself on its own port (`npm start`); in development Vite proxies the API to a running server
 * (IONFLUX_SERVER_URL, default http://127.0.0.1:8080).
 */
const server = process.env.IONFLUX_SERVER_URL ?? 'http://127.0.0.1:8080';
const root = path.resolve(__dirname, '..');

/**
 * `virtual:agent-schema-validator` and `virtual:json-schema-meta-validator`: the DSL's schema validators compiled at
 * build time (Ajv standalone code). The agent editor's worker validates as the CLI does, but the studio's
 * Content-Security-Policy forbids the `new Function` Ajv compiles with at run time.
 */
function agentSchemaValidator(): Plugin {
  const modules: Record<string, () => string> = {
    'virtual:agent-schema-validator': agentSchemaStandaloneCode,
    'virtual:json-schema-meta-validator': jsonSchemaMetaStandaloneCode,
  };
  return {
    name: 'ionflux-agent-schema-validator',
    resolveId: (source) => (source in modules ? `\0${source}` : undefined),
    load: (resolved) => (resolved.startsWith('\0virtual:') ? modules[resolved.slice(1)]?.() : undefined),
  };
}

export default defineConfig({
  plugins: [react(), agentSchemaValidator()],
  resolve: {
    alias: [
      // The editor runs the DSL and the compiler in the browser, from their TypeScript sources (as the tests do).
      { find: /^@ionflux\/(dsl|compiler)$/, replacement: path.join(root, '$1', 'src', 'index.ts') },
      // monaco-worker-manager (monaco-yaml's worker) deep-imports a path monaco-editor >= 0.56 no longer exports.
      { find: 'monaco-editor/esm/vs/editor/editor.worker.js', replacement: 'monaco-editor/editor/editor.worker.js' },
    ],
  },
  optimizeDeps: {
    // Only reached through `?worker` imports, which the dev pre-bundle scan does not follow.
    include: ['monaco-yaml/yaml.worker.js'],
  },
  worker: { format: 'es', plugins: () => [agentSchemaValidator()] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One small initial bundle; heavy screens (charts, the agent editor's Monaco and React Flow) are split by
    // dynamic import().
    chunkSizeWarningLimit: 4000,
    manifest: true,
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': server,
      '/sandbox': server,
      '/socket.io': { target: server, ws: true },
    },
  },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
