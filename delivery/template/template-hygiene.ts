import type { DeliverySettings, Template } from './types';

/**
 * Writes the checkov skips serverless.yml declares per resource type (custom.delivery.checkovSkips)
 * into the Metadata of every resource of that type, osls-generated ones included, so each skip
 * carries its reason in the template that is reviewed and deployed.
 */
export function recordCheckovSkips(template: Template, skips: DeliverySettings['checkovSkips']): void {
  for (const resource of Object.values(template.Resources)) {
    const forType = skips[resource.Type];
    if (!forType) continue;
    const own = resource.Metadata?.checkov?.skip ?? [];
    resource.Metadata = { ...resource.Metadata, checkov: { skip: [...own, ...forType] } };
  }
}

/**
 * osls makes each function DependsOn its role although the function's GetAtt of that role already
 * orders them; cfn-lint warns (W3005) about every such pair, so the duplicate is dropped.
 */
export function dropDependenciesImpliedByRoles(template: Template): void {
  for (const resource of Object.values(template.Resources)) {
    const role = resource.Properties?.Role?.['Fn::GetAtt']?.[0];
    if (resource.Type !== 'AWS::Lambda::Function' || !role || !resource.DependsOn) continue;
    resource.DependsOn = resource.DependsOn.filter((dependency) => dependency !== role);
    if (resource.DependsOn.length === 0) delete resource.DependsOn;
  }
}
