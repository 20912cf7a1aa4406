import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { loadCapabilities } from '../capabilities';

export interface AgentName {
  id: string;
  name: string;
  /** Chat actions the agent declares (its chat.command trigger), when the server says. */
  actions: string[];
}

interface AgentConfigurationLite {
  id: string;
  name: string;
  commands?: string[];
  trigger?: string;
}

/** Names of the agents installed in the workspace, for /run_agent autocomplete (empty when the server has none). */
export function useAgentNames(workspaceId: string): AgentName[] {
  const [names, setNames] = useState<AgentName[]>([]);
  useEffect(() => {
    let live = true;
    void loadCapabilities().then(async (caps) => {
      if (!caps.agents) return;
      try {
        const body = await api.get<{ agents: AgentConfigurationLite[] }>(`/api/workspaces/${workspaceId}/agents`);
        if (live)
          setNames(
            body.agents.map((a) => ({
              id: a.id,
              name: a.name,
              actions: a.commands ?? [],
            })),
          );
      } catch {
        // The list is a convenience; typing the name works without it.
      }
    });
    return () => {
      live = false;
    };
  }, [workspaceId]);
  return names;
}
