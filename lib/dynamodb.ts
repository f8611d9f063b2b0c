import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StandardRetryStrategy } from '@smithy/core/retry';
import { config } from './config';
import { HttpProblem, IdempotencyKeyReused, KeyedHitsExhausted, ServiceUnavailable } from './errors';

/** The table's only key attribute (serverless.yml's KeySchema); every item kind prefixes its own key (`counter#…`). */
export const KEY_ATTRIBUTE = 'pk';
/**
 * The table's TTL attribute (epoch seconds, serverless.yml). Nothing writes it since keys live on the
 * counters; it stays so that the idempotency records of earlier releases still expire.
 */
export const TTL_ATTRIBUTE = 'expiration';
const HITS_ATTRIBUTE = 'hits';

/** Health checks give up after this long, well inside the 2-second budget of GET /health. */
const PING_TIMEOUT_MS = 1_500;

type RefreshArguments = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>;

/**
 * Retries only throttling, which DynamoDB rejects before writing anything. A timed-out or 5xx `ADD` may
 * already have been applied, and the SDK's default retry of it would count the hit twice.
 */
class ThrottlingOnlyRetryStrategy extends StandardRetryStrategy {
  override async refreshRetryTokenForRetry(...[token, errorInfo]: RefreshArguments) {
    if (errorInfo.errorType !== 'THROTTLING')
      throw new Error('Not retried: the write may have been applied.');
    return super.refreshRetryTokenForRetry(token, errorInfo);
  }
}

const client = new DynamoDBClient({
  region: config.region,
  retryStrategy: new ThrottlingOnlyRetryStrategy(3),
  // A healthy DynamoDB answers in milliseconds. Without throwOnRequestTimeout the SDK only logs a warning
  // and keeps waiting, and the request would run into the Lambda timeout instead of answering 503.
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  ...(config.dynamodbEndpoint && {
    endpoint: config.dynamodbEndpoint,
    ...(config.needsDummyCredentials && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  }),
});
const documents = DynamoDBDocumentClient.from(client);

const counterKey = (name: string) => ({ [KEY_ATTRIBUTE]: `counter#${name}` });

function unavailable(cause: unknown): HttpProblem {
  if (cause instanceof HttpProblem) return cause;
  return Object.assign(new ServiceUnavailable('The counter store is unavailable; try again shortly.', 1), {
    cause,
  });
}

/** Adds one hit with a single atomic `ADD` and returns the new total. */
export async function incrementCounter(name: string): Promise<number> {
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: counterKey(name),
        UpdateExpression: 'ADD #hits :one',
        ExpressionAttributeNames: { '#hits': HITS_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.[HITS_ATTRIBUTE]);
  } catch (error) {
    throw unavailable(error);
  }
}

/** The current total, read strongly consistent; 0 for a counter never hit. */
export async function readCounter(name: string): Promise<number> {
  try {
    const { Item } = await documents.send(
      new GetCommand({
        TableName: config.tableName,
        Key: counterKey(name),
        ProjectionExpression: '#hits',
        ExpressionAttributeNames: { '#hits': HITS_ATTRIBUTE },
        ConsistentRead: true,
      }),
    );
    return Number(Item?.[HITS_ATTRIBUTE] ?? 0);
  } catch (error) {
    throw unavailable(error);
  }
}

/**
 * Idempotency-Keys are remembered on the counter's own item, so that counting a hit and recording the
 * key it was counted for are one write, with no transaction (dynalite has none) and nothing two writes
 * could leave half done. Keys are kept in windows of `idempotencyWindowSeconds`: a key is found in its
 * own window and the one before, so it is remembered at least one window and at most two. Each window
 * holds the keys by digest (`k<window>`: the value each produced, `f<window>`: what it was sent with).
 */
const KEY_WINDOW = /^[kf]\d+$/;
const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 16);

/** One request to count once: the counter and the body it was sent with. */
export interface KeyedHit {
  counter: string;
  idempotencyKey: string;
  body: string | null;
}

type KeyNames = {
  '#hits': string;
  '#k': string;
  '#kp': string;
  '#f': string;
  '#fp': string;
  '#id': string;
};

const isRefused = (error: unknown) =>
  (error as Error)?.name === 'ConditionalCheckFailedException' ||
  // Real DynamoDB may refuse `#k.#id` as a path when the window's map does not exist yet.
  /document path provided in the update expression is invalid/i.test(String((error as Error)?.message));

