import type { AddressInfo } from 'node:net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { HookEnvironment } from '../../../delivery/deploy-hooks';

/** The judge the hook tests' pre-traffic hook starts. */
export const JUDGE = 'canary-api-prod-judge';

/**
 * The hooks' environment in prod, with clients aws-sdk-client-mock intercepts, calling the loopback API
 * a test listens on; a test overrides what it is about (the sleep it drives, a missing setting).
 */
export function hookEnvironment(
  api: { address(): unknown },
  overrides: Partial<HookEnvironment> = {},
): HookEnvironment {
  return {
    codeDeploy: new CodeDeployClient({ region: 'eu-west-1' }),
    lambda: new LambdaClient({ region: 'eu-west-1' }),
    cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }),
    judgeFunctionName: JUDGE,
    metricsNamespace: 'CanaryApi',
    functionNamePrefix: 'canary-api-prod-',
    apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}/prod`,
    ...overrides,
  };
}

/**
 * Lambda's Invoke output (Lambda API reference, Invoke, RequestResponse) when `version` returned an API
 * Gateway proxy result: StatusCode 200 and the function's result as the payload's bytes.
 */
export function invokeOutput(statusCode: number, body: unknown, version: string) {
  const payload = {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-function-version': version },
    body: JSON.stringify(body),
  };
  // The SDK types Payload as its Uint8Array adapter; the hook reads only the bytes.
  return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(payload)) as never };
}
