import type { GatewayResponseType } from '../gateway-problems';
import type { GradualFunction } from './types';

/**
 * The one home of the logical IDs and physical names the delivery resources use: the IDs this
 * package creates, the IDs of what osls and the canary plugin create, and the stage-wide names.
 */

/** Resources osls, the canary plugin or serverless.yml define, which the delivery resources refer to. */
export const EXTERNAL_IDS = {
  restApi: 'ApiGatewayRestApi',
  deployHookRole: 'DeployHookRole',
  judgeRole: 'JudgeRole',
} as const;

/** Stage-wide resources the builders create. */
export const STAGE_IDS = {
  apiStage: 'ApiGatewayStage',
  apiGatewayAccount: 'ApiGatewayAccount',
  apiLoggingRole: 'ApiGatewayLoggingRole',
  accessLogGroup: 'ApiAccessLogGroup',
  api5xxAlarm: 'ApiGateway5xxAlarm',
  judgeErrorsAlarm: 'JudgeErrorsAlarm',
  canary: 'SyntheticsCanary',
  canaryRole: 'SyntheticsCanaryRole',
  canaryBucket: 'SyntheticsArtifactsBucket',
  canaryBucketPolicy: 'SyntheticsArtifactsBucketPolicy',
  canaryAlarm: 'SyntheticsFailedAlarm',
  idleProbeRule: 'IdleProbeRule',
  idleProbePermission: 'IdleProbePermission',
  hookPolicy: 'DeployHookCodeDeployPolicy',
  judgePolicy: 'JudgePolicy',
  codeDeployRole: 'CodeDeployServiceRole',
  dashboard: 'Dashboard',
} as const;

/**
 * The gateway responses, by response type. These IDs were first written in serverless.yml and are kept:
 * a renamed gateway response would be created under its new ID and then the old one deleted, which
 * resets that response type to API Gateway's default.
 */
export const GATEWAY_RESPONSE_IDS = {
  THROTTLED: 'GatewayResponseThrottled',
  REQUEST_TOO_LARGE: 'GatewayResponseTooLarge',
  INTEGRATION_TIMEOUT: 'GatewayResponseTimeout',
  DEFAULT_4XX: 'GatewayResponseDefault4xx',
  DEFAULT_5XX: 'GatewayResponseDefault5xx',
} as const satisfies Record<GatewayResponseType, string>;

/** The per-function alarms, by the logical ID suffix each gets after the function's own ID. */
export const FUNCTION_ALARMS = {
  judge: 'JudgeVerdictAlarm',
  errors: 'NewVersionErrorsAlarm',
  aliasErrors: 'AliasErrorsAlarm',
  aliasLatency: 'AliasLatencyAlarm',
} as const;
export type FunctionAlarm = keyof typeof FUNCTION_ALARMS;

/**
 * The alarms a function's deployment group watches: the judge's verdict (candidate against baseline)
 * and the candidate's own crashes. The alias-wide and stage-wide alarms judge whatever version answers,
 * so an outage both versions share would stop the release that fixes it: they page people instead.
 */
export const DEPLOYMENT_GROUP_ALARMS: readonly FunctionAlarm[] = ['judge', 'errors'];

export const functionAlarmId = (fn: GradualFunction, alarm: FunctionAlarm) =>
  `${fn.logicalId}${FUNCTION_ALARMS[alarm]}`;

/** What the canary plugin names a function's deployment group and alias (its getFunctionDeploymentGroupId, buildFunctionAlias). */
export const deploymentGroupId = (fn: GradualFunction) => `${fn.logicalId}DeploymentGroup`;
export const aliasId = (fn: GradualFunction, alias: string) => `${fn.logicalId}Alias${alias}`;

/**
 * Stage names may not start with this: the `deployer` stage's grants on `<service>-deployer-*` would
 * reach the deployer roles, and a `deployers` stage's would reach the deployer stack
 * `<service>-deployers` (ops/deployer-roles.yml refuses them too).
 */
export const RESERVED_STAGE_PREFIX = 'deployer';

/** Physical names of one stage of the service. */
export function stageNames(service: string, stage: string) {
  if (stage.startsWith(RESERVED_STAGE_PREFIX))
    throw new Error(
      `The stage name "${stage}" is reserved: ${service}-${RESERVED_STAGE_PREFIX}* names the deployer roles and their stack.`,
    );
  const prefix = `${service}-${stage}`;
  return {
    /** The stack, the dashboard and the Synthetics canary (which must stay within 21 characters). */
    prefix,
    /** osls names the REST API `<stage>-<service>`, which is the ApiName dimension of its metrics. */
    apiName: `${stage}-${service}`,
    canary: prefix,
    /** The EventBridge rule that wakes the judge to probe an idle stage (idle-probe.ts). */
    idleProbeRule: `${prefix}-idle-probe`,
    alarm: (suffix: string) => `${prefix}-${suffix}`,
    functionAlarm: (key: string, suffix: string) => `${prefix}-${key}-${suffix}`,
    accessLogGroup: `/aws/api-gateway/${prefix}`,
    /**
     * The REST API's tags: ops/deployer-roles.yml lets a stage's deployer change an API only when they
     * name its stage (API Gateway's ARNs carry generated IDs; STAGE is also osls's stack tag).
     */
    apiTags: [
      { Key: 'SERVICE', Value: service },
      { Key: 'STAGE', Value: stage },
    ],
    /** The managed policy ops/deployer-roles.yml creates as the stage's permissions boundary. */
    boundaryPolicy: `${prefix}-boundary`,
  };
}
export type StageNames = ReturnType<typeof stageNames>;
