import { createHash } from 'node:crypto';
import type {
  DeploymentInfo,
  GetApplicationRevisionCommandOutput,
  GetDeploymentCommandOutput,
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
