/**
 * The OpenAI-compatible API, mounted at `/sandbox/openai` (so the SDK's baseURL is `<host>/sandbox/openai/v1`):
 *
 *   GET  /v1/models, /v1/models/:id    https://platform.openai.com/docs/api-reference/models
 *   POST /v1/chat/completions          https://platform.openai.com/docs/api-reference/chat/create (+ streaming chunks,
 *                                      https://platform.openai.com/docs/api-reference/chat-streaming)
 *   POST /v1/embeddings                https://platform.openai.com/docs/api-reference/embeddings/create
 *
 * Errors use OpenAI's shape `{ error: { message, type, param, code } }`
 * (https://platform.openai.com/docs/guides/error-codes/api-errors).
 */
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { createHash } from 'node:crypto';
import { DEFAULT_DIMENSIONS, embed, toBase64 } from './embeddings';
import type { JsonSchema } from './extract';
import { CHAT_MODEL_ID, respond } from './model';
import type { ChatMessage, ModelReply, ResponseFormat, ToolChoice, ToolSpec } from './model';
import { countTokens, truncateToTokens } from './text';
import type { FaultInjector } from '../shared/faults';

/** Fixed creation time of the sandbox models (2026-01-01T00:00:00Z). */
const MODELS_CREATED = 1_767_225_600;
export const MODELS = [
  {
    id: CHAT_MODEL_ID,
    object: 'model',
    created: MODELS_CREATED,
    owned_by: 'ionflux-sandbox',
    description:
      'Deterministic offline sandbox model (extractive summaries, schema-shaped extraction, classification, templated drafts). Not a real LLM.',
  },
  {
    id: 'ionflux-sandbox-embed-1',
    object: 'model',
    created: MODELS_CREATED,
    owned_by: 'ionflux-sandbox',
    description: 'Deterministic hashing embeddings (256 dimensions by default). Not a learned model.',
  },
  {
    id: 'text-embedding-3-small',
    object: 'model',
    created: MODELS_CREATED,
    owned_by: 'ionflux-sandbox',
    description:
      "Sandbox hashing embeddings served under OpenAI's model name so clients configured for it work offline (1536 dimensions). Not OpenAI's model.",
  },
] as const;

const SYSTEM_FINGERPRINT = 'fp_ionflux_sandbox_v1';

class OpenAIError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null,
    readonly code: string | null,
  ) {
    super(message);
  }
}

const invalid = (message: string, param: string | null, code: string | null = null) =>
  new OpenAIError(400, message, 'invalid_request_error', param, code);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
}

function messageText(content: unknown, param: string): string | null {
  if (content === null || content === undefined) return null;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part, i) => {
        if (!part || typeof part !== 'object')
          throw invalid(
            `Invalid type for '${param}[${i}]': expected an object, but got ${typeName(part)} instead.`,
            `${param}[${i}]`,
            'invalid_type',
          );
        const p = part as Record<string, unknown>;
        if (p.type === 'text' && typeof p.text === 'string') return p.text;
        if (p.type === 'image_url' || p.type === 'input_audio' || p.type === 'file') return '';
        throw invalid(
          `Invalid value: '${String(p.type)}'. Supported values are: 'text', 'image_url', 'input_audio' and 'file'.`,
          `${param}[${i}].type`,
          'invalid_value',
        );
      })
      .join('\n');
  }
  throw invalid(
    `Invalid type for '${param}': expected one of a string or array of objects, but got ${typeName(content)} instead.`,
    param,
    'invalid_type',
  );
}

