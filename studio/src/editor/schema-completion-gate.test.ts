import { describe, expect, it } from '@jest/globals';
import { agentSchema } from '@ionflux/dsl';
import { nothingToComplete, schemaCompletionGateOf } from './schema-completion-gate';

const gate = schemaCompletionGateOf(agentSchema);

/** Lines above the last one of `text`, nearest first, as the editor hands them over. */
function at(text: string): [string, (n: number) => string | undefined] {
  const lines = text.split('\n');
  const last = lines.length - 1;
  return [lines[last]!, (n) => (last - n >= 0 ? lines[last - n] : undefined)];
}

describe('schemaCompletionGateOf (the agent schema)', () => {
  it('free-text keys are those every declaration of which, found by reading the schema text, offers no value', () => {
    // Independent of the walk under test: every `"key":{...}` declaration in the schema's JSON text, by brace matching.
    const text = JSON.stringify(agentSchema);
    const declarationsOf = (key: string): string[] => {
      const found: string[] = [];
      const needle = `${JSON.stringify(key)}:{`;
      for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
        let depth = 0;
        let j = i + needle.length - 1;
        for (; j < text.length; j++) {
          if (text[j] === '{') depth++;
          else if (text[j] === '}' && --depth === 0) break;
        }
        found.push(text.slice(i + needle.length - 1, j + 1));
      }
      return found;
    };
    expect(gate.freeValueKeys.size).toBeGreaterThan(20);
    for (const key of gate.freeValueKeys) {
      const declarations = declarationsOf(key);
      expect([key, declarations.length > 0]).toEqual([key, true]);
      for (const declaration of declarations)
        expect([
          key,
          /"(enum|const|default|examples|anyOf|oneOf|allOf|\$ref|items|properties)"|"boolean"/.test(declaration),
        ]).toEqual([key, false]);
    }
    for (const key of ['instructions', 'prompt', 'system', 'niche']) expect(gate.freeValueKeys.has(key)).toBe(true);
    // Values the schema does offer: action names, enums, examples, defaults, booleans, alternatives, objects.
    for (const key of ['uses', 'type', 'mode', 'cron', 'timezone', 'required', 'createPage', 'query', 'with', 'name'])
      expect([key, gate.freeValueKeys.has(key)]).toEqual([key, false]);
  });

  it('maps whose keys the author names: inputs, connections, handlers, switch cases', () => {
    for (const key of ['inputs', 'connections', 'handlers', 'cases']) expect(gate.authorNamedMaps.has(key)).toBe(true);
    expect(gate.authorNamedMaps.has('steps')).toBe(false);
    expect(gate.authorNamedMaps.has('with')).toBe(false);
  });
});

describe('nothingToComplete', () => {
  const step = 'spec:\n  steps:\n    - id: brief\n      uses: llm.generate\n      with:\n';
  it.each([
    ['the first word of a free-text value, quoted', `${step}        instructions: "Kee`, true],
    ['unquoted', `${step}        instructions: Kee`, true],
    ['an empty value', `${step}        prompt: `, true],
    ['past comments and blank lines', `${step}        # the tone\n\n        system: "You`, true],
    ['a free-text key of a list item', 'spec:\n  steps:\n    - prompt: "Wr', true],
    ['below a list item', 'spec:\n  steps:\n    - id: a\n      # note\n      instructions: W', true],
    ['at the top level', 'niche: fash', true],
    ['an action name', `${step}      uses: shopify.rev`, false],
    ['an enum value', `${step}        mode: app`, false],
    ['a key, not a value', `${step}        instru`, false],
    ['a key the author named, under inputs', 'spec:\n  inputs:\n    niche: "fash', false],
    ['a key the author named, under connections', 'spec:\n  connections:\n    prompt: sho', false],
    ['a key the schema does not declare', `${step}        colour: "re`, false],
    ['a flow mapping', `${step}        with: { prompt: "Wr`, false],
    ['a key declared with alternatives somewhere', 'metadata:\n  description: "Wr', false],
  ])('%s', (_, text, expected) => {
    const [line, above] = at(text);
    expect(nothingToComplete(gate, line, above)).toBe(expected);
  });
});
