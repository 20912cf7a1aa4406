/** The YAML a new agent starts from: valid, with a comment showing where steps go. */
export const NEW_AGENT_YAML = `apiVersion: ionflux/v1
kind: Agent
metadata:
  name: my-agent
  displayName: My Agent
  version: 1.0.0
  description: What this agent does.
spec:
  inputs:
    topic:
      type: string
      default: holiday gifts
      description: What to write about.
  trigger:
    manual: {}
  steps:
    # Add steps from the palette, or type them here.
    - id: draft
      uses: llm.generate
      with:
        prompt: "Write one sentence about {{ inputs.topic }}."
  output:
    value: "{{ steps.draft.output.text }}"
`;
