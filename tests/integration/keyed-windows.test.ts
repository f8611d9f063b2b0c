import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestDynamoDB, type TestDynamoDB } from '../support/local-api';

// How Idempotency-Keys live on their counter's item, on a clock the test drives: 60-second windows of
// at most 3 keys, against dynalite in a process of its own.
const WINDOW_SECONDS = 60;
const at = (window: number, second = 0) => (window * WINDOW_SECONDS + second) * 1000;

let dynamodb: TestDynamoDB;
let counters: typeof import('../../lib/dynamodb');
let items: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamodb = await startTestDynamoDB();
  vi.resetModules();
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamodb.endpoint);
  vi.stubEnv('IDEMPOTENCY_WINDOW_SECONDS', String(WINDOW_SECONDS));
  vi.stubEnv('IDEMPOTENCY_KEYS_PER_WINDOW', '3');
  counters = await import('../../lib/dynamodb');
  items = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await dynamodb?.close();
});

const keyed = (counter: string, idempotencyKey: string, now: number, body: string | null = null) =>
  counters.incrementCounterOnce({ counter, idempotencyKey, body }, now);

async function attributesOf(counter: string): Promise<string[]> {
  const { Item = {} } = await items.send(
    new GetCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: `counter#${counter}` },
      ConsistentRead: true,
    }),
  );
  return Object.keys(Item).sort();
}

describe('Idempotency-Keys on their counter', () => {
  it('remember a key in its window and the next, and forget it after', async () => {
    expect(await keyed('w', 'k1', at(100, 5))).toBe(1);
    expect(await keyed('w', 'k1', at(100, 59))).toBe(1);
    expect(await keyed('w', 'k1', at(101, 59))).toBe(1);
    expect(await keyed('w', 'k1', at(102, 0))).toBe(2);
    expect(await counters.readCounter('w')).toBe(2);
  });

  it('keep only the current and the last window on the item', async () => {
    await keyed('tidy', 'a', at(200));
    await keyed('tidy', 'b', at(201));
    await keyed('tidy', 'c', at(205));
    // Opening window 205 dropped windows 200 and 201; 204, the last, never had a key.
    expect(await attributesOf('tidy')).toEqual(['f205', 'hits', 'k205', 'pk']);
  });

  it('refuse a window’s 4th key with 429 until the next window, and still replay its keys', async () => {
    for (const key of ['x', 'y', 'z']) await keyed('full', key, at(300, 10));
    const refused = await keyed('full', 'one-too-many', at(300, 15)).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      status: 429,
      type: 'tag:canary-api,2026:problems/idempotency-keys-exhausted',
      headers: { 'retry-after': '45' },
    });
    expect(await keyed('full', 'y', at(300, 20))).toBe(2);
    expect(await keyed('full', 'one-too-many', at(301, 0))).toBe(4);
    expect(await counters.readCounter('full')).toBe(4);
  });

  it('count unkeyed hits on the same item, exactly', async () => {
    await keyed('mixed', 'm1', at(400));
    await counters.incrementCounter('mixed');
    expect(await keyed('mixed', 'm2', at(400))).toBe(3);
    expect(await keyed('mixed', 'm1', at(400))).toBe(1);
    expect(await counters.readCounter('mixed')).toBe(3);
  });
});
