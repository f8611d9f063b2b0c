/**
 * The only module that reads process.env: everything configurable is resolved once, at load, so a
 * missing variable fails the cold start loudly instead of a request quietly.
 */
const env = process.env;

function required(name: string): string {
  const value = env[name];
  if (!value) {
    throw new Error(`Environment variable ${name} is not set; serverless.yml provides it to every function.`);
  }
  return value;
}

/** serverless-offline sets IS_OFFLINE and `sls invoke local` sets IS_LOCAL; AWS sets neither. */
const runsLocally = env.IS_OFFLINE === 'true' || env.IS_LOCAL === 'true';

/** The embedded DynamoDB that `npm start` runs; used whenever the code runs on a laptop. */
const LOCAL_DYNAMODB_ENDPOINT = 'http://127.0.0.1:8000';

export const config = {
  tableName: required('TABLE_NAME'),
  serviceVersion: env.SERVICE_VERSION ?? '0.0.0-local',
  region: env.AWS_REGION ?? 'us-east-1',
  /**
   * Set only off AWS: points the SDK at dynalite. The SDK's own
   * service-endpoint variable, which serverless-offline forwards to handlers like every AWS_* one.
   */
  dynamodbEndpoint: env.AWS_ENDPOINT_URL_DYNAMODB || (runsLocally ? LOCAL_DYNAMODB_ENDPOINT : undefined),
  /** The emulator accepts any signature; a laptop without AWS keys in its environment still needs one. */
  needsDummyCredentials: !env.AWS_ACCESS_KEY_ID,
  /** Where lib/metrics.ts writes and the judge reads: one value, in serverless.yml. */
  metricsNamespace: required('METRICS_NAMESPACE'),
  /** EMF lines only mean something to CloudWatch; locally they would bury the useful output. */
  metricsEnabled: (env.METRICS_ENABLED ?? (runsLocally ? 'false' : 'true')) === 'true',
  /** An Idempotency-Key is remembered for one to two such windows on its counter (lib/dynamodb.ts). */
  idempotencyWindowSeconds: Number(env.IDEMPOTENCY_WINDOW_SECONDS ?? 3_600),
  /** At most so many keyed requests per counter and window: what keeps a counter's item small. */
  idempotencyKeysPerWindow: Number(env.IDEMPOTENCY_KEYS_PER_WINDOW ?? 2_000),
  /** `<service>-<stage>-`: a deployed function's name minus its key in serverless.yml (deployment hooks). */
  functionNamePrefix: env.FUNCTION_NAME_PREFIX ?? '',
  /** The stage's public URL, given only to the post-traffic hook (every function having it would be a cycle). */
  apiUrl: env.API_URL,
  /** The judge function's name, given only to the pre-traffic hook, which starts it (delivery/judge). */
  judgeFunctionName: env.JUDGE_FUNCTION_NAME,
  /** The stage's Synthetics canary, given only to the judge, which starts its runs (delivery/judge/probe.ts). */
  canaryName: env.CANARY_NAME,
} as const;
