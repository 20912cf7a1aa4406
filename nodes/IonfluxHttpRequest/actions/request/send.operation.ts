import { NodeApiError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties, JsonObject } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { parameterError, readAny, readString, readStringRecord } from '../../../shared/parameters';
import { sendUserRequest } from '../../transport';

export const meta: OperationMeta = { action: 'http.request', effect: 'write', idempotent: false };

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;

export const description: INodeProperties[] = forOperation('request', 'send', [
  {
    displayName: 'URL',
    name: 'url',
    type: 'string',
    default: '',
    required: true,
    placeholder: 'https://api.example.com/v1/things',
    description:
      'Absolute http(s) URL. Private, loopback, link-local and cloud metadata addresses are blocked, also after redirects.',
  },
  {
    displayName: 'Method',
    name: 'method',
    type: 'options',
    options: METHODS.map((m) => ({ name: m, value: m })),
    default: 'GET',
    description: 'The HTTP method to use',
  },
  {
    displayName: 'Headers',
    name: 'headers',
    type: 'json',
    default: '{}',
    placeholder: '{ "Authorization": "Bearer ..." }',
    description: 'Request headers as a JSON object of texts',
  },
  {
    displayName: 'Query',
    name: 'query',
    type: 'json',
    default: '{}',
    placeholder: '{ "page": "2" }',
    description: 'Query parameters as a JSON object of texts, added to the URL',
  },
  {
    displayName: 'Body',
    name: 'body',
    type: 'json',
    default: 'null',
    description: 'Request body. Objects and lists are sent as JSON; text is sent as it is; null sends none.',
    displayOptions: { hide: { method: ['GET', 'HEAD'] } },
  },
  {
    displayName: 'Response Type',
    name: 'responseType',
    type: 'options',
    options: [
      { name: 'JSON', value: 'json', description: 'Parse the body as JSON' },
      { name: 'Text', value: 'text', description: 'Return the body as text' },
    ],
    default: 'json',
    description: 'How to read the response body',
  },
]);

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Sends the request; fails on HTTP 4xx/5xx (after retries) with the status and the start of the body. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const urlText = readString(this, 'url', itemIndex, { required: true }).trim();
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw parameterError(
      this,
      'url',
      itemIndex,
      `must be an absolute http(s) URL such as https://api.example.com/path, but got "${urlText.slice(0, 200)}".`,
    );
  }
  const method = readString(this, 'method', itemIndex, { oneOf: METHODS }) ?? 'GET';
  const headers = readStringRecord(this, 'headers', itemIndex) ?? {};
  const query = readStringRecord(this, 'query', itemIndex);
  const responseType = readString(this, 'responseType', itemIndex, { oneOf: ['json', 'text'] }) ?? 'json';
  const rawBody = method === 'GET' || method === 'HEAD' ? undefined : readAny(this, 'body', itemIndex);
  let body: string | undefined;
  if (rawBody !== undefined) {
    if (typeof rawBody === 'string') {
      body = rawBody;
      if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'text/plain; charset=utf-8';
    } else {
      body = JSON.stringify(rawBody);
      if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json';
    }
  }
  if (!hasHeader(headers, 'accept'))
    headers.Accept = responseType === 'json' ? 'application/json, text/plain;q=0.5, */*;q=0.1' : '*/*';

  const response = await sendUserRequest(this, itemIndex, {
    method,
    url,
    headers,
    ...(query ? { query } : {}),
    ...(body !== undefined ? { body } : {}),
  });
  const text = response.text();
  if (response.status >= 400) {
    throw new NodeApiError(this.getNode(), { status: response.status, body: text.slice(0, 2000) } as JsonObject, {
      itemIndex,
      httpCode: String(response.status),
      message: `HTTP ${response.status} from ${new URL(response.url).host}: ${text.slice(0, 300) || '(empty body)'}`,
    });
  }
  let parsed: unknown = text;
  if (responseType === 'json') {
    if (method === 'HEAD' || text.trim() === '') parsed = null;
    else {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        throw parameterError(
          this,
          'responseType',
          itemIndex,
          `is "json", but the response of ${new URL(response.url).host} is not JSON (content-type ${response.headers['content-type'] ?? 'unknown'}); use "text".`,
        );
      }
    }
  }
  return { status: response.status, headers: response.headers, body: parsed as IDataObject };
}
