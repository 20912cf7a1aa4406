import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The studio talks only to the IONFLUX server (HTTP API and socket.io). The production build in dist/ is served by
 * the server itself on its own port (`npm start`); in development Vite proxies the API to a running server
 * (IONFLUX_SERVER_URL, default http://127.0.0.1:8080).
 */
const server = process.env.IONFLUX_SERVER_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One small initial bundle; heavy screens (charts) are split by dynamic import().
    chunkSizeWarningLimit: 400,
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
