import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Ajv from 'ajv';
import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandboxServer } from '../server';
import type { SandboxServer } from '../server';
import { shapeMismatches } from '../shared/shape';
import { cosineSimilarity } from './embeddings';
import { countTokens } from './text';

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8'));
let sandbox: SandboxServer;
let client: OpenAI;

const ARTICLE = `Shopify merchants saw record sales over the Black Friday weekend. Total orders rose 24% compared with last year, driven by mobile shoppers.
Average order value climbed to $108 as shoppers bundled gifts. Candles and cozy apparel were the top categories in the United States.
Several merchants reported shipping delays in the first week of December. Customer support teams handled twice the usual volume of tickets.
Analysts expect the holiday season to remain strong through Christmas, although inflation continues to weigh on discretionary spending.
The weather was mild in most regions.`;

beforeAll(async () => {
  sandbox = await startSandboxServer({ seed: 42, now: '2026-02-01', clock: () => Date.parse('2026-02-01T12:00:00Z') });
  client = new OpenAI({ apiKey: 'sk-ionflux-sandbox', baseURL: `${sandbox.url}/sandbox/openai/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

describe('OpenAI-compatible API through the official SDK', () => {
  it('lists the sandbox models (contract) and says they are not real LLMs', async () => {
    const raw = await (
      await fetch(`${sandbox.url}/sandbox/openai/v1/models`, { headers: { Authorization: 'Bearer k' } })
    ).json();
    expect(shapeMismatches(raw, fixture('models-list.json'))).toEqual([]);
    const models = await client.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toContain('ionflux-sandbox-1');
    expect(JSON.stringify(raw)).toMatch(/Not a real LLM/);
  });

  it('answers chat completions in the documented shape (contract), deterministically', async () => {
    const request = {
      model: 'ionflux-sandbox-1',
      messages: [
        { role: 'system' as const, content: 'You are a retail analyst.' },
        { role: 'user' as const, content: `Summarize the following in 2 sentences:\n\n${ARTICLE}` },
      ],
    };
    const raw = await (
      await fetch(`${sandbox.url}/sandbox/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      })
    ).json();
    expect(shapeMismatches(raw, fixture('chat-completion.json'))).toEqual([]);
    const completion = await client.chat.completions.create(request);
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    const summary = completion.choices[0]!.message.content!;
    expect(summary).toBe((raw as any).choices[0].message.content);
    // Extractive: two sentences of the article, in the article's order.
    const sentences = summary.split(/(?<=\.)\s+/);
    expect(sentences).toHaveLength(2);
    for (const s of sentences) expect(ARTICLE).toContain(s);
    expect(ARTICLE.indexOf(sentences[0]!)).toBeLessThan(ARTICLE.indexOf(sentences[1]!));
    expect(summary).not.toContain('The weather was mild');
    expect(completion.usage!.completion_tokens).toBe(countTokens(summary));
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
  });

  it('honours word limits and bullet formats', async () => {
    const short = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      messages: [{ role: 'user', content: `Summarize this in under 25 words:\n\n${ARTICLE}` }],
    });
    expect(short.choices[0]!.message.content!.split(/\s+/).length).toBeLessThanOrEqual(26);
    const bullets = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      messages: [{ role: 'user', content: `Give me 3 bullet points summarizing:\n\n${ARTICLE}` }],
    });
    expect(bullets.choices[0]!.message.content!.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(3);
  });

  it('streams chat.completion.chunk events ending with [DONE]', async () => {
    const raw = await fetch(`${sandbox.url}/sandbox/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'ionflux-sandbox-1',
        stream: true,
        messages: [{ role: 'user', content: `Summarize:\n\n${ARTICLE}` }],
      }),
    });
    expect(raw.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await raw.text();
    const events = text.split('\n\n').filter(Boolean);
    expect(events[events.length - 1]).toBe('data: [DONE]');
    expect(shapeMismatches(JSON.parse(events[0]!.slice(6)), fixture('chat-completion-chunk.json'))).toEqual([]);

    const stream = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: `Summarize:\n\n${ARTICLE}` }],
    });
    let content = '';
    let finish: string | null = null;
    let usage: unknown = null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    const whole = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      messages: [{ role: 'user', content: `Summarize:\n\n${ARTICLE}` }],
    });
    expect(content).toBe(whole.choices[0]!.message.content);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ completion_tokens: whole.usage!.completion_tokens });
  });

  it('returns json_schema output that validates, filled from the input', async () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['order_growth_percent', 'average_order_value', 'top_categories', 'has_shipping_issues', 'outlook'],
      properties: {
        order_growth_percent: { type: 'number', description: 'growth of total orders in percent' },
        average_order_value: { type: 'number' },
        top_categories: { type: 'array', items: { type: 'string' } },
        has_shipping_issues: { type: 'boolean', description: 'shipping delays reported' },
        outlook: { type: 'string', enum: ['positive', 'negative', 'neutral'] },
      },
    };
    const completion = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      messages: [{ role: 'user', content: `Extract the key metrics from this report:\n\n${ARTICLE}` }],
      response_format: { type: 'json_schema', json_schema: { name: 'report', strict: true, schema } },
    });
    const value = JSON.parse(completion.choices[0]!.message.content!);
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(value)).toBe(true);
    expect(value.order_growth_percent).toBe(24);
    expect(value.average_order_value).toBe(108);
    expect(value.has_shipping_issues).toBe(true);
  });

  it('supports json_object mode with keys named in the prompt, and requires the word json', async () => {
    const completion = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      response_format: { type: 'json_object' },
      messages: [
        {
          role: 'user',
          content:
            'Return JSON with keys: name, email, budget.\n\nHi, I am Ana Costa (ana.costa@example.com). Our budget is $2,000 for the spring launch.',
        },
      ],
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({
      name: 'Ana Costa',
      email: 'ana.costa@example.com',
      budget: 2000,
    });
    await expect(
      client.chat.completions.create({
        model: 'ionflux-sandbox-1',
        response_format: { type: 'json_object' },
        messages: [{ role: 'user', content: 'hello' }],
      }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('classifies among the labels the prompt lists', async () => {
    const ask = async (text: string) =>
      (
        await client.chat.completions.create({
          model: 'ionflux-sandbox-1',
          messages: [
            {
              role: 'user',
              content: `Classify this support ticket. Categories: shipping, billing, refund, other\n\n${text}`,
            },
          ],
        })
      ).choices[0]!.message.content;
    expect(await ask('My package never arrived and the tracking number shows no updates since Monday.')).toBe(
      'shipping',
    );
    expect(await ask('I was charged twice on my card for the same invoice.')).toBe('billing');
    expect(await ask('The hoodie is too small, I would like my money back please.')).toBe('refund');
    const sentiment = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      messages: [
        {
          role: 'user',
          content:
            'What is the sentiment (positive, negative or neutral) of this review: "Terrible quality, it arrived broken and late."',
        },
      ],
    });
    expect(sentiment.choices[0]!.message.content).toBe('negative');
  });

  it('classifies support messages with a json_schema enum, as llm.classify asks', async () => {
    const labels = ['order_status', 'complaint', 'product_question', 'other'];
    const classify = async (text: string) => {
      const completion = await client.chat.completions.create({
        model: 'ionflux-sandbox-1',
        messages: [
          { role: 'system', content: `Classify the user's text. Choose exactly one label from: ${labels.join(', ')}.` },
          { role: 'user', content: text },
        ],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'classification',
            strict: true,
            schema: {
              type: 'object',
              properties: { label: { type: 'string', enum: labels } },
              required: ['label'],
              additionalProperties: false,
            },
          },
        },
      });
      return JSON.parse(completion.choices[0]!.message.content!).label;
    };
    // A word of a label ("order") once in the text must not outweigh two complaint cues.
    expect(await classify('My order #1002 arrived damaged and I want a refund')).toBe('complaint');
    expect(await classify('The zipper broke after one day, this is unacceptable.')).toBe('complaint');
    expect(await classify('Hi! Where is my order #1003? When will it ship?')).toBe('order_status');
    expect(await classify('Does the ceramic mug come in blue?')).toBe('product_question');
  });

  it('extracts keywords and entities', async () => {
    const keywords = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      messages: [{ role: 'user', content: `Extract 5 keywords from:\n\n${ARTICLE}` }],
    });
    const list = keywords.choices[0]!.message.content!.split('\n');
    expect(list).toHaveLength(5);
    expect(list.every((l) => l.startsWith('- '))).toBe(true);
    const entities = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      messages: [
        {
          role: 'user',
          content:
            'List the named entities in:\n\nPriya Patel from Lumen Home emailed priya@example.com about the @mia.styled collab on March 3.',
        },
      ],
    });
    const text = entities.choices[0]!.message.content!;
    expect(text).toContain('name: Priya Patel');
    expect(text).toContain('name: Lumen Home');
    expect(text).toContain('email: priya@example.com');
    expect(text).toContain('handle: @mia.styled');
  });

  it('drafts outreach from the input, deterministically', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are the marketing assistant for Lumen Home.' },
      {
        role: 'user' as const,
        content: '@mia.styled posts cozy home decor videos to 120K followers with a 6.5% engagement rate.',
      },
      { role: 'user' as const, content: 'Write an outreach email to @mia.styled about our Fireside candle launch' },
    ];
    const a = await client.chat.completions.create({ model: 'ionflux-sandbox-1', messages });
    const b = await client.chat.completions.create({ model: 'ionflux-sandbox-1', messages });
    const draft = a.choices[0]!.message.content!;
    expect(draft).toBe(b.choices[0]!.message.content);
    expect(draft).toMatch(/^Subject: /);
    expect(draft).toContain('Hi Mia,');
    expect(draft).toContain('Fireside candle launch');
    expect(draft).toContain('Lumen Home');
    expect(draft).toContain('120K followers');
  });

  it('calls tools with arguments shaped by their parameters, then reports the tool result', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_orders',
          description: 'Fetch Shopify orders created in a date range',
          parameters: {
            type: 'object',
            properties: {
              created_after: { type: 'string', format: 'date' },
              financial_status: { type: 'string', enum: ['paid', 'refunded', 'pending'] },
              limit: { type: 'integer', minimum: 1, maximum: 250 },
            },
            required: ['created_after', 'financial_status', 'limit'],
            additionalProperties: false,
          },
        },
      },
      {
        type: 'function' as const,
        function: {
          name: 'search_creators',
          description: 'Find TikTok creators by niche',
          parameters: { type: 'object', properties: { niche: { type: 'string' } }, required: ['niche'] },
        },
      },
    ];
    const call = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      tools,
      messages: [{ role: 'user', content: 'Get the 50 paid orders created after 2026-01-15.' }],
    });
    const choice = call.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const toolCall = choice.message.tool_calls![0]!;
    expect(toolCall.type).toBe('function');
    if (toolCall.type !== 'function') throw new Error('expected a function call');
    expect(toolCall.function.name).toBe('get_orders');
    expect(JSON.parse(toolCall.function.arguments)).toEqual({
      created_after: '2026-01-15',
      financial_status: 'paid',
      limit: 50,
    });
    const follow = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      tools,
      messages: [
        { role: 'user', content: 'Get the 50 paid orders created after 2026-01-15.' },
        { role: 'assistant', content: null, tool_calls: choice.message.tool_calls! },
        { role: 'tool', tool_call_id: toolCall.id, content: JSON.stringify({ count: 50, revenue: '5123.40' }) },
      ],
    });
    expect(follow.choices[0]!.message.content).toContain('revenue: 5123.40');
  });

  it('embeds deterministically with sensible similarity, in float and base64', async () => {
    const raw = await (
      await fetch(`${sandbox.url}/sandbox/openai/v1/embeddings`, {
        method: 'POST',
        headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'text-embedding-3-small', input: 'cozy candles', encoding_format: 'float' }),
      })
    ).json();
    expect(shapeMismatches(raw, fixture('embeddings.json'))).toEqual([]);
    expect((raw as any).data[0].embedding).toHaveLength(1536);
    // The SDK asks for base64 by default and decodes it.
    const result = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: [
        'Soy candle with a cedarwood scent',
        'Cedarwood scented soy candles',
        'Marathon training plan for beginners',
      ],
    });
    const [a, b, c] = result.data.map((d) => Array.from(d.embedding as ArrayLike<number>));
    expect(a).toHaveLength(1536);
    const norm = Math.sqrt(a!.reduce((s, x) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 4);
    expect(cosineSimilarity(a!, b!)).toBeGreaterThan(cosineSimilarity(a!, c!) + 0.3);
    const small = await client.embeddings.create({
      model: 'ionflux-sandbox-embed-1',
      input: 'hello world',
      encoding_format: 'float',
    });
    expect(small.data[0]!.embedding).toHaveLength(256);
    const sized = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello world',
      dimensions: 64,
      encoding_format: 'float',
    });
    expect(sized.data[0]!.embedding).toHaveLength(64);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('answers errors in OpenAI shape: 401 without a key, 400/404 for bad input', async () => {
    const noKey = await fetch(`${sandbox.url}/sandbox/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(noKey.status).toBe(401);
    expect(shapeMismatches(await noKey.json(), fixture('error.json'))).toEqual([]);
    await expect(
      client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(client.chat.completions.create({ model: 'ionflux-sandbox-1', messages: [] })).rejects.toMatchObject({
      status: 400,
      param: 'messages',
    });
    await expect(
      client.chat.completions.create({
        model: 'ionflux-sandbox-1',
        messages: [{ role: 'user', content: 'hi' }],
        temperature: 3,
      }),
    ).rejects.toMatchObject({ status: 400, code: 'decimal_above_max_value' });
    await expect(
      client.chat.completions.create({
        model: 'ionflux-sandbox-1',
        messages: [{ role: 'wizard' as 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 400, param: 'messages[0].role' });
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: '' })).rejects.toMatchObject({
      status: 400,
    });
    const badJson = await fetch(`${sandbox.url}/sandbox/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json' },
      body: '{"model":',
    });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as any).error.type).toBe('invalid_request_error');
  });

  it('truncates at max_tokens with finish_reason length, and 429s under fault injection', async () => {
    const truncated = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      max_tokens: 5,
      messages: [{ role: 'user', content: `Summarize:\n\n${ARTICLE}` }],
    });
    expect(truncated.choices[0]!.finish_reason).toBe('length');
    expect(countTokens(truncated.choices[0]!.message.content!)).toBeLessThanOrEqual(5);
    await expect(client.models.list({ headers: { 'X-Sandbox-Fault': '429' } })).rejects.toMatchObject({
      status: 429,
      code: 'rate_limit_exceeded',
    });
  });

  it('admits what it is when it cannot answer from the input', async () => {
    const reply = await client.chat.completions.create({
      model: 'ionflux-sandbox-1',
      messages: [{ role: 'user', content: 'What is the capital of Australia?' }],
    });
    expect(reply.choices[0]!.message.content).toMatch(/not a real LLM/);
  });
});
