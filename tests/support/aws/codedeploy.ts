import { createHash } from 'node:crypto';
import type {
  DeploymentInfo,
  GetApplicationRevisionCommandOutput,
  GetDeploymentCommandOutput,
  GetDeploymentConfigCommandOutput,
  GetDeploymentGroupCommandOutput,
  ListDeploymentsCommandInput,
  ListDeploymentsCommandOutput,
  RevisionLocation,
} from '@aws-sdk/client-codedeploy';

/**
 * CodeDeploy's answers about a Lambda deployment that CloudFormation started for an alias with a
 * CodeDeployLambdaAliasUpdate UpdatePolicy, in the shapes the real API returns.
 */

export interface LambdaDeployment {
  deploymentId?: string;
  applicationName?: string;
  deploymentGroupName?: string;
  functionName: string;
  alias?: string;
  currentVersion?: string;
  targetVersion: string;
}

/** The AppSpec CloudFormation registers for the alias update: JSON, one Lambda function resource. */
export function appSpecOf(deployment: LambdaDeployment): string {
  return JSON.stringify({
    version: 0.0,
    Resources: [
      {
        [deployment.functionName]: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Name: deployment.functionName,
            Alias: deployment.alias ?? 'live',
            CurrentVersion: deployment.currentVersion ?? '7',
            TargetVersion: deployment.targetVersion,
          },
        },
      },
    ],
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * GetDeployment (API reference: GetDeployment, DeploymentInfo, RevisionLocation, AppSpecContent).
 * For a deployment CloudFormation starts, the revision is an AppSpecContent known by its sha256 only:
 * `content` is absent, which is why production hooks read the AppSpec with GetApplicationRevision
 * (seek-oss/aws-codedeploy-hooks, kayac/ecspresso). `withContent` gives the other shape the API
 * allows, an inline revision that carries its content, so that both are tested.
 */
export function getDeploymentAnswer(
  deployment: LambdaDeployment,
  extra: Partial<DeploymentInfo> = {},
  withContent = false,
): GetDeploymentCommandOutput {
  const content = appSpecOf(deployment);
  return {
    $metadata: {},
    deploymentInfo: {
      applicationName:
        deployment.applicationName ?? 'canary-api-prod-CanaryapiprodDeploymentApplication-1A2B3C4D',
      deploymentGroupName:
        deployment.deploymentGroupName ?? 'canary-api-prod-HelloLambdaFunctionDeploymentGroup',
      deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      deploymentId: deployment.deploymentId ?? 'd-ABC123',
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: withContent ? { content, sha256: sha256(content) } : { sha256: sha256(content) },
      },
      status: 'InProgress',
      createTime: new Date('2026-11-22T10:00:00Z'),
      creator: 'CloudFormation',
      computePlatform: 'Lambda',
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      ...extra,
    },
  };
}

/**
 * GetApplicationRevision (API reference: GetApplicationRevision): the stored revision, with its
 * AppSpec content, and when it was registered and first used.
 */
export function getApplicationRevisionAnswer(
  deployment: LambdaDeployment,
): GetApplicationRevisionCommandOutput {
  const content = appSpecOf(deployment);
  return {
    $metadata: {},
    applicationName:
      deployment.applicationName ?? 'canary-api-prod-CanaryapiprodDeploymentApplication-1A2B3C4D',
    revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: sha256(content) } },
    revisionInfo: {
      registerTime: new Date('2026-11-22T10:00:00Z'),
      firstUsedTime: new Date('2026-11-22T10:00:00Z'),
      lastUsedTime: new Date('2026-11-22T10:00:00Z'),
      deploymentGroups: [
        deployment.deploymentGroupName ?? 'canary-api-prod-HelloLambdaFunctionDeploymentGroup',
      ],
    },
  };
}

/**
 * ListDeployments (API reference: ListDeployments, TimeRange): the ids of one group's deployments that
 * pass the request's `includeOnlyStatuses` and `createTimeRange` (either bound open-ended), a page at a
 * time behind an opaque `nextToken`. The reference does not say whether the bounds are inclusive: they
 * are here, and no test puts a deployment on a bound.
 */
export function listDeploymentsAnswer(
  deployments: readonly DeploymentInfo[],
  input: ListDeploymentsCommandInput,
  pageSize = 2,
): ListDeploymentsCommandOutput {
  const { start, end } = input.createTimeRange ?? {};
  const created = (info: DeploymentInfo) => info.createTime?.getTime() ?? 0;
  const ids = deployments
    .filter(
      (info) =>
        info.applicationName === input.applicationName &&
        info.deploymentGroupName === input.deploymentGroupName &&
        (!input.includeOnlyStatuses || input.includeOnlyStatuses.some((status) => status === info.status)) &&
        (!start || created(info) >= start.getTime()) &&
        (!end || created(info) <= end.getTime()),
    )
    .map((info) => String(info.deploymentId));
  const from = Number(input.nextToken ?? 0);
  const more = from + pageSize < ids.length;
  return {
    $metadata: {},
    deployments: ids.slice(from, from + pageSize),
    ...(more ? { nextToken: String(from + pageSize) } : {}),
  };
}

/** GetApplicationRevision for whichever of `deployments` registered the revision asked for, by its sha256. */
export function revisionAnswerOf(
  deployments: readonly LambdaDeployment[],
  revision: RevisionLocation | undefined,
): GetApplicationRevisionCommandOutput | undefined {
  return deployments
    .map(getApplicationRevisionAnswer)
    .find((answer) => answer.revision?.appSpecContent?.sha256 === revision?.appSpecContent?.sha256);
}

/**
 * GetDeploymentGroup (API reference: GetDeploymentGroup, DeploymentGroupInfo, AlarmConfiguration): a
 * Lambda group as serverless-plugin-canary-deployments declares it, rolling back on its alarms.
 */
export function getDeploymentGroupAnswer(
  deploymentGroupName: string,
  alarms: readonly string[],
): GetDeploymentGroupCommandOutput {
  return {
    $metadata: {},
    deploymentGroupInfo: {
      applicationName: 'canary-api-prod-CanaryapiprodDeploymentApplication-1A2B3C4D',
      deploymentGroupId: 'f6e5d4c3-b2a1-4f0e-9d8c-7b6a5f4e3d2c',
      deploymentGroupName,
      deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/canary-api-prod-CodeDeployServiceRole-1A2B3C4D',
      alarmConfiguration: {
        enabled: true,
        ignorePollAlarmFailure: false,
        alarms: alarms.map((name) => ({ name })),
      },
      autoRollbackConfiguration: {
        enabled: true,
        events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
      },
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      computePlatform: 'Lambda',
    },
  };
}

/**
 * GetDeploymentConfig (API reference: GetDeploymentConfig, DeploymentConfigInfo, TrafficRoutingConfig):
 * the predefined CodeDeployDefault.LambdaCanary10Percent5Minutes.
 */
export function getDeploymentConfigAnswer(): GetDeploymentConfigCommandOutput {
  return {
    $metadata: {},
    deploymentConfigInfo: {
      deploymentConfigId: 'a1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      createTime: new Date('2017-11-28T00:00:00Z'),
      computePlatform: 'Lambda',
      trafficRoutingConfig: {
        type: 'TimeBasedCanary',
        timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 },
      },
    },
  };
}
