import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
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
} from '../../../delivery/deploy-hooks';
import type { Sleep } from '../../../delivery/smoke-checks';
import { getApplicationRevisionAnswer, getDeploymentAnswer } from '../../support/aws/codedeploy';
import { hookEnvironment, invokeOutput, JUDGE } from '../../support/aws/hooks';
import { lambdaContext } from '../../support/fixtures';

const codeDeploy = mockClient(CodeDeployClient);
const lambda = mockClient(LambdaClient);
const cloudWatch = mockClient(CloudWatchClient);
/** The pre-traffic hook's start of the judge, told from its invocations of the version by its input. */
const judgeStart = { FunctionName: JUDGE, InvocationType: 'Event' } as const;
const event = { DeploymentId: 'd-ABC123', LifecycleEventHookExecutionId: 'exec-1' };
const encoder = new TextEncoder();

let api: Server;
type ApiAnswer = { status: number; version: string; body: string };
let apiAnswer: ApiAnswer;
/** The hooks' waits between attempts, answered at once: no test waits out a retry. */
let sleep = vi.fn<Sleep>(async () => undefined);

function environment(): HookEnvironment {
  return hookEnvironment(api, { sleep });
}

/** CodeDeploy deploying `canary-api-prod-<key>` to `targetVersion`, as CloudFormation starts it. */
function deploying(functionKey: string, targetVersion = '8') {
  const deployment = { functionName: `canary-api-prod-${functionKey}`, targetVersion };
  codeDeploy.on(GetDeploymentCommand).resolves(getDeploymentAnswer(deployment));
  codeDeploy.on(GetApplicationRevisionCommand).resolves(getApplicationRevisionAnswer(deployment));
}

type VersionAnswer = { statusCode: number; version: string; body: unknown };

/** Lambda's Invoke output when the version returned `answer`, an API Gateway proxy result. */
const versionOutput = (answer: VersionAnswer) => invokeOutput(answer.statusCode, answer.body, answer.version);

// Lambda accepts the judge's start as any Event invocation (Lambda API reference, Invoke): 202, no payload.
// Registered after the version's answers: of two fakes that match, aws-sdk-client-mock takes the later.
function judgeAccepts() {
  lambda.on(InvokeCommand, judgeStart).resolves({ StatusCode: 202 });
}

function versionAnswers(answer: VersionAnswer) {
  lambda.on(InvokeCommand).resolves(versionOutput(answer));
  judgeAccepts();
}

/** The invocations of the version being deployed, without the judge's start. */
const versionInvocations = () =>
  lambda.commandCalls(InvokeCommand).filter((call) => call.args[0].input.FunctionName !== JUDGE);

const greeting = { message: 'Hello, canary!' };
const unavailable = { statusCode: 503, version: '8', body: { status: 503, title: 'Service Unavailable' } };
const waits = () => sleep.mock.calls.map(([ms]) => ms);

function reported() {
  return codeDeploy
    .commandCalls(PutLifecycleEventHookExecutionStatusCommand)
    .map((call) => call.args[0].input);
}

