/** The drag-and-drop payload type of an agent dragged from the Agent Shelf onto a canvas page. */
export const AGENT_DRAG_TYPE = 'application/x-ionflux-agent';

export interface AgentDrop {
  /** What the shelf knows about the agent (its id in the agents API and its display name). */
  agentId: string;
  name: string;
  position: { x: number; y: number };
}
