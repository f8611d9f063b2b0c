import {
  type CodeDeployClient,
  type DeploymentInfo,
  GetApplicationRevisionCommand,
  type RevisionLocation,
} from '@aws-sdk/client-codedeploy';
import { type DeploymentTarget, parseAppSpec } from './appspec';

const contentOf = (revision: RevisionLocation | undefined) =>
  revision?.appSpecContent?.content ?? revision?.string?.content;

/**
 * What a Lambda deployment moves: the function, alias and versions of its AppSpec. For deployments
 * CloudFormation starts (CodeDeployLambdaAliasUpdate), GetDeployment names the revision only by its
 * sha256, without the content; the AppSpec itself comes from GetApplicationRevision, as the hooks of
 * seek-oss/aws-codedeploy-hooks and kayac/ecspresso read it. An inline revision is used as it is.
 */
export async function deploymentTarget(
  codeDeploy: CodeDeployClient,
  deployment: DeploymentInfo,
  signal?: AbortSignal,
): Promise<DeploymentTarget> {
  const { applicationName, revision, deploymentId } = deployment;
  let content = contentOf(revision);
  if (!content && applicationName && revision) {
    const stored = await codeDeploy.send(new GetApplicationRevisionCommand({ applicationName, revision }), {
      abortSignal: signal,
    });
    content = contentOf(stored.revision);
  }
  if (!content) throw new Error(`the AppSpec of deployment ${deploymentId} could not be read`);
  return parseAppSpec(content);
}
