import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  type DeploymentInfo,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-codedeploy';
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { DeploymentTarget } from '../../delivery/appspec';
import { deploymentTarget } from '../../delivery/deployment-target';
import type { DeployViewState } from '../view';

/**
 * `npm run watch`: the CodeDeploy deployments that the stack's latest update started, shown with the
 * rehearsal's view until they end. Exit code 0 when all succeeded or the update started none, 1 when
 * one failed or was stopped (rolled back), 2 when the stack, its update or credentials are missing.
 */

export interface WatchClients {
  cloudFormation: CloudFormationClient;
  codeDeploy: CodeDeployClient;
  lambda: LambdaClient;
  cloudWatch: CloudWatchClient;
}

export interface WatchView {
  update(state: DeployViewState): void;
  note(message: string): void;
}

export class WatchSetupError extends Error {}

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

export function awsClients(region: string): WatchClients {
  return {
    cloudFormation: new CloudFormationClient({ region }),
    codeDeploy: new CodeDeployClient({ region }),
    lambda: new LambdaClient({ region }),
    cloudWatch: new CloudWatchClient({ region }),
  };
}

/** One sentence for what stops a watch before it starts. */
function setupError(error: unknown, stackName: string): never {
  const name = (error as Error)?.name ?? '';
  const message = String((error as Error)?.message ?? error);
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    throw new WatchSetupError(
      'No AWS credentials found: configure them (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID) and try again.',
    );
  }
  if (/does not exist/.test(message))
    throw new WatchSetupError(`The stack ${stackName} does not exist in this region.`);
  throw new WatchSetupError(`Could not read the stack ${stackName}: ${message}`);
}

async function stackDeployment(clients: WatchClients, stackName: string) {
  const { StackResources = [] } = await clients.cloudFormation
    .send(new DescribeStackResourcesCommand({ StackName: stackName }))
    .catch((error: unknown) => setupError(error, stackName));
  const application = StackResources.find(
    (resource) => resource.ResourceType === 'AWS::CodeDeploy::Application',
  );
  const groups = StackResources.filter(
    (resource) => resource.ResourceType === 'AWS::CodeDeploy::DeploymentGroup',
  );
  return {
    applicationName: application?.PhysicalResourceId,
    groupNames: groups.flatMap((group) => (group.PhysicalResourceId ? [group.PhysicalResourceId] : [])),
  };
}

/** The stack's latest create or update, as its own events tell it. */
interface StackUpdate {
  /** When CloudFormation began it: every deployment it starts is created at or after this time. */
  startedAt: Date;
  /** Not ended (nor rolled back) yet: CloudFormation may still start deployments, rollbacks too. */
  running: boolean;
}

