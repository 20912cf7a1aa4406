import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import Ajv2020 from 'ajv/dist/2020';
import type { IDataObject } from 'n8n-workflow';
import { SANDBOX_ORIGINS_ENV } from '../shared/http/ssrf';
import { BUDGET_STOP_CONTEXT_KEY, BUDGET_STOP_HINT_KEY } from '../shared/operation';
import { runNode, runNodeForOutput } from '../test-support/n8n-harness';
import { sendJson, startLocalServer } from '../test-support/local-server';
import type { LocalServer } from '../test-support/local-server';
import { startTestSandbox } from '../test-support/sandbox';
import type { TestSandbox } from '../test-support/sandbox';

let sandbox: TestSandbox;
/**
 * A tiny OpenAI-compatible fake for what the sandbox model never does (it always answers within the schema): a
 * reply that breaks the schema or picks an unknown label. The next reply's content is set per test.
 */
let fake: LocalServer;
let fakeContent = '{}';
/** Completions the fake answered (it reports 18 tokens for each). */
let fakeCalls = 0;
beforeAll(async () => {
  sandbox = await startTestSandbox();
  fake = await startLocalServer((request, response) => {
    if (request.url === '/v1/slow/chat/completions') return; // never answers
    fakeCalls += 1;
    sendJson(response, 200, {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_767_225_600,
      model: 'fake-model-1',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: fakeContent, refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
    });
  });
});
afterAll(async () => {
  await Promise.all([sandbox.close(), fake.close()]);
});
beforeEach(async () => {
  await sandbox.clearFaults();
});

const llm = (parameters: IDataObject, credentials: IDataObject = sandbox.credentials.llm) =>
  runNode({
    type: 'ionfluxLlm',
    parameters: { resource: 'text', options: {}, ...parameters },
    credentials: { ionfluxLlmApi: credentials as never },
  });
const output = async (parameters: IDataObject, credentials: IDataObject = sandbox.credentials.llm) =>
  runNodeForOutput({
    type: 'ionfluxLlm',
    parameters: { resource: 'text', options: {}, ...parameters },
    credentials: { ionfluxLlmApi: credentials as never },
  });
const fakeCredentials = () => ({ baseUrl: `${fake.url}/v1`, apiKey: 'sk-fake', model: 'fake-model-1' });

