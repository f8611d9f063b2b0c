import type { APIGatewayProxyResult } from 'aws-lambda';
import { vi } from 'vitest';
import { type DynamoDBProcess, startDynamoDBProcess } from '../../local/dynamodb-process';
import { apiEvent, lambdaContext } from './fixtures';

type Handler = typeof import('../../functions/hits')['handler'];

/**
 * Loads the handlers against a DynamoDB endpoint. lib/config.ts reads the environment once at load,
 * so the modules are loaded afresh after the endpoint is set.
 */
export async function handlersAgainst(endpoint: string) {
  vi.resetModules();
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', endpoint);
  const [hits, health] = await Promise.all([
    import('../../functions/hits'),
    import('../../functions/health'),
  ]);
  return { hits: hits.handler as Handler, health: health.handler as Handler };
}

export interface TestDynamoDB extends DynamoDBProcess {
  /** Freezes its process (SIGSTOP): requests wait, as behind a stalled partition. */
  pause(): void;
  resume(): void;
}

/**
 * The embedded DynamoDB in a process of its own, as npm start runs it: in the test's process its work
 * would share the handlers' event loop, and on a busy machine hundreds of requests in flight could hold
 * a connection past the SDK's 1-second connection timeout (seen in CI).
 */
export async function startTestDynamoDB(): Promise<TestDynamoDB> {
  const dynamodb = await startDynamoDBProcess({ stage: 'test' });
  return {
    ...dynamodb,
    pause: () => dynamodb.child.kill('SIGSTOP'),
    resume: () => dynamodb.child.kill('SIGCONT'),
  };
}

export function increment(
  hits: Handler,
  counter: string,
  idempotencyKey?: string,
  body?: string,
): Promise<APIGatewayProxyResult> {
  const headers: Record<string, string> = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {};
  return hits(
    apiEvent({
      method: 'POST',
      resource: '/hits/{counter}',
      path: `/hits/${counter}`,
      pathParameters: { counter },
      headers,
      body,
    }),
    lambdaContext(),
  );
}

export async function read(hits: Handler, counter: string): Promise<number> {
  const result = await hits(
    apiEvent({ resource: '/hits/{counter}', path: `/hits/${counter}`, pathParameters: { counter } }),
    lambdaContext(),
  );
  return JSON.parse(result.body).hits;
}
