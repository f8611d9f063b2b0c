import { randomUUID } from 'node:crypto';
import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  type ResourceStatus,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
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
import { awsClients, NOTHING_STARTED, WatchSetupError, watchDeployments } from '../../../ops/watch/poller';
import {
  getDeploymentAnswer,
  getDeploymentConfigAnswer,
  getDeploymentGroupAnswer,
  type LambdaDeployment,
  listDeploymentsAnswer,
  revisionAnswerOf,
} from '../../support/aws/codedeploy';

const cloudFormation = mockClient(CloudFormationClient);
const codeDeploy = mockClient(CodeDeployClient);
const lambda = mockClient(LambdaClient);
const cloudWatch = mockClient(CloudWatchClient);

const STACK = 'canary-api-prod';
const STACK_ID = `arn:aws:cloudformation:eu-west-1:123456789012:stack/${STACK}/0f1e2d3c-c861-11f0-9d7a-0a1b2c3d4e5f`;
const ALARMS = ['hello-fast-5xx', 'api-5xx'];
const HELLO_GROUP = 'canary-api-prod-HelloLambdaFunctionDeploymentGroup';
const ECHO_GROUP = 'canary-api-prod-EchoLambdaFunctionDeploymentGroup';
const minute = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);
/** This update's UPDATE_IN_PROGRESS; CloudFormation starts its deployments two minutes later. */
const began = new Date('2026-11-22T09:58:00Z');
const started = minute(began, 2);
/** The update before, which failed on a canary and rolled back; ofEarlier gives its deployments. */
const earlier = new Date('2026-11-01T09:00:00Z');

const hello = { deploymentId: 'd-1', functionName: 'canary-api-prod-hello', targetVersion: '8' };
const echo: LambdaDeployment = {
  deploymentId: 'd-echo',
  deploymentGroupName: ECHO_GROUP,
  functionName: 'canary-api-prod-echo',
  targetVersion: '5',
};
/** CodeDeploy's automatic rollback of d-1: the alias from the new version back to the old. */
const helloBack = { ...hello, deploymentId: 'd-2', currentVersion: '8', targetVersion: '7' };
/** GetDeployment's deploymentInfo (tests/support/aws/codedeploy), by default one this update started. */
const deployment = (status: string, extra: Partial<DeploymentInfo> = {}, of = hello as LambdaDeployment) =>
  getDeploymentAnswer(of, { status: status as DeploymentInfo['status'], createTime: started, ...extra })
    .deploymentInfo as DeploymentInfo;
const ofEarlier = (status: string, deploymentId: string, of = hello as LambdaDeployment) =>
  deployment(status, { deploymentId, createTime: minute(earlier, 2) }, of);
const oldFailure = ofEarlier('Failed', 'd-old');

/**
 * A StackEvent (CloudFormation API Reference, DescribeStackEvents, StackEvent): the stack's own events
 * name the stack as logical resource, AWS::CloudFormation::Stack as type and the stack id as physical
 * id, with a UUID for EventId; a resource's EventId is its logical id, status and time.
 */
function event(status: string, at: Date, ofStack = true): StackEvent {
  const resource = ofStack
    ? { LogicalResourceId: STACK, PhysicalResourceId: STACK_ID, ResourceType: 'AWS::CloudFormation::Stack' }
    : {
        LogicalResourceId: 'Dashboard',
        PhysicalResourceId: STACK,
        ResourceType: 'AWS::CloudWatch::Dashboard',
      };
  return {
    StackId: STACK_ID,
    StackName: STACK,
    EventId: ofStack ? randomUUID() : `Dashboard-${status}-${at.toISOString()}`,
    ...resource,
    Timestamp: at,
    // The stack's own events also carry statuses the SDK's ResourceStatus lacks (CLEANUP_IN_PROGRESS).
    ResourceStatus: status as ResourceStatus,
    ...(ofStack && status === 'UPDATE_IN_PROGRESS' ? { ResourceStatusReason: 'User Initiated' } : {}),
  };
}

/** The stack's events, newest first: its creation, the earlier update, and this one, ended or not. */
function history(running: boolean): StackEvent[] {
  const thisUpdate = running
    ? [event('UPDATE_IN_PROGRESS', minute(began, 1), false), event('UPDATE_IN_PROGRESS', began)]
    : [
        event('UPDATE_COMPLETE', minute(began, 10)),
        event('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', minute(began, 9)),
        event('UPDATE_COMPLETE', minute(began, 1), false),
        event('UPDATE_IN_PROGRESS', minute(began, 1), false),
        event('UPDATE_IN_PROGRESS', began),
      ];
  return [
    ...thisUpdate,
    event('UPDATE_ROLLBACK_COMPLETE', minute(earlier, 9)),
    event('UPDATE_ROLLBACK_IN_PROGRESS', minute(earlier, 8)),
    event('UPDATE_IN_PROGRESS', earlier),
    event('CREATE_COMPLETE', new Date('2026-10-01T09:05:00Z')),
    event('CREATE_IN_PROGRESS', new Date('2026-10-01T09:00:00Z')),
  ];
}

