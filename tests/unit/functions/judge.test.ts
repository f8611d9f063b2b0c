import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataResult,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../functions/judge';
import { type FakeSyntheticsOptions, fakeSynthetics } from '../../support/aws/synthetics';
import { lambdaContext } from '../../support/fixtures';

// What delivery/template gives the judge (lib/config.ts reads it at load, before any test runs), and
// the credentials Lambda gives every function, which the judge signs its Synthetics calls with.
const ENVIRONMENT = vi.hoisted(() => {
  const environment = {
    CANARY_NAME: 'canary-api-prod',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  };
  Object.assign(process.env, environment);
  return environment;
});
afterAll(() => {
  for (const name of Object.keys(ENVIRONMENT)) delete process.env[name];
});

const cloudWatch = mockClient(CloudWatchClient);
const codeDeploy = mockClient(CodeDeployClient);
const lambda = mockClient(LambdaClient);

const deployment = {
  deploymentId: 'd-JUDGE2',
  functionName: 'canary-api-prod-hits',
  alias: 'live',
  baselineVersion: '7',
  candidateVersion: '8',
  startedAt: Date.parse('2026-12-05T10:00:05Z'),
};

/** A GetMetricData page (CloudWatch API reference, GetMetricData): results for some query Ids, maybe a NextToken. */
const page = (results: MetricDataResult[], NextToken?: string) => ({
  MetricDataResults: results.map((result) => ({ StatusCode: 'Complete' as const, ...result })),
  ...(NextToken && { NextToken }),
  $metadata: {},
});
const series = (Id: string, values: number[]) => ({
  Id,
  Timestamps: values.map((_, index) => new Date(Date.parse('2026-12-05T10:00:00Z') + index * 10_000)),
  Values: values,
});

/** The Synthetics API behind fetch, as the judge reaches it (tests/support/aws/synthetics.ts). */
function stubSynthetics(options: Omit<FakeSyntheticsOptions, 'canaryName'> = {}) {
  const fake = fakeSynthetics({ canaryName: 'canary-api-prod', ...options });
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(String(input));
    expect(url.origin).toBe('https://synthetics.us-east-1.amazonaws.com');
    const { status, headers, body } = fake.answer(init?.method ?? 'GET', url.pathname, {
      ...(init?.headers as Record<string, string>),
    });
    return new Response(body, { status, headers });
  });
  return fake.calls;
}
const started = (calls: { method: string; path: string }[]) =>
  calls.filter(({ method }) => method === 'POST');

/** The event of the stage's idle schedule (delivery/template/idle-probe.ts). */
const IDLE = { probe: 'idle' };

beforeEach(() => {
  for (const client of [cloudWatch, codeDeploy, lambda]) client.reset();
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  // GetDeployment (CodeDeploy API reference): the deployment still shifting.
  codeDeploy
    .on(GetDeploymentCommand)
    .resolves({ deploymentInfo: { deploymentId: 'd-JUDGE2', status: 'InProgress' } });
  cloudWatch.on(PutMetricDataCommand).resolves({});
  // Lambda API reference, Invoke: an Event invocation is accepted with 202 and no payload.
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
});
afterEach(() => vi.restoreAllMocks());

describe('the judge entry point', () => {
  it('reads every page of the metrics, publishes a verdict under its namespace and hands over near its timeout', async () => {
    stubSynthetics();
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce(
        page([series('requests_candidate', [10, 10]), series('errors_candidate', [6, 5])], 'page-2'),
      )
      .resolvesOnce(page([series('requests_baseline', [90, 90]), series('errors_baseline', [0, 0])]));
    // 15 s left: one look, then the hand-over, before the 20-second margin runs out.
    const outcome = await handler(
      deployment,
      lambdaContext({ functionName: 'canary-api-prod-judge', timeoutMs: 15_000 }),
    );
    expect(outcome).toBe('handed-over');
    const reads = cloudWatch.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input);
    expect(reads.map((input) => input.NextToken)).toEqual([undefined, 'page-2']);
    expect(reads[0]?.StartTime).toEqual(new Date('2026-12-05T10:00:00Z'));
    const published = cloudWatch.commandCalls(PutMetricDataCommand)[0]?.args[0].input;
    expect(published).toMatchObject({
      Namespace: 'CanaryApi/Judge',
      MetricData: [
        {
          MetricName: 'Verdict',
          Dimensions: [{ Name: 'FunctionName', Value: 'canary-api-prod-hits' }],
          Value: 1,
          StorageResolution: 1,
        },
      ],
    });
    expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input).toMatchObject({
      FunctionName: 'canary-api-prod-judge',
      InvocationType: 'Event',
      Payload: JSON.stringify(deployment),
    });
  });

  it('has the stage’s canary probe it at its first look', async () => {
    const calls = stubSynthetics();
    cloudWatch.on(GetMetricDataCommand).resolves(page([]));
    await handler(deployment, lambdaContext({ timeoutMs: 15_000 }));
    expect(calls.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'GET /canary/canary-api-prod',
      'POST /canary/canary-api-prod/start',
    ]);
  });

  it('leaves the canary alone when another judge started it within the minute, or a run is under way', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves(page([]));
    const recent = stubSynthetics({ lastStarted: Date.now() - 30_000 });
    await handler(deployment, lambdaContext({ timeoutMs: 15_000 }));
    expect(started(recent)).toEqual([]);

    stubSynthetics({ lastStarted: Date.now() - 3_600_000, busy: true });
    expect(await handler(IDLE, lambdaContext())).toBe('busy');
  });

  it('woken by the idle schedule, starts one run and returns without judging', async () => {
    const calls = stubSynthetics({ lastStarted: Date.now() - 3_600_000 });
    expect(await handler(IDLE, lambdaContext())).toBe('started');
    expect(started(calls)).toHaveLength(1);
    expect(codeDeploy.commandCalls(GetDeploymentCommand)).toHaveLength(0);
    expect(cloudWatch.calls()).toHaveLength(0);
  });

  it('passes on an error of the Synthetics API other than a run under way', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(JSON.stringify({ message: 'User is not authorized' }), {
        status: 403,
        headers: { 'x-amzn-errortype': 'AccessDeniedException' },
      }),
    );
    await expect(handler(IDLE, lambdaContext())).rejects.toThrow(/AccessDeniedException \(403\)/);
  });

  it('stops at once when CodeDeploy has ended the deployment, publishing nothing', async () => {
    codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Succeeded' } });
    expect(await handler(deployment, lambdaContext({ timeoutMs: 900_000 }))).toBe('ended');
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('refuses an event that is not a deployment', async () => {
    await expect(handler({ deploymentId: 'd-1' }, lambdaContext())).rejects.toThrow(/functionName/);
  });
});
