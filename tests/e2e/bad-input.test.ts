import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lib/routes';
import { type RunningApi, startApi } from '../support/npm-start';

// Hostile and malformed requests against `npm start`, as a client on the network sends them: every one
// is answered, with a 4xx problem document that says what was wrong and reveals nothing internal.

let api: RunningApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api?.stop());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with node:http, which sends what fetch refuses to (CONNECT, TRACE, odd paths, bytes). */
function send(
  method: string,
  path: string,
  headers: Record<string, string | string[]> = {},
  body?: Buffer | string,
) {
  return new Promise<Answer>((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: api.port, method, path, headers, timeout: 20_000 },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    // A request left unanswered is a failure of its own, never a hung test.
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${path} was not answered`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A 4xx problem+json whose type and detail say what was wrong, with no stack trace or internals. */
function expectProblem(answer: Answer, status: number, slug: string) {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.headers['cache-control']).toBe('no-store');
  const problem = JSON.parse(answer.body);
  expect(problem.type).toBe(`tag:canary-api,2026:problems/${slug}`);
  expect(problem.detail).toEqual(expect.any(String));
  expect(answer.body).not.toMatch(/\bat .+:\d+:\d+|node_modules|Error:/);
}

const text = { 'content-type': 'text/plain' };
const json = { 'content-type': 'application/json' };
const MB = 1024 * 1024;

describe('bodies', () => {
  it.each([
    ['1 MB of text to /echo', '/echo', text, 1 * MB, 'body-too-large'],
    ['1 MB to POST /hits/x, which reads no body', '/hits/x', text, 1 * MB, 'body-too-large'],
    ['10 MB to /echo, under the gateway limit', '/echo', json, 10 * MB, 'body-too-large'],
    ['10 MB and one byte, over the gateway limit', '/echo', json, 10 * MB + 1, 'body-too-large'],
  ])('refuses %s with 413', async (_, path, headers, size, slug) => {
    expectProblem(await send('POST', path, headers, Buffer.alloc(size, 'a')), 413, slug);
  });

  it('refuses JSON nested deeper than 128 levels with 400', async () => {
    expectProblem(
      await send('POST', '/echo', json, `${'['.repeat(129)}${']'.repeat(129)}`),
      400,
      'json-too-deep',
    );
  });

  it.each([
    ['text', text],
    ['JSON', json],
  ])('refuses a %s body that is not UTF-8 with 400', async (_, headers) => {
    const body = Buffer.from([0x22, 0x61, 0xff, 0xfe, 0x22]);
    expectProblem(await send('POST', '/echo', headers, body), 400, 'invalid-encoding');
  });

  it('echoes a body that starts with a UTF-8 BOM byte for byte, BOM included', async () => {
    const body = Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('{"a":1}')]);
    const answer = await send('POST', '/echo', json, body);
    expect(answer.status).toBe(200);
    expect(Buffer.from(answer.body).equals(body)).toBe(true);
  });

  it('answers no CORS, as API Gateway with no CORS configured: a preflight is a 405, a cross-origin GET has no CORS headers', async () => {
    const origin = { origin: 'https://elsewhere.example' };
    const preflight = await send('OPTIONS', '/hello', { ...origin, 'access-control-request-method': 'GET' });
    expectProblem(preflight, 405, 'method-not-allowed');
    expect(preflight.headers.allow).toBe('GET');
    const get = await send('GET', '/hello', origin);
    expect(get.status).toBe(200);
    expect(Object.keys(get.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it.each(['/hits/', '/hits/.', '/hits/..'])(
    'answers %s with 404 and never counts, as API Gateway routes it apart from /hits',
    async (path) => {
      const before = JSON.parse((await send('GET', '/hits/default')).body).hits;
      for (const method of ['GET', 'POST']) expectProblem(await send(method, path), 404, 'not-found');
      expect(JSON.parse((await send('GET', '/hits/default')).body).hits).toBe(before);
    },
  );

  it('answers a Range request with the whole answer, 200, as API Gateway does', async () => {
    const answer = await send('GET', '/hello', { range: 'bytes=0-3' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Hello, world!' });
  });

  it('refuses a name whose percent-escapes are not UTF-8 with 400, as it refuses such a body', async () => {
    expectProblem(await send('GET', '/hello?name=caf%FF'), 400, 'invalid-encoding');
  });

  it.each([
    ['no Content-Type', {}],
    ['an image', { 'content-type': 'image/png' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
  ])('refuses %s on /echo with 415 and says what it accepts', async (_, headers) => {
    const answer = await send('POST', '/echo', headers, 'a=1');
    expectProblem(answer, 415, 'unsupported-media-type');
    expect(answer.headers['accept-post']).toBe('application/json, text/plain');
  });
});

describe('counter names and keys', () => {
  it.each([
    ['a ../ path segment', '/hits/..%2Fhealth', 400, 'invalid-counter-name'],
    ['a NUL byte', '/hits/%00', 400, 'invalid-counter-name'],
    ['unicode', '/hits/caf%C3%A9-%F0%9F%A6%8A', 400, 'invalid-counter-name'],
    ['1,000 characters', `/hits/${'a'.repeat(1000)}`, 400, 'invalid-counter-name'],
    ['a broken percent-escape', '/hits/%ZZ', 400, 'gateway-rejected'],
  ])('refuses %s with a problem and counts nothing', async (_, path, status, slug) => {
    expectProblem(await send('POST', path), status, slug);
  });

  it('refuses an Idempotency-Key sent twice with 400 and counts nothing, never merging the two', async () => {
    const answer = await send('POST', '/hits/twice', { 'idempotency-key': ['a1', 'a2'] });
    expectProblem(answer, 400, 'invalid-request');
    expect(JSON.parse((await send('GET', '/hits/twice')).body).hits).toBe(0);
  });

  it('refuses an Idempotency-Key of 10,000 characters with 400', async () => {
    const answer = await send('POST', '/hits/keyed', { 'idempotency-key': 'k'.repeat(10_000) });
    expectProblem(answer, 400, 'invalid-idempotency-key');
  });

  it('refuses a 100 KB header with 431', async () => {
    expectProblem(
      await send('GET', '/hello', { 'x-padding': 'p'.repeat(100_000) }),
      431,
      'headers-too-large',
    );
  });

  it('refuses the same Idempotency-Key with another body with 422, and counts once', async () => {
    const key = { 'idempotency-key': 'order-422' };
    expect((await send('POST', '/hits/reused', key, 'first')).status).toBe(200);
    expectProblem(await send('POST', '/hits/reused', key, 'second'), 422, 'idempotency-key-reused');
    expect(JSON.parse((await send('GET', '/hits/reused')).body).hits).toBe(1);
  });
});

describe('methods', () => {
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE'];
  const unsupported = Object.entries(ROUTES).flatMap(([resource, allowed]) =>
    methods
      .filter((method) => !allowed.includes(method))
      .map((method) => [method, resource.replace('{counter}', 'm'), allowed] as const),
  );

  it.each(unsupported)('answers %s %s with 405 and Allow', async (method, path, allowed) => {
    const answer = await send(method, path);
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe(allowed.join(', '));
    if (method !== 'HEAD') expectProblem(answer, 405, 'method-not-allowed');
  });

  it('never counts a HEAD: HEAD is safe (RFC 9110)', async () => {
    for (const path of ['/hits', '/hits/head-only']) await send('HEAD', path);
    expect(JSON.parse((await send('GET', '/hits/head-only')).body).hits).toBe(0);
    expect(JSON.parse((await send('GET', '/hits')).body).hits).toBe(1);
  });

  it.each(methods)('answers %s on a path the API does not have with 404 (HEAD: no body)', async (method) => {
    const answer = await send(method, '/no/such/path');
    expect(answer.status).toBe(404);
    if (method !== 'HEAD') expectProblem(answer, 404, 'not-found');
  });

  it('refuses CONNECT, which node:http and fetch cannot send as a request, with 400', async () => {
    const socket = connect(api.port, '127.0.0.1');
    socket.end('CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk);
    const [head = '', body = ''] = Buffer.concat(chunks).toString().split('\r\n\r\n');
    const status = Number(head.split(' ')[1]);
    expectProblem(
      {
        status,
        headers: {
          'content-type': /content-type: (\S+)/.exec(head)?.[1],
          'cache-control': /cache-control: (\S+)/.exec(head)?.[1],
        },
        body,
      },
      400,
      'gateway-rejected',
    );
  });
});