const STARTS = new Set(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS']);

/**
 * A deployment belongs to this update when CodeDeploy created it at or after the update began, which
 * the stack's own UPDATE_IN_PROGRESS event records once per update. Not DescribeStacks'
 * LastUpdatedTime: it is documented only as "the time the stack was last updated", not whether a
 * rollback moves it, and a rollback moving it past the failed deployment would hide the very failure
 * watch is for. Nor the version the alias targets: after a failure the alias and the template are
 * back on the old version, so the failed deployment would match nothing either.
 */
async function latestUpdate(clients: WatchClients, stackName: string): Promise<StackUpdate> {
  let newest: string | undefined;
  let NextToken: string | undefined;
  do {
    // Newest first (DescribeStackEvents returns events in reverse chronological order).
    const page = await clients.cloudFormation
      .send(new DescribeStackEventsCommand({ StackName: stackName, NextToken }))
      .catch((error: unknown) => setupError(error, stackName));
    for (const event of page.StackEvents ?? []) {
      if (event.LogicalResourceId !== stackName || event.ResourceType !== 'AWS::CloudFormation::Stack')
        continue;
      newest ??= String(event.ResourceStatus);
      if (STARTS.has(String(event.ResourceStatus)) && event.Timestamp)
        return { startedAt: event.Timestamp, running: newest.endsWith('_IN_PROGRESS') };
    }
    NextToken = page.NextToken;
  } while (NextToken);
  throw new WatchSetupError(`The events of ${stackName} show no create or update: nothing to judge.`);
}

/** Per deployment group, the ids of the deployments created since `since` (empty: none). */
async function deploymentsSince(clients: WatchClients, application: string, groups: string[], since: Date) {
  const byGroup = new Map<string, string[]>();
  for (const deploymentGroupName of groups) {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await clients.codeDeploy.send(
        new ListDeploymentsCommand({
          applicationName: application,
          deploymentGroupName,
          createTimeRange: { start: since },
          nextToken,
        }),
      );
      ids.push(...(page.deployments ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    byGroup.set(deploymentGroupName, ids);
  }
  return byGroup;
}

async function deploymentInfo(clients: WatchClients, deploymentId: string): Promise<DeploymentInfo> {
  const { deploymentInfo: info } = await clients.codeDeploy.send(new GetDeploymentCommand({ deploymentId }));
  return info ?? {};
}

/** Time to the next shift of a time-based config, from when the deployment started shifting. */
async function progress(
  clients: WatchClients,
  info: DeploymentInfo,
  now: Date,
): Promise<DeployViewState['progress']> {
  if (!info.deploymentConfigName || !info.createTime || TERMINAL.has(String(info.status))) return undefined;
  const { deploymentConfigInfo } = await clients.codeDeploy.send(
    new GetDeploymentConfigCommand({ deploymentConfigName: info.deploymentConfigName }),
  );
  const routing = deploymentConfigInfo?.trafficRoutingConfig;
  const minutes = routing?.timeBasedCanary?.canaryInterval ?? routing?.timeBasedLinear?.linearInterval;
  if (!minutes) return undefined;
  const intervalMs = minutes * 60_000;
  const elapsed = now.getTime() - info.createTime.getTime();
  const intoInterval = elapsed % intervalMs;
  return {
    fraction: intoInterval / intervalMs,
    label: `${Math.ceil((intervalMs - intoInterval) / 1000)}s to the next shift (${info.deploymentConfigName})`,
  };
}

async function aliasWeights(clients: WatchClients, target: DeploymentTarget) {
  const alias = await clients.lambda.send(
    new GetAliasCommand({ FunctionName: target.functionName, Name: target.alias }),
  );
  const extra = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {});
  const extraShare = extra.reduce((sum, [, weight]) => sum + weight, 0);
  return {
    name: `${target.functionName}:${target.alias}`,
    versions: [
      { version: String(alias.FunctionVersion), percent: 100 * (1 - extraShare) },
      ...extra.map(([version, weight]) => ({ version, percent: 100 * weight })),
    ],
  };
}

async function alarmStates(clients: WatchClients, applicationName: string, groupNames: string[]) {
  const names = new Set<string>();
  for (const deploymentGroupName of groupNames) {
    const { deploymentGroupInfo } = await clients.codeDeploy.send(
      new GetDeploymentGroupCommand({ applicationName, deploymentGroupName }),
    );
    for (const alarm of deploymentGroupInfo?.alarmConfiguration?.alarms ?? [])
      if (alarm.name) names.add(alarm.name);
  }
  const states: { name: string; state: string }[] = [];
  const list = [...names];
  // DescribeAlarms takes at most 100 names per call.
  for (let index = 0; index < list.length; index += 100) {
    const { MetricAlarms = [] } = await clients.cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: list.slice(index, index + 100) }),
    );
    states.push(
      ...MetricAlarms.map((alarm) => ({ name: String(alarm.AlarmName), state: String(alarm.StateValue) })),
    );
  }
  return states;
}

