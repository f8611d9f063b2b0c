import type { APIGatewayProxyResult, Context } from 'aws-lambda';

export { proxyEvent as apiEvent, type RequestSpec } from '../../delivery/api-gateway-event';

/** A Lambda context for version `functionVersion` with `remainingMs` left before the timeout. */
export function lambdaContext(functionVersion = '7', remainingMs = 6_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'canary-api-test-fn',
    functionVersion,
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:canary-api-test-fn:${functionVersion}`,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/canary-api-test-fn',
    logStreamName: '2026/11/22/[7]abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The parsed JSON body of a result. */
export function bodyOf(result: APIGatewayProxyResult): Record<string, unknown> {
  return JSON.parse(result.body);
}

/** Asserts the parts of an RFC 9457 problem every error answer must have. */
export function problemOf(result: APIGatewayProxyResult) {
  const body = bodyOf(result);
  return {
    contentType: result.headers?.['content-type'],
    type: body.type,
    title: body.title,
    status: body.status,
    detail: body.detail,
    body,
  };
}
