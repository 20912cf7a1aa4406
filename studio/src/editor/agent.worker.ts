/// <reference lib="webworker" />
import validate from 'virtual:agent-schema-validator';
import validateJsonSchema from 'virtual:json-schema-meta-validator';
import { installAgentSchemaValidator, installJsonSchemaMetaValidator } from '@ionflux/dsl';
import { completionScope, createAgentAnalyser } from './analysis';
import type { AnalysisRequest, AnalysisResponse } from './agent-worker-protocol';

/**
 * The editor's analysis worker: the DSL's diagnostics, the compiled graph and the completion scope of each version
 * of the YAML, so typing never waits for them. Only the newest request queued is analysed.
 */
installAgentSchemaValidator(validate);
installJsonSchemaMetaValidator(validateJsonSchema);
const analyse = createAgentAnalyser();
const emptyScope = completionScope(undefined);
let pending: AnalysisRequest | undefined;
let scheduled = false;

self.onmessage = (event: MessageEvent<AnalysisRequest>) => {
  pending = event.data;
  if (scheduled) return;
  scheduled = true;
  // Let queued keystrokes arrive first: a burst of typing is analysed once, at its newest text.
  setTimeout(() => {
    scheduled = false;
    const request = pending!;
    pending = undefined;
    let response: AnalysisResponse;
    try {
      response = { seq: request.seq, ...analyse(request.text) };
    } catch (error) {
      // Never leave the editor waiting: say what failed (a bug in the DSL or the compiler, or in this worker).
      response = { seq: request.seq, diagnostics: [], scope: emptyScope, ms: 0, failure: String(error) };
    }
    (self as unknown as Worker).postMessage(response);
  }, 0);
};
