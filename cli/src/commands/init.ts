import { validateAgent } from '@ionflux/dsl';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UsageError, type CliIO } from '../io';

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** The starter agent: runnable as is (no connection needed), and a tour of inputs, steps, expressions and output. */
export function starterAgent({ name, schemaPath }: { name: string; schemaPath: string }): string {
  const displayName = name
    .split('-')
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
  return `# yaml-language-server: $schema=${schemaPath}
#
# ${displayName}
# Reads the latest messages of a chat channel, summarizes them and writes the summary into a canvas block.
# Run it: ionflux run ${name}.yaml --sandbox
apiVersion: ionflux/v1
kind: Agent
metadata:
  name: ${name}
  displayName: ${displayName}
  version: 0.1.0
  description: Summarizes the latest messages of a channel into a canvas block.
  tags: [starter]
spec:
  inputs:
    channel: { type: string, default: general, description: Channel to read. }
    messages: { type: integer, default: 30, minimum: 1, maximum: 200, description: How many recent messages. }
  trigger:
    manual: {}
  steps:
    - id: latest
      name: Read channel
      uses: chat.thread
      with:
        channel: "{{ inputs.channel }}"
        limit: "{{ inputs.messages }}"
    - id: summary
      name: Summarize
      uses: llm.summarize
      with:
        messages: "{{ steps.latest.output.messages }}"
        maxSentences: 3
  output:
    value: "{{ steps.summary.output.summary }}"
    canvas:
      block: ${name}
      title: "#{{ inputs.channel }} in {{ steps.latest.output.count }} messages"
`;
}

/** Path from `dir` to the published schema, for the yaml-language-server modeline. */
function schemaPathFrom(dir: string): string {
  const schemaFile = require.resolve('@ionflux/dsl/schema/agent.schema.json');
  const path = relative(dir, schemaFile).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/** `ionflux init <name>`: writes `<name>.yaml`, a valid starter agent. */
export function initCommand(name: string, options: { dir?: string; force?: boolean }, io: CliIO): number {
  if (!NAME_PATTERN.test(name)) {
    throw new UsageError(
      `Agent names use lowercase letters, digits and dashes, starting with a letter (got '${name}'), e.g. my-agent.`,
    );
  }
  const dir = resolve(io.cwd, options.dir ?? '.');
  const file = join(dir, `${name}.yaml`);
  if (existsSync(file) && !options.force)
    throw new UsageError(`${relative(io.cwd, file)} exists; pass --force to overwrite it.`);
  const text = starterAgent({ name, schemaPath: schemaPathFrom(dir) });
  const { diagnostics } = validateAgent(text);
  if (diagnostics.length > 0) throw new Error(`The starter agent is invalid: ${JSON.stringify(diagnostics)}`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  io.stdout(`Wrote ${relative(io.cwd, file) || file}. Next: ionflux validate ${relative(io.cwd, file)}\n`);
  return 0;
}
