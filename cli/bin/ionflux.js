#!/usr/bin/env node
'use strict';
// The `ionflux` command. Runs the compiled CLI (built by `npm install` / `npm run build`).
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `ionflux needs Node.js 22 or newer (this is ${process.version}). Run it through npm (npx ionflux, npm start) ` +
      "so the project's Node 24 is used, or call node_modules/.bin/node directly.",
  );
  process.exit(2);
}
// V8's code cache of the modules a command loads (n8n, the server), kept on disk between runs: start-up is then
// mostly spent running code, not compiling it again.
require('node:module').enableCompileCache?.();
require('../dist/main.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
