import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  callThroughApi,
  type HookEnvironment,
  invokeTargetVersion,
  runHook,
} from '../../../../delivery/deploy-hooks';
import type { Sleep } from '../../../../delivery/smoke-checks';
import { getApplicationRevisionAnswer, getDeploymentAnswer } from '../../../support/aws/codedeploy';
import { hookEnvironment, invokeOutput, JUDGE } from '../../../support/aws/hooks';
import { lambdaContext } from '../../../support/fixtures';

// Where the deployment hooks meet the judge (delivery/judge/hooks.ts), through runHook as CodeDeploy
// runs them: BeforeAllowTraffic starts it once the new version passed its checks, AfterAllowTraffic
// fails the deployment on a verdict against the new version or on the judge's silence.

const codeDeploy = mockClient(CodeDeployClient);
const lambda = mockClient(LambdaClient);
const cloudWatch = mockClient(CloudWatchClient);

const event = { DeploymentId: 'd-JUDGED1', LifecycleEventHookExecutionId: 'exec-7' };
/** Versions other than the fixtures' defaults, so that the judge's payload can come only from the AppSpec. */
const deployment = {
  deploymentId: 'd-JUDGED1',
  functionName: 'canary-api-prod-hello',
  currentVersion: '41',
  targetVersion: '42',
};
/** GetDeployment's createTime, from which the judge counts; and the post-traffic hook's fixed now. */
const createdAt = Date.parse('2026-11-22T09:58:07.250Z');
const now = Date.parse('2026-11-22T10:04:00Z');

let api: Server;
/** What happened, in order, across the clients: the version's invocations, the judge's start, the report. */
let order: string[] = [];

function environment(overrides: Partial<HookEnvironment> = {}): HookEnvironment {
  // A 5xx is tried again after a wait, answered at once here: no test waits out a retry.
  return hookEnvironment(api, { sleep: vi.fn<Sleep>(async () => undefined), ...overrides });
}

const versionOutput = (statusCode: number, body: unknown) => invokeOutput(statusCode, body, '42');

/**
 * The new version answers `statuses` first, then `body` with 200. Its invocations name the function
 * itself; the judge's start names the judge: each input matches one of the two fakes only.
 */
function versionAnswers(body: unknown, statuses: number[] = []) {
  lambda.on(InvokeCommand, { FunctionName: deployment.functionName }).callsFake((input) => {
    order.push(`version ${input.Qualifier}`);
    const status = statuses.shift();
    return status ? versionOutput(status, { status }) : versionOutput(200, body);
  });
}
const greeting = { message: 'Hello, canary!' };

const judgeStarts = () =>
  lambda.commandCalls(InvokeCommand, { FunctionName: JUDGE }).map((call) => call.args[0].input);
const reported = () =>
  codeDeploy
    .commandCalls(PutLifecycleEventHookExecutionStatusCommand)
    .map((call) => call.args[0].input.status);

/**
 * GetMetricData's answer to the post-traffic hook's one query (CloudWatch API reference, GetMetricData
 * and MetricDataResult): Timestamps and Values in step, newest first (ScanBy's default,
 * TimestampDescending), StatusCode Complete; a metric with no datapoint answers empty lists.
 */
function verdicts(points: [secondsBeforeNow: number, value: number][]): GetMetricDataCommandOutput {
  const newestFirst = [...points].sort(([a], [b]) => a - b);
  return {
    $metadata: { httpStatusCode: 200 },
    MetricDataResults: [
      {
        Id: 'verdict',
        Label: 'Verdict',
        Timestamps: newestFirst.map(([seconds]) => new Date(now - seconds * 1_000)),
        Values: newestFirst.map(([, value]) => value),
        StatusCode: 'Complete',
      },
    ],
    Messages: [],
  };
}

/** A verdict every 10 s from the deployment's first whole 10 s to 10 s before now, all `value`. */
const everyLook = (value: number) =>
  Array.from({ length: 35 }, (_, look): [number, number] => [10 * (look + 1), value]);