function parseMessages(raw: unknown): ChatMessage[] {
  if (raw === undefined)
    throw invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(raw))
    throw invalid(
      `Invalid type for 'messages': expected an array of objects, but got ${typeName(raw)} instead.`,
      'messages',
      'invalid_type',
    );
  if (raw.length === 0)
    throw invalid(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  return raw.map((m, i) => {
    if (!m || typeof m !== 'object')
      throw invalid(
        `Invalid type for 'messages[${i}]': expected an object, but got ${typeName(m)} instead.`,
        `messages[${i}]`,
        'invalid_type',
      );
    const msg = m as Record<string, unknown>;
    const roles = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];
    if (!roles.includes(msg.role as string))
      throw invalid(
        `Invalid value: '${String(msg.role)}'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool' and 'function'.`,
        `messages[${i}].role`,
        'invalid_value',
      );
    const content = messageText(msg.content, `messages[${i}].content`);
    if (content === null && msg.role !== 'assistant')
      throw invalid(
        `Missing required parameter: 'messages[${i}].content'.`,
        `messages[${i}].content`,
        'missing_required_parameter',
      );
    if (msg.role === 'tool' && typeof msg.tool_call_id !== 'string')
      throw invalid(
        `Missing required parameter: 'messages[${i}].tool_call_id'.`,
        `messages[${i}].tool_call_id`,
        'missing_required_parameter',
      );
    return {
      role: msg.role as ChatMessage['role'],
      content,
      ...(typeof msg.name === 'string' ? { name: msg.name } : {}),
      ...(typeof msg.tool_call_id === 'string' ? { toolCallId: msg.tool_call_id } : {}),
    };
  });
}

function parseResponseFormat(raw: unknown, messages: ChatMessage[]): ResponseFormat {
  if (raw === undefined || raw === null) return { type: 'text' };
  if (typeof raw !== 'object')
    throw invalid(
      `Invalid type for 'response_format': expected an object, but got ${typeName(raw)} instead.`,
      'response_format',
      'invalid_type',
    );
  const rf = raw as Record<string, unknown>;
  if (rf.type === 'text') return { type: 'text' };
  if (rf.type === 'json_object') {
    if (!messages.some((m) => /json/i.test(m.content ?? ''))) {
      throw invalid(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'messages',
        null,
      );
    }
    return { type: 'json_object' };
  }
  if (rf.type === 'json_schema') {
    const js = rf.json_schema as Record<string, unknown> | undefined;
    if (!js || typeof js !== 'object')
      throw invalid(
        "Missing required parameter: 'response_format.json_schema'.",
        'response_format.json_schema',
        'missing_required_parameter',
      );
    if (typeof js.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(js.name)) {
      throw invalid(
        "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
        'response_format.json_schema.name',
        'invalid_value',
      );
    }
    const schema = js.schema ?? { type: 'object', properties: {} };
    if (!schema || typeof schema !== 'object' || Array.isArray(schema))
      throw invalid(
        "Invalid 'response_format.json_schema.schema': expected an object.",
        'response_format.json_schema.schema',
        'invalid_type',
      );
    if (js.strict === true) {
      const s = schema as JsonSchema;
      if (s.type !== 'object')
        throw invalid(
          `Invalid schema for response_format '${js.name}': schema must be a JSON Schema of 'type: "object"', got 'type: "${String(s.type)}"'.`,
          'response_format',
          'invalid_json_schema',
        );
    }
    return { type: 'json_schema', name: js.name, schema: schema as JsonSchema };
  }
  throw invalid(
    `Invalid value: '${String(rf.type)}'. Supported values are: 'text', 'json_object' and 'json_schema'.`,
    'response_format.type',
    'invalid_value',
  );
}