beforeAll(async () => {
  api = createServer((request, response) => {
    response
      .writeHead(apiAnswer.status, {
        'content-type': 'application/json',
        'x-function-version': apiAnswer.version,
      })
      .end(request.url?.startsWith('/prod/hello?name=canary') ? apiAnswer.body : '{}');
  }).listen(0, '127.0.0.1');
  await once(api, 'listening');
});
afterAll(() => new Promise((resolve) => api.close(resolve)));
beforeEach(() => {
  codeDeploy.reset();
  lambda.reset();
  cloudWatch.reset();
  codeDeploy.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
  sleep = vi.fn<Sleep>(async () => undefined);
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe('the pre-traffic hook', () => {
  it('invokes exactly the version being deployed and reports Succeeded when it answers right', async () => {
    deploying('hello', '8');
    versionAnswers({ statusCode: 200, version: '8', body: { message: 'Hello, canary!' } });
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome).toEqual({ status: 'Succeeded', failures: [] });
    const [invoke] = versionInvocations();
    expect(invoke?.args[0].input).toMatchObject({ FunctionName: 'canary-api-prod-hello', Qualifier: '8' });
    const sent = JSON.parse(String(invoke?.args[0].input.Payload));
    expect(sent).toMatchObject({
      httpMethod: 'GET',
      resource: '/hello',
      queryStringParameters: { name: 'canary' },
    });
    expect(reported()).toEqual([
      { deploymentId: 'd-ABC123', lifecycleEventHookExecutionId: 'exec-1', status: 'Succeeded' },
    ]);
  });

  it('reads the target version from the revision GetDeployment names, as CloudFormation deployments need', async () => {
    deploying('hello', '8');
    versionAnswers({ statusCode: 200, version: '8', body: { message: 'Hello, canary!' } });
    await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    const [read] = codeDeploy.commandCalls(GetApplicationRevisionCommand);
    expect(read?.args[0].input).toEqual({
      applicationName: 'canary-api-prod-CanaryapiprodDeploymentApplication-1A2B3C4D',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { sha256: expect.any(String) } },
    });
  });

  it('uses an AppSpec GetDeployment carries inline without asking for the revision', async () => {
    const deployment = { functionName: 'canary-api-prod-hello', targetVersion: '9' };
    codeDeploy.on(GetDeploymentCommand).resolves(getDeploymentAnswer(deployment, {}, true));
    versionAnswers({ statusCode: 200, version: '9', body: { message: 'Hello, canary!' } });
    expect((await runHook(event, lambdaContext(), invokeTargetVersion, environment())).status).toBe(
      'Succeeded',
    );
    expect(codeDeploy.commandCalls(GetApplicationRevisionCommand)).toHaveLength(0);
  });

  it('reports Failed, saying so, when the revision cannot be read', async () => {
    deploying('hello');
    codeDeploy.on(GetApplicationRevisionCommand).rejects(new Error('AccessDeniedException'));
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome.failures[0]).toMatch(/could not run: .*AccessDeniedException/);
    expect(reported()[0]?.status).toBe('Failed');
  });

  it('reports Failed when the answer is wrong', async () => {
    deploying('hello');
    versionAnswers({ statusCode: 200, version: '8', body: { message: 'Goodbye' } });
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome.status).toBe('Failed');
    expect(outcome.failures[0]).toMatch(/lacks \{"message":"Hello, canary!"\}/);
    expect(reported()[0]?.status).toBe('Failed');
    // A wrong answer is a defect, never noise: not tried again.
    expect(versionInvocations()).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('reports Failed when another version answers', async () => {
    deploying('hello', '8');
    versionAnswers({ statusCode: 200, version: '7', body: { message: 'Hello, canary!' } });
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome.failures).toEqual([
      'GET /hello?name=canary greets by name: answered by version 7, expected 8',
    ]);
    expect(versionInvocations()).toHaveLength(1);
  });

  it('tries a version answering 503 again, and reports Succeeded when the third invocation answers right', async () => {
    deploying('hello', '8');
    lambda
      .on(InvokeCommand)
      .resolvesOnce(versionOutput(unavailable))
      .resolvesOnce(versionOutput(unavailable))
      .resolves(versionOutput({ statusCode: 200, version: '8', body: greeting }));
    judgeAccepts();
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome).toEqual({ status: 'Succeeded', failures: [] });
    const invoked = versionInvocations().map((call) => call.args[0].input.Qualifier);
    expect(invoked).toEqual(['8', '8', '8']);
    expect(waits()).toEqual([1_000, 2_000]);
    expect(reported()[0]?.status).toBe('Succeeded');
  });

  it('reports Failed after 3 invocations all answering 5xx, saying what each answered', async () => {
    deploying('hello', '8');
    versionAnswers(unavailable);
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome.failures).toEqual([
      'GET /hello?name=canary greets by name: 5xx on 3 of 3 attempts (503, 503, 503)',
    ]);
    expect(versionInvocations()).toHaveLength(3);
    expect(reported()[0]?.status).toBe('Failed');
  });

  it('reports Failed when the version crashes', async () => {
    deploying('hits');
    lambda.on(InvokeCommand).resolves({
      FunctionError: 'Unhandled',
      Payload: encoder.encode('{"errorType":"Runtime.ImportModuleError"}') as never,
    });
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome.status).toBe('Failed');
    expect(outcome.failures[0]).toMatch(/version 8 failed \(Unhandled\).*ImportModuleError/);
    // One invocation for each of the two hits checks: a crash is never tried again.
    expect(versionInvocations()).toHaveLength(2);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('reports Failed in time when the version never answers', async () => {
    deploying('echo');
    lambda.on(InvokeCommand).callsFake(() => new Promise(() => undefined));
    // 4 s left: the checks get 1 s and the verdict is still reported; without the deadline this hangs.
    const outcome = await runHook(
      event,
      lambdaContext({ version: '1', timeoutMs: 4_000 }),
      invokeTargetVersion,
      environment(),
    );
    expect(outcome.failures).toEqual(['the checks did not finish in time']);
    expect(reported()[0]?.status).toBe('Failed');
  });

  it('reports Failed for a function nobody wrote smoke checks for', async () => {
    deploying('brandNew');
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome.failures[0]).toMatch(/no smoke checks for canary-api-prod-brandNew/);
    expect(versionInvocations()).toHaveLength(0);
  });

  it('reports Failed when the deployment cannot be read', async () => {
    codeDeploy.on(GetDeploymentCommand).rejects(new Error('AccessDenied'));
    const outcome = await runHook(event, lambdaContext(), invokeTargetVersion, environment());
    expect(outcome.failures[0]).toMatch(/could not run: .*AccessDenied/);
    expect(reported()[0]?.status).toBe('Failed');
  });

  it('fails the invocation when even the verdict cannot be reported', async () => {
    deploying('hello', '8');
    versionAnswers({ statusCode: 200, version: '8', body: { message: 'Hello, canary!' } });
    codeDeploy.on(PutLifecycleEventHookExecutionStatusCommand).rejects(new Error('ThrottlingException'));
    await expect(runHook(event, lambdaContext(), invokeTargetVersion, environment())).rejects.toThrow(
      /Throttling/,
    );
  });
});

