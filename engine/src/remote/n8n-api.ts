/**
 * A client of n8n's public REST API (`/api/v1`, authenticated with an API key): the calls IONFLUX makes to deploy
 * compiled workflows to a real n8n server, run them and read their executions back.
 */

export class N8nApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: unknown,
  ) {
    const detail =
      body && typeof body === 'object' && 'message' in body ? String((body as { message: unknown }).message) : '';
    super(`n8n answered ${status} to ${method} ${path}${detail ? `: ${detail}` : ''}`);
  }
}

export interface N8nWorkflowRecord {
  id: string;
  name: string;
  active: boolean;
  nodes: {
    id: string;
    name: string;
    type: string;
    typeVersion: number;
    position: [number, number];
    parameters: Record<string, unknown>;
    credentials?: Record<string, { id: string; name: string }>;
    webhookId?: string;
    [key: string]: unknown;
  }[];
  connections: Record<string, unknown>;
  settings?: Record<string, unknown>;
  staticData?: unknown;
  [key: string]: unknown;
}

export interface N8nCredentialRecord {
  id: string;
  name: string;
  type: string;
}

export interface N8nExecutionRecord {
  id: string | number;
  finished: boolean;
  mode: string;
  status: string;
  startedAt: string;
  stoppedAt?: string | null;
  workflowId: string;
  data?: {
    resultData: {
      runData: Record<string, N8nTaskData[]>;
      lastNodeExecuted?: string;
      error?: { message: string; node?: { name: string }; description?: string };
    };
  };
}

export interface N8nTaskData {
  startTime: number;
  executionTime: number;
  executionStatus?: string;
  data?: { main: ({ json: Record<string, unknown> }[] | null)[] };
  /** The node's error; `context` holds what the node added (a budget stop's tokens: `BUDGET_STOP_CONTEXT_KEY`). */
  error?: { message: string; description?: string; context?: Record<string, unknown> };
  /** What the node told the user about its run (n8n's execution hints; a budget stop: `BUDGET_STOP_HINT_KEY`). */
  hints?: { message: string; type?: string; group?: { key: string } }[];
}

/**
 * @example
 * const n8n = new N8nApi({ baseUrl: 'http://127.0.0.1:5678', apiKey: process.env.N8N_API_KEY! });
 * const workflows = await n8n.listWorkflows();
 */
export class N8nApi {
  readonly baseUrl: string;
  private readonly apiKey: string;

  constructor({ baseUrl, apiKey }: { baseUrl: string; apiKey: string }) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.apiKey = apiKey;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        'X-N8N-API-KEY': this.apiKey,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // not JSON: kept as text for the error
    }
    if (!response.ok) throw new N8nApiError(response.status, method, path, parsed);
    return parsed as T;
  }

  /** Every page of a cursor-paginated list. */
  private async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page = await this.request<{ data: T[]; nextCursor?: string | null }>(
        'GET',
        `${path}${separator}limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  listWorkflows(): Promise<N8nWorkflowRecord[]> {
    return this.all<N8nWorkflowRecord>('/workflows');
  }

  getWorkflow(id: string): Promise<N8nWorkflowRecord> {
    return this.request('GET', `/workflows/${encodeURIComponent(id)}`);
  }

  createWorkflow(workflow: object): Promise<N8nWorkflowRecord> {
    return this.request('POST', '/workflows', workflow);
  }

  updateWorkflow(id: string, workflow: object): Promise<N8nWorkflowRecord> {
    return this.request('PUT', `/workflows/${encodeURIComponent(id)}`, workflow);
  }

  deleteWorkflow(id: string): Promise<N8nWorkflowRecord> {
    return this.request('DELETE', `/workflows/${encodeURIComponent(id)}`);
  }

  activateWorkflow(id: string): Promise<N8nWorkflowRecord> {
    return this.request('POST', `/workflows/${encodeURIComponent(id)}/activate`);
  }

  deactivateWorkflow(id: string): Promise<N8nWorkflowRecord> {
    return this.request('POST', `/workflows/${encodeURIComponent(id)}/deactivate`);
  }

  listCredentials(): Promise<N8nCredentialRecord[]> {
    return this.all<N8nCredentialRecord>('/credentials');
  }

  createCredential(credential: { name: string; type: string; data: object }): Promise<N8nCredentialRecord> {
    return this.request('POST', '/credentials', credential);
  }

  updateCredential(id: string, credential: { name: string; type: string; data: object }): Promise<N8nCredentialRecord> {
    return this.request('PATCH', `/credentials/${encodeURIComponent(id)}`, credential);
  }

  deleteCredential(id: string): Promise<N8nCredentialRecord> {
    return this.request('DELETE', `/credentials/${encodeURIComponent(id)}`);
  }

  /** Stops a running execution (a canceled run). */
  stopExecution(id: string | number): Promise<unknown> {
    return this.request('POST', `/executions/${encodeURIComponent(String(id))}/stop`);
  }

  listExecutions(workflowId: string, { includeData = false } = {}): Promise<N8nExecutionRecord[]> {
    return this.all<N8nExecutionRecord>(
      `/executions?workflowId=${encodeURIComponent(workflowId)}&includeData=${String(includeData)}`,
    );
  }

  getExecution(id: string | number): Promise<N8nExecutionRecord> {
    return this.request('GET', `/executions/${encodeURIComponent(String(id))}?includeData=true`);
  }
}
