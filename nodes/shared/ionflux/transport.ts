/**
 * All HTTP of the IONFLUX server nodes (canvas, chat, notify, vector store): the IONFLUX REST API, reached with a
 * workspace API token (credential `ionfluxApi`), through the shared client. The token belongs to one workspace; the
 * client asks the server which (`GET /api/api-token`) once per token and builds workspace paths from it.
 *
 * Errors come back in the server's shape `{ error: { code, message, fields? } }` and are reported as NodeApiError
 * with that message and code, so a bad block key or an unknown channel reads the same in n8n as in the API.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INode, JsonObject } from 'n8n-workflow';
import type { HttpClient, HttpResponse } from '../http/client';
import { itemHttpClient } from '../http/item-client';
import { n8nCredentialExchange } from '../http/n8n-exchange';

export const IONFLUX_API_CREDENTIAL = 'ionfluxApi';

interface WorkspaceOfToken {
  workspaceId: string;
  workspaceName: string;
  tokenName: string;
}

/** Workspace of each token, for a minute (a revoked token fails on its next call anyway). */
const workspaceCache = new Map<string, { value: Promise<WorkspaceOfToken>; expiresAt: number }>();
const WORKSPACE_CACHE_MS = 60_000;

export class IonfluxApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

/**
 * The IONFLUX API for one item.
 *
 * @example
 * const api = await IonfluxApiClient.forItem(this, itemIndex);
 * const { block } = await api.workspace('PUT', '/blocks/by-key', { page: 'Q4 Plan', key: 'revenue', type: 'agent_snippet', content });
 */
export class IonfluxApiClient {
  constructor(
    private readonly http: HttpClient,
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly node: INode,
    private readonly itemIndex: number,
  ) {}

  static async forItem(ctx: IExecuteFunctions, itemIndex: number): Promise<IonfluxApiClient> {
    const credentials = await ctx.getCredentials(IONFLUX_API_CREDENTIAL, itemIndex);
    const baseUrl = String(credentials.baseUrl ?? '')
      .trim()
      .replace(/\/+$/, '');
    const token = String(credentials.token ?? '').trim();
    if (!/^https?:\/\/[^/]+/.test(baseUrl)) {
      throw new NodeOperationError(
        ctx.getNode(),
        `The IONFLUX API credential needs the server's base URL, such as http://127.0.0.1:8080 (got "${baseUrl}").`,
        { itemIndex },
      );
    }
    if (!token)
      throw new NodeOperationError(
        ctx.getNode(),
        'The IONFLUX API credential has no API token: create one in the workspace settings.',
        { itemIndex },
      );
    return new IonfluxApiClient(
      itemHttpClient(ctx, itemIndex, {
        rateLimitRetries: 3,
        exchange: n8nCredentialExchange(ctx, IONFLUX_API_CREDENTIAL),
      }),
      baseUrl,
      token,
      ctx.getNode(),
      itemIndex,
    );
  }

  /** Which workspace this token acts for. */
  async workspaceOfToken(): Promise<WorkspaceOfToken> {
    const key = `${this.baseUrl}\u0000${this.token}`;
    const cached = workspaceCache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const value = this.request<{ workspace: { id: string; name: string }; apiToken: { name: string } }>(
      'GET',
      '/api/api-token',
    ).then((body) => ({
      workspaceId: body.workspace.id,
      workspaceName: body.workspace.name,
      tokenName: body.apiToken.name,
    }));
    workspaceCache.set(key, { value, expiresAt: Date.now() + WORKSPACE_CACHE_MS });
    value.catch(() => workspaceCache.delete(key));
    return value;
  }

  /** A call under `/api/workspaces/<the token's workspace>`. */
  async workspace<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | undefined>,
  ): Promise<T> {
    const { workspaceId } = await this.workspaceOfToken();
    return this.request<T>(method, `/api/workspaces/${workspaceId}${path}`, body, query);
  }

  /** Sends one request; 2xx JSON comes back parsed, anything else is an IonfluxApiError. */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | undefined>,
  ): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    // The credential's `authenticate` adds `Authorization: Bearer <token>` (n8n's request helper).
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response: HttpResponse = await this.http.send(
      { method, url, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) },
      // Writes are retried only when the server says so (429/503) or the request never arrived.
      { retryable: method === 'GET' || method === 'PUT' },
    );
    const text = response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.status >= 200 && response.status < 300) return parsed as T;
    const error = (
      parsed as
        { error?: { code?: string; message?: string; fields?: { path: string; message: string }[] } } | undefined
    )?.error;
    throw new IonfluxApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? (text.slice(0, 300) || `HTTP ${response.status}`),
      error?.fields,
    );
  }

  /** An IonfluxApiError as the n8n error to show (the server's message, its code and field problems). */
  toNodeError(error: unknown): unknown {
    if (!(error instanceof IonfluxApiError)) return error;
    const fields = error.fields?.length ? ` (${error.fields.map((f) => `${f.path}: ${f.message}`).join('; ')})` : '';
    return new NodeApiError(this.node, { code: error.code, message: error.message } as JsonObject, {
      message: `IONFLUX API: ${error.message}${fields}`,
      description: `HTTP ${error.status}, code ${error.code}`,
      httpCode: String(error.status),
      itemIndex: this.itemIndex,
    });
  }

  /** Runs `call`, turning IONFLUX API errors into n8n node errors. */
  async run<T>(call: (api: IonfluxApiClient) => Promise<T>): Promise<T> {
    try {
      return await call(this);
    } catch (error) {
      throw this.toNodeError(error);
    }
  }
}