describe('the post-traffic hook', () => {
  // The judge's last verdict, 0, 10 s before a fixed now, in GetMetricData's shape (CloudWatch API
  // reference, GetMetricData and MetricDataResult); the verdicts in depth: judge/hooks.test.ts.
  const now = Date.parse('2026-11-22T10:06:00Z');
  const lastVerdict = { Id: 'verdict', Label: 'Verdict', Timestamps: [new Date(now - 10_000)], Values: [0] };
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now });
    cloudWatch
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: [{ ...lastVerdict, StatusCode: 'Complete' }], Messages: [] });
  });
  afterEach(() => vi.useRealTimers());

  it('checks the public URL end to end and reports Succeeded when the new version answers', async () => {
    deploying('hello', '8');
    apiAnswer = { status: 200, version: '8', body: '{"message":"Hello, canary!"}' };
    expect(await runHook(event, lambdaContext(), callThroughApi, environment())).toEqual({
      status: 'Succeeded',
      failures: [],
    });
  });

  it('reports Failed when the alias still serves the old version', async () => {
    deploying('hello', '8');
    apiAnswer = { status: 200, version: '7', body: '{"message":"Hello, canary!"}' };
    const outcome = await runHook(event, lambdaContext(), callThroughApi, environment());
    expect(outcome.failures).toEqual([
      'GET /hello?name=canary greets by name: answered by version 7, expected 8',
    ]);
  });
});
