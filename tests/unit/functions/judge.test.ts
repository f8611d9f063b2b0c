import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataResult,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../functions/judge';
import { lambdaContext } from '../../support/fixtures';

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

  it('stops at once when CodeDeploy has ended the deployment, publishing nothing', async () => {
    codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Succeeded' } });
    expect(await handler(deployment, lambdaContext({ timeoutMs: 900_000 }))).toBe('ended');
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('refuses an event that is not a deployment', async () => {
    await expect(handler({ deploymentId: 'd-1' }, lambdaContext())).rejects.toThrow(/functionName/);
  });
});
