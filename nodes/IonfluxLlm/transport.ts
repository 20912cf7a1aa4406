/**
 * All LLM HTTP of the IONFLUX nodes: the official `openai` SDK pointed at the credential's OpenAI-compatible base
 * URL, sending through the shared client (the SDK's own retries are off, so the node's timeout and retry policy
 * apply once; 429s from the provider wait Retry-After).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import OpenAI from 'openai';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INode, JsonObject } from 'n8n-workflow';
import { fetchThrough } from '../shared/http/client';
import type { HttpClient } from '../shared/http/client';
import { HttpCancelledError, HttpNetworkError, HttpTimeoutError } from '../shared/http/errors';
import { itemHttpClient } from '../shared/http/item-client';
import { n8nCredentialExchange } from '../shared/http/n8n-exchange';
import { ExecutionBudget } from './budget';

export const LLM_CREDENTIAL = 'ionfluxLlmApi';
const RATE_LIMIT_RETRIES = 3;

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface JsonSchemaFormat {
  name: string;
  schema: Record<string, unknown>;
  strict: boolean;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  model?: string;
  temperature?: number;
  maxTokens?: number;
  jsonSchema?: JsonSchemaFormat;
}

/** What the provider reported for one call, as the engine's token accounting reads it (see `reportUsage`). */
export interface ReportedUsage {
  usage: LlmUsage;
  model: string;
  kind: 'chat' | 'embeddings';
}

/**
 * The n8n AI event that carries a model call's usage. Each HTTP response of the provider is reported once, where it
 * arrives: a run's usage is the sum of these events, whatever happens to the node's output afterwards (branches that
 * merge, loops, a retried node whose earlier call was paid for too). On a real n8n server it is an ordinary AI log
 * event; the embedded engine counts it (`@ionflux/engine`, `runAgent`).
 */
export const USAGE_EVENT = 'ai-llm-generated-output';
export const USAGE_EVENT_KEY = 'ionfluxUsage';

function usageReporter(ctx: IExecuteFunctions): (report: ReportedUsage) => void {
  return (report) => {
    if (typeof ctx.logAiEvent !== 'function') return;
    try {
      ctx.logAiEvent(
        USAGE_EVENT,
        JSON.stringify({ [USAGE_EVENT_KEY]: report.usage, model: report.model, kind: report.kind }),
      );
    } catch {
      // Accounting never fails a model call that succeeded (a host without AI event logging, say).
    }
  };
}

export interface Completion {
  content: string;
  model: string;
  usage: LlmUsage;
  finishReason: string;
}

/** The HTTP client (one per item: its timeout, retries and cancellation) of the SDK request being sent. */
const itemHttp = new AsyncLocalStorage<HttpClient>();

/** What the shared SDK clients fetch with: the sending item's HTTP client. */
const fetchForItem = ((input: string | URL | Request, init?: RequestInit) => {
  const http = itemHttp.getStore();
  if (!http) throw new Error('An LLM request was sent outside of LlmClient.');
  // The credential's `authenticate` sets Authorization (n8n's request helper), not the SDK.
  return fetchThrough(http, { omitHeaders: ['authorization'] })(input, init);
}) as typeof fetch;

/**
 * SDK clients by base URL and key. Building one sets up every API resource of the SDK, which cost as much as the
 * request itself, so items share them; each request still goes through its own item's HTTP client.
 */
const sdkClients = new Map<string, OpenAI>();
const SDK_CLIENTS_MAX = 64;

function sdkClient(baseUrl: string, apiKey: string): OpenAI {
  const key = `${baseUrl}\u0000${apiKey}`;
  let client = sdkClients.get(key);
  if (!client) {
    // The SDK's own retries and timeout are off (timeout: a day): the shared client applies the node's policy.
    client = new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 0, timeout: 24 * 3_600_000, fetch: fetchForItem });
    sdkClients.set(key, client);
    if (sdkClients.size > SDK_CLIENTS_MAX) sdkClients.delete(sdkClients.keys().next().value!);
  }
  return client;
}

/**
 * A chat-completions client for one item.
 *
 * @example
 * const llm = await LlmClient.forItem(this, itemIndex);
 * const { content, usage } = await llm.complete({ messages: [{ role: 'user', content: 'Hello' }] });
 */
export class LlmClient {
  readonly http: HttpClient;
  readonly defaultModel: string;
  /** The credential's model for embeddings (vector steps). */
  readonly embeddingModel: string;
  private readonly client: OpenAI;
  private readonly node: INode;
  private readonly itemIndex: number;
  private readonly reportUsage: (report: ReportedUsage) => void;
  private readonly budget: ExecutionBudget | undefined;

  constructor({
    http,
    baseUrl,
    apiKey,
    defaultModel,
    embeddingModel = 'text-embedding-3-small',
    node,
    itemIndex,
    reportUsage,
    budget,
  }: {
    http: HttpClient;
    baseUrl: string;
    apiKey: string;
    defaultModel: string;
    embeddingModel?: string;
    node: INode;
    itemIndex: number;
    /** Called once per provider response with the usage it reported. */
    reportUsage?: (report: ReportedUsage) => void;
    budget?: ExecutionBudget;
  }) {
    this.http = http;
    this.budget = budget;
    this.reportUsage = reportUsage ?? (() => undefined);
    this.defaultModel = defaultModel;
    this.embeddingModel = embeddingModel;
    this.node = node;
    this.itemIndex = itemIndex;
    this.client = sdkClient(baseUrl, apiKey);
  }

