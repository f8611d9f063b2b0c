import type { APIGatewayProxyResult } from 'aws-lambda';
import { vi } from 'vitest';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';
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

export async function startTestDynamoDB(): Promise<EmbeddedDynamoDB> {
  return startEmbeddedDynamoDB({ stage: 'test' });
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
