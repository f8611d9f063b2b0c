import { STAGE_IDS } from './names';
import type { Template } from './types';

/**
 * Makes each alias CodeDeploy shifts wait for what the shift needs. Its deployment group lists the new
 * version's alarms by name, and those names change with every version, so the group must be updated
 * before the alias starts the deployment; the alias's UpdatePolicy names the group, but CloudFormation
 * orders resources by the references in their Properties and DependsOn, so the order is made explicit.
 * The hooks the shift runs need their permissions (the hook policy) in place as well. cfn-lint counts
 * the UpdatePolicy's Ref as a dependency already (W3005); the explicit one costs nothing and does not
 * rest on that reading, so the warning is silenced on these aliases only.
 */
export function orderAliasUpdates(template: Template): void {
  for (const resource of Object.values(template.Resources)) {
    const group = resource.UpdatePolicy?.CodeDeployLambdaAliasUpdate?.DeploymentGroupName?.Ref;
    if (resource.Type !== 'AWS::Lambda::Alias' || typeof group !== 'string') continue;
    const needs = [group, STAGE_IDS.hookPolicy].filter((id) => id in template.Resources);
    resource.DependsOn = [...new Set([...(resource.DependsOn ?? []), ...needs])];
    resource.Metadata = { ...resource.Metadata, 'cfn-lint': { config: { ignore_checks: ['W3005'] } } };
  }
}