/** The one write: counts the hit and records the key with the value it produced, unless the key is known or the window is full. */
async function countWithKey(
  counter: string,
  names: KeyNames,
  fingerprint: string,
): Promise<number | 'refused'> {
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: counterKey(counter),
        UpdateExpression:
          'SET #hits = if_not_exists(#hits, :zero) + :one, #k.#id = if_not_exists(#hits, :zero) + :one, #f.#id = :fingerprint',
        ConditionExpression:
          'attribute_not_exists(#k.#id) AND attribute_not_exists(#kp.#id) AND size(#k) < :room',
        ExpressionAttributeNames: {
          '#hits': names['#hits'],
          '#k': names['#k'],
          '#kp': names['#kp'],
          '#f': names['#f'],
          '#id': names['#id'],
        },
        ExpressionAttributeValues: {
          ':zero': 0,
          ':one': 1,
          ':fingerprint': fingerprint,
          ':room': config.idempotencyKeysPerWindow,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.[HITS_ATTRIBUTE]);
  } catch (error) {
    if (isRefused(error)) return 'refused';
    throw error;
  }
}

/** What this key counted before, in this window or the last, read strongly consistent. */
async function earlierCount(counter: string, names: KeyNames) {
  const { Item } = await documents.send(
    new GetCommand({
      TableName: config.tableName,
      Key: counterKey(counter),
      ProjectionExpression: '#k.#id, #kp.#id, #f.#id, #fp.#id',
      ExpressionAttributeNames: {
        '#k': names['#k'],
        '#kp': names['#kp'],
        '#f': names['#f'],
        '#fp': names['#fp'],
        '#id': names['#id'],
      },
      ConsistentRead: true,
    }),
  );
  const id = names['#id'];
  const window = [names['#k'], names['#kp']].find((name) => Item?.[name]?.[id] !== undefined);
  if (!window) return undefined;
  const fingerprints = window === names['#k'] ? names['#f'] : names['#fp'];
  return { hits: Number(Item?.[window][id]), fingerprint: String(Item?.[fingerprints]?.[id]) };
}

/**
 * Makes the window's maps, and drops windows older than the last, from the item as it is now (once a
 * window per counter; it counts nothing). False when the window exists and is full.
 */
async function openWindow(counter: string, names: KeyNames): Promise<boolean> {
  const { Item = {} } = await documents.send(
    new GetCommand({ TableName: config.tableName, Key: counterKey(counter), ConsistentRead: true }),
  );
  const current = Item[names['#k']];
  if (current) return Object.keys(current).length < config.idempotencyKeysPerWindow;
  const kept = new Set([names['#k'], names['#kp'], names['#f'], names['#fp']]);
  const stale = Object.keys(Item).filter((name) => KEY_WINDOW.test(name) && !kept.has(name));
  const staleNames = Object.fromEntries(stale.map((name, index) => [`#old${index}`, name]));
  await documents.send(
    new UpdateCommand({
      TableName: config.tableName,
      Key: counterKey(counter),
      UpdateExpression: `SET #k = if_not_exists(#k, :empty), #f = if_not_exists(#f, :empty)${
        stale.length > 0 ? ` REMOVE ${Object.keys(staleNames).join(', ')}` : ''
      }`,
      ExpressionAttributeNames: { '#k': names['#k'], '#f': names['#f'], ...staleNames },
      ExpressionAttributeValues: { ':empty': {} },
    }),
  );
  return true;
}

/**
 * Adds one hit unless this Idempotency-Key already counted one on this counter within its window: then
 * the value it produced is replayed, or 422 when it was sent with another body. A retry after a lost
 * answer or a timeout finds its own write, so it never counts twice.
 */
export async function incrementCounterOnce(hit: KeyedHit, now = Date.now()): Promise<number> {
  const window = Math.floor(now / 1000 / config.idempotencyWindowSeconds);
  const names: KeyNames = {
    '#hits': HITS_ATTRIBUTE,
    '#k': `k${window}`,
    '#kp': `k${window - 1}`,
    '#f': `f${window}`,
    '#fp': `f${window - 1}`,
    '#id': digest(hit.idempotencyKey),
  };
  const fingerprint = digest(hit.body ?? '');
  try {
    // Twice at most: a refusal for a window not yet made is followed by making it.
    for (let attempt = 0; attempt < 2; attempt++) {
      const counted = await countWithKey(hit.counter, names, fingerprint);
      if (counted !== 'refused') return counted;
      const earlier = await earlierCount(hit.counter, names);
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) throw new IdempotencyKeyReused();
        return earlier.hits;
      }
      if (!(await openWindow(hit.counter, names))) break;
    }
    const windowEndsInSeconds = Math.ceil((window + 1) * config.idempotencyWindowSeconds - now / 1000);
    throw new KeyedHitsExhausted(config.idempotencyKeysPerWindow, windowEndsInSeconds);
  } catch (error) {
    throw unavailable(error);
  }
}

/** One cheap strongly-consistent read that proves the table answers, bounded by a short timeout. */
export async function pingTable(): Promise<void> {
  await documents.send(
    new GetCommand({
      TableName: config.tableName,
      Key: { [KEY_ATTRIBUTE]: 'health#ping' },
      ConsistentRead: true,
    }),
    { abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS) },
  );
}