async function directCompletion(body: object): Promise<any> {
  const response = await fetch(`${sandbox.url}/sandbox/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-test' },
    body: JSON.stringify(body),
  });
  return response.json();
}

const MEETING =
  'The team met on Monday. We decided to launch the winter hoodie collection on December 1. Ana will prepare the TikTok campaign. The budget is $5,000. The main risk is inventory for size M.';

describe('IONFLUX LLM against the sandbox model', () => {
  it('generate: the completion text, the model and the token usage the provider reports', async () => {
    const result = await output({
      operation: 'generate',
      prompt: 'Write a short outreach email to @anna.styled about our winter hoodies',
      system: 'You write for the IONFLUX Demo Store.',
      maxTokens: 200,
      temperature: 0.2,
    });
    const direct = await directCompletion({
      model: 'ionflux-sandbox-1',
      messages: [
        { role: 'system', content: 'You write for the IONFLUX Demo Store.' },
        { role: 'user', content: 'Write a short outreach email to @anna.styled about our winter hoodies' },
      ],
      max_tokens: 200,
      temperature: 0.2,
    });
    expect(result).toEqual({
      text: direct.choices[0].message.content,
      model: 'ionflux-sandbox-1',
      usage: {
        promptTokens: direct.usage.prompt_tokens,
        completionTokens: direct.usage.completion_tokens,
        totalTokens: direct.usage.total_tokens,
      },
    });
    expect(result.text).toMatch(/^Subject: /);
  });

  it('summarize text: JSON summary and key points taken from the text', async () => {
    const result = await output({ operation: 'summarize', text: MEETING, maxSentences: 2 });
    expect(result.model).toBe('ionflux-sandbox-1');
    expect(typeof result.summary).toBe('string');
    expect((result.summary as string).length).toBeGreaterThan(0);
    // The sandbox model is extractive: the summary and every key point are sentences of the text.
    expect(MEETING).toContain((result.summary as string).split('. ')[0]);
    expect((result.keyPoints as string[]).length).toBeGreaterThan(0);
    for (const point of result.keyPoints as string[]) expect(MEETING).toContain(point.replace(/\.$/, ''));
    expect((result.usage as IDataObject).totalTokens).toBe(
      ((result.usage as IDataObject).promptTokens as number) +
        ((result.usage as IDataObject).completionTokens as number),
    );
  });

  it('summarize messages: chat thread messages (evaluated list, object with messages, or text)', async () => {
    const messages = [
      {
        id: 'm1',
        author: 'Ana',
        authorKind: 'user',
        text: 'Can we launch the hoodie collection on December 1?',
        createdAt: '2026-11-20T10:00:00Z',
        threadId: null,
      },
      {
        id: 'm2',
        author: 'Bo',
        authorKind: 'user',
        text: 'Yes, inventory for size M arrives on November 28.',
        createdAt: '2026-11-20T10:05:00Z',
        threadId: 'm1',
      },
      {
        id: 'm3',
        author: 'Stylist',
        authorKind: 'agent',
        text: 'Trending sounds this week favour cozy winter themes.',
        createdAt: '2026-11-20T10:06:00Z',
        threadId: 'm1',
      },
    ];
    const fromList = await output({
      operation: 'summarize',
      messages: `={{ ${JSON.stringify(messages)} }}`,
      maxSentences: 3,
      focus: 'decisions',
    });
    const fromThread = await output({
      operation: 'summarize',
      messages: `={{ (${JSON.stringify({ messages, count: 3 })}) }}`,
      maxSentences: 3,
      focus: 'decisions',
    });
    expect(fromThread.summary).toBe(fromList.summary);
    expect(fromList.summary).toMatch(/hoodie|size M|winter/);
    const fromText = await output({
      operation: 'summarize',
      messages: 'Ana: Can we launch on December 1?\nBo: Yes, stock arrives November 28.',
    });
    expect(fromText.summary).toMatch(/December 1|November 28/);
  });

  it('extract: the output validates against the given schema (JSON text or an evaluated object)', async () => {
    const schema = {
      type: 'object',
      properties: {
        customerName: { type: 'string', description: 'Full name of the customer' },
        email: { type: 'string', format: 'email' },
        total: { type: 'number', description: 'Order total in dollars' },
        shipBy: { type: 'string', format: 'date' },
        urgent: { type: 'boolean' },
      },
      required: ['customerName', 'email', 'total'],
      additionalProperties: false,
    };
    const text =
      'Customer: Ana Silva. Email: ana@example.com. Total: $150.00. Please ship by 2026-12-01, it is urgent.';
    const validate = new Ajv2020({ strict: false })
      .addFormat('email', /@/)
      .addFormat('date', /^\d{4}-\d{2}-\d{2}$/)
      .compile(schema);
    for (const given of [JSON.stringify(schema), `={{ (${JSON.stringify(schema, null, 1)}) }}`]) {
      // indented: "}}" would end the n8n expression
      const result = await output({ operation: 'extract', text, schema: given });
      expect(validate(result.data)).toBe(true);
      expect(result.data).toMatchObject({ email: 'ana@example.com', total: 150, shipBy: '2026-12-01' });
      expect(result).toMatchObject({
        model: 'ionflux-sandbox-1',
        usage: {
          promptTokens: expect.any(Number),
          completionTokens: expect.any(Number),
          totalTokens: expect.any(Number),
        },
      });
    }
  });

  it('extract: output cut off at maxTokens is an error, not data', async () => {
    const run = await llm({
      operation: 'extract',
      text: 'Order #1234 from Ana Silva (ana@example.com).',
      schema: '{"type":"object","properties":{"email":{"type":"string"}},"required":["email"]}',
      maxTokens: 3,
    });
    expect(run.items).toEqual([]);
    expect(run.error?.message).toBe(
      "The model's output was cut off at the token limit (maxTokens 3), so it is not a complete JSON object; raise maxTokens.",
    );
  });

  it('extract: a reply that does not match the schema, or is not JSON, fails the item', async () => {
    const schema =
      '{"type":"object","properties":{"email":{"type":"string","format":"email"},"total":{"type":"number"}},"required":["email","total"]}';
    fakeContent = JSON.stringify({ email: 'not-an-email', total: '150' });
    const mismatch = await llm({ operation: 'extract', text: 'x', schema }, fakeCredentials());
    expect(mismatch.error?.message).toBe(
      'The model\'s output is invalid: the reply does not match the schema: /email must match format "email"; /total must be number',
    );
    fakeContent = 'Sure! The email is ana@example.com';
    const prose = await llm({ operation: 'extract', text: 'x', schema }, fakeCredentials());
    expect(prose.error?.message).toMatch(/^The model's output is invalid: the reply is not JSON \(/);
    fakeContent = '```json\n{"email":"ana@example.com","total":150}\n```';
    expect((await output({ operation: 'extract', text: 'x', schema }, fakeCredentials())).data).toEqual({
      email: 'ana@example.com',
      total: 150,
    });
  });

  it('classify: one of the labels; any other answer is an error', async () => {
    const labels = '[\n  "order_status",\n  "complaint",\n  "product_question",\n  "other"\n]';
    const result = await output({ operation: 'classify', text: 'Where is my order? It has been two weeks.', labels });
    expect(result).toEqual({
      label: 'order_status',
      model: 'ionflux-sandbox-1',
      usage: expect.objectContaining({ totalTokens: expect.any(Number) }),
    });
    const mug = await output({
      operation: 'classify',
      text: 'Does the ceramic mug come in blue?',
      labels: '={{ ["order_status", "complaint", "product_question", "other"] }}',
    });
    expect(JSON.parse(labels)).toContain(mug.label);

    fakeContent = '{"label":"refund_request"}';
    const invented = await llm({ operation: 'classify', text: 'x', labels }, fakeCredentials());
    expect(invented.error?.message).toBe(
      'The model did not answer with one of the labels (order_status, complaint, product_question, other): the reply does not match the schema: /label must be equal to one of the allowed values (order_status, complaint, product_question, other)',
    );
  });

  it('names the parameter at fault', async () => {
    const cases: [IDataObject, string][] = [
      [
        { operation: 'classify', text: 'x', labels: '["only"]' },
        'Parameter "labels" needs at least 2 entries, but has 1.',
      ],
      [{ operation: 'classify', text: 'x', labels: '["a", "a"]' }, 'Parameter "labels" must not repeat a label.'],
      [
        { operation: 'classify', text: 'x', labels: '["a", 3, {"b": 1}]' },
        'Parameter "labels" must contain only texts, but entry 2 is a object.',
      ],
      [
        { operation: 'extract', text: 'x', schema: '{"type": "objekt"}' },
        'Parameter "schema" is not a valid JSON Schema: schema is invalid: data/type must be equal to one of the allowed values',
      ],
      [
        { operation: 'extract', text: 'x', schema: '{"type": "object",}' },
        'Parameter "schema" must be an object such as { "key": "value" } written as JSON, but its text is not valid JSON',
      ],
      [
        { operation: 'summarize', messages: '={{ 42 }}' },
        'Parameter "messages" must be a list of messages ({ author, text } or { role, content }) or text.',
      ],
      [{ operation: 'summarize' }, 'Give the text to summarize in parameter "text" or "messages" (both are empty).'],
      [{ operation: 'generate', prompt: 'x', temperature: 3 }, 'Parameter "temperature" must be at most 2, but got 3.'],
      [
        { operation: 'generate', prompt: 'x', maxTokens: 1.5 },
        'Parameter "maxTokens" must be a whole number, but got 1.5.',
      ],
    ];
    for (const [parameters, message] of cases) expect((await llm(parameters)).error?.message).toContain(message);
  });

  it('reports provider errors with status and code', async () => {
    const missingModel = await llm({ operation: 'generate', prompt: 'hello', model: 'gpt-9' });
    expect(missingModel.error?.message).toBe(
      "LLM provider error 404 model_not_found: The model `gpt-9` does not exist or you do not have access to it. The sandbox serves 'ionflux-sandbox-1'.",
    );
    const noModel = await llm({ operation: 'generate', prompt: 'hello' }, { ...sandbox.credentials.llm, model: '' });
    expect(noModel.error?.message).toBe('Parameter "model" is empty and the LLM credential has no default model.');
  });

  it('waits out a 429 from the provider and retries 5xx with options.retries', async () => {
    await sandbox.fault({ service: 'openai', status: 429, count: 1, retryAfter: 1 });
    expect((await llm({ operation: 'generate', prompt: 'Say hello' })).error).toBeUndefined();
    await sandbox.fault({ service: 'openai', status: 500, count: 1 });
    expect((await llm({ operation: 'generate', prompt: 'Say hello' })).error?.message).toBe(
      'LLM provider error 500 server_error: The server had an error while processing your request. Sorry about that!',
    );
    await sandbox.fault({ service: 'openai', status: 502, count: 2 });
    expect(
      (await llm({ operation: 'generate', prompt: 'Say hello', options: { retries: 2, retryDelayMs: 5 } })).error,
    ).toBeUndefined();
    expect(await sandbox.pendingFaults()).toEqual([]);
  });

  it('stops at options.timeoutMs', async () => {
    const run = await llm(
      { operation: 'generate', prompt: 'hello', options: { timeoutMs: 300 } },
      { baseUrl: `${fake.url}/v1/slow`, apiKey: 'sk-fake', model: 'fake-model-1' },
    );
    expect(run.error?.message).toBe(
      `The request to ${new URL(fake.url).host} did not finish within the timeout of 300 ms.`,
    );
  });

  describe("the credential's Budget per Execution", () => {
    const three = [{ n: 1 }, { n: 2 }, { n: 3 }];
    const generate = { resource: 'text', operation: 'generate', prompt: 'Item {{ $json.n }}', options: {} };

    it('lets the calls through while their sum (18 tokens each) stays within it', async () => {
      fakeCalls = 0;
      const run = await runNode({
        type: 'ionfluxLlm',
        parameters: generate,
        credentials: { ionfluxLlmApi: { ...fakeCredentials(), executionBudget: '54' } },
        items: three,
      });
      expect(run.error).toBeUndefined();
      expect(run.items.map((item) => (item.usage as IDataObject).totalTokens)).toEqual([18, 18, 18]);
      expect(fakeCalls).toBe(3);
    });

    /** The hint a node's run carries when its model call went over the budget (what n8n's editor shows on it). */
    const stopHints = (run: { hints: { message: string; group?: { key: string } }[] }) =>
      run.hints.filter((hint) => hint.group?.key === BUDGET_STOP_HINT_KEY).map((hint) => hint.message);

    it('keeps the answer of the call that goes over it (the last of its node) and marks the run with a hint', async () => {
      for (const onError of [undefined, 'continueRegularOutput', 'continueErrorOutput'] as const) {
        fakeCalls = 0;
        const run = await runNode({
          type: 'ionfluxLlm',
          parameters: generate,
          credentials: { ionfluxLlmApi: { ...fakeCredentials(), executionBudget: '40' } },
          items: three,
          name: 'Draft',
          ...(onError ? { onError } : {}),
        });
        // 18 + 18 = 36 tokens, the third call brings the execution to 54: paid for, and its answer kept.
        expect(fakeCalls).toBe(3);
        expect(run.error).toBeUndefined();
        expect(run.items.map((item) => typeof item.text)).toEqual(['string', 'string', 'string']);
        expect(run.items.map((item) => (item.usage as IDataObject).totalTokens)).toEqual([18, 18, 18]);
        expect(stopHints(run)).toEqual([
          `Node "Draft" brought the run to 54 tokens, over the LLM credential's budget of 40; the run was stopped.`,
        ]);
        expect(run.hints[0]).toMatchObject({ type: 'warning', location: 'outputPane' });
      }
    });

    it('fails the node at its next call after the one that went over, whatever its On Error setting', async () => {
      for (const onError of [undefined, 'continueRegularOutput', 'continueErrorOutput'] as const) {
        fakeCalls = 0;
        const run = await runNode({
          type: 'ionfluxLlm',
          parameters: generate,
          credentials: { ionfluxLlmApi: { ...fakeCredentials(), executionBudget: '20' } },
          items: three,
          name: 'Draft',
          ...(onError ? { onError } : {}),
        });
        // The second call brings the execution to 36 tokens; the third item is not sent.
        expect(fakeCalls).toBe(2);
        const message = `Node "Draft" brought the run to 36 tokens, over the LLM credential's budget of 20; the run was stopped.`;
        expect(run.error?.message).toBe(message);
        // No item carries an answer: without "continue" the node has no output; with it, n8n passes its input on.
        expect([...run.items, ...run.errorItems].filter((item) => 'text' in item)).toEqual([]);
        // The error carries what the node's two calls spent (the fake reports 11 + 7 tokens each): its lost items
        // carried it, and a server reading the execution back counts it in the run's usage.
        const usage = { promptTokens: 22, completionTokens: 14, totalTokens: 36 };
        expect(run.error?.context?.[BUDGET_STOP_CONTEXT_KEY]).toEqual({ usage, byModel: { 'fake-model-1': usage } });
      }
    });

    it('stops the execution there: the node keeps its answer, a later IONFLUX node does nothing', async () => {
      // The next node sends an HTTP request to the fake (counted like its completions) unless the run was stopped.
      const previousOrigins = process.env[SANDBOX_ORIGINS_ENV];
      process.env[SANDBOX_ORIGINS_ENV] = new URL(fake.url).origin;
      try {
        const chain = (executionBudget: string) =>
          runNode({
            type: 'ionfluxLlm',
            parameters: generate,
            credentials: { ionfluxLlmApi: { ...fakeCredentials(), executionBudget } },
            items: [{ n: 1 }],
            name: 'Draft',
            onError: 'continueRegularOutput',
            next: {
              type: 'ionfluxHttpRequest',
              name: 'Notify',
              parameters: { resource: 'request', operation: 'send', url: `${fake.url}/side-effect`, options: {} },
              nodeCredentials: {},
            },
          });
        fakeCalls = 0;
        const free = await chain('');
        expect(free.next?.error).toBeUndefined();
        expect(fakeCalls).toBe(2);

        fakeCalls = 0;
        const stopped = await chain('10');
        const message = `Node "Draft" brought the run to 18 tokens, over the LLM credential's budget of 10; the run was stopped.`;
        // "Draft" kept its answer and says it stopped the run; n8n went on to "Notify", which sent nothing.
        expect(stopped.error).toBeUndefined();
        expect(stopped.items.map((item) => typeof item.text)).toEqual(['string']);
        expect(stopHints(stopped)).toEqual([message]);
        expect(stopped.next?.error?.message).toBe(`Not run: ${message}`);
        expect(fakeCalls).toBe(1);
      } finally {
        if (previousOrigins === undefined) delete process.env[SANDBOX_ORIGINS_ENV];
        else process.env[SANDBOX_ORIGINS_ENV] = previousOrigins;
      }
    });

    it('fails every later call of the execution before sending it', async () => {
      fakeCalls = 0;
      const run = await runNode({
        type: 'ionfluxLlm',
        parameters: generate,
        credentials: { ionfluxLlmApi: { ...fakeCredentials(), executionBudget: '10' } },
        items: three,
        onError: 'continueRegularOutput',
      });
      expect(fakeCalls).toBe(1);
      expect(run.error?.message).toBe(
        `Node "Node under test" brought the run to 18 tokens, over the LLM credential's budget of 10; the run was stopped.`,
      );
    });

    it('a USD budget prices each call (prompt and completion apart) and stops at the call that costs too much', async () => {
      // The fake answers 11 prompt + 7 completion tokens as fake-model-1, which takes the price of fake-model.
      const price = { prompt: 1000, completion: 2000 };
      const perCall = (11 * price.prompt + 7 * price.completion) / 1_000_000;
      fakeCalls = 0;
      const run = await runNode({
        type: 'ionfluxLlm',
        parameters: generate,
        credentials: {
          ionfluxLlmApi: {
            ...fakeCredentials(),
            executionBudgetUsd: String(2.5 * perCall),
            prices: `fake=1/1, fake-model=${price.prompt}/${price.completion}`,
          },
        },
        items: three,
        name: 'Draft',
      });
      expect(fakeCalls).toBe(3);
      expect(run.error).toBeUndefined();
      expect(stopHints(run)).toEqual([
        `Node "Draft" brought the run to $${(3 * perCall).toFixed(6)} (54 tokens), over the LLM credential's USD budget of $${2.5 * perCall}; the run was stopped.`,
      ]);
    });

    it('a USD budget stops the first call to a model without a price', async () => {
      fakeCalls = 0;
      const run = await runNode({
        type: 'ionfluxLlm',
        parameters: generate,
        credentials: {
          ionfluxLlmApi: { ...fakeCredentials(), executionBudgetUsd: '5', prices: 'gpt-4o-mini=0.15/0.6' },
        },
        items: three,
        name: 'Draft',
      });
      expect(fakeCalls).toBe(1);
      expect(run.error?.message).toBe(
        'Node "Draft" called the model "fake-model-1", which has no price, so the LLM credential\'s USD budget of $5 cannot be checked; the run was stopped. Give the model a price (Prices on the LLM credential) or remove the USD budget.',
      );
    });

    it('is no limit when empty, 0 or not a whole number', async () => {
      for (const tokenBudget of ['', '0', 'ten', '-5']) {
        const run = await runNode({
          type: 'ionfluxLlm',
          parameters: generate,
          credentials: { ionfluxLlmApi: { ...fakeCredentials(), executionBudget: tokenBudget } },
          items: three,
        });
        expect(run.error).toBeUndefined();
        expect(run.items).toHaveLength(3);
      }
    });
  });
});
