/**
 * @ionflux/engine: runs compiled IONFLUX workflows in-process on n8n-core's WorkflowExecute.
 */
import './environment';

export {
  EngineCredentialsHelper,
  CredentialNotFound,
  type CredentialResolver,
  type CredentialUpdate,
} from './credentials';
export { resolveInputs, RunInputError } from './inputs';
export { EngineNodeTypes, ALLOWED_BASE_NODES, UnsupportedNodeType } from './node-registry';
export {
  runAgent,
  priceOfModel,
  AgentRunError,
  type AgentRunResult,
  type NodeEvent,
  type RunAgentOptions,
  type SourceLocation,
  type StepResult,
  type TokenUsage,
  type TokenPrice,
} from './run-agent';
export { EnginePool, type EnginePoolOptions, type PoolRunOptions } from './pool';
export { triggerItem } from './trigger-payload';
export {
  sandboxCredentials,
  tableCredentialResolver,
  SANDBOX_ACCOUNTS,
  type CredentialTable,
} from './sandbox-credentials';
export { N8nApi, N8nApiError, type N8nExecutionRecord, type N8nWorkflowRecord } from './remote/n8n-api';
export { N8nSession } from './remote/n8n-session';
export {
  credentialReferences,
  deployWorkflow,
  DeployError,
  findAgentWorkflow,
  ionfluxCredentialId,
  triggerUrls,
  undeployAgent,
  type DeployResult,
} from './remote/deploy';
export { agentRunFromExecution, budgetStopOf, taskUsage } from './remote/execution';
export {
  runBudgetCredentialData,
  runTokenCredentialData,
  webhookStartedWorkflow,
  RUN_RESPONSE_NODE,
  type WebhookRunRequest,
} from './remote/webhook-started';
export { n8nInstallDir, n8nInstalled, N8N_VERSION, startN8nServer, type N8nServer } from './testing/n8n-server';
