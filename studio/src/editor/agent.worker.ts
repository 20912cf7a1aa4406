/// <reference lib="webworker" />
import validate from 'virtual:agent-schema-validator';
import { installAgentSchemaValidator } from '@ionflux/dsl';
import { createAgentAnalyser } from './analysis';
import type { AnalysisRequest, AnalysisResponse } from './agent-worker-protocol';

/**
 * The editor's analysis worker: the DSL's diagnostics, the compiled graph and the completion scope of each version
 * of the YAML, so typing never waits for them. Only the newest request queued is analysed.
 */
installAgentSchemaValidator(validate);
const analyse = createAgentAnalyser();
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
    const response: AnalysisResponse = { seq: request.seq, ...analyse(request.text) };
    (self as unknown as Worker).postMessage(response);
  }, 0);
};
