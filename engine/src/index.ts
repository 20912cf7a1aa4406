/**
 * @ionflux/engine: runs compiled IONFLUX workflows in-process on n8n-core's WorkflowExecute.
 */
import './environment';

export { EngineCredentialsHelper, CredentialNotFound, type CredentialResolver } from './credentials';
export { resolveInputs, RunInputError } from './inputs';
export { EngineNodeTypes, ALLOWED_BASE_NODES, UnsupportedNodeType } from './node-registry';
export {
  runAgent,
  AgentRunError,
  type AgentRunResult,
  type NodeEvent,
  type RunAgentOptions,
  type SourceLocation,
  type StepResult,
  type TokenUsage,
} from './run-agent';
export { EnginePool, type EnginePoolOptions, type PoolRunOptions } from './pool';
export { triggerItem } from './trigger-payload';
export {
  sandboxCredentials,
  tableCredentialResolver,
  SANDBOX_ACCOUNTS,
  type CredentialTable,
} from './sandbox-credentials';