  static async forItem(ctx: IExecuteFunctions, itemIndex: number): Promise<LlmClient> {
    const credentials = await ctx.getCredentials(LLM_CREDENTIAL, itemIndex);
    const baseUrl = String(credentials.baseUrl || 'https://api.openai.com/v1')
      .trim()
      .replace(/\/+$/, '');
    const apiKey = String(credentials.apiKey ?? '');
    if (!apiKey) throw new NodeOperationError(ctx.getNode(), 'The LLM credential has no API key.', { itemIndex });
    const http = itemHttpClient(ctx, itemIndex, {
      rateLimitRetries: RATE_LIMIT_RETRIES,
      exchange: n8nCredentialExchange(ctx, LLM_CREDENTIAL),
    });
    return new LlmClient({
      http,
      baseUrl,
      apiKey,
      defaultModel: String(credentials.model || ''),
      embeddingModel: String(credentials.embeddingModel || 'text-embedding-3-small'),
      node: ctx.getNode(),
      itemIndex,
      reportUsage: usageReporter(ctx),
      budget: ExecutionBudget.of(ctx, credentials),
    });
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const model = request.model || this.defaultModel;
    if (!model)
      throw new NodeOperationError(
        this.node,
        'Parameter "model" is empty and the LLM credential has no default model.',
        { itemIndex: this.itemIndex },
      );
    this.budget?.check(this.itemIndex);
    let response: OpenAI.Chat.Completions.ChatCompletion;
    try {
      response = await itemHttp.run(this.http, () =>
        this.client.chat.completions.create({
          model,
          messages: request.messages,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
          ...(request.jsonSchema
            ? { response_format: { type: 'json_schema' as const, json_schema: request.jsonSchema } }
            : {}),
        }),
      );
    } catch (error) {
      throw this.toNodeError(error);
    }
    const usage: LlmUsage = {
      promptTokens: response.usage?.prompt_tokens ?? 0,
      completionTokens: response.usage?.completion_tokens ?? 0,
      totalTokens:
        response.usage?.total_tokens ??
        (response.usage ? response.usage.prompt_tokens + response.usage.completion_tokens : 0),
    };
    // Paid for even when the answer is then refused or fails validation: reported before anything can throw.
    if (response.usage) {
      this.reportUsage({ usage, model: response.model || model, kind: 'chat' });
      this.budget?.spend(usage, response.model || model);
    }
    const choice = response.choices[0];
    if (!choice)
      throw new NodeApiError(this.node, response as unknown as JsonObject, {
        itemIndex: this.itemIndex,
        message: 'The LLM returned no choices.',
      });
    if (choice.message.refusal) {
      throw new NodeOperationError(this.node, `The model refused: ${choice.message.refusal}`, {
        itemIndex: this.itemIndex,
      });
    }
    return {
      content: choice.message.content ?? '',
      model: response.model || model,
      usage,
      finishReason: choice.finish_reason ?? 'stop',
    };
  }

  /**
   * Embeddings of texts with the credential's embedding model (vector steps), in batches of 96, in input order.
   * Usage is the provider's reported prompt tokens.
   */
  async embed(texts: string[]): Promise<{ vectors: number[][]; model: string; usage: LlmUsage }> {
    const vectors: number[][] = [];
    const usage: LlmUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    let model = this.embeddingModel;
    for (let start = 0; start < texts.length; start += 96) {
      const batch = texts.slice(start, start + 96);
      this.budget?.check(this.itemIndex);
      let response: OpenAI.Embeddings.CreateEmbeddingResponse;
      try {
        response = await itemHttp.run(this.http, () =>
          this.client.embeddings.create({ model: this.embeddingModel, input: batch, encoding_format: 'float' }),
        );
      } catch (error) {
        throw this.toNodeError(error);
      }
      const batchUsage: LlmUsage = {
        promptTokens: response.usage?.prompt_tokens ?? 0,
        completionTokens: 0,
        totalTokens: response.usage?.total_tokens ?? response.usage?.prompt_tokens ?? 0,
      };
      if (response.usage) {
        const spentOn = response.model || this.embeddingModel;
        this.reportUsage({ usage: batchUsage, model: spentOn, kind: 'embeddings' });
        this.budget?.spend(batchUsage, spentOn);
      }
      const ordered = [...response.data].sort((a, b) => a.index - b.index);
      if (ordered.length !== batch.length) {
        throw new NodeApiError(this.node, response as unknown as JsonObject, {
          itemIndex: this.itemIndex,
          message: `The embedding model returned ${ordered.length} vectors for ${batch.length} texts.`,
        });
      }
      vectors.push(...ordered.map((d) => d.embedding as number[]));
      usage.promptTokens += batchUsage.promptTokens;
      usage.totalTokens += batchUsage.totalTokens;
      model = response.model || model;
    }
    return { vectors, model, usage };
  }

  private toNodeError(error: unknown): Error {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof HttpTimeoutError || cause instanceof HttpCancelledError || cause instanceof HttpNetworkError)
      return cause;
    if (error instanceof OpenAI.APIError && error.status !== undefined) {
      const code = error.code ?? error.type ?? 'error';
      const detail = (error.error as { message?: string } | undefined)?.message ?? error.message;
      return new NodeApiError(this.node, { status: error.status, error: error.error ?? null } as JsonObject, {
        itemIndex: this.itemIndex,
        httpCode: String(error.status),
        message: `LLM provider error ${error.status} ${code}: ${detail}`,
      });
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
