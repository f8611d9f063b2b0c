import type { Template } from '../../../delivery/template/types';
import { canMatch } from './arn-match';
import { acceptedArns, type loadReference } from './reference';
import { type Grant, grantsOf } from './template-policies';

/** One way a grant cannot mean what it says. */
export interface Finding {
  where: string;
  action: string;
  resource: string;
  problem: string;
}

/**
 * Actions granted on `*` although they could be scoped, each with why. DescribeAlarms: AWS's
 * AWSCodeDeployRoleForLambda grants it on `*`; a call without an AlarmNames filter is authorized on
 * `alarm:*` (AccessDenied reports: aws-samples/amazon-cloudwatch-auto-alarms #1, aws-cdk #29171), and
 * neither CodeDeploy nor CloudFormation's alarm handler documents which form it sends.
 */
export const WILDCARD_GRANTS: Readonly<Record<string, string>> = {
  'cloudwatch:DescribeAlarms': 'read-only alarm states; the unfiltered call is authorized on alarm:*',
  'codedeploy:PutLifecycleEventHookExecutionStatus':
    'the Service Authorization Reference lists no resource type for it; the CodeDeploy User Guide the deployment group',
};

type Reference = NonNullable<ReturnType<typeof loadReference>>;

/**
 * Checks each action of each grant against the resource types and ARN formats AWS says it accepts:
 * an unknown action, a resource no accepted ARN can match (the grant authorizes nothing), and a
 * specific ARN on an action that takes only `*` are findings. `*` on an action that could be scoped is
 * one too, unless `wildcardAllowed` lists it with a reason.
 */
export function checkGrants(
  reference: Reference,
  grants: readonly Grant[],
  wildcardAllowed: Readonly<Record<string, string>> = {},
): Finding[] {
  const findings: Finding[] = [];
  for (const grant of grants) {
    for (const action of grant.actions) {
      const accepted = acceptedArns(reference, action);
      for (const resource of grant.resources) {
        const finding = (problem: string) => findings.push({ where: grant.where, action, resource, problem });
        if (!accepted) finding('no such action in the Service Authorization Reference');
        else if (accepted[0] === '*') {
          if (resource !== '*')
            finding('the action takes no resource-level permission: only "*" authorizes it');
        } else if (resource === '*') {
          if (!(action in wildcardAllowed))
            finding(`"*" where the action can be scoped to ${accepted.join(' or ')}`);
        } else if (!accepted.some((format) => canMatch(resource, format))) {
          finding(`matches no ARN the action accepts (${accepted.join(' or ')}): it authorizes nothing`);
        }
      }
    }
  }
  return findings;
}

/** The findings for every identity policy of a packaged template. */
export function checkTemplate(
  reference: Reference,
  template: Template,
  stackName: string,
  wildcardAllowed?: Readonly<Record<string, string>>,
): Finding[] {
  return checkGrants(reference, grantsOf(template, stackName), wildcardAllowed);
}
