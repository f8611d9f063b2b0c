import {
  CodeDeployClient,
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as postTraffic } from '../../../functions/postTraffic';
import { handler as preTraffic } from '../../../functions/preTraffic';
import { getApplicationRevisionAnswer, getDeploymentAnswer } from '../../support/aws/codedeploy';
import { lambdaContext } from '../../support/fixtures';

// The entry points wire the hook and judge logic (tested in tests/unit/delivery) to clients and settings
// from lib/config: here the test environment's, which gives no API_URL, no judge function name and no
// function name prefix.
const codeDeploy = mockClient(CodeDeployClient);
const lambda = mockClient(LambdaClient);
const event = { DeploymentId: 'd-ABC123', LifecycleEventHookExecutionId: 'exec-1' };

beforeEach(() => {
  codeDeploy.reset();
  lambda.reset();
  const deployment = { functionName: 'hello', targetVersion: '2' };
  codeDeploy.on(GetDeploymentCommand).resolves(getDeploymentAnswer(deployment));
  codeDeploy.on(GetApplicationRevisionCommand).resolves(getApplicationRevisionAnswer(deployment));
  codeDeploy.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe('the hook entry points', () => {
  it('preTraffic invokes the target version, and fails the deployment when no judge would watch it', async () => {
    const answer = {
      statusCode: 200,
      headers: { 'x-function-version': '2' },
      body: JSON.stringify({ message: 'Hello, canary!' }),
    };
    lambda.on(InvokeCommand).resolves({ Payload: new TextEncoder().encode(JSON.stringify(answer)) as never });
    expect(await preTraffic(event, lambdaContext())).toEqual({
      status: 'Failed',
      failures: ['JUDGE_FUNCTION_NAME is not set: no judge would watch the shift'],
    });
    expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input).toMatchObject({ Qualifier: '2' });
  });

  it('postTraffic reports Failed, saying why, when it has no URL to call', async () => {
    const outcome = await postTraffic(event, lambdaContext());
    expect(outcome.failures).toEqual([
      'the checks could not run: Error: API_URL is not set for the post-traffic hook',
    ]);
    expect(
      codeDeploy.commandCalls(PutLifecycleEventHookExecutionStatusCommand)[0]?.args[0].input.status,
    ).toBe('Failed');
  });
});
