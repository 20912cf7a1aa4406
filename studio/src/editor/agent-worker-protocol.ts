import type { AgentAnalysis } from './analysis';

/** Editor -> worker: analyse this text (`seq`: the Monaco model's version id, growing with every change). */
export interface AnalysisRequest {
  seq: number;
  text: string;
}

/** Worker -> editor: the analysis of the request with this `seq`. */
export type AnalysisResponse = AgentAnalysis & { seq: number };
