import { randomUUID } from 'node:crypto';
import { N8nApiError } from './n8n-api';

/**
 * A signed-in session on n8n's internal REST API (`/rest`, cookie-authenticated): what the public API does not
 * offer. IONFLUX uses it to set up an instance's owner and API key, and to start manual runs
 * (`POST /rest/workflows/:id/run`), which the public API has no endpoint for.
 */
export class N8nSession {
  readonly baseUrl: string;
  /** n8n ties its auth cookie to a browser id: every cookie request of a session sends the same one. */
  private readonly browserId = randomUUID();
  private cookie = '';

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/rest${path}`, {
      method,
      headers: {
        'browser-id': this.browserId,
        accept: 'application/json',
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const setCookie = response.headers.getSetCookie?.() ?? [];
    const auth = setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith('n8n-auth='));
    if (auth) this.cookie = auth;
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // kept as text
    }
    if (!response.ok) throw new N8nApiError(response.status, method, `/rest${path}`, parsed);
    return ((parsed as { data?: T } | undefined)?.data ?? parsed) as T;
  }

  /** Creates the instance owner (a fresh n8n only). */
  async setupOwner(owner: { email: string; password: string; firstName: string; lastName: string }): Promise<void> {
    await this.request('POST', '/owner/setup', owner);
  }

  async login(email: string, password: string): Promise<void> {
    await this.request('POST', '/login', { emailOrLdapLoginId: email, password });
  }

  /** A new API key of the signed-in user with every scope it may have. Returns the key (shown once by n8n). */
  async createApiKey(label: string): Promise<string> {
    const scopes = await this.request<string[]>('GET', '/api-keys/scopes');
    const created = await this.request<{ rawApiKey: string }>('POST', '/api-keys', { label, scopes, expiresAt: null });
    return created.rawApiKey;
  }

  /** Starts a run of a saved workflow from a trigger node (manual or schedule), as the editor's button does. */
  async runWorkflow(workflowId: string, triggerNode: string): Promise<string> {
    const started = await this.request<{ executionId?: string }>(
      'POST',
      `/workflows/${encodeURIComponent(workflowId)}/run`,
      {
        triggerToStartFrom: { name: triggerNode },
      },
    );
    if (!started.executionId)
      throw new Error(`n8n did not start a run of workflow ${workflowId}: ${JSON.stringify(started)}`);
    return started.executionId;
  }
}
