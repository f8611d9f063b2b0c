import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StandardRetryStrategy } from '@smithy/core/retry';
import type { Context } from 'aws-lambda';
import { config } from './config';
import { Conflict, HttpProblem, IdempotencyKeyReused, ServiceUnavailable } from './errors';

/** The table's only key attribute (serverless.yml's KeySchema); every item kind prefixes its own key (`counter#…`, `idempotency#…`). */
export const KEY_ATTRIBUTE = 'pk';
/** DynamoDB deletes items whose TTL attribute (epoch seconds, serverless.yml) has passed; Powertools sets it. */
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
  if (cause instanceof IdempotencyAlreadyInProgressError) {
    return new Conflict('A request with this Idempotency-Key is still being processed; retry shortly.', 1);
  }
  if (cause instanceof IdempotencyValidationError) return new IdempotencyKeyReused();
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
 * The key alone names a request, as in the IETF Idempotency-Key draft; what it was first sent with
 * (counter and body) is fingerprinted, and a repeat with anything else is refused instead of replayed.
 */
const idempotencyConfig = new IdempotencyConfig({
  expiresAfterSeconds: config.idempotencyTtlSeconds,
  eventKeyJmesPath: 'idempotencyKey',
  payloadValidationJmesPath: '[counter, body]',
});

/** One request to count once: the counter and the body it was sent with. */
export interface KeyedHit {
  counter: string;
  idempotencyKey: string;
  body: string | null;
}

/**
 * Powertools Idempotency records the key in the same table before the `ADD` and the answer after it:
 * a repeat gets the recorded total, a duplicate still in flight gets a 409, a failure frees the key.
 */
const incrementOncePerKey = makeIdempotent((hit: KeyedHit) => incrementCounter(hit.counter), {
  persistenceStore: new DynamoDBPersistenceLayer({
    tableName: config.tableName,
    keyAttr: KEY_ATTRIBUTE,
    expiryAttr: TTL_ATTRIBUTE,
    awsSdkV3Client: client,
  }),
  config: idempotencyConfig,
  keyPrefix: 'idempotency#hit',
});

/** Adds one hit unless this Idempotency-Key already counted one within the idempotency window. */
export async function incrementCounterOnce(hit: KeyedHit, context: Context): Promise<number> {
  idempotencyConfig.registerLambdaContext(context);
  try {
    return await incrementOncePerKey(hit);
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