function parseTools(raw: unknown): ToolSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw invalid(
      `Invalid type for 'tools': expected an array of objects, but got ${typeName(raw)} instead.`,
      'tools',
      'invalid_type',
    );
  return raw.map((t, i) => {
    const tool = (t ?? {}) as Record<string, unknown>;
    if (tool.type !== 'function')
      throw invalid(
        `Invalid value: '${String(tool.type)}'. Supported values are: 'function'.`,
        `tools[${i}].type`,
        'invalid_value',
      );
    const fn = (tool.function ?? {}) as Record<string, unknown>;
    if (typeof fn.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(fn.name)) {
      throw invalid(
        `Invalid 'tools[${i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        `tools[${i}].function.name`,
        'invalid_value',
      );
    }
    const parameters = (fn.parameters ?? { type: 'object', properties: {} }) as JsonSchema;
    return { name: fn.name, description: typeof fn.description === 'string' ? fn.description : '', parameters };
  });
}

function parseToolChoice(raw: unknown, tools: ToolSpec[]): ToolChoice {
  if (raw === undefined || raw === null) return tools.length > 0 ? 'auto' : 'none';
  if (raw === 'none' || raw === 'auto' || raw === 'required') {
    if (raw !== 'none' && tools.length === 0)
      throw invalid(
        "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
        'tool_choice',
        null,
      );
    return raw;
  }
  const name = (raw as { function?: { name?: unknown } })?.function?.name;
  if (typeof name === 'string') {
    if (!tools.some((t) => t.name === name))
      throw invalid(
        `Invalid value for 'tool_choice': no function named '${name}' was specified in the 'tools' parameter.`,
        'tool_choice',
        null,
      );
    return { name };
  }
  throw invalid(
    "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or { type: 'function', function: { name } }.",
    'tool_choice',
    'invalid_value',
  );
}

function checkNumber(body: Record<string, unknown>, key: string, min: number, max: number): void {
  const v = body[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || Number.isNaN(v))
    throw invalid(`Invalid type for '${key}': expected a number, but got ${typeName(v)} instead.`, key, 'invalid_type');
  if (v > max)
    throw invalid(
      `Invalid '${key}': decimal above maximum value. Expected a value <= ${max}, but got ${v} instead.`,
      key,
      'decimal_above_max_value',
    );
  if (v < min)
    throw invalid(
      `Invalid '${key}': decimal below minimum value. Expected a value >= ${min}, but got ${v} instead.`,
      key,
      'decimal_below_min_value',
    );
}

function completionId(seedText: string): string {
  return `chatcmpl-${createHash('sha256').update(seedText).digest('base64url').slice(0, 29)}`;
}

/** Splits content into stream deltas of a few words each. */
function streamPieces(text: string): string[] {
  const tokens = text.match(/\S+\s*|\s+/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < tokens.length; i += 3) pieces.push(tokens.slice(i, i + 3).join(''));
  return pieces;
}

export interface OpenAIEmulatorOptions {
  faults: FaultInjector;
  clock: () => number;
}

export function createOpenAIRouter(options: OpenAIEmulatorOptions): Router {
  const router = express.Router();
  router.use(express.json({ limit: '4mb' }));

  router.use((req: Request, res: Response, next: NextFunction) => {
    res.set('openai-version', '2020-10-01');
    res.set(
      'x-request-id',
      `req_${createHash('sha256').update(`${options.clock()}${req.path}${Math.random()}`).digest('hex').slice(0, 32)}`,
    );
    const fault = options.faults.take('openai', req.get('X-Sandbox-Fault'));
    if (fault) {
      if (fault.status === 429 || fault.status === 503) res.set('Retry-After', String(fault.retryAfter));
      const body =
        fault.status === 429
          ? {
              error: {
                message: 'Rate limit reached for requests on ionflux-sandbox-1. Please try again in a moment.',
                type: 'requests',
                param: null,
                code: 'rate_limit_exceeded',
              },
            }
          : {
              error: {
                message: 'The server had an error while processing your request. Sorry about that!',
                type: 'server_error',
                param: null,
                code: null,
              },
            };
      return res.status(fault.status).json(body);
    }
    const auth = req.get('Authorization') ?? '';
    if (!/^Bearer\s+\S+/i.test(auth)) {
      return res.status(401).json({
        error: {
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). In the IONFLUX sandbox any non-empty key works.",
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    }
    return next();
  });

  router.get('/v1/models', (_req: Request, res: Response) => {
    res.json({ object: 'list', data: MODELS });
  });
  router.get('/v1/models/:id', (req: Request, res: Response) => {
    const model = MODELS.find((m) => m.id === req.params.id);
    if (!model)
      return res.status(404).json({
        error: {
          message: `The model '${String(req.params.id)}' does not exist`,
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      });
    return res.json(model);
  });

  router.post('/v1/chat/completions', (req: Request, res: Response) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (body.model === undefined) throw invalid('you must provide a model parameter', null, null);
    if (typeof body.model !== 'string')
      throw invalid(
        `Invalid type for 'model': expected a string, but got ${typeName(body.model)} instead.`,
        'model',
        'invalid_type',
      );
    if (body.model !== CHAT_MODEL_ID) {
      throw new OpenAIError(
        404,
        `The model \`${body.model}\` does not exist or you do not have access to it. The sandbox serves '${CHAT_MODEL_ID}'.`,
        'invalid_request_error',
        null,
        'model_not_found',
      );
    }
    const messages = parseMessages(body.messages);
    const responseFormat = parseResponseFormat(body.response_format, messages);
    const tools = parseTools(body.tools);
    const toolChoice = parseToolChoice(body.tool_choice, tools);
    checkNumber(body, 'temperature', 0, 2);
    checkNumber(body, 'top_p', 0, 1);
    checkNumber(body, 'presence_penalty', -2, 2);
    checkNumber(body, 'frequency_penalty', -2, 2);
    const n = body.n === undefined || body.n === null ? 1 : body.n;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 8)
      throw invalid("Invalid 'n': expected an integer between 1 and 8.", 'n', 'invalid_value');
    const maxTokensRaw = body.max_completion_tokens ?? body.max_tokens;
    if (
      maxTokensRaw !== undefined &&
      maxTokensRaw !== null &&
      (typeof maxTokensRaw !== 'number' || !Number.isInteger(maxTokensRaw) || maxTokensRaw < 1)
    ) {
      throw invalid(
        `Invalid '${body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens'}': expected a positive integer.`,
        body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens',
        'invalid_value',
      );
    }
    const stop =
      body.stop === undefined || body.stop === null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
    if (!Array.isArray(stop) || stop.length > 4 || !stop.every((s) => typeof s === 'string'))
      throw invalid("Invalid 'stop': expected a string or an array of up to 4 strings.", 'stop', 'invalid_value');
    if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean')
      throw invalid(
        `Invalid type for 'stream': expected a boolean, but got ${typeName(body.stream)} instead.`,
        'stream',
        'invalid_type',
      );

    const reply: ModelReply = respond({ messages, responseFormat, tools, toolChoice, now: new Date(options.clock()) });
    const promptTokens =
      messages.reduce((sum, m) => sum + 3 + countTokens(m.content ?? '') + (m.name ? 1 : 0), 3) +
      (tools.length > 0 ? countTokens(JSON.stringify(tools)) : 0);
    let content = reply.kind === 'text' ? reply.content : null;
    let finishReason: 'stop' | 'length' | 'tool_calls' = reply.kind === 'tool_call' ? 'tool_calls' : 'stop';
    if (content !== null && stop.length > 0) {
      const cut = Math.min(
        ...stop.map((s) => (content!.indexOf(s as string) === -1 ? Infinity : content!.indexOf(s as string))),
      );
      if (Number.isFinite(cut)) content = content.slice(0, cut);
    }
    if (content !== null && typeof maxTokensRaw === 'number' && countTokens(content) > maxTokensRaw) {
      content = truncateToTokens(content, maxTokensRaw);
      finishReason = 'length';
    }
    const completionTokens =
      reply.kind === 'tool_call' ? countTokens(reply.name) + countTokens(reply.arguments) : countTokens(content ?? '');
    const id = completionId(JSON.stringify(body));
    const created = Math.floor(options.clock() / 1000);
    const toolCallId = `call_${createHash('sha256')
      .update(`${id}:${reply.kind === 'tool_call' ? reply.arguments : ''}`)
      .digest('base64url')
      .slice(0, 24)}`;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens * n,
      total_tokens: promptTokens + completionTokens * n,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    };
    res.set('x-ionflux-sandbox-task', reply.task);

    if (body.stream === true) {
      res.status(200);
      res.set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
      });
      const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
      const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      const base = {
        id,
        object: 'chat.completion.chunk',
        created,
        model: CHAT_MODEL_ID,
        service_tier: 'default',
        system_fingerprint: SYSTEM_FINGERPRINT,
      };
      for (let index = 0; index < n; index++) {
        if (reply.kind === 'tool_call') {
          send({
            ...base,
            choices: [
              {
                index,
                delta: {
                  role: 'assistant',
                  content: null,
                  refusal: null,
                  tool_calls: [
                    { index: 0, id: toolCallId, type: 'function', function: { name: reply.name, arguments: '' } },
                  ],
                },
                logprobs: null,
                finish_reason: null,
              },
            ],
          });
          for (const piece of reply.arguments.match(/.{1,24}/gs) ?? [])
            send({
              ...base,
              choices: [
                {
                  index,
                  delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] },
                  logprobs: null,
                  finish_reason: null,
                },
              ],
            });
        } else {
          send({
            ...base,
            choices: [
              { index, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
            ],
          });
          for (const piece of streamPieces(content ?? ''))
            send({ ...base, choices: [{ index, delta: { content: piece }, logprobs: null, finish_reason: null }] });
        }
        send({ ...base, choices: [{ index, delta: {}, logprobs: null, finish_reason: finishReason }] });
      }
      if (includeUsage) send({ ...base, choices: [], usage });
      res.write('data: [DONE]\n\n');
      return res.end();
    }

    const message =
      reply.kind === 'tool_call'
        ? {
            role: 'assistant',
            content: null,
            refusal: null,
            annotations: [],
            tool_calls: [
              { id: toolCallId, type: 'function', function: { name: reply.name, arguments: reply.arguments } },
            ],
          }
        : { role: 'assistant', content, refusal: null, annotations: [] };
    return res.json({
      id,
      object: 'chat.completion',
      created,
      model: CHAT_MODEL_ID,
      choices: Array.from({ length: n }, (_, index) => ({
        index,
        message,
        logprobs: null,
        finish_reason: finishReason,
      })),
      usage,
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
    });
  });

  router.post('/v1/embeddings', (req: Request, res: Response) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (body.model === undefined) throw invalid('you must provide a model parameter', null, null);
    if (typeof body.model !== 'string' || !(body.model in DEFAULT_DIMENSIONS)) {
      throw new OpenAIError(
        404,
        `The model \`${String(body.model)}\` does not exist or you do not have access to it. The sandbox serves ${Object.keys(DEFAULT_DIMENSIONS).join(', ')}.`,
        'invalid_request_error',
        null,
        'model_not_found',
      );
    }
    const raw = body.input;
    let inputs: string[];
    if (typeof raw === 'string') inputs = [raw];
    else if (Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === 'string')) inputs = raw as string[];
    else if (Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === 'number'))
      inputs = [(raw as number[]).join(' ')];
    else if (
      Array.isArray(raw) &&
      raw.length > 0 &&
      raw.every((x) => Array.isArray(x) && x.every((y) => typeof y === 'number'))
    )
      inputs = (raw as number[][]).map((x) => x.join(' '));
    else
      throw invalid(
        "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
        'input',
        null,
      );
    if (inputs.length > 2048)
      throw invalid("Invalid 'input': maximum array length is 2048.", 'input', 'array_above_max_length');
    if (inputs.some((s) => s.length === 0))
      throw invalid(
        "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
        'input',
        null,
      );
    const model = body.model;
    const dimensions =
      body.dimensions === undefined || body.dimensions === null ? DEFAULT_DIMENSIONS[model]! : body.dimensions;
    if (
      typeof dimensions !== 'number' ||
      !Number.isInteger(dimensions) ||
      dimensions < 1 ||
      dimensions > DEFAULT_DIMENSIONS[model]!
    ) {
      throw invalid(
        `Invalid 'dimensions': expected an integer between 1 and ${DEFAULT_DIMENSIONS[model]} for ${model}.`,
        'dimensions',
        'invalid_value',
      );
    }
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64')
      throw invalid(
        `Invalid value: '${String(format)}'. Supported values are: 'float' and 'base64'.`,
        'encoding_format',
        'invalid_value',
      );
    const tokens = inputs.reduce((s, t) => s + countTokens(t), 0);
    res.json({
      object: 'list',
      data: inputs.map((text, index) => {
        const vector = embed(text, dimensions);
        return { object: 'embedding', index, embedding: format === 'base64' ? toBase64(vector) : vector };
      }),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  });

  router.use((_req: Request, res: Response) => {
    res.status(404).json({
      error: {
        message: 'Invalid URL: the sandbox serves /v1/models, /v1/chat/completions and /v1/embeddings.',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof OpenAIError)
      return res
        .status(error.status)
        .json({ error: { message: error.message, type: error.type, param: error.param, code: error.code } });
    const status =
      typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 400 && status < 500) {
      return res.status(status).json({
        error: {
          message:
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    }
    console.error('[sandbox:openai]', error);
    return res.status(500).json({
      error: {
        message: 'The sandbox model failed on this input; this is a bug in the emulator.',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
  });
  return router;
}
