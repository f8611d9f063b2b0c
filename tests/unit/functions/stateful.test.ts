import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as health } from '../../../functions/health';
import { handler as hits } from '../../../functions/hits';
import { apiEvent, bodyOf, lambdaContext, problemOf } from '../../support/fixtures';

const documents = mockClient(DynamoDBDocumentClient);
const dynamodb = mockClient(DynamoDBClient);
const context = lambdaContext({ version: '9' });

beforeEach(() => {
  documents.reset();
  dynamodb.reset();
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe('the hits function', () => {
  it.each([
    ['/hits', '/hits'],
    ['/hits/{counter}', '/hits/a'],
  ])('answers HEAD %s with 405 and never writes, as API Gateway’s fallback does', async (resource, path) => {
    const result = await hits(
      apiEvent({
        method: 'HEAD',
        resource,
        path,
        ...(path !== '/hits' && { pathParameters: { counter: 'a' } }),
      }),
      context,
    );
    expect(problemOf(result)).toMatchObject({ status: 405 });
    expect(result.headers?.allow).toMatch(/^GET/);
    expect(documents.calls()).toHaveLength(0);
  });

  it('POST /hits/{counter} increments with one atomic ADD and returns the new value', async () => {
    documents.on(UpdateCommand).resolves({ Attributes: { hits: 3 } });
    const result = await hits(
      apiEvent({
        method: 'POST',
        resource: '/hits/{counter}',
        path: '/hits/a.b-c_1',
        pathParameters: { counter: 'a.b-c_1' },
      }),
      context,
    );
    expect(bodyOf(result)).toEqual({ counter: 'a.b-c_1', hits: 3 });
    const [update] = documents.commandCalls(UpdateCommand);
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(documents.commandCalls(GetCommand)).toHaveLength(0);
    expect(update?.args[0].input).toMatchObject({
      TableName: 'canary-api-test',
      Key: { pk: 'counter#a.b-c_1' },
      UpdateExpression: 'ADD #hits :one',
      ReturnValues: 'UPDATED_NEW',
    });
  });

  it.each(['.', '..'])(
    'answers /hits/%s with 404 and never counts: dot segments are no counter',
    async (counter) => {
      for (const method of ['GET', 'POST']) {
        const result = await hits(
          apiEvent({
            method,
            resource: '/hits/{counter}',
            path: `/hits/${counter}`,
            pathParameters: { counter },
          }),
          context,
        );
        expect(problemOf(result)).toMatchObject({
          status: 404,
          type: 'tag:canary-api,2026:problems/not-found',
        });
      }
      expect(documents.calls()).toHaveLength(0);
    },
  );

  it('GET /hits/{counter} reads strongly consistent and never writes', async () => {
    documents.on(GetCommand).resolves({ Item: { hits: 41 } });
    const result = await hits(
      apiEvent({ resource: '/hits/{counter}', pathParameters: { counter: 'x' } }),
      context,
    );
    expect(bodyOf(result)).toEqual({ counter: 'x', hits: 41 });
    expect(documents.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('GET /hits/{counter} answers 0 for a counter never hit', async () => {
    documents.on(GetCommand).resolves({});
    const result = await hits(
      apiEvent({ resource: '/hits/{counter}', pathParameters: { counter: 'new' } }),
      context,
    );
    expect(bodyOf(result)).toEqual({ counter: 'new', hits: 0 });
  });

  it('GET /hits counts on the classic counter and says so', async () => {
    documents.on(UpdateCommand).resolves({ Attributes: { hits: 7 } });
    const result = await hits(apiEvent({ resource: '/hits' }), context);
    expect(bodyOf(result)).toEqual({ counter: 'default', hits: 7, message: 'Holla! we have hit 7 times' });
    expect(documents.commandCalls(UpdateCommand)[0]?.args[0].input.Key).toEqual({ pk: 'counter#default' });
  });

  it.each([['a/b'], ['x'.repeat(65)], ['white space'], ['ümlaut']])(
    'answers 400 for the counter name %j and touches nothing',
    async (counter) => {
      const result = await hits(
        apiEvent({ method: 'POST', resource: '/hits/{counter}', pathParameters: { counter } }),
        context,
      );
      expect(problemOf(result)).toMatchObject({ status: 400 });
      expect(documents.calls()).toHaveLength(0);
    },
  );

  it.each([[''], ['k'.repeat(129)], ['tab\there'], ['naïve']])(
    'answers 400 for the Idempotency-Key %j and touches nothing',
    async (key) => {
      const event = apiEvent({
        method: 'POST',
        resource: '/hits/{counter}',
        pathParameters: { counter: 'a' },
        headers: { 'Idempotency-Key': key },
      });
      expect(problemOf(await hits(event, context))).toMatchObject({ status: 400 });
      expect(documents.calls()).toHaveLength(0);
      expect(dynamodb.calls()).toHaveLength(0);
    },
  );

  it('answers 503 with Retry-After and no SDK details when DynamoDB fails', async () => {
    documents
      .on(UpdateCommand)
      .rejects(new Error('ProvisionedThroughputExceededException: arn:aws:dynamodb:secret'));
    const result = await hits(
      apiEvent({ method: 'POST', resource: '/hits/{counter}', pathParameters: { counter: 'a' } }),
      context,
    );
    expect(problemOf(result)).toMatchObject({ status: 503 });
    expect(result.headers?.['retry-after']).toBe('1');
    expect(result.body).not.toMatch(/arn:|Exception/);
  });
});

describe('the health function', () => {
  it('answers 200 UP after a real read of the table', async () => {
    documents.on(GetCommand).resolves({});
    const result = await health(apiEvent({ resource: '/health' }), context);
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ status: 'UP', version: '0.0.0-local', checks: { dynamodb: 'UP' } });
    expect(documents.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('answers 503 DOWN, problem-style, when DynamoDB fails', async () => {
    documents.on(GetCommand).rejects(new Error('connect ECONNREFUSED'));
    const result = await health(apiEvent({ resource: '/health' }), context);
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result)).toMatchObject({
      status: 'DOWN',
      checks: { dynamodb: 'DOWN' },
      title: 'Service Unavailable',
      type: 'tag:canary-api,2026:problems/unhealthy',
    });
    expect(result.body).not.toMatch(/ECONNREFUSED/);
  });
});
