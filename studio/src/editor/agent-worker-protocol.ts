import type { AgentAnalysis } from './analysis';

/** Editor -> worker: analyse this text (`seq`: the Monaco model's version id, growing with every change). */
export interface AnalysisRequest {
  seq: number;
  text: string;
}

/**
 * Worker -> editor, for the request with this `seq`: first its diagnostics (`check`), then, when the agent has no
 * error and no newer text is waiting, its compiled graph (`graph`).
 */
export type AnalysisResponse =
  | ({ seq: number; phase: 'check' } & Pick<AgentAnalysis, 'diagnostics' | 'scope' | 'ms' | 'failure'>)
  | ({ seq: number; phase: 'graph' } & Pick<AgentAnalysis, 'graph' | 'compileError'>);
