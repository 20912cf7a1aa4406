import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { AgentConfiguration } from '../api/types';
import { useCapabilities } from '../capabilities';
import { AGENT_DRAG_TYPE } from './agent-drop';

/**
 * The Agent Shelf beside the canvas toolbar: installed agents as chips to drag onto the page, and the keyboard way
 * (choose one, then "Add agent"), which creates the same agent-snippet block.
 */
export function AgentPicker({ workspaceId, onPick }: { workspaceId: string; onPick: (a: AgentConfiguration) => void }) {
  const caps = useCapabilities();
  const [agents, setAgents] = useState<AgentConfiguration[]>([]);
  const [chosen, setChosen] = useState('');
  useEffect(() => {
    if (!caps?.agents) return;
    let live = true;
    api
      .get<{ agents: AgentConfiguration[] }>(`/api/workspaces/${workspaceId}/agents`)
      .then((b) => live && setAgents(b.agents))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [caps?.agents, workspaceId]);
  if (!caps?.agents) return null;
  if (agents.length === 0)
    return <span className="hint">Install agents on the Agent Shelf to add their output here.</span>;
  const agent = agents.find((a) => a.id === chosen);
  return (
    <div className="agent-picker" role="group" aria-label="Agent Shelf">
      <span className="hint">Agents:</span>
      <ul className="agent-chips">
        {agents.map((a) => (
          <li
            key={a.id}
            className="agent-chip"
            draggable
            onDragStart={(e) => {
              e.dataTransfer.setData(AGENT_DRAG_TYPE, JSON.stringify({ agentId: a.id, name: a.name }));
              e.dataTransfer.effectAllowed = 'copy';
            }}
          >
            {a.name}
          </li>
        ))}
      </ul>
      <label className="visually-hidden" htmlFor="agent-picker-select">
        Agent to add
      </label>
      <select id="agent-picker-select" value={chosen} onChange={(e) => setChosen(e.target.value)}>
        <option value="">Choose an agent…</option>
        {agents.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
      <button type="button" disabled={!agent} onClick={() => agent && onPick(agent)}>
        Add agent
      </button>
    </div>
  );
}
