import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeDynamoDB } from '../support/fake-dynamodb';
import { apiEvent, bodyOf, lambdaContext, problemOf } from '../support/fixtures';
import { handlersAgainst, increment } from '../support/local-api';

let fake: Awaited<ReturnType<typeof startFakeDynamoDB>>;
let handlers: Awaited<ReturnType<typeof handlersAgainst>>;

beforeAll(async () => {
  fake = await startFakeDynamoDB();
  handlers = await handlersAgainst(fake.endpoint);
});
afterAll(() => fake?.close());
beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

type Logged = Error & { code?: string; cause?: Logged };

/** What the last logged error was caused by: its name, code and message (the SDK nests them). */
function loggedCause(log: (...args: unknown[]) => void): string {
  const calls = vi.mocked(log).mock.calls;
  const error = calls.at(-1)?.find((argument): argument is Logged => argument instanceof Error);
  const cause = error?.cause ?? error;
  return `${cause?.name} ${cause?.code ?? ''} ${cause?.message}`;
}

describe('when DynamoDB misbehaves, the SDK as configured', () => {
  it('retries throttling, which DynamoDB rejects before writing, and then succeeds', async () => {
    fake.script((_, attempt) => (attempt === 1 ? 'throttle' : 'ok'));
    const result = await increment(handlers.hits, 'c');
    expect(result.statusCode).toBe(200);
    expect(fake.attempts('UpdateItem')).toBe(2);
  });

  it('answers 503 with Retry-After once throttling outlasts three attempts', async () => {
    fake.script(() => 'throttle');
    const result = await increment(handlers.hits, 'c');
    expect(problemOf(result)).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(result.headers?.['retry-after']).toBe('1');
    expect(fake.attempts('UpdateItem')).toBe(3);
  });

  it('never repeats an ADD that failed on the server side, which may have been applied', async () => {
    fake.script(() => 'server-error');
    const result = await increment(handlers.hits, 'c');
    expect(result.statusCode).toBe(503);
    expect(fake.attempts('UpdateItem')).toBe(1);
    expect(result.body).not.toMatch(/InternalServerError|Internal server error/);
  });

  it('gives up on an ADD at its own request timeout, answers 503 and never repeats it', async () => {
    fake.script(() => 'hang');
    // A Lambda deadline far away: only the SDK's 2-second request timeout can end this request.
    const result = await handlers.hits(
      apiEvent({ method: 'POST', resource: '/hits/{counter}', pathParameters: { counter: 'c' } }),
      lambdaContext({ timeoutMs: 60_000 }),
    );
    expect(result.statusCode).toBe(503);
    expect(loggedCause(console.error)).toMatch(/Timeout/);
    expect(fake.attempts('UpdateItem')).toBe(1);
  });

  it('counts a keyed hit in one write: a server error on it is a 503, never repeated, and nothing else is written', async () => {
    fake.script((operation, attempt) =>
      operation === 'UpdateItem' && attempt === 1 ? 'server-error' : 'ok',
    );
    expect((await increment(handlers.hits, 'c', 'retry-me')).statusCode).toBe(503);
    expect(['UpdateItem', 'PutItem', 'DeleteItem'].map(fake.attempts)).toEqual([1, 0, 0]);
    // The client's retry with its key is the next write; here DynamoDB takes it.
    expect((await increment(handlers.hits, 'c', 'retry-me')).statusCode).toBe(200);
    expect(['UpdateItem', 'PutItem', 'DeleteItem'].map(fake.attempts)).toEqual([2, 0, 0]);
  });
});

describe('GET /health', () => {
  it('answers 503 DOWN by its own 1.5-second timeout when DynamoDB does not answer at all', async () => {
    fake.script(() => 'hang');
    const result = await handlers.health(
      apiEvent({ resource: '/health' }),
      lambdaContext({ timeoutMs: 60_000 }),
    );
    expect([result.statusCode, bodyOf(result).status]).toEqual([503, 'DOWN']);
    expect(loggedCause(console.warn)).toMatch(/Abort|Timeout/);
  });

  it('answers 503 DOWN when nothing listens on the endpoint', async () => {
    const refused = await handlersAgainst('http://127.0.0.1:9');
    const result = await refused.health(apiEvent({ resource: '/health' }), lambdaContext());
    expect(bodyOf(result)).toMatchObject({ status: 'DOWN', checks: { dynamodb: 'DOWN' } });
    expect(loggedCause(console.warn)).toMatch(/ECONNREFUSED/);
  });
});