beforeAll(async () => {
  // The public URL: version 42, now behind the whole alias, greets the post-traffic hook's check.
  api = createServer((_, response) => {
    response
      .writeHead(200, { 'content-type': 'application/json', 'x-function-version': '42' })
      .end(JSON.stringify(greeting));
  }).listen(0, '127.0.0.1');
  await once(api, 'listening');
});
afterAll(() => new Promise((resolve) => api.close(resolve)));
beforeEach(() => {
  codeDeploy.reset();
  lambda.reset();
  cloudWatch.reset();
  order = [];
  codeDeploy
    .on(GetDeploymentCommand)
    .resolves(getDeploymentAnswer(deployment, { createTime: new Date(createdAt) }));
  codeDeploy.on(GetApplicationRevisionCommand).resolves(getApplicationRevisionAnswer(deployment));
  codeDeploy.on(PutLifecycleEventHookExecutionStatusCommand).callsFake(() => {
    order.push('report');
    return {};
  });
  // Lambda's answer to an Event invocation (Lambda API reference, Invoke): 202, and no payload.
  lambda.on(InvokeCommand, { FunctionName: JUDGE }).callsFake(() => {
    order.push('judge');
    return { StatusCode: 202 };
  });
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('the pre-traffic hook and the judge', () => {
  it('starts the judge once, after the new version passed its checks, on the AppSpec versions and createTime', async () => {
    versionAnswers(greeting, [503]);
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome).toEqual({ status: 'Succeeded', failures: [] });
    expect(order).toEqual(['version 42', 'version 42', 'judge', 'report']);
    const [start, ...more] = judgeStarts();
    expect(more).toEqual([]);
    expect(start).toMatchObject({ FunctionName: JUDGE, InvocationType: 'Event' });
    expect(start?.Qualifier).toBeUndefined();
    expect(JSON.parse(String(start?.Payload))).toEqual({
      deploymentId: 'd-JUDGED1',
      functionName: 'canary-api-prod-hello',
      alias: 'live',
      baselineVersion: '41',
      candidateVersion: '42',
      startedAt: createdAt,
    });
  });

  it('does not start the judge when a check fails', async () => {
    versionAnswers({ message: 'Goodbye' });
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome.status).toBe('Failed');
    expect(order).toEqual(['version 42', 'report']);
    expect(judgeStarts()).toEqual([]);
  });

  it('reports Failed, starting nothing, when it was given no judge to start', async () => {
    versionAnswers(greeting);
    const outcome = await runHook(
      event,
      lambdaContext(),
      invokeTargetVersion,
      environment({ judgeFunctionName: undefined }),
    );
    expect(outcome.failures).toEqual(['JUDGE_FUNCTION_NAME is not set: no judge would watch the shift']);
    expect(judgeStarts()).toEqual([]);
    expect(reported()).toEqual(['Failed']);
  });

  it('reports Failed when Lambda refuses to start the judge', async () => {
    versionAnswers(greeting);
    lambda.on(InvokeCommand, { FunctionName: JUDGE }).callsFake(() => {
      order.push('judge');
      // Lambda's refusal when the hook's role may not (IAM User Guide, access denied error messages).
      const caller = 'arn:aws:sts::123456789012:assumed-role/canary-api-prod-DeployHookRole/preTraffic';
      const judge = `arn:aws:lambda:eu-west-1:123456789012:function:${JUDGE}`;
      const message = `User: ${caller} is not authorized to perform: lambda:InvokeFunction on resource: ${judge}`;
      throw Object.assign(new Error(message), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      });
    });
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome.failures[0]).toMatch(/could not run: .*not authorized to perform: lambda:InvokeFunction/);
    expect(order).toEqual(['version 42', 'judge', 'report']);
    expect(reported()).toEqual(['Failed']);
  });

  it('reports Failed, invoking nothing, when the deployment has no createTime for the judge to count from', async () => {
    codeDeploy.on(GetDeploymentCommand).resolves(getDeploymentAnswer(deployment, { createTime: undefined }));
    versionAnswers(greeting);
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome.failures[0]).toMatch(/could not run: .*d-JUDGED1 has no createTime/);
    expect(order).toEqual(['report']);
  });
});

describe('the post-traffic hook and the judge', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now });
  });

  const postTraffic = () => runHook(event, lambdaContext(), callThroughApi, environment());

  it("passes while the judge's verdicts are 0, asking for them since the deployment started", async () => {
    cloudWatch.on(GetMetricDataCommand).resolves(verdicts(everyLook(0)));
    expect(await postTraffic()).toEqual({ status: 'Succeeded', failures: [] });
    const [query, ...more] = cloudWatch.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input);
    expect(more).toEqual([]);
    expect(query).toEqual({
      MetricDataQueries: [
        {
          Id: 'verdict',
          MetricStat: {
            Metric: {
              Namespace: 'CanaryApi/Judge',
              MetricName: 'Verdict',
              Dimensions: [{ Name: 'FunctionName', Value: 'canary-api-prod-hello' }],
            },
            Period: 10,
            Stat: 'Maximum',
          },
        },
      ],
      StartTime: new Date(createdAt),
      EndTime: new Date(now),
    });
  });

  it('fails when any verdict found the new version worse, even one its later verdicts cleared', async () => {
    const points = everyLook(0).map(([seconds, value]): [number, number] => [
      seconds,
      seconds === 120 ? 1 : value,
    ]);
    cloudWatch.on(GetMetricDataCommand).resolves(verdicts(points));
    expect(await postTraffic()).toEqual({
      status: 'Failed',
      failures: ['the judge found the new version worse than the one it replaces'],
    });
    expect(reported()).toEqual(['Failed']);
  });

  it('fails safe when the last verdict is older than 60 s, and not when it is 60 s old', async () => {
    const since = (age: number) => verdicts(everyLook(0).filter(([seconds]) => seconds >= age));
    cloudWatch.on(GetMetricDataCommand).resolvesOnce(since(60)).resolves(since(70));
    expect(await postTraffic()).toEqual({ status: 'Succeeded', failures: [] });
    expect((await postTraffic()).failures).toEqual(['the judge has been silent for 70 s: failing safe']);
    expect(reported()).toEqual(['Succeeded', 'Failed']);
  });

  it('fails safe when the judge published no verdict at all', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves(verdicts([]));
    expect((await postTraffic()).failures).toEqual([
      'the judge published no verdict on this deployment: failing safe',
    ]);
    expect(reported()).toEqual(['Failed']);
  });

  it('reports Failed when the verdicts cannot be read', async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    expect((await postTraffic()).failures[0]).toMatch(/could not run: .*Rate exceeded/);
    expect(reported()).toEqual(['Failed']);
  });
});
