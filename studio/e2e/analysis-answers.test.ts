import { describe, expect, it } from '@jest/globals';
import { validateAgent } from '@ionflux/dsl';
import { compileAgent } from '@ionflux/compiler';
import { createAgentAnalyser, type CompletionScope } from '../src/editor/analysis';
import { graphOfWorkflow, type GraphModel } from '../src/editor/graph-model';
import { applyValueChange } from '../src/editor/value-change';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bigAgentText } = require('../../bench/dsl/big-agent.js') as { bigAgentText: () => string };

/** What the editor holds after taking an analyser's answers in order (agent-worker-protocol.ts). */
interface Held {
  diagnostics: unknown;
  value: unknown;
  scope: CompletionScope | undefined;
  graph: GraphModel | undefined;
}

/** One keystroke's path as agent.worker.ts runs it: the check, then the graph when the agent compiles. */
function take(analyser: ReturnType<typeof createAgentAnalyser>, held: Held, text: string): Held {
  const checked = analyser.check(text);
  const next: Held = {
    diagnostics: checked.diagnostics,
    value: checked.valueChange ? applyValueChange(held.value, checked.valueChange) : held.value,
    scope: checked.scope ?? held.scope,
    graph: held.graph,
  };
  if (checked.compiles) {
    const answer = analyser.graph({});
    expect(answer.compileError).toBeUndefined();
    if (answer.graph) next.graph = answer.graph;
    else expect(answer.same).toBe(true);
  }
  return next;
}

const empty = (): Held => ({ diagnostics: undefined, value: undefined, scope: undefined, graph: undefined });

/**
 * Replaces the one occurrence of `from` (failing the test if there is not exactly one), or with `after`, the first
 * one after the first occurrence of `after`.
 */
