import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  type DeploymentInfo,
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-codedeploy';
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeployViewState } from '../../../ops/view';
import { awsClients, WatchSetupError, watchDeployments } from '../../../ops/watch/poller';
import { getApplicationRevisionAnswer, getDeploymentAnswer } from '../../support/aws/codedeploy';

const cloudFormation = mockClient(CloudFormationClient);
const codeDeploy = mockClient(CodeDeployClient);
const lambda = mockClient(LambdaClient);
const cloudWatch = mockClient(CloudWatchClient);

const started = new Date('2026-11-22T10:00:00Z');
const target = { deploymentId: 'd-1', functionName: 'canary-api-prod-hello', targetVersion: '8' };
/** GetDeployment's deploymentInfo for the deployment CloudFormation started (tests/support/aws/codedeploy). */
const deployment = (status: string, extra: Partial<DeploymentInfo> = {}): DeploymentInfo =>
  getDeploymentAnswer(target, {
    status: status as DeploymentInfo['status'],
    createTime: started,
    ...extra,
  }).deploymentInfo as DeploymentInfo;

function stackWithDeploymentGroup() {
  cloudFormation.on(DescribeStackResourcesCommand).resolves({
    StackResources: [
      {
        ResourceType: 'AWS::CodeDeploy::Application',
        PhysicalResourceId: 'app',
        LogicalResourceId: 'App',
        ResourceStatus: 'CREATE_COMPLETE',
        Timestamp: started,
      },
      {
        ResourceType: 'AWS::CodeDeploy::DeploymentGroup',
        PhysicalResourceId: 'hello-group',
        LogicalResourceId: 'Group',
        ResourceStatus: 'CREATE_COMPLETE',
        Timestamp: started,
      },
    ],
  });
  codeDeploy.on(GetDeploymentGroupCommand).resolves({
    deploymentGroupInfo: {
      alarmConfiguration: { alarms: [{ name: 'hello-fast-5xx' }, { name: 'api-5xx' }] },
    },
  });
  codeDeploy.on(GetDeploymentConfigCommand).resolves({
    deploymentConfigInfo: {
      trafficRoutingConfig: {
        type: 'TimeBasedCanary',
        timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 },
      },
    },
  });
  codeDeploy.on(GetApplicationRevisionCommand).resolves(getApplicationRevisionAnswer(target));
  lambda
    .on(GetAliasCommand)
    .resolves({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } } });
}

/** Each poll answers the next deployment state and alarm states in turn. */
function polls(...steps: { deployment: DeploymentInfo; alarms?: Record<string, string> }[]) {
  let call = 0;
  codeDeploy
    .on(ListDeploymentsCommand, {
      includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'],
    })
    .resolves({ deployments: ['d-1'] });
  codeDeploy
    .on(GetDeploymentCommand)
    .callsFake(() => ({ deploymentInfo: steps[Math.min(call++, steps.length - 1)]?.deployment }));
  let alarmCall = 0;
  cloudWatch.on(DescribeAlarmsCommand).callsFake(() => {
    const alarms = steps[Math.min(alarmCall++, steps.length - 1)]?.alarms ?? {};
    return {
      MetricAlarms: ['hello-fast-5xx', 'api-5xx'].map((name) => ({
        AlarmName: name,
        StateValue: alarms[name] ?? 'OK',
      })),
    };
  });
}

function recordingView() {
  const states: DeployViewState[] = [];
  const notes: string[] = [];
  return {
    view: {
      update: (state: DeployViewState) => states.push(state),
      note: (message: string) => notes.push(message),
    },
    states,
    notes,
  };
}

const watch = (view: ReturnType<typeof recordingView>['view']) =>
  watchDeployments({
    stackName: 'canary-api-prod',
    clients: awsClients('eu-west-1'),
    view,
    pollMs: 1,
    now: () => new Date(started.getTime() + 90_000),
  });

beforeEach(() => {
  for (const client of [cloudFormation, codeDeploy, lambda, cloudWatch]) client.reset();
});

