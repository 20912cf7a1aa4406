/// <reference lib="webworker" />
import validate from 'virtual:agent-schema-validator';
import validateJsonSchema from 'virtual:json-schema-meta-validator';
import { installAgentSchemaValidator, installJsonSchemaMetaValidator } from '@ionflux/dsl';
import { completionScope, createAgentAnalyser } from './analysis';
import type { AnalysisRequest, AnalysisResponse, WarmUpRequest } from './agent-worker-protocol';

/**
 * The editor's analysis worker: the DSL's diagnostics, the compiled graph and the completion scope of each version
 * of the YAML, so typing never waits for them. Only the newest request queued is analysed.
 */
installAgentSchemaValidator(validate);
installJsonSchemaMetaValidator(validateJsonSchema);
const analyser = createAgentAnalyser();
const emptyScope = completionScope(undefined);
let pending: AnalysisRequest | undefined;
let scheduled = false;
const post = (response: AnalysisResponse) => (self as unknown as Worker).postMessage(response);

function run(): void {
  scheduled = false;
  const request = pending!;
  pending = undefined;
  lastRequest = request;
  let compiles = false;
  try {
    const checked = analyser.check(request.text);
    compiles = checked.compiles;
    const { compiles: _, ...response } = checked;
    post({ seq: request.seq, phase: 'check', ...response });
  } catch (error) {
    // Never leave the editor waiting: say what failed (a bug in the DSL or the compiler, or in this worker).
    // The editor keeps the value it has, and its completion the empty scope until the next check, which sends both
    // whole.
    analyser.forgetSent();
    post({ seq: request.seq, phase: 'check', diagnostics: [], scope: emptyScope, ms: 0, failure: String(error) });
  }
  if (!compiles) return;
  // The graph after the diagnostics are out, and only when no newer text is waiting (it would be stale at once).
  setTimeout(() => {
    if (pending) return;
    const started = performance.now();
    const graph = analyser.graph(request.layout);
    post({ seq: request.seq, phase: 'graph', ...graph, ms: performance.now() - started });
  }, 0);
}

/**
 * When the page is idle after showing the first graph (a WarmUpRequest), the worker runs a keystroke's path
 * WARM_UP_ROUNDS times (analysis.ts `warmUpSteps`) on the text last analysed: the first keystrokes found the
 * incremental check and the compiler in code not yet optimised (the 1,017-line agent's first graph after a keystroke
 * took 38-67 ms, later ones 10-20 ms). After one round the first keystroke's validation still took 11-75 ms (most of
 * it V8 compiling hot functions to faster tiers as they ran), after five 2-12 ms, as later keystrokes' do
 * (bench/README.md, bench/studio). Not right after the first graph: the worker usually has it before Monaco is
 * created, and the warm-up would compete with that on a machine with few cores. One step per task, and none once a
 * real request is waiting: a keystroke waits for one step at most, and the rest of the warm-up is dropped.
 */
const WARM_UP_ROUNDS = 5;
let warmedUp = false;
let lastRequest: AnalysisRequest | undefined;
function warmUp(steps: (() => void)[]): void {
  setTimeout(() => {
    if (pending || scheduled) return;
    try {
      steps.shift()!();
    } catch {
      // Only a warm-up: the real requests report their own failures.
      return;
    }
    if (steps.length > 0) warmUp(steps);
  }, 0);
}

self.onmessage = (event: MessageEvent<AnalysisRequest | WarmUpRequest>) => {
  if ('warmUp' in event.data) {
    if (!warmedUp && lastRequest) {
      const { text, layout } = lastRequest;
      warmUp(Array.from({ length: WARM_UP_ROUNDS }, () => analyser.warmUpSteps(text, layout)).flat());
    }
    warmedUp = true;
    return;
  }
  pending = event.data;
  if (scheduled) return;
  scheduled = true;
  // Let queued keystrokes arrive first: a burst of typing is analysed once, at its newest text.
  setTimeout(run, 0);
};