function replaceOnce(text: string, from: string, to: string, after?: string): string {
  const start = after === undefined ? 0 : text.indexOf(after);
  expect(start).toBeGreaterThanOrEqual(0);
  const at = text.indexOf(from, start);
  expect(at).toBeGreaterThanOrEqual(0);
  if (after === undefined) expect(text.indexOf(from, at + 1)).toBe(-1);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

// Edits of the 1,017-line agent of bench/dsl, applied in turn, around its middle copy of the Email Wizard's steps
// (revenue_16, products_16, loyal_16, email_16): each changes what a keystroke-level cache could wrongly keep.
const K = 16;
const edits: [string, (text: string) => string][] = [
  [
    'type into a string',
    (t) => replaceOnce(t, `instructions: "Write a`, `instructions: "Hi. Write a`, `- id: email_${K}\n`),
  ],
  ['type one more character', (t) => replaceOnce(t, `instructions: "Hi. Write a`, `instructions: "Hi.. Write a`)],
  [
    'a comment line above a step (later ranges move)',
    (t) => replaceOnce(t, `    - id: loyal_${K}\n`, `    # loyal\n    - id: loyal_${K}\n`),
  ],
  ['an unreferenced step id', (t) => replaceOnce(t, `- id: email_${K}\n`, `- id: mail_${K}\n`)],
  [
    'a step name (the node names)',
    (t) => replaceOnce(t, `- id: mail_${K}\n      name: Draft email\n`, `- id: mail_${K}\n      name: Draft mail\n`),
  ],
  ['a referenced step id (unknown references)', (t) => replaceOnce(t, `- id: revenue_${K}\n`, `- id: sales_${K}\n`)],
  ['the references follow', (t) => t.replaceAll(`steps.revenue_${K}.`, `steps.sales_${K}.`)],
  [
    'an expression now references another step',
    (t) => replaceOnce(t, `{{ steps.loyal_${K}.output.total }}`, `{{ steps.products_${K}.output.products }}`),
  ],
  [
    'uses another action',
    (t) =>
      replaceOnce(
        t,
        `- id: loyal_${K}\n      name: Loyal customers\n      uses: shopify.customers.list\n      with: { query: "orders_count:>2", limit: 20 }`,
        `- id: loyal_${K}\n      name: Loyal customers\n      uses: shopify.products.list\n      with: { status: active, limit: 20 }`,
      ),
  ],
  [
    'the connection renamed, and named by a step',
    (t) =>
      replaceOnce(
        replaceOnce(t, `    store: { type: shopify,`, `    shop: { type: shopify,`),
        `- id: products_${K}\n      uses: shopify.products.list\n`,
        `- id: products_${K}\n      uses: shopify.products.list\n      connection: shop\n`,
      ),
  ],
  [
    'a new input, referenced in a string',
    (t) =>
      replaceOnce(
        replaceOnce(t, `  inputs:\n`, `  inputs:\n    region: { type: string, default: eu }\n`),
        `instructions: "Hi.. Write a`,
        `instructions: "Hi {{ inputs.region }}. Write a`,
      ),
  ],
  [
    'invalid YAML (an unclosed quote)',
    (t) =>
      replaceOnce(
        t,
        `instructions: "Hi {{ inputs.region }}. Write a`,
        `instructions: Hi {{ inputs.region }}". Write a`,
      ),
  ],
  [
    'valid again',
    (t) =>
      replaceOnce(
        t,
        `instructions: Hi {{ inputs.region }}". Write a`,
        `instructions: "Hi {{ inputs.region }}. Write a`,
      ),
  ],
  [
    'an if with a forEach inside, after a step',
    (t) =>
      replaceOnce(
        t,
        `    # loyal\n`,
        [
          `    - id: busy_${K}`,
          `      if: "{{ steps.sales_${K}.output.orders > 10 }}"`,
          `      then:`,
          `        - id: each_${K}`,
          `          forEach: "{{ steps.products_${K}.output.products }}"`,
          `          as: product`,
          `          steps:`,
          `            - id: tell_${K}`,
          `              uses: notify`,
          `              with: { title: "{{ product.title }}", level: info }`,
          `    # loyal`,
          ``,
        ].join('\n'),
      ),
  ],
  [
    'a later step reads the loop',
    (t) =>
      replaceOnce(t, `{{ steps.products_${K}.output.products }}`, `{{ steps.each_${K}.output }}`, `- id: mail_${K}`),
  ],
  [
    'a switch, and an error handler a step goes to',
    (t) =>
      replaceOnce(
        replaceOnce(
          t,
          `  output:\n`,
          `  handlers:\n    storeDown:\n      - id: ops\n        uses: notify\n        with: { title: "{{ error.message }}", level: critical }\n  output:\n`,
        ),
        `- id: products_${K}\n      uses: shopify.products.list\n      connection: shop\n`,
        `- id: products_${K}\n      uses: shopify.products.list\n      connection: shop\n      onError: { goto: storeDown }\n`,
      ).replace(
        `    # loyal\n`,
        `    - id: pick_${K}\n      switch: "{{ inputs.tone }}"\n      cases:\n        urgent:\n          - id: warn_${K}\n            uses: notify\n            with: { title: now, level: warning }\n      default: []\n    # loyal\n`,
      ),
  ],
  [
    'the loop deleted (its reference dangles)',
    (t) => {
      const from = t.indexOf(`    - id: busy_${K}`);
      return t.slice(0, from) + t.slice(t.indexOf(`    - id: pick_${K}`));
    },
  ],
  [
    'the reference back to a step',
    (t) => replaceOnce(t, `{{ steps.each_${K}.output }}`, `{{ steps.loyal_${K}.output.count }}`),
  ],
];

describe("createAgentAnalyser: the worker's answers, keystroke after keystroke", () => {
  it("equal a fresh analyser's and a full validation and compile of the same text, after every edit", () => {
    const analyser = createAgentAnalyser();
    let text = bigAgentText();
    let held = take(analyser, empty(), text);
    let compiled = 0;
    let failed = 0;
    edits.forEach(([label, edit], index) => {
      text = edit(text);
      // Halfway, the warm-up the editor runs at idle (a keystroke's path on the text, then the text again).
      if (index === Math.floor(edits.length / 2)) for (const step of analyser.warmUpSteps(text)) step();
      held = take(analyser, held, text);
      const fresh = take(createAgentAnalyser(), empty(), text);
      const reference = validateAgent(text);
      expect({ label, diagnostics: held.diagnostics }).toEqual({ label, diagnostics: reference.diagnostics });
      expect({ label, value: held.value }).toEqual({ label, value: fresh.value });
      expect({ label, scope: held.scope }).toEqual({ label, scope: fresh.scope });
      if (reference.agent) {
        compiled++;
        expect(held.value).toEqual(reference.value);
        // The reference graph: the whole text compiled from scratch (with the workflow's hash).
        const full = compileAgent(text);
        expect({ label, graph: held.graph }).toEqual({
          label,
          graph: graphOfWorkflow(full.workflow!, full.sourceMap!),
        });
        expect(held.graph).toEqual(fresh.graph);
      } else {
        failed++;
        expect(fresh.graph).toBeUndefined();
      }
    });
    // The sequence goes through both: agents that compile and agents with errors.
    expect(compiled).toBeGreaterThan(10);
    expect(failed).toBeGreaterThanOrEqual(3);
  });
});
