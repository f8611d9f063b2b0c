import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { callThroughApi, type HookEnvironment, invokeTargetVersion } from '../../../delivery/deploy-hooks';
import type { Sleep } from '../../../delivery/smoke-checks';
import { hookEnvironment, invokeOutput, JUDGE } from '../../support/aws/hooks';

// The hooks' checkers on their own, with the deadline signal in the test's hands: what runHook adds
// around them (reading the deployment, reporting to CodeDeploy) is in deploy-hooks.test.ts.

const lambda = mockClient(LambdaClient);
const cloudWatch = mockClient(CloudWatchClient);
const target = {
  functionName: 'canary-api-prod-hello',
  alias: 'live',
  currentVersion: '7',
  targetVersion: '8',
  deploymentId: 'd-ABC123',
  startedAt: Date.parse('2026-11-22T10:00:00Z'),
};
/** The post-traffic checks' fixed now: 6 minutes into the deployment. */
const now = Date.parse('2026-11-22T10:06:00Z');
const greeting = { message: 'Hello, canary!' };

let api: Server;
/** Statuses the API answers, in order; after them it greets correctly from version 8. */
let apiStatuses: number[] = [];
let apiRequests = 0;
/** The hooks' waits between attempts, answered at once: no test waits out a retry. */
let sleep = vi.fn<Sleep>(async () => undefined);

function environment(apiUrl?: string): HookEnvironment {
  return hookEnvironment(api, { sleep, ...(apiUrl && { apiUrl }) });
}

const versionOutput = (statusCode: number, body: unknown) => invokeOutput(statusCode, body, '8');

const waits = () => sleep.mock.calls.map(([ms]) => ms);

/**
 * Lambda's answer to the judge's start, an Event invocation (Lambda API reference, Invoke): 202 and no
 * payload. Registered after the version's answers, so that it is the one that matches the judge.
 */
function judgeAccepts() {
  lambda.on(InvokeCommand, { FunctionName: JUDGE, InvocationType: 'Event' }).resolves({ StatusCode: 202 });
}
/** The invocations of the version, without the judge's start (an Invoke of the judge function). */
const versionInvocations = () =>
  lambda.commandCalls(InvokeCommand).filter((call) => call.args[0].input.FunctionName !== JUDGE);

beforeAll(async () => {
  api = createServer((_, response) => {
    apiRequests++;
    const status = apiStatuses.shift() ?? 200;
    response
      .writeHead(status, { 'content-type': 'application/json', 'x-function-version': '8' })
      .end(JSON.stringify(status === 200 ? greeting : { status }));
  }).listen(0, '127.0.0.1');
  await once(api, 'listening');
});
afterAll(() => new Promise((resolve) => api.close(resolve)));
beforeEach(() => {
  lambda.reset();
  cloudWatch.reset();
  apiStatuses = [];
  apiRequests = 0;
  sleep = vi.fn<Sleep>(async () => undefined);
});

describe('the pre-traffic checks', () => {
  it('try an invocation that got no answer (a network error) again, like a 5xx', async () => {
    lambda
      .on(InvokeCommand)
      // What the SDK's Node.js HTTP handler rejects with when the connection drops.
      .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .resolves(versionOutput(200, greeting));
    judgeAccepts();
    expect(await invokeTargetVersion(target, new AbortController().signal, environment())).toEqual([]);
    expect(versionInvocations()).toHaveLength(2);
    expect(waits()).toEqual([1_000]);
  });

  it('stop at once, for runHook to report that they could not run, when Lambda refuses the invocation', async () => {
    const refusal = new ResourceNotFoundException({
      message: 'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:canary-api-prod-hello:8',
      $metadata: { httpStatusCode: 404 },
    });
    lambda.on(InvokeCommand).rejects(refusal);
    await expect(invokeTargetVersion(target, new AbortController().signal, environment())).rejects.toBe(
      refusal,
    );
    expect(versionInvocations()).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('invoke no more once the deadline passes while they wait to try again', async () => {
    lambda.on(InvokeCommand).resolves(versionOutput(503, { status: 503 }));
    const deadline = new AbortController();
    // The deadline passes during the wait, which ends as real timers end it: rejected.
    sleep = vi.fn<Sleep>(async () => {
      deadline.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      throw deadline.signal.reason;
    });
    expect(await invokeTargetVersion(target, deadline.signal, environment())).toEqual([
      'GET /hello?name=canary greets by name: did not finish in time after 1 of 3 attempts (503)',
    ]);
    expect(versionInvocations()).toHaveLength(1);
  });
});

describe('the post-traffic checks', () => {
  // A fixed now, and the judge's last verdict, 0, 10 s before it, in GetMetricData's shape (CloudWatch
  // API reference, GetMetricData and MetricDataResult): the verdicts take no part in these tests.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now });
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'verdict',
          Label: 'Verdict',
          Timestamps: [new Date(now - 10_000)],
          Values: [0],
          StatusCode: 'Complete',
        },
      ],
      Messages: [],
    });
  });
  afterEach(() => vi.useRealTimers());

  it('try a 5xx again, and pass when the new version answers the third attempt', async () => {
    apiStatuses = [502, 503];
    expect(await callThroughApi(target, new AbortController().signal, environment())).toEqual([]);
    expect(apiRequests).toBe(3);
    expect(waits()).toEqual([1_000, 2_000]);
  });

  it('fail when the public URL answers 5xx on every attempt, saying what each answered', async () => {
    apiStatuses = [503, 500, 504];
    expect(await callThroughApi(target, new AbortController().signal, environment())).toEqual([
      'GET /hello?name=canary greets by name: 5xx on 3 of 3 attempts (503, 500, 504)',
    ]);
    expect(apiRequests).toBe(3);
    expect(waits()).toEqual([1_000, 2_000]);
  });

  it('fail after one request when the public URL answers 404', async () => {
    apiStatuses = [404];
    expect(await callThroughApi(target, new AbortController().signal, environment())).toEqual([
      'GET /hello?name=canary greets by name: status 404, expected 200',
    ]);
    expect(apiRequests).toBe(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('count a URL nothing answers on like a 5xx: failing only when no attempt connects', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const [failure] = await callThroughApi(
      target,
      new AbortController().signal,
      environment(`http://127.0.0.1:${port}/prod`),
    );
    expect(failure).toMatch(
      /^GET \/hello\?name=canary greets by name: 5xx or no answer on 3 of 3 attempts \(/,
    );
    expect(failure?.match(/no answer: TypeError: fetch failed \(ECONNREFUSED\)/g)).toHaveLength(3);
    expect(waits()).toEqual([1_000, 2_000]);
  });
});