describe('npm run watch', () => {
  it('follows a canary to success and exits 0, showing the alias weights and the time to the next shift', async () => {
    stackWithDeploymentGroup();
    polls({ deployment: deployment('InProgress') }, { deployment: deployment('Succeeded') });
    const { view, states, notes } = recordingView();
    expect(await watch(view)).toBe(0);
    expect(states[0]?.weights).toEqual([
      {
        name: 'canary-api-prod-hello:live',
        versions: [
          { version: '7', percent: 90 },
          { version: '8', percent: 10 },
        ],
      },
    ]);
    expect(states[0]?.progress?.label).toBe(
      '210s to the next shift (CodeDeployDefault.LambdaCanary10Percent5Minutes)',
    );
    expect(states.at(-1)?.phase).toBe('Succeeded');
    expect(notes.at(-1)).toBe('All deployments succeeded.');
    // The AppSpec, known to GetDeployment by its hash only, is read from the revision once.
    expect(codeDeploy.commandCalls(GetApplicationRevisionCommand)).toHaveLength(1);
  });

  it('reports a rollback on alarm and exits 1', async () => {
    stackWithDeploymentGroup();
    polls(
      { deployment: deployment('InProgress'), alarms: { 'hello-fast-5xx': 'ALARM' } },
      {
        deployment: deployment('Stopped', {
          errorInformation: {
            code: 'ALARM_ACTIVE',
            message: 'One or more alarms have been activated: hello-fast-5xx',
          },
          rollbackInfo: { rollbackMessage: 'Rolled back by d-2' },
        }),
        alarms: { 'hello-fast-5xx': 'ALARM' },
      },
    );
    const { view, states, notes } = recordingView();
    expect(await watch(view)).toBe(1);
    expect(states[0]?.alarms).toContainEqual({ name: 'hello-fast-5xx', state: 'ALARM' });
    expect(notes[0]).toBe(
      'd-1 Stopped: ALARM_ACTIVE One or more alarms have been activated: hello-fast-5xx; Rolled back by d-2',
    );
  });

  it('reports a failed hook and exits 1', async () => {
    stackWithDeploymentGroup();
    polls({
      deployment: deployment('Failed', {
        errorInformation: { code: 'HOOK_EXECUTION_FAILURE', message: 'BeforeAllowTraffic failed' },
      }),
    });
    const { view, notes } = recordingView();
    expect(await watch(view)).toBe(1);
    expect(notes[0]).toMatch(/HOOK_EXECUTION_FAILURE BeforeAllowTraffic failed/);
  });

  it('shows the latest deployment when none is in progress', async () => {
    stackWithDeploymentGroup();
    // Nothing in progress; two finished deployments, the newer of which succeeded.
    codeDeploy
      .on(ListDeploymentsCommand)
      .callsFake((input) => ({ deployments: input.includeOnlyStatuses ? [] : ['d-old', 'd-new'] }));
    codeDeploy.on(GetDeploymentCommand, { deploymentId: 'd-old' }).resolves({
      deploymentInfo: deployment('Failed', { deploymentId: 'd-old', createTime: new Date('2026-11-01') }),
    });
    codeDeploy
      .on(GetDeploymentCommand, { deploymentId: 'd-new' })
      .resolves({ deploymentInfo: deployment('Succeeded', { deploymentId: 'd-new' }) });
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    const { view, states } = recordingView();
    expect(await watch(view)).toBe(0);
    expect(states[0]?.title).toContain('d-new');
  });

  it('says so when the stack has never deployed gradually', async () => {
    stackWithDeploymentGroup();
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    const { view, notes } = recordingView();
    expect(await watch(view)).toBe(0);
    expect(notes).toEqual([
      'canary-api-prod has had no deployment yet; the first deploy of a stack shifts no traffic.',
    ]);
  });

  it('stops with one sentence without credentials', async () => {
    cloudFormation.on(DescribeStackResourcesCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    await expect(watch(recordingView().view)).rejects.toThrow(
      new WatchSetupError(
        'No AWS credentials found: configure them (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID) and try again.',
      ),
    );
  });

  it('stops with one sentence when the stack does not exist', async () => {
    cloudFormation
      .on(DescribeStackResourcesCommand)
      .rejects(new Error('Stack with id canary-api-prod does not exist'));
    await expect(watch(recordingView().view)).rejects.toThrow(
      'The stack canary-api-prod does not exist in this region.',
    );
  });
});
