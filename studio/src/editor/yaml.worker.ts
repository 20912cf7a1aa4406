// monaco-yaml's language service worker, re-exported from our own file so Vite bundles it as a worker entry.
import 'monaco-yaml/yaml.worker.js';
