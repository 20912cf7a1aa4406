import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compileAgent } from './compile';
import { agentToYaml, decompileWorkflow } from './decompile';
import { mergeAgentText } from './edit';

const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));
const read = (file: string) => readFileSync(join(examplesDir, file), 'utf8');
const render = (agent: Record<string, unknown>) => agentToYaml(agent);
const changedLines = (before: string, after: string) => {
  const old = new Set(before.split('\n'));
  return after.split('\n').filter((line) => !old.has(line));
};

describe('mergeAgentText (pull: an agent from n8n applied onto the local YAML)', () => {
  it.each(examples)('%s: its own round trip through n8n JSON changes nothing in the text', (file) => {
    const text = read(file);
    const { agent } = decompileWorkflow(compileAgent(text).workflow!);
    const merged = mergeAgentText(text, agent!, render);
    expect(merged.preserved).toBe(true);
    expect(compileAgent(merged.text).json).toBe(compileAgent(text).json);
    // Comments and every line are kept.
    expect(merged.text).toBe(text);
  });

  it('rewrites only the line of a changed parameter, and adds and removes steps in place', () => {
    const text = read('inventory-guardian.yaml');
    const agent = parseYaml(text) as { spec: { steps: Record<string, unknown>[] } };
    const first = agent.spec.steps[0]!;
    (first.with as Record<string, unknown>).threshold = 7;
    agent.spec.steps.push({ id: 'ping', uses: 'notify', with: { title: 'Checked', level: 'info' } });
    const merged = mergeAgentText(text, agent as never, render);
    expect(merged.preserved).toBe(true);
    expect(parseYaml(merged.text)).toEqual(agent);
    const added = changedLines(text, merged.text);
    expect(added.some((line) => /threshold: 7/.test(line))).toBe(true);
    expect(added.some((line) => /id: ping/.test(line))).toBe(true);
    for (const line of text.split('\n').filter((l) => l.trimStart().startsWith('#')))
      expect(merged.text).toContain(line);

    agent.spec.steps.pop();
    const removed = mergeAgentText(merged.text, agent as never, render);
    expect(removed.preserved).toBe(true);
    expect(parseYaml(removed.text)).toEqual(agent);
    expect(removed.text).not.toContain('id: ping');
  });

  it('changes sections outside the steps key by key (an input default, the trigger)', () => {
    const text = read('revenue-tracker-lite.yaml');
    const agent = parseYaml(text) as { spec: Record<string, any> };
    agent.spec.inputs.period.default = 'last_30_days';
    const merged = mergeAgentText(text, agent as never, render);
    expect(merged.preserved).toBe(true);
    expect(changedLines(text, merged.text)).toEqual(['      default: last_30_days']);
  });
});