/** A stack with these groups (API references: CloudFormation DescribeStackResources, Lambda GetAlias). */
function stackWithDeploymentGroups(groups = [HELLO_GROUP]) {
  const resource = (type: string, id: string) => ({
    ResourceType: type,
    PhysicalResourceId: id,
    LogicalResourceId: id.replace(`${STACK}-`, ''),
    ResourceStatus: 'UPDATE_COMPLETE' as const,
    Timestamp: earlier,
  });
  cloudFormation.on(DescribeStackResourcesCommand).resolves({
    StackResources: [
      resource('AWS::CodeDeploy::Application', 'canary-api-prod-CanaryapiprodDeploymentApplication-1A2B3C4D'),
      ...groups.map((group) => resource('AWS::CodeDeploy::DeploymentGroup', group)),
    ],
  });
  codeDeploy
    .on(GetDeploymentGroupCommand)
    .callsFake(({ deploymentGroupName }) => getDeploymentGroupAnswer(deploymentGroupName, ALARMS));
  codeDeploy.on(GetDeploymentConfigCommand).resolves(getDeploymentConfigAnswer());
  codeDeploy
    .on(GetApplicationRevisionCommand)
    .callsFake(({ revision }) => revisionAnswerOf([hello, echo, helloBack], revision));
  lambda
    .on(GetAliasCommand)
    .resolves({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } } });
}

/** What AWS holds at one poll: every deployment of the groups, this update running or ended, alarms. */
interface Poll {
  deployments: DeploymentInfo[];
  running?: boolean;
  alarms?: Record<string, string>;
}

/** Runs watch; each wait moves AWS on to the next poll (DescribeAlarms: CloudWatch API Reference). */
async function watchPolls(...polls: Poll[]) {
  let waits = 0;
  const poll = () => polls[Math.min(waits, polls.length - 1)] as Poll;
  // DescribeStackEvents (API reference: Response Elements): newest first, a page at a time.
  cloudFormation.on(DescribeStackEventsCommand).callsFake(async ({ NextToken }) => {
    const events = history(poll().running ?? false);
    const [from, to] = [Number(NextToken ?? 0), Number(NextToken ?? 0) + 3];
    return { StackEvents: events.slice(from, to), NextToken: to < events.length ? String(to) : undefined };
  });
  codeDeploy
    .on(ListDeploymentsCommand)
    .callsFake((input) => listDeploymentsAnswer(poll().deployments, input));
  codeDeploy.on(GetDeploymentCommand).callsFake(({ deploymentId }) => ({
    deploymentInfo: poll().deployments.find((info) => info.deploymentId === deploymentId),
  }));
  cloudWatch.on(DescribeAlarmsCommand).callsFake(() => ({
    MetricAlarms: ALARMS.map((name) => ({ AlarmName: name, StateValue: poll().alarms?.[name] ?? 'OK' })),
  }));
  const states: DeployViewState[] = [];
  const notes: string[] = [];
  const code = await watchDeployments({
    stackName: STACK,
    clients: awsClients('eu-west-1'),
    view: { update: (state) => states.push(state), note: (message) => notes.push(message) },
    now: () => minute(started, 1.5),
    sleep: async () => void waits++,
  });
  return { code, states, notes, waits };
}

beforeEach(() => {
  for (const client of [cloudFormation, codeDeploy, lambda, cloudWatch]) client.reset();
});

