import type { Context } from 'aws-lambda';

/**
 * The one fake Lambda context: what the Node.js runtime hands a handler, for code that runs Lambda
 * handlers off AWS (tests, the bench, the rehearsal's version hosts, the package test's runner).
 */
export interface LambdaContextOptions {
  functionName?: string;
  /** What Lambda reports as the version that runs: a number behind an alias or version, else `$LATEST`. */
  version?: string;
  /** How the function was invoked (an alias or a version); unqualified when omitted. */
  qualifier?: string;
  /** The function's timeout; getRemainingTimeInMillis counts down from it. */
  timeoutMs?: number;
  region?: string;
  requestId?: string;
  /** Milliseconds now; the remaining time is measured on this clock. */
  now?: () => number;
}

/** serverless.yml's provider.timeout, the budget every API function runs with. */
const FUNCTION_TIMEOUT_MS = 6_000;

/** A Lambda context as the runtime would build it for one invocation starting now. */
export function lambdaContext(options: LambdaContextOptions = {}): Context {
  const {
    functionName = 'canary-api-local',
    version = '$LATEST',
    qualifier,
    timeoutMs = FUNCTION_TIMEOUT_MS,
    region = 'eu-west-1',
    requestId = crypto.randomUUID(),
    now = Date.now,
  } = options;
  const deadline = now() + timeoutMs;
  const arn = `arn:aws:lambda:${region}:123456789012:function:${functionName}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: version,
    invokedFunctionArn: qualifier ? `${arn}:${qualifier}` : arn,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/11/24/[${version}]0123456789abcdef`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
