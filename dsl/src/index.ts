/**
 * @ionflux/dsl: the IONFLUX agent language (`apiVersion: ionflux/v1`): parse with source ranges, validate against
 * the published JSON Schema, check references and types, report diagnostics as data.
 */
export * from './agent';
export * from './catalog/actions';
export * from './catalog/connections';
export * from './catalog/functions';
export {
  aggregateNumberOf,
  numberOf,
  readField,
  referenceFunctions,
  sameValue,
  textOf,
  type ReferenceClock,
} from './catalog/function-reference';
export * from './catalog/json-schema';
export * from './catalog/triggers';
export * from './diagnostics';
export * from './expressions/ast';
export { parseExpression, parseTemplate, parseTemplateCached, hasExpression } from './expressions/parse';
export {
  evaluateExpression,
  evaluateTemplate,
  ExpressionEvaluationError,
  type EvaluationScope,
} from './expressions/evaluate';
export * from './expressions/types';
export { cronProblem } from './check/cron';
export { interpolationKey } from './check/context';
export * from './format';
export { parseAgentText, PARSE_LIMITS, type ParsedAgentText } from './parse';
export { agentSchema, buildAgentSchema, AGENT_SCHEMA_ID } from './schema';
export { documentLocator, locatePath, rangeOfPath, rangeFromOffsets, type SourceLocator } from './source-map';
export { closestMatch } from './suggest';
export { validateAgent, type AgentValidation } from './validate';
export { agentSchemaStandaloneCode, installAgentSchemaValidator } from './validate-schema';
export { installJsonSchemaMetaValidator, jsonSchemaMetaStandaloneCode } from './check/json-schema';
export { createAgentValidator, cutAgentText, type AgentValidator, type IncrementalValidation } from './incremental';
