import { STAGE_IDS, type StageNames } from './names';
import type { Json, Template } from './types';

/**
 * Every role the stack creates carries the stage's permissions boundary, so no role made by a deploy can
 * do more than the stage's own work, whatever policy is put on it. The boundary is a managed policy that
 * ops/deployer-roles.yml creates per stage (`<service>-<stage>-boundary`), outside the reach of the
 * deployer roles, which may create and change roles only with it attached.
 *
 * `deployers` (default): that policy; `none`: no boundary (an account without the deployer stack, deployed
 * by an administrator); an IAM policy ARN: a boundary of the account's own.
 */
export type BoundaryMode = 'deployers' | 'none' | `arn:${string}`;

export function boundaryMode(setting: unknown): BoundaryMode {
  const value = String(setting ?? 'deployers');
  if (value === 'deployers' || value === 'none' || /^arn:aws[a-z-]*:iam::\d{12}:policy\/\S+$/.test(value))
    return value as BoundaryMode;
  throw new Error(
    `custom.delivery.permissionsBoundary must be deployers, none or an IAM policy ARN, not "${value}".`,
  );
}

/** The PermissionsBoundary every role gets, or undefined for none. */
export function boundaryArn(mode: BoundaryMode, names: StageNames): Json | string | undefined {
  if (mode === 'none') return undefined;
  if (mode !== 'deployers') return mode;
  return { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${names.boundaryPolicy}` };
}

/**
 * The region's API Gateway logging role (apiGatewayCloudWatchRole=create) serves every REST API of the
 * account and region, whose log groups no stage's boundary names: it gets none, so only an
 * administrator's deploy can create it (the deployer roles create roles only within the boundary).
 */
export const BOUNDARY_EXEMPT: readonly string[] = [STAGE_IDS.apiLoggingRole];

/** Puts the boundary on every AWS::IAM::Role of the template, whoever added it, but the region's. */
export function applyPermissionsBoundary(template: Template, boundary: Json | string | undefined): void {
  if (boundary === undefined) return;
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::IAM::Role' && !BOUNDARY_EXEMPT.includes(id))
      resource.Properties = { ...resource.Properties, PermissionsBoundary: boundary };
  }
}
