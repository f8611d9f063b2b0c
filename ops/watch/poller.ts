import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
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
 * `npm run watch`: the stack's CodeDeploy deployments, in progress or else the latest, shown with the
 * rehearsal's view until they end. Exit code 0 when all succeeded, 1 when one failed or was stopped
 * (rolled back), 2 when the stack or credentials are missing.
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

const ACTIVE = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;
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

async function deploymentsToWatch(clients: WatchClients, applicationName: string, groupNames: string[]) {
  const ids: string[] = [];
  for (const deploymentGroupName of groupNames) {
    const active = await clients.codeDeploy.send(
      new ListDeploymentsCommand({ applicationName, deploymentGroupName, includeOnlyStatuses: [...ACTIVE] }),
    );
    if (active.deployments?.length) {
      ids.push(...active.deployments);
      continue;
    }
    const all = await clients.codeDeploy.send(
      new ListDeploymentsCommand({ applicationName, deploymentGroupName }),
    );
    const infos = await Promise.all(
      (all.deployments ?? []).map((deploymentId) => deploymentInfo(clients, deploymentId)),
    );
    const latest = infos.sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0))[0];
    if (latest?.deploymentId) ids.push(latest.deploymentId);
  }
  return ids;
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
}

export async function watchDeployments({
  stackName,
  clients,
  view,
  pollMs = 5_000,
  now = () => new Date(),
}: WatchOptions): Promise<number> {
  const { applicationName, groupNames } = await stackDeployment(clients, stackName);
  if (!applicationName || groupNames.length === 0) {
    view.note(`${stackName} deploys nothing gradually (no CodeDeploy application): nothing to watch.`);
    return 0;
  }
  const ids = await deploymentsToWatch(clients, applicationName, groupNames);
  if (ids.length === 0) {
    view.note(`${stackName} has had no deployment yet; the first deploy of a stack shifts no traffic.`);
    return 0;
  }
  // A deployment's AppSpec does not change while it runs: read it once.
  const targets = new Map<string, Promise<DeploymentTarget>>();
  const targetOf = (info: DeploymentInfo) => {
    const id = String(info.deploymentId);
    if (!targets.has(id)) targets.set(id, deploymentTarget(clients.codeDeploy, info));
    return targets.get(id) as Promise<DeploymentTarget>;
  };
  for (;;) {
    const infos = await Promise.all(ids.map((id) => deploymentInfo(clients, id)));
    const weights = await Promise.all(infos.map(async (info) => aliasWeights(clients, await targetOf(info))));
    const statuses = infos.map((info) => info.status ?? 'Unknown');
    view.update({
      title: `${stackName}: ${ids.length} deployment(s) ${ids.join(', ')}`,
      phase: [...new Set(statuses)].join(', '),
      weights,
      progress: await progress(clients, infos[0] ?? {}, now()),
      alarms: await alarmStates(clients, applicationName, groupNames),
    });
    if (statuses.every((status) => TERMINAL.has(status))) {
      for (const info of infos.filter((candidate) => candidate.status !== 'Succeeded')) {
        const rollback = info.rollbackInfo?.rollbackMessage ? `; ${info.rollbackInfo.rollbackMessage}` : '';
        view.note(
          `${info.deploymentId} ${info.status}: ${info.errorInformation?.code ?? ''} ${info.errorInformation?.message ?? ''}${rollback}`.trim(),
        );
      }
      const succeeded = statuses.every((status) => status === 'Succeeded');
      view.note(
        succeeded
          ? 'All deployments succeeded.'
          : 'A deployment failed or was stopped: traffic is back on the previous versions.',
      );
      return succeeded ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
