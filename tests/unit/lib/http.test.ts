import { afterEach, describe, expect, it, vi } from 'vitest';
import { BadRequest, MethodNotAllowed, ServiceUnavailable } from '../../../lib/errors';
import { api, header, json, MAX_BODY_BYTES, opaqueBody, queryParam, textBody } from '../../../lib/http';
import { apiEvent, bodyOf, lambdaContext, problemOf } from '../../support/fixtures';

describe('the api() middleware stack', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stamps a successful answer with the serving version', async () => {
    const handler = api(async () => json(200, { ok: true }));
    const result = await handler(apiEvent(), lambdaContext({ version: '42' }));
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-function-version': '42',
    });
  });

  it('turns a thrown problem into RFC 9457 problem+json with its headers and the version', async () => {
    const handler = api(async () => {
      throw new MethodNotAllowed('PUT', ['GET', 'POST']);
    });
    const result = await handler(apiEvent(), lambdaContext({ version: '3' }));
    expect(result.statusCode).toBe(405);
    // A 405 is heuristically cacheable (RFC 9111): no cache may keep an error of ours.
    expect(result.headers).toMatchObject({
      allow: 'GET, POST',
      'x-function-version': '3',
      'cache-control': 'no-store',
    });
    expect(problemOf(result)).toMatchObject({
      contentType: 'application/problem+json; charset=utf-8',
      type: 'tag:canary-api,2026:problems/method-not-allowed',
      title: 'Method Not Allowed',
      status: 405,
      detail: 'PUT is not supported here; use GET or POST.',
    });
  });

  it('answers an unexpected error with a generic 500 that reveals nothing', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = api(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'secretTableName')");
    });
    const result = await handler(apiEvent(), lambdaContext());
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toMatch(/secretTableName|TypeError|at /);
    expect(problemOf(result)).toMatchObject({ status: 500, title: 'Internal Server Error' });
    expect(logged).toHaveBeenCalledOnce();
  });

  it('does not log client errors as failures', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = api(async () => {
      throw new BadRequest('no');
    });
    expect((await handler(apiEvent(), lambdaContext())).statusCode).toBe(400);
    expect(logged).not.toHaveBeenCalled();
  });

  it('answers 503 with Retry-After instead of running into the Lambda timeout', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = api(() => new Promise(() => undefined));
    // The handler never settles: only the early timeout (500 ms before the deadline) can answer.
    const result = await handler(apiEvent(), lambdaContext({ version: '1', timeoutMs: 700 }));
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'retry-after': '1', 'x-function-version': '1' });
  });

  it('reads headers case-insensitively', async () => {
    const handler = api(async (event) => json(200, { type: event.headers['content-type'] }));
    const result = await handler(apiEvent({ headers: { 'Content-TYPE': 'text/plain' } }), lambdaContext());
    expect(bodyOf(result)).toEqual({ type: 'text/plain' });
  });

  it('keeps the 503 of a dependency, with its Retry-After', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = api(async () => {
      throw new ServiceUnavailable('down', 7);
    });
    const result = await handler(apiEvent(), lambdaContext());
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('7');
  });
});

describe('queryParam', () => {
  it('returns a single value and undefined when absent', () => {
    expect(queryParam(apiEvent({ query: { name: 'x' } }), 'name')).toBe('x');
    expect(queryParam(apiEvent(), 'name')).toBeUndefined();
  });

  it('rejects a repeated parameter with a 400', () => {
    expect(() => queryParam(apiEvent({ query: { name: ['a', 'b'] } }), 'name')).toThrow(BadRequest);
  });
});

describe('header', () => {
  it('returns a single value and undefined when absent', () => {
    expect(header(apiEvent({ headers: { 'idempotency-key': 'k1' } }), 'idempotency-key')).toBe('k1');
    expect(header(apiEvent(), 'idempotency-key')).toBeUndefined();
  });

  it('rejects a header sent twice with a 400, never picking one (API Gateway keeps only the last)', () => {
    const event = apiEvent({ headers: { 'idempotency-key': 'a2' } });
    event.multiValueHeaders = { ...event.multiValueHeaders, 'idempotency-key': ['a1', 'a2'] };
    expect(() => header(event, 'idempotency-key')).toThrow(BadRequest);
  });
});

describe('textBody and opaqueBody', () => {
  it('keeps a UTF-8 byte order mark: the echo is byte for byte', () => {
    const body = Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0x69]).toString('base64');
    expect(textBody(apiEvent({ body, isBase64Encoded: true }))).toBe('\uFEFFhi');
  });

  const multiByte = (bytes: number) => 'é'.repeat(bytes / 2);

  it('return a text body as sent, whether API Gateway passed it as text or base64', () => {
    expect(textBody(apiEvent({ body: 'hé', isBase64Encoded: false }))).toBe('hé');
    expect(textBody(apiEvent({ body: 'hé' }))).toBe('hé');
    expect(textBody(apiEvent())).toBe('');
    expect(opaqueBody(apiEvent())).toBeNull();
    expect(opaqueBody(apiEvent({ body: 'hé' }))).toBe(Buffer.from('hé').toString('base64'));
  });

  it('count decoded bytes, not characters, against MAX_BODY_BYTES', () => {
    const atLimit = multiByte(MAX_BODY_BYTES);
    expect(textBody(apiEvent({ body: atLimit }))).toBe(atLimit);
    for (const read of [textBody, opaqueBody]) {
      expect(() => read(apiEvent({ body: `${atLimit}a` }))).toThrow(
        expect.objectContaining({
          status: 413,
          message: `The request body exceeds ${MAX_BODY_BYTES} bytes.`,
        }),
      );
      expect(() => read(apiEvent({ body: `${atLimit}a`, isBase64Encoded: false }))).toThrow(/exceeds/);
    }
  });

  it('rejects bytes that are not UTF-8 with a 400 when the body is read as text', () => {
    const event = apiEvent({
      body: Buffer.from([0xff, 0xfe, 0x41]).toString('base64'),
      isBase64Encoded: true,
    });
    expect(() => textBody(event)).toThrow(BadRequest);
    expect(opaqueBody(event)).toBe(event.body);
  });
});
