import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runNode, runNodeForOutput } from '../test-support/n8n-harness';
import { sendJson, startLocalServer } from '../test-support/local-server';
import type { LocalServer } from '../test-support/local-server';

let api: LocalServer;
let internal: LocalServer;
const previousOrigins = process.env.IONFLUX_SANDBOX_ORIGINS;

beforeAll(async () => {
  // "internal" plays a service on the machine that must stay unreachable; "api" is the allowlisted sandbox origin.
  internal = await startLocalServer((_req, res) => sendJson(res, 200, { secret: 'internal' }));
  api = await startLocalServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const redirect = url.searchParams.get('redirect');
    if (url.pathname === '/redirect' && redirect) {
      res.writeHead(302, { Location: redirect });
      return res.end();
    }
    if (url.pathname === '/loop') {
      res.writeHead(302, { Location: '/loop' });
      return res.end();
    }
    if (url.pathname === '/text') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return res.end('<p>hello</p>');
    }
    if (url.pathname === '/missing') return sendJson(res, 404, { error: 'no such thing' });
    if (url.pathname === '/flaky') {
      const count = api.requests.filter((r) => r.url.startsWith('/flaky')).length;
      return count < 3 ? sendJson(res, 502, { error: 'bad gateway' }) : sendJson(res, 200, { attempt: count });
    }
    sendJson(
      res,
      200,
      {
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        contentType: req.headers['content-type'] ?? null,
        auth: req.headers.authorization ?? null,
        body: req.body,
      },
      { 'X-Trace': 'abc' },
    );
  });
  process.env.IONFLUX_SANDBOX_ORIGINS = api.origin;
});

afterAll(async () => {
  if (previousOrigins === undefined) delete process.env.IONFLUX_SANDBOX_ORIGINS;
  else process.env.IONFLUX_SANDBOX_ORIGINS = previousOrigins;
  await Promise.all([api.close(), internal.close()]);
});

const send = (parameters: Record<string, unknown>) => ({
  resource: 'request',
  operation: 'send',
  options: {},
  ...parameters,
});

