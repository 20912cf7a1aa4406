import { afterEach, describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { HttpClient, fetchThrough, parseRetryAfter } from './client';
import type { RetryEvent } from './client';
import { HttpNetworkError, HttpTimeoutError, TooManyRedirectsError } from './errors';
import { SsrfBlockedError } from './ssrf';
import type { HostResolver } from './ssrf';
import { sendJson, startLocalServer } from '../../test-support/local-server';
import type { LocalServer } from '../../test-support/local-server';

const servers: LocalServer[] = [];
async function server(handler: Parameters<typeof startLocalServer>[0]): Promise<LocalServer> {
  const s = await startLocalServer(handler);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('HttpClient retries', () => {
  it('retries 5xx with exponential backoff and returns the first success', async () => {
    let calls = 0;
    const s = await server((_req, res) =>
      ++calls < 3 ? sendJson(res, 503, { error: 'busy' }) : sendJson(res, 200, { ok: true }),
    );
    const events: RetryEvent[] = [];
    const client = new HttpClient({ retries: 3, retryDelayMs: 10, onRetry: (e) => events.push(e) });
    const response = await client.send({ url: `${s.url}/x` });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text())).toEqual({ ok: true });
    expect(calls).toBe(3);
    expect(events.map((e) => [e.reason, e.status, e.delayMs])).toEqual([
      ['transient', 503, 10],
      ['transient', 503, 20],
    ]);
  });

  it('does not retry without retries, nor any 4xx other than 429', async () => {
    let calls = 0;
    const s = await server((req, res) => {
      calls++;
      sendJson(res, req.url === '/bad' ? 400 : 500, { error: 'no' });
    });
    expect((await new HttpClient().send({ url: `${s.url}/x` })).status).toBe(500);
    expect(calls).toBe(1);
    expect((await new HttpClient({ retries: 3, retryDelayMs: 1 }).send({ url: `${s.url}/bad` })).status).toBe(400);
    expect(calls).toBe(2);
  });

  it('honours Retry-After on 429 and waits nothing longer than allowed', async () => {
    let calls = 0;
    const s = await server((_req, res) =>
      ++calls === 1
        ? sendJson(res, 429, { error: 'slow down' }, { 'Retry-After': '1' })
        : sendJson(res, 200, { ok: true }),
    );
    const events: RetryEvent[] = [];
    const response = await new HttpClient({ rateLimitRetries: 1, onRetry: (e) => events.push(e) }).send({ url: s.url });
    expect(response.status).toBe(200);
    expect(events).toEqual([expect.objectContaining({ reason: 'rateLimited', status: 429, delayMs: 1000 })]);

    // A Retry-After beyond the longest allowed wait: the 429 is returned at once for the caller to report.
    const slow = await server((_req, res) =>
      sendJson(res, 429, { error: 'come back tomorrow' }, { 'Retry-After': '86400' }),
    );
    const answer = await new HttpClient({ retries: 3, maxDelayMs: 5000 }).send({ url: slow.url });
    expect(answer.status).toBe(429);
    expect(slow.requests).toHaveLength(1);
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('retries network errors and then reports the host and the cause', async () => {
    const s = await server((_req, res) => sendJson(res, 200, {}));
    const url = s.url;
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const events: RetryEvent[] = [];
    const error = await new HttpClient({ retries: 2, retryDelayMs: 5, onRetry: (e) => events.push(e) })
      .send({ url })
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(HttpNetworkError);
    expect((error as HttpNetworkError).code).toBe('ECONNREFUSED');
    expect((error as Error).message).toContain(new URL(url).host);
    expect(events.map((e) => e.reason)).toEqual(['network', 'network']);
  });

  it('fails with the deadline (timeoutMs) when the server does not answer in time', async () => {
    const s = await server(() => undefined); // never answers
    const error = await new HttpClient({ timeoutMs: 150, retries: 5, retryDelayMs: 1 })
      .send({ url: s.url })
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect((error as Error).message).toContain('150 ms');
  });

  it('retries an attempt that stalls (per-attempt timeout) within the deadline', async () => {
    let calls = 0;
    const s = await server((_req, res) => {
      if (++calls === 1) return; // the first attempt hangs
      sendJson(res, 200, { second: true });
    });
    const response = await new HttpClient({ attemptTimeoutMs: 100, retries: 1, retryDelayMs: 1 }).send({ url: s.url });
    expect(JSON.parse(response.text())).toEqual({ second: true });
    expect(calls).toBe(2);
  });
});

/** A clock whose timers fire only when the test says so, in the order it chooses; it records which were cleared. */
function manualClock() {
  const timers: { ms: number; controller: AbortController; cleared: boolean }[] = [];
  let now = 0;
  return {
    timers,
    clock: {
      now: () => now,
      timeout: (ms: number) => {
        const timer = { ms, controller: new AbortController(), cleared: false };
        timers.push(timer);
        return { signal: timer.controller.signal, clear: () => (timer.cleared = true) };
      },
    },
    advance(ms: number) {
      now += ms;
    },
    fire(index: number) {
      timers[index]!.controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    },
  };
}

describe('HttpClient deadline', () => {
  it("fails with the deadline's error when the attempt clipped to the deadline times out", async () => {
    let received!: () => void;
    const arrived = new Promise<void>((resolve) => (received = resolve));
    const s = await server(() => received()); // never answers
    const time = manualClock();
    const pending = new HttpClient({ timeoutMs: 300, retries: 3, retryDelayMs: 1, clock: time.clock })
      .send({ url: s.url })
      .catch((e: Error) => e);
    await arrived;
    // One timer: the attempt's limit (60 s by default) clipped to the deadline, so one failure, the deadline's.
    expect(time.timers.map((t) => t.ms)).toEqual([300]);
    time.advance(300);
    time.fire(0);
    const error = await pending;
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect((error as Error).message).toBe(
      `The request to ${new URL(s.url).host} did not finish within the timeout of 300 ms.`,
    );
    expect(time.timers.map((t) => t.cleared)).toEqual([true]);
  });

  it('clears every timer it set once a request has its answer', async () => {
    const s = await server((_req, res) => sendJson(res, 200, { ok: true }));
    const time = manualClock();
    const client = new HttpClient({ timeoutMs: 5_000, attemptTimeoutMs: 1_000, clock: time.clock });
    await client.send({ url: s.url });
    time.advance(10);
    await client.send({ url: s.url });
    expect(time.timers.map((t) => [t.ms, t.cleared])).toEqual([
      [1_000, true],
      [1_000, true],
    ]);
  });

  it('gives withDeadline work what is left of the deadline and clears its timer when the work ends', async () => {
    const time = manualClock();
    const client = new HttpClient({ timeoutMs: 300, clock: time.clock });
    time.advance(100);
    const aborted = await client.withDeadline(
      (signal) =>
        new Promise<string>((resolve) => {
          signal!.addEventListener('abort', () => resolve((signal!.reason as DOMException).name));
          time.fire(0);
        }),
    );
    expect(aborted).toBe('TimeoutError');
    expect(time.timers.map((t) => [t.ms, t.cleared])).toEqual([[200, true]]);
    const cancel = new AbortController();
    const canceled = new HttpClient({ signal: cancel.signal, clock: time.clock }).withDeadline(
      (signal) => new Promise((_resolve, reject) => signal!.addEventListener('abort', () => reject(signal!.reason))),
    );
    cancel.abort(new Error('run canceled'));
    await expect(canceled).rejects.toThrow('run canceled');
    expect(time.timers).toHaveLength(1); // no deadline: no timer
  });

  it("cancels a request when the run's signal aborts, and leaves no listener on it once a request is answered", async () => {
    const s = await server((req, res) => {
      if (req.url === '/slow') return; // never answers: only the cancellation ends it
      sendJson(res, 200, { ok: true });
    });
    const run = new AbortController();
    const client = new HttpClient({ signal: run.signal, timeoutMs: 5_000 });
    await client.send({ url: s.url });
    await client.withDeadline(async () => 'done');
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
    const slow = client.send({ url: `${s.url}/slow` });
    setTimeout(() => run.abort(new Error('run canceled')), 50);
    await expect(slow).rejects.toThrow(/cancel/i);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('retries an attempt that times out before the deadline', async () => {
    let calls = 0;
    let first!: () => void;
    const firstArrived = new Promise<void>((resolve) => (first = resolve));
    const s = await server((_req, res) => {
      if (++calls === 1)
        first(); // the first attempt hangs
      else sendJson(res, 200, { second: true });
    });
    const time = manualClock();
    const pending = new HttpClient({
      timeoutMs: 300,
      attemptTimeoutMs: 100,
      retries: 1,
      retryDelayMs: 0,
      clock: time.clock,
    }).send({ url: s.url });
    await firstArrived;
    expect(time.timers.map((t) => t.ms)).toEqual([100]);
    time.advance(100);
    time.fire(0);
    expect(JSON.parse((await pending).text())).toEqual({ second: true });
    expect(calls).toBe(2);
    // The second attempt's limit is what was left of the deadline; both timers were cleared.
    expect(time.timers.map((t) => [t.ms, t.cleared])).toEqual([
      [100, true],
      [100, true],
    ]);
  });
});

describe('HttpClient redirects and the SSRF guard', () => {
  it('returns redirects as responses unless told to follow them', async () => {
    const s = await server((_req, res) => {
      res.writeHead(302, { Location: '/elsewhere' });
      res.end();
    });
    const response = await new HttpClient().send({ url: s.url });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/elsewhere');
  });

  it('follows at most 5 redirects, checking every hop', async () => {
    const s = await server((req, res) => {
      const n = Number(new URL(req.url, 'http://x').searchParams.get('n') ?? 0);
      if (n < 5) {
        res.writeHead(302, { Location: `/?n=${n + 1}` });
        return res.end();
      }
      sendJson(res, 200, { hops: n });
    });
    const ssrf = { allowedOrigins: [s.origin] };
    const response = await new HttpClient({ ssrf }).send({ url: `${s.url}/?n=0` });
    expect(JSON.parse(response.text())).toEqual({ hops: 5 });
    await expect(new HttpClient({ ssrf }).send({ url: `${s.url}/?n=-1` })).rejects.toBeInstanceOf(
      TooManyRedirectsError,
    );
  });

  it('blocks a redirect to loopback on another origin, to metadata, or to another scheme', async () => {
    const target = await server((_req, res) => sendJson(res, 200, { secret: 'internal' }));
    const locations: Record<string, string> = {
      '/to-loopback': `${target.url}/`,
      '/to-localhost': `http://localhost:${target.port}/`,
      '/to-metadata': 'http://169.254.169.254/latest/meta-data/',
      '/to-decimal': 'http://2130706433/',
      '/to-file': 'file:///etc/passwd',
    };
    const s = await server((req, res) => {
      res.writeHead(302, { Location: locations[req.url]! });
      res.end();
    });
    const ssrf = { allowedOrigins: [s.origin] };
    for (const path of Object.keys(locations)) {
      await expect(new HttpClient({ ssrf }).send({ url: `${s.url}${path}` })).rejects.toBeInstanceOf(SsrfBlockedError);
    }
    expect(target.requests).toHaveLength(0);
  });

  it('drops credentials when a redirect leaves the origin, and turns POST into GET on 302/303', async () => {
    const second = await server((req, res) =>
      sendJson(res, 200, { method: req.method, authorization: req.headers.authorization ?? null, body: req.body }),
    );
    const first = await server((_req, res) => {
      res.writeHead(303, { Location: `${second.url}/after` });
      res.end();
    });
    const ssrf = { allowedOrigins: [first.origin, second.origin] };
    const response = await new HttpClient({ ssrf }).send({
      method: 'POST',
      url: first.url,
      headers: { Authorization: 'Bearer secret', 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    expect(JSON.parse(response.text())).toEqual({ method: 'GET', authorization: null, body: '' });
    expect(first.requests[0]!.headers.authorization).toBe('Bearer secret');
  });

  it('pins the connection to the checked address: a DNS rebind cannot switch it', async () => {
    const s = await server((req, res) => sendJson(res, 200, { host: req.headers.host }));
    const answers = ['127.0.0.1', '10.0.0.1'];
    const asked: string[] = [];
    const resolve: HostResolver = async (hostname) => {
      asked.push(hostname);
      const address = answers.shift() ?? '10.0.0.1';
      return [{ address, family: 4 }];
    };
    const origin = `http://rebind.test:${s.port}`;
    const response = await new HttpClient({ ssrf: { allowedOrigins: [origin], resolve } }).send({ url: `${origin}/` });
    expect(JSON.parse(response.text())).toEqual({ host: `rebind.test:${s.port}` });
    // Resolved once, by the guard; the socket used that answer instead of asking DNS again (which says 10.0.0.1).
    expect(asked).toEqual(['rebind.test']);
  });

  it('refuses a host whose DNS answer is private, without connecting', async () => {
    const resolve: HostResolver = async () => [{ address: '192.168.0.10', family: 4 }];
    const error = await new HttpClient({ ssrf: { resolve } })
      .send({ url: 'http://printer.example/' })
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect((error as SsrfBlockedError).reason).toBe('address');
  });
});

describe('fetchThrough', () => {
  it('is a fetch over the client (method, headers, body, status, decoded body)', async () => {
    const s = await server((req, res) =>
      sendJson(
        res,
        201,
        { method: req.method, type: req.headers['content-type'], body: JSON.parse(req.body) },
        { 'X-Request-Id': 'r1' },
      ),
    );
    const f = fetchThrough(new HttpClient());
    const response = await f(`${s.url}/v1/things`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(await response.json()).toEqual({ method: 'POST', type: 'application/json', body: { a: 1 } });
  });
});