export interface WatchOptions {
  stackName: string;
  clients: WatchClients;
  view: WatchView;
  pollMs?: number;
  now?: () => Date;
  /** Waits between polls; tests advance a fake stack instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
}

export const NOTHING_STARTED =
  'No function changed in this update: CodeDeploy started no deployment; nothing to watch.';

/** Deployments that undo a release: CodeDeploy's own after a failure, CloudFormation's when it rolls back. */
const ROLLBACKS = new Set(['codeDeployRollback', 'CloudFormationRollback']);

/** The verdict once every deployment of the update ended: notes, and the exit code. */
function judge(view: WatchView, infos: DeploymentInfo[], byGroup: Map<string, string[]>): number {
  for (const [group, ids] of byGroup)
    if (ids.length === 0) view.note(`${group}: unchanged in this update (no deployment), not judged.`);
  // A rollback deployment succeeds when the old version is back: the release itself did not land.
  const undone = infos.filter((info) => info.status !== 'Succeeded' || ROLLBACKS.has(String(info.creator)));
  for (const info of undone) {
    const { code = '', message = '' } = info.errorInformation ?? {};
    const why = ROLLBACKS.has(String(info.creator)) ? `created by ${info.creator}` : `${code} ${message}`;
    const rollback = info.rollbackInfo?.rollbackMessage ? `; ${info.rollbackInfo.rollbackMessage}` : '';
    view.note(`${info.deploymentId} ${info.status}: ${why}${rollback}`.trim());
  }
  if (undone.length === 0) view.note('All deployments succeeded.');
  else
    view.note('A deployment failed, was stopped or rolled back: traffic is back on the previous versions.');
  return undone.length === 0 ? 0 : 1;
}

export async function watchDeployments({
  stackName,
  clients,
  view,
  pollMs = 5_000,
  now = () => new Date(),
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}: WatchOptions): Promise<number> {
  const { applicationName, groupNames } = await stackDeployment(clients, stackName);
  if (!applicationName || groupNames.length === 0) {
    view.note(`${stackName} deploys nothing gradually (no CodeDeploy application): nothing to watch.`);
    return 0;
  }
  // A deployment's AppSpec does not change while it runs: read it once.
  const targets = new Map<string, Promise<DeploymentTarget>>();
  const targetOf = (info: DeploymentInfo) => {
    const id = String(info.deploymentId);
    if (!targets.has(id)) targets.set(id, deploymentTarget(clients.codeDeploy, info));
    return targets.get(id) as Promise<DeploymentTarget>;
  };
  let update = await latestUpdate(clients, stackName);
  let byGroup = await deploymentsSince(clients, applicationName, groupNames, update.startedAt);
  if (update.running && [...byGroup.values()].flat().length === 0)
    view.note(`${stackName} is being updated: waiting for CloudFormation to start its deployments.`);
  for (;;) {
    const ids = [...byGroup.values()].flat();
    if (ids.length === 0 && !update.running) {
      view.note(NOTHING_STARTED);
      return 0;
    }
    if (ids.length > 0) {
      const infos = await Promise.all(ids.map((id) => deploymentInfo(clients, id)));
      const weights = await Promise.all(
        infos.map(async (info) => aliasWeights(clients, await targetOf(info))),
      );
      const statuses = infos.map((info) => info.status ?? 'Unknown');
      view.update({
        title: `${stackName}: ${ids.length} deployment(s) ${ids.join(', ')}`,
        phase: [...new Set(statuses)].join(', '),
        // A group's rollback deployment moves the same alias as the deployment it undoes.
        weights: [...new Map(weights.map((entry) => [entry.name, entry])).values()],
        progress: await progress(clients, infos[0] ?? {}, now()),
        alarms: await alarmStates(clients, applicationName, groupNames),
      });
      // While the update runs, another group may still get a deployment; a failure is final at once.
      const ended = statuses.every((status) => TERMINAL.has(status));
      if (ended && (!update.running || statuses.some((status) => status !== 'Succeeded')))
        return judge(view, infos, byGroup);
    }
    await sleep(pollMs);
    if (update.running) {
      update = await latestUpdate(clients, stackName);
      byGroup = await deploymentsSince(clients, applicationName, groupNames, update.startedAt);
    }
  }
}
