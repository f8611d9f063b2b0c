import { describe, expect, it } from 'vitest';
import { compileEndpoints } from '../../../../delivery/endpoints/compile';
import type { OpenApiDocument, Operation } from '../../../../delivery/endpoints/openapi';

const json = (examples: Operation['responses'][string]) => ({ '200': examples });
const answer = (examples: Record<string, object>) =>
  json({ content: { 'application/json': { examples } } as never });

/** A document with one path and one operation, `GET /things/{id}` served by `things`, unless told otherwise. */
function documentWith(operation: Partial<Operation>, path = '/things/{id}'): OpenApiDocument {
  return {
    paths: {
      [path]: {
        parameters: [{ name: 'id', in: 'path', required: true, examples: { one: { value: 'a b' } } }],
        get: {
          'x-function': 'things',
          responses: answer({
            one: { summary: 'finds it', value: { id: 'a b', at: 'now' }, 'x-varies': ['at'] },
          }),
          ...operation,
        },
      },
    },
    components: { parameters: { Limit: { name: 'limit', in: 'query', examples: { one: { value: 3 } } } } },
  };
}

describe('compileEndpoints', () => {
  it('makes each named example of an answer a check, sent with the parameters’ examples of its name', () => {
    const { routes, examples } = compileEndpoints(
      documentWith({ parameters: [{ $ref: '#/components/parameters/Limit' }] }),
    );
    expect(routes).toEqual({ '/things/{id}': ['GET'] });
    expect(examples).toEqual({
      things: [
        {
          name: 'GET /things/a%20b?limit=3 finds it',
          request: {
            method: 'GET',
            resource: '/things/{id}',
            path: '/things/a%20b',
            pathParameters: { id: 'a b' },
            query: { limit: '3' },
          },
          status: 200,
          // `at` varies from call to call: the check does not compare it.
          body: { id: 'a b' },
        },
      ],
    });
  });

  it('sends the body example of the same name, with its media type', () => {
    const { examples } = compileEndpoints(
      documentWith({
        requestBody: {
          content: {
            'text/plain': { examples: { other: { value: 'x' } } },
            'application/merge-patch+json': { examples: { one: { value: { a: 1 } } } },
          },
        },
      }),
    );
    expect(examples.things?.[0]?.request).toMatchObject({
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: '{"a":1}',
    });
  });

  it('sends no body when an optional body has no example of the name', () => {
    const { examples } = compileEndpoints(
      documentWith({
        requestBody: { content: { 'application/json': { examples: { other: { value: {} } } } } },
      }),
    );
    expect(examples.things?.[0]?.request).not.toHaveProperty('body');
  });

  it('keeps the document’s order of operations, and sorts each route’s methods', () => {
    const document = documentWith({});
    const path = document.paths['/things/{id}'] as Record<string, unknown>;
    document.paths['/things/{id}'] = { post: { ...(path.get as Operation), 'x-function': 'other' }, ...path };
    const compiled = compileEndpoints(document);
    expect(compiled.routes).toEqual({ '/things/{id}': ['GET', 'POST'] });
    expect(Object.keys(compiled.examples)).toEqual(['other', 'things']);
  });

  it.each<[string, Partial<Operation>, RegExp]>([
    ['an operation without x-function', { 'x-function': undefined }, /GET \/things\/\{id\} needs x-function/],
    ['an x-function that is no function key', { 'x-function': 'a-b' }, /needs x-function/],
    ['an example without a summary', { responses: answer({ one: { value: {} } }) }, /needs a summary/],
    [
      'an answer that is not a JSON object',
      { responses: answer({ one: { summary: 's', value: [1] } }) },
      /a checked answer is a JSON object/,
    ],
    [
      'x-varies naming a member the value lacks',
      { responses: answer({ one: { summary: 's', value: { a: 1 }, 'x-varies': ['b'] } }) },
      /x-varies names b, which the value lacks/,
    ],
    [
      'a check on a text answer',
      { responses: json({ content: { 'text/plain': { examples: { one: { summary: 's', value: 'x' } } } } }) },
      /only JSON answers are checked, not text\/plain/,
    ],
    [
      'a check on a status range',
      {
        responses: {
          '2XX': { content: { 'application/json': { examples: { one: { summary: 's', value: {} } } } } },
        },
      },
      /its status must be a number, not 2XX/,
    ],
    [
      'a required body without an example of the name',
      {
        requestBody: {
          required: true,
          content: { 'application/json': { examples: { other: { value: {} } } } },
        },
      },
      /example one: the request body has no example of this name/,
    ],
    [
      'a function whose answers have no example',
      { responses: json({ content: { 'application/json': {} } }) },
      /no answer of the operations of things has a named example/,
    ],
  ])('refuses %s, saying where', (_, operation, message) => {
    expect(() => compileEndpoints(documentWith(operation))).toThrow(message);
  });

  it('refuses a required parameter without an example of the name', () => {
    const document = documentWith({});
    const item = document.paths['/things/{id}'] as { parameters: unknown[] };
    item.parameters = [{ name: 'id', in: 'path', required: true }];
    expect(() => compileEndpoints(document)).toThrow(
      /GET \/things\/\{id\}, example one: the path parameter id has no example of this name/,
    );
  });

  it('refuses a parameter reference that does not resolve', () => {
    expect(() =>
      compileEndpoints(documentWith({ parameters: [{ $ref: '#/components/parameters/No' }] })),
    ).toThrow(/#\/components\/parameters\/No does not resolve/);
  });

  it('lets an operation’s parameter replace the path’s of the same name', () => {
    const own = { name: 'id', in: 'path' as const, required: true, examples: { one: { value: 'mine' } } };
    const { examples } = compileEndpoints(documentWith({ parameters: [own] }));
    expect(examples.things?.[0]?.request.pathParameters).toEqual({ id: 'mine' });
  });
});
