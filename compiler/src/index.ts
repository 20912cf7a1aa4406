/**
 * @ionflux/compiler: agent YAML <-> n8n workflow JSON. Stages: validate (@ionflux/dsl) -> normalize (IR) ->
 * lower (n8n nodes and connections) -> emit (JSON); and back: decompile (workflow -> agent YAML).
 */
export * from './compile';
export { createCompileCache, type CompileCache } from './compile-cache';
export * from './expressions';
export { canonicalJson, sha256Hex, stableUuid } from './hash';
export * from './ir';
export { lowerAgent, COLUMN, ROW, type ForEachLowering, type LayoutPositions } from './lower';
export { forEachForm, type ForEachForm } from './loop-form';
export * from './nodes';
export { normalizeAgent, toValueIR } from './normalize';
export { humanizeId, idFromName, titleFromName } from './naming';
export * from './workflow';
export * from './public-api';
export { agentToYaml, decompileWorkflow, type DecompileDiagnostic, type DecompileResult } from './decompile';
export { liftExpression, liftParameter, UnsupportedExpression } from './lift';
export {
  applyGraphEdits,
  mergeAgentText,
  GraphEditError,
  renameReferences,
  stepPaths,
  type GraphEdit,
  type StepContainer,
  type StepWrapper,
} from './edit';
export { outputLabel, renderGraph } from './graph';
