import type { AgentAnalysis, AgentCheck } from './analysis';

/** Editor -> worker: analyse this text (`seq`: the Monaco model's version id, growing with every change). */
export interface AnalysisRequest {
  seq: number;
  text: string;
  /** The configuration's node positions (n8n node name -> [x, y]): they win over the automatic layout. */
  layout: Record<string, [number, number]>;
}

/**
 * Editor -> worker, once, when the page is idle after showing the first graph: run a keystroke's path once
 * (analysis.ts `warmUpSteps`) on the text last analysed, so the first real keystrokes find that code optimised.
 */
export interface WarmUpRequest {
  warmUp: true;
}

/**
 * Worker -> editor, for the request with this `seq`: first its diagnostics (`check`), then, when the agent has no
 * error and no newer text is waiting, its compiled graph (`graph`; `same` instead of a graph when it equals the last
 * one sent; `ms`: the worker's time on it). The editor never parses the YAML itself: a check carries how the agent's
 * plain value changed since the check before it (`valueChange`: a few replaced parts, or the whole value) and the
 * completion scope when it changed, so the editor applies every check answer's `valueChange` and `scope` in the order
 * they arrive, also those of answers it does not show (a newer version is waiting).
 */
export type AnalysisResponse =
  | ({ seq: number; phase: 'check' } & Omit<AgentCheck, 'compiles'> & Pick<AgentAnalysis, 'failure'>)
  | ({ seq: number; phase: 'graph'; same?: boolean; ms: number } & Pick<AgentAnalysis, 'graph' | 'compileError'>);
