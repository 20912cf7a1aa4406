import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { actionCatalog, parseAgentText } from '@ionflux/dsl';
import { manifestOfYaml, permissionsInWords } from './manifest';

const EXAMPLES = path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents');
const read = (name: string) => fs.readFileSync(path.join(EXAMPLES, `${name}.yaml`), 'utf8');

type Obj = Record<string, unknown>;

/** Every action step of a parsed agent with its `uses` (an independent walk of the plain YAML data). */
function actionSteps(steps: unknown, into: { id: string; uses: string; with?: Obj }[] = []) {
  for (const step of (steps as Obj[] | undefined) ?? []) {
    if (typeof step.uses === 'string') into.push({ id: step.id as string, uses: step.uses, with: step.with as Obj });
    for (const key of ['then', 'else', 'steps', 'default']) actionSteps(step[key], into);
    for (const branch of Object.values((step.cases as Obj | undefined) ?? {})) actionSteps(branch, into);
  }
  return into;
}

describe('manifest derived from the YAML', () => {
  it('lists, for every example, each action step with the effect the action catalog gives it', () => {
    for (const file of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'))) {
      const yaml = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
      const doc = parseAgentText(yaml).value as { spec: Obj };
      const expected = [
        ...actionSteps(doc.spec.steps),
        ...Object.values((doc.spec.handlers as Obj | undefined) ?? {}).flatMap((h) => actionSteps(h)),
      ];
      const { manifest } = manifestOfYaml(yaml);
      expect({ file, steps: manifest.steps.map((s) => s.id).sort() }).toEqual({
        file,
        steps: expected.map((s) => s.id).sort(),
      });
      for (const step of expected) {
        const effect = actionCatalog[step.uses as keyof typeof actionCatalog].effect;
        expect(manifest.writeSteps.includes(step.id)).toBe(effect === 'write');
        expect(manifest.readSteps.includes(step.id)).toBe(effect === 'read');
      }
      const declared = Object.keys((doc.spec.connections as Obj | undefined) ?? {});
      expect(manifest.connections.map((c) => c.name)).toEqual(declared);
      expect(manifest.inputs.map((i) => i.name)).toEqual(Object.keys((doc.spec.inputs as Obj | undefined) ?? {}));
    }
  });

  it('names the scopes, the hosts http.request may call and the outputs', () => {
    const sentinel = manifestOfYaml(read('shopify-sales-sentinel')).manifest;
    expect(sentinel.connections).toEqual([
      expect.objectContaining({ name: 'store', type: 'shopify', scopes: ['read_orders'] }),
    ]);
    expect(sentinel.trigger).toBe('shopify.order');
    const pulse = manifestOfYaml(read('whatsapp-pulse')).manifest;
    expect(pulse.httpHosts).toEqual(['graph.facebook.com']);
    expect(pulse.steps.find((s) => s.id === 'send')).toMatchObject({ effect: 'write', target: 'http' });
  });

  it('adds the scopes a step needs to those declared, and marks a run-time host as *', () => {
    const yaml = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: probe, version: 1.0.0 }
spec:
  inputs:
    url: { type: string, default: "https://example.com" }
  connections:
    store: { type: shopify, scopes: [read_orders] }
  trigger: { manual: {} }
  steps:
    - id: low
      uses: shopify.products.lowStock
      with: { threshold: 3 }
    - id: call
      uses: http.request
      with: { url: "{{ inputs.url }}" }
    - id: fixed
      uses: http.request
      with: { url: "https://API.Example.org:8443/v1?x=1" }
`;
    const { manifest } = manifestOfYaml(yaml);
    expect(manifest.connections[0]!.scopes).toEqual(['read_inventory', 'read_orders', 'read_products']);
    expect(manifest.httpHosts).toEqual(['*', 'api.example.org']);
    expect(permissionsInWords(manifest)).toEqual(
      expect.arrayContaining([
        "reads inventory levels of the store you bind ('store', read_inventory)",
        "calls any web address (decided at run time) over HTTP (step 'call')",
        "calls api.example.org over HTTP (step 'fixed')",
      ]),
    );
  });

  it('says what each example may do in plain words', () => {
    expect(permissionsInWords(manifestOfYaml(read('revenue-tracker-lite')).manifest)).toEqual([
      "reads orders of the store you bind ('store', read_orders)",
      'writes its output to a canvas block',
    ]);
    expect(permissionsInWords(manifestOfYaml(read('shopify-sales-sentinel')).manifest)).toEqual([
      "reads orders of the store you bind ('store', read_orders)",
      "sends notifications to the workspace's members (step 'alert')",
      "posts to a chat channel (step 'post')",
    ]);
  });
});
