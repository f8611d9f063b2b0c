/** CloudFormation as the builders read and write it: plain JSON, intrinsic functions included. */
// biome-ignore lint/suspicious/noExplicitAny: template fragments are arbitrary JSON; each builder types what it reads.
export type Json = Record<string, any>;

export interface Resource {
  Type: string;
  Properties?: Json;
  DependsOn?: string[];
  Metadata?: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  UpdatePolicy?: Json;
  Condition?: string;
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Json>;
  Conditions?: Record<string, Json>;
  Parameters?: Record<string, Json>;
}

/** A function that the canary plugin deploys through an alias and a CodeDeploy deployment group. */
export interface GradualFunction {
  /** Its key in serverless.yml, e.g. `hits`. */
  key: string;
  /** Its deployed name, e.g. `canary-api-prod-hits`. */
  name: string;
  /** The logical ID of its AWS::Lambda::Function, e.g. `HitsLambdaFunction`. */
  logicalId: string;
  /** The logical ID of the AWS::Lambda::Version osls publishes for this deploy. */
  versionLogicalId: string;
}

/** custom.delivery in serverless.yml. */
export interface DeliverySettings {
  logRetentionDays: number;
  syntheticsRuntime: string;
  /**
   * When the judge has the canary probe a stage no deployment is changing: an EventBridge schedule
   * expression, or `none` (idle-probe.ts). During a deployment it probes every minute regardless.
   */
  idleProbeSchedule: string;
  /** Whether each function has its own paging alarms (alias error rate and p99); settings.ts `flag`. */
  functionPagingAlarms: boolean | string;
  /** Whether the stage has a CloudWatch dashboard ($3 a month beyond an account's first three). */
  dashboard: boolean | string;
  /** See CloudWatchRoleMode in api-stage.ts; validated there. */
  apiGatewayCloudWatchRole: string;
  aliasErrorRatePercent: number;
  /** The key in serverless.yml of the function that judges each deployment (delivery/judge). */
  judgeFunction: string;
  throttlingRateLimit: number;
  throttlingBurstLimit: number;
  checkovSkips: Record<string, { id: string; comment: string }[]>;
  /** See BoundaryMode in permissions-boundary.ts; validated there. */
  permissionsBoundary?: string;
}
