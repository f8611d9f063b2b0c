import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { callThroughApi, type HookEnvironment, invokeTargetVersion } from '../../../delivery/deploy-hooks';
import type { Sleep } from '../../../delivery/smoke-checks';

// The hooks' checkers on their own, with the deadline signal in the test's hands: what runHook adds
// around them (reading the deployment, reporting to CodeDeploy) is in deploy-hooks.test.ts.

const lambda = mockClient(LambdaClient);
const encoder = new TextEncoder();
const target = {
  functionName: 'canary-api-prod-hello',
  alias: 'live',
  currentVersion: '7',
  targetVersion: '8',
};
const greeting = { message: 'Hello, canary!' };

let api: Server;
/** Statuses the API answers, in order; after them it greets correctly from version 8. */
let apiStatuses: number[] = [];
let apiRequests = 0;
/** The hooks' waits between attempts, answered at once: no test waits out a retry. */
let sleep = vi.fn<Sleep>(async () => undefined);

function environment(
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/prod`,
): HookEnvironment {
  return {
    codeDeploy: new CodeDeployClient({ region: 'eu-west-1' }),
    lambda: new LambdaClient({ region: 'eu-west-1' }),
    functionNamePrefix: 'canary-api-prod-',
    apiUrl,
    sleep,
  };
}

/** Lambda's Invoke output when the version returned an API Gateway proxy result. */
function invokeOutput(statusCode: number, body: unknown) {
  const payload = {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-function-version': '8' },
    body: JSON.stringify(body),
  };
  return { StatusCode: 200, Payload: encoder.encode(JSON.stringify(payload)) as never };
}

const waits = () => sleep.mock.calls.map(([ms]) => ms);

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
      .resolves(invokeOutput(200, greeting));
    expect(await invokeTargetVersion(target, new AbortController().signal, environment())).toEqual([]);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(2);
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
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('invoke no more once the deadline passes while they wait to try again', async () => {
    lambda.on(InvokeCommand).resolves(invokeOutput(503, { status: 503 }));
    const deadline = new AbortController();
    // The deadline passes during the wait, which ends as real timers end it: rejected.
    sleep = vi.fn<Sleep>(async () => {
      deadline.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      throw deadline.signal.reason;
    });
    expect(await invokeTargetVersion(target, deadline.signal, environment())).toEqual([
      'GET /hello?name=canary greets by name: did not finish in time after 1 of 3 attempts (503)',
    ]);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });
});

describe('the post-traffic checks', () => {
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
