/**
 * @ionflux/server: the Express + socket.io server that hosts a team's workspaces, canvases and chat.
 *
 * @example
 *   import { startServer } from '@ionflux/server';
 *   const server = await startServer({ port: 8080, host: '127.0.0.1', dataDir: '.ionflux/data', demo: true });
 *   console.log(server.url);
 *   await server.close();
 */
export { startServer, stopServer, serverVersion, type ServerHandle } from './server';
export {
  loadConfig,
  ConfigError,
  type ServerOptions,
  type ServerConfig,
  type DatabaseConfig,
  type LogLevel,
} from './config';
export { main, parseServeArguments } from './main';
export { AppError, type FieldProblem } from './errors';
export {
  encryptSecret,
  decryptSecret,
  rotateSecret,
  needsRotation,
  parseKeyring,
  formatKeyring,
  generateKeyringEntry,
  SecretDecryptionError,
  type SealedSecret,
  type SecretKeyring,
} from './domain/secrets/index';
export { hashPassword, verifyPassword } from './domain/passwords';
export { extractVariables, renderTemplate } from './domain/prompt-template';
export { DEMO_EMAIL, DEMO_PASSWORD, DEMO_WORKSPACE, DEMO_PAGE } from './domain/demo-seed';
export { openDatabase, type DatabaseHandle } from './data-access/database';
export { migrateToLatest, migrations } from './data-access/migrations/index';
export type { Database } from './data-access/schema';
export type { IntegrationCredentials } from './domain/profiles';
export * from './domain/model';
export type { RouteDefinition, RoutePolicy } from './entry-points/http/route';
export { buildOpenApiDocument } from './entry-points/http/openapi';
export {
  buildAgentPackage,
  signAgentPackage,
  generatePublisherKey,
  publicKeyOf,
  keyIdOf,
  packageDigest,
  verifyDigest,
  type AgentPackage,
} from './domain/marketplace/package';
export { manifestOfYaml, permissionsInWords } from './domain/marketplace/manifest';
export * from './domain/marketplace/model';
