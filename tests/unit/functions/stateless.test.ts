import { describe, expect, it } from 'vitest';
import { handler as echo } from '../../../functions/echo';
import { handler as fallback } from '../../../functions/fallback';
import { handler as hello } from '../../../functions/hello';
import { apiEvent, bodyOf, lambdaContext, problemOf } from '../../support/fixtures';

const context = lambdaContext({ version: '5' });

describe('GET /hello', () => {
  it('greets the world', async () => {
    const result = await hello(apiEvent({ resource: '/hello' }), context);
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ message: 'Hello, world!' });
    expect(result.headers?.['x-function-version']).toBe('5');
  });

  it('greets by name', async () => {
    const result = await hello(apiEvent({ resource: '/hello', query: { name: 'Ada' } }), context);
    expect(bodyOf(result)).toEqual({ message: 'Hello, Ada!' });
  });

  it('answers 400 problem+json for a name that is too long', async () => {
    const result = await hello(apiEvent({ resource: '/hello', query: { name: 'x'.repeat(101) } }), context);
    expect(problemOf(result)).toMatchObject({
      status: 400,
      contentType: 'application/problem+json; charset=utf-8',
    });
  });
});

describe('POST /echo', () => {
  const post = (body: string, headers: Record<string, string>, query: Record<string, string> = {}) =>
    echo(apiEvent({ method: 'POST', resource: '/echo', body, headers, query }), context);

  it('returns the JSON received, as JSON', async () => {
    const result = await post('{"a": [1, 2.50]}', { 'Content-Type': 'application/json' });
    expect(result).toMatchObject({ statusCode: 200, body: '{"a": [1, 2.50]}' });
    expect(result.headers?.['content-type']).toBe('application/json; charset=utf-8');
  });

  it('returns text as text', async () => {
    const result = await post('plain words', { 'content-type': 'text/plain' });
    expect(result).toMatchObject({ statusCode: 200, body: 'plain words' });
    expect(result.headers?.['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('shouts the example of the original service', async () => {
    const result = await post(
      '{"data": "hello, world!"}',
      { 'content-type': 'application/json' },
      { transform: 'shout' },
    );
    expect(bodyOf(result)).toEqual({ data: '!DLROW ,OLLEH' });
  });

  it('answers 413 above 64 KiB and accepts exactly 64 KiB', async () => {
    const limit = 64 * 1024;
    const exact = `"${'a'.repeat(limit - 2)}"`;
    expect((await post(exact, { 'content-type': 'application/json' })).statusCode).toBe(200);
    const tooBig = await post(`"${'a'.repeat(limit - 1)}"`, { 'content-type': 'application/json' });
    expect(problemOf(tooBig)).toMatchObject({ status: 413 });
  });

  it('answers 415 with the supported types for anything else', async () => {
    const result = await post('<a/>', { 'content-type': 'application/xml' });
    expect(problemOf(result)).toMatchObject({ status: 415 });
    expect(result.headers?.['accept-post']).toBe('application/json, text/plain');
  });

  it('answers 400 for malformed JSON', async () => {
    expect(problemOf(await post('{"a":', { 'content-type': 'application/json' }))).toMatchObject({
      status: 400,
    });
  });
});

describe('the fallback', () => {
  it('answers 405 with Allow for a known path and a wrong method', async () => {
    const result = await fallback(
      apiEvent({ method: 'DELETE', resource: '/hits/{counter}', path: '/hits/x' }),
      context,
    );
    expect(problemOf(result)).toMatchObject({ status: 405 });
    expect(result.headers?.allow).toBe('GET, POST');
  });

  it('answers 404 for an unknown path', async () => {
    const result = await fallback(
      apiEvent({ method: 'GET', resource: '/{proxy+}', path: '/nope/deeper' }),
      context,
    );
    expect(problemOf(result)).toMatchObject({ status: 404, detail: 'There is nothing at /nope/deeper.' });
  });
});