describe('npm run watch', () => {
  it('follows a canary to success and exits 0, showing the alias weights and the time to the next shift', async () => {
    stackWithDeploymentGroups();
    const { code, states, notes } = await watchPolls(
      { deployments: [oldFailure, deployment('InProgress')], running: true },
      { deployments: [oldFailure, deployment('Succeeded')] },
    );
    expect(code).toBe(0);
    const versions = [
      { version: '7', percent: 90 },
      { version: '8', percent: 10 },
    ];
    expect(states[0]?.weights).toEqual([{ name: 'canary-api-prod-hello:live', versions }]);
    expect(states[0]?.progress?.label).toBe(
      '210s to the next shift (CodeDeployDefault.LambdaCanary10Percent5Minutes)',
    );
    expect(states.at(-1)?.phase).toBe('Succeeded');
    expect(notes).toEqual(['All deployments succeeded.']);
    // The AppSpec, known to GetDeployment by its hash only, is read from the revision once.
    expect(codeDeploy.commandCalls(GetApplicationRevisionCommand)).toHaveLength(1);
  });

  it("reports a rollback on alarm and exits 1, though CodeDeploy's rollback deployment succeeded", async () => {
    stackWithDeploymentGroups();
    const message = 'One or more alarms have been activated: hello-fast-5xx';
    const stopped = deployment('Stopped', {
      errorInformation: { code: 'ALARM_ACTIVE', message },
      rollbackInfo: { rollbackDeploymentId: 'd-2', rollbackMessage: 'Rolled back by d-2' },
    });
    const rollback = deployment(
      'Succeeded',
      { creator: 'codeDeployRollback', rollbackInfo: { rollbackTriggeringDeploymentId: 'd-1' } },
      helloBack,
    );
    const { code, states, notes } = await watchPolls(
      { deployments: [deployment('InProgress')], running: true, alarms: { 'hello-fast-5xx': 'ALARM' } },
      { deployments: [stopped, rollback], running: true, alarms: { 'hello-fast-5xx': 'ALARM' } },
    );
    expect(code).toBe(1);
    expect(states[0]?.alarms).toContainEqual({ name: 'hello-fast-5xx', state: 'ALARM' });
    expect(states.at(-1)?.weights).toHaveLength(1);
    expect(notes.slice(0, 2)).toEqual([
      `d-1 Stopped: ALARM_ACTIVE ${message}; Rolled back by d-2`,
      'd-2 Succeeded: created by codeDeployRollback',
    ]);
  });

  it("exits 1 when a hook failed this update's deployment in one group while another succeeded", async () => {
    stackWithDeploymentGroups([HELLO_GROUP, ECHO_GROUP]);
    const error = { code: 'HOOK_EXECUTION_FAILURE', message: 'BeforeAllowTraffic failed' } as const;
    const echoFailed = deployment('Failed', { errorInformation: error }, echo);
    const { code, states, notes } = await watchPolls({ deployments: [deployment('Succeeded'), echoFailed] });
    expect(code).toBe(1);
    expect(states[0]?.title).toBe('canary-api-prod: 2 deployment(s) d-1, d-echo');
    expect(notes[0]).toBe('d-echo Failed: HOOK_EXECUTION_FAILURE BeforeAllowTraffic failed');
  });

  it('reports a group this update left alone as unchanged, not judging its old failure', async () => {
    stackWithDeploymentGroups([HELLO_GROUP, ECHO_GROUP]);
    const echoOld = ofEarlier('Failed', 'd-e0', echo);
    const { code, states, notes } = await watchPolls({ deployments: [echoOld, deployment('Succeeded')] });
    expect(code).toBe(0);
    expect(states[0]?.title).toBe('canary-api-prod: 1 deployment(s) d-1');
    expect(notes).toEqual([
      `${ECHO_GROUP}: unchanged in this update (no deployment), not judged.`,
      'All deployments succeeded.',
    ]);
  });

  it('exits 0 at once with one line when the update changed no function, though a group last failed', async () => {
    stackWithDeploymentGroups([HELLO_GROUP, ECHO_GROUP]);
    const echoBefore = ofEarlier('Succeeded', 'd-e0', echo);
    const { code, notes, states, waits } = await watchPolls({ deployments: [oldFailure, echoBefore] });
    expect(code).toBe(0);
    expect(notes).toEqual([NOTHING_STARTED]);
    expect([states.length, waits]).toEqual([0, 0]);
    expect(codeDeploy.commandCalls(GetDeploymentCommand)).toHaveLength(0);
  });

  it('started while the update runs, waits for CloudFormation to start the deployments', async () => {
    stackWithDeploymentGroups([HELLO_GROUP, ECHO_GROUP]);
    const [helloDone, echoDone] = [deployment('Succeeded'), deployment('Succeeded', {}, echo)];
    const { code, notes, waits } = await watchPolls(
      { deployments: [oldFailure], running: true },
      { deployments: [oldFailure, deployment('InProgress')], running: true },
      { deployments: [oldFailure, helloDone, deployment('InProgress', {}, echo)], running: true },
      { deployments: [oldFailure, helloDone, echoDone] },
    );
    expect(code).toBe(0);
    expect(waits).toBe(3);
    expect(notes).toEqual([
      'canary-api-prod is being updated: waiting for CloudFormation to start its deployments.',
      'All deployments succeeded.',
    ]);
  });

  it('stops with one sentence without credentials', async () => {
    cloudFormation.on(DescribeStackResourcesCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    await expect(watchPolls({ deployments: [] })).rejects.toThrow(
      new WatchSetupError(
        'No AWS credentials found: configure them (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID) and try again.',
      ),
    );
  });

  it('stops with one sentence when the stack does not exist', async () => {
    cloudFormation
      .on(DescribeStackResourcesCommand)
      .rejects(new Error('Stack with id canary-api-prod does not exist'));
    await expect(watchPolls({ deployments: [] })).rejects.toThrow(
      'The stack canary-api-prod does not exist in this region.',
    );
  });
});