describe('IONFLUX HTTP Request', () => {
  it('sends method, headers, query and a JSON body, and returns status, headers and parsed body', async () => {
    const output = await runNodeForOutput({
      type: 'ionfluxHttpRequest',
      parameters: send({
        url: `${api.url}/things`,
        method: 'POST',
        headers: '{ "Authorization": "Bearer t0k" }',
        query: '{ "page": "2", "q": "a b" }',
        body: '={{ ({ name: "hoodie", sizes: ["S", "M"] }) }}',
      }),
    });
    expect(output).toEqual({
      status: 200,
      headers: expect.objectContaining({ 'content-type': 'application/json', 'x-trace': 'abc' }),
      body: {
        method: 'POST',
        path: '/things',
        query: { page: '2', q: 'a b' },
        contentType: 'application/json',
        auth: 'Bearer t0k',
        body: '{"name":"hoodie","sizes":["S","M"]}',
      },
    });
  });

  it('sends a text body as text (a string parameter of "any" type stays a string)', async () => {
    const output = await runNodeForOutput({
      type: 'ionfluxHttpRequest',
      parameters: send({ url: `${api.url}/echo`, method: 'PUT', body: 'plain words' }),
    });
    expect(output.body).toMatchObject({ method: 'PUT', contentType: 'text/plain; charset=utf-8', body: 'plain words' });
  });

  it('returns text bodies with responseType text, and refuses non-JSON with responseType json', async () => {
    expect(
      (
        await runNodeForOutput({
          type: 'ionfluxHttpRequest',
          parameters: send({ url: `${api.url}/text`, responseType: 'text' }),
        })
      ).body,
    ).toBe('<p>hello</p>');
    const run = await runNode({ type: 'ionfluxHttpRequest', parameters: send({ url: `${api.url}/text` }) });
    expect(run.error?.message).toMatch(
      /Parameter "responseType" is "json", but the response .* is not JSON \(content-type text\/html\); use "text"/,
    );
  });

  it('fails on HTTP errors with the status and the body', async () => {
    const run = await runNode({ type: 'ionfluxHttpRequest', parameters: send({ url: `${api.url}/missing` }) });
    expect(run.error?.message).toBe(`HTTP 404 from ${new URL(api.url).host}: {"error":"no such thing"}`);
  });

  it('retries 5xx with options.retries (exponential backoff)', async () => {
    const output = await runNodeForOutput({
      type: 'ionfluxHttpRequest',
      parameters: send({ url: `${api.url}/flaky`, options: { retries: 3, retryDelayMs: 5 } }),
    });
    expect(output.body).toEqual({ attempt: 3 });
  });

  it.each([
    [
      'http://169.254.169.254/latest/meta-data/',
      /169\.254\.169\.254 is a private, loopback, link-local or reserved IPv4 address/,
    ],
    ['http://[fd00:ec2::254]/latest/meta-data/', /private, loopback, link-local, multicast or reserved IPv6 address/],
    ['http://metadata.google.internal/computeMetadata/v1/', /local or cloud metadata host/],
    ['http://2130706433/', /127\.0\.0\.1 is a private/],
    ['http://0177.0.0.1/', /127\.0\.0\.1 is a private/],
    ['http://0x7f.1/', /127\.0\.0\.1 is a private/],
    ['http://[::ffff:127.0.0.1]/', /embedding the blocked IPv4 address 127\.0\.0\.1|private, loopback/],
    ['http://0.0.0.0/', /0\.0\.0\.0 is a private/],
    ['http://100.64.0.1/', /100\.64\.0\.1 is a private/],
    ['http://192.168.1.1/', /192\.168\.1\.1 is a private/],
    ['file:///etc/passwd', /Only http and https URLs can be called, not file:/],
    ['http://admin:hunter2@example.com/', /URLs with credentials .* are not allowed/],
  ])('blocks %s', async (url, message) => {
    const run = await runNode({ type: 'ionfluxHttpRequest', parameters: send({ url }) });
    expect(run.error?.message).toMatch(message);
  });

  it('blocks loopback services that are not on the allowlist', async () => {
    const run = await runNode({ type: 'ionfluxHttpRequest', parameters: send({ url: `${internal.url}/` }) });
    expect(run.error?.message).toMatch(/127\.0\.0\.1 is a private, loopback/);
    const byName = await runNode({
      type: 'ionfluxHttpRequest',
      parameters: send({ url: `http://localhost:${internal.port}/` }),
    });
    expect(byName.error?.message).toMatch(/local or cloud metadata host/);
    expect(internal.requests).toHaveLength(0);
  });

  it.each([
    ['to a loopback service', () => `${internal.url}/`],
    ['to localhost', () => `http://localhost:${internal.port}/`],
    ['to the metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['to the decimal loopback', () => `http://2130706433:${internal.port}/`],
    ['to file:', () => 'file:///etc/passwd'],
  ])('checks every redirect hop: a redirect %s is blocked', async (_name, target) => {
    const run = await runNode({
      type: 'ionfluxHttpRequest',
      parameters: send({ url: `${api.url}/redirect?redirect=${encodeURIComponent(target())}` }),
    });
    expect(run.error?.message).toMatch(/cannot be called|Only http and https|local or cloud metadata host/);
    expect(internal.requests).toHaveLength(0);
  });

  it('stops after 5 redirects', async () => {
    const run = await runNode({ type: 'ionfluxHttpRequest', parameters: send({ url: `${api.url}/loop` }) });
    expect(run.error?.message).toBe(`The request to ${new URL(api.url).host} was redirected more than 5 times.`);
  });

  it('names the parameter when input is bad', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ url: 'not a url' }, /Parameter "url" must be an absolute http\(s\) URL/],
      [{ url: '={{ "" }}' }, /Parameter "url" is required/],
      [
        { url: `${api.url}/`, headers: '{ "Authorization": ' },
        /Parameter "headers" must be an object .* written as JSON, but its text is not valid JSON/,
      ],
      [{ url: `${api.url}/`, headers: '["a"]' }, /Parameter "headers" must be an object/],
      [
        { url: `${api.url}/`, query: '{ "page": { "n": 2 } }' },
        /Parameter "query" must map names to texts, but "page" is a object/,
      ],
      [{ url: `${api.url}/`, method: 'TRACE' }, /Parameter "method" must be one of/],
      [
        { url: `${api.url}/`, options: { retries: 'many' } },
        /Parameter "options.retries" must be a whole number between 0 and 10/,
      ],
    ];
    for (const [parameters, message] of cases) {
      const run = await runNode({ type: 'ionfluxHttpRequest', parameters: send(parameters) });
      expect(run.error?.message).toMatch(message);
    }
  });

  it('routes failing items to the error output with continueErrorOutput, one result per item', async () => {
    const run = await runNode({
      type: 'ionfluxHttpRequest',
      parameters: send({ url: '={{ $json.url }}' }),
      items: [{ url: `${api.url}/ok` }, { url: 'http://169.254.169.254/' }, { url: `${api.url}/missing` }],
      onError: 'continueErrorOutput',
    });
    expect(run.error).toBeUndefined();
    expect(run.items).toEqual([
      expect.objectContaining({ status: 200, body: expect.objectContaining({ path: '/ok' }) }),
    ]);
    expect(run.errorItems).toEqual([
      {
        error:
          'The address 169.254.169.254 is a private, loopback, link-local or reserved IPv4 address; it cannot be called.',
      },
      { error: `HTTP 404 from ${new URL(api.url).host}: {"error":"no such thing"}` },
    ]);
    const errorOutput = run.run?.data.resultData.runData['Node under test']?.[0]?.data?.main?.[1];
    const paired = (errorOutput ?? []).map((item) => item.pairedItem);
    expect(paired).toEqual([{ item: 1 }, { item: 2 }]);
  });

  it('stops at the failing item without continueOnFail, naming it', async () => {
    const run = await runNode({
      type: 'ionfluxHttpRequest',
      parameters: send({ url: '={{ $json.url }}' }),
      items: [{ url: `${api.url}/ok` }, { url: 'http://10.0.0.1/' }],
    });
    expect(run.error?.message).toMatch(/10\.0\.0\.1/);
    expect(run.error?.context?.itemIndex).toBe(1);
  });

  it('with continueRegularOutput, errors stay on the main output as { error }', async () => {
    const run = await runNode({
      type: 'ionfluxHttpRequest',
      parameters: send({ url: '={{ $json.url }}' }),
      items: [{ url: 'http://10.0.0.1/' }, { url: `${api.url}/fine` }],
      onError: 'continueRegularOutput',
    });
    expect(run.items).toEqual([
      { error: expect.stringMatching(/10\.0\.0\.1/) },
      expect.objectContaining({ status: 200 }),
    ]);
  });
});
