import { EXTERNAL_IDS, STAGE_IDS, type StageNames } from './names';
import type { Json, Resource, Template } from './types';

/**
 * The REST API stage as an explicit AWS::ApiGateway::Stage with throttling, X-Ray tracing, metrics
 * and JSON access logs. osls leaves the stage implicit in the Deployment and sets tracing and logs
 * through API calls after the deploy, where neither reviewers nor validators see them, and it has no
 * stage throttling at all.
 */

/**
 * Who provides the region's API Gateway CloudWatch Logs role, which access and execution logs need.
 * It is one setting per account and region (AWS::ApiGateway::Account), not per stack: the last stack
 * that sets it wins, and a stack that created the role would delete it on removal, silently ending
 * the logs of every REST API in the region (aws-cdk #10878, #12769). So a stage never owns it:
 * - `existing`: the account already has the role (`aws apigateway get-account`); the stage only logs;
 * - `create`: this stage creates a role and points the setting at it, both retained on removal;
 * - `none`: no access or execution logs, for an account without the role where none may be created.
 */
const CLOUDWATCH_ROLE_MODES = ['existing', 'create', 'none'] as const;
export type CloudWatchRoleMode = (typeof CLOUDWATCH_ROLE_MODES)[number];

/** The mode serverless.yml (or `--param apiGatewayCloudWatchRole=…`) asks for, or a clear error. */
export function cloudWatchRoleMode(settings: { apiGatewayCloudWatchRole: string }): CloudWatchRoleMode {
  const mode = settings.apiGatewayCloudWatchRole;
  if ((CLOUDWATCH_ROLE_MODES as readonly string[]).includes(mode)) return mode as CloudWatchRoleMode;
  throw new Error(`apiGatewayCloudWatchRole must be existing, create or none, not '${mode}'.`);
}

export interface ApiStageInput {
  stage: string;
  cloudWatchRole: CloudWatchRoleMode;
  names: StageNames;
  /** The AWS::ApiGateway::Deployment osls compiled, which the stage now points at. */
  deploymentId: string;
  throttlingRateLimit: number;
  throttlingBurstLimit: number;
  logRetentionDays: number;
}

const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  method: '$context.httpMethod',
  resource: '$context.resourcePath',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  responseLength: '$context.responseLength',
  error: '$context.error.responseType',
});

/** Gives the REST API its stage's tags, which its stages, deployments and methods inherit for access control. */
export function tagRestApi(template: Template, names: StageNames): void {
  const api = template.Resources[EXTERNAL_IDS.restApi];
  if (!api) throw new Error(`The template has no ${EXTERNAL_IDS.restApi} to tag.`);
  const ours = new Set(names.apiTags.map((tag) => tag.Key));
  const others = ((api.Properties?.Tags ?? []) as Json[]).filter((tag) => !ours.has(tag.Key));
  api.Properties = { ...api.Properties, Tags: [...others, ...names.apiTags] };
}

/**
 * osls writes `Policy: ''` on every REST API "so that a policy is always present", which makes
 * CloudFormation apply an empty resource policy after creating the API: one more call on the new API,
 * whose tags the deployer roles' grants depend on. An API without a resource policy needs none.
 */
export function dropEmptyApiPolicy(template: Template): void {
  const properties = template.Resources[EXTERNAL_IDS.restApi]?.Properties;
  if (properties?.Policy === '') delete properties.Policy;
}

/** The one AWS::ApiGateway::Deployment of the compiled template. */
export function apiDeploymentId(template: Template): string | undefined {
  return Object.keys(template.Resources).find(
    (id) => template.Resources[id]?.Type === 'AWS::ApiGateway::Deployment',
  );
}

/** The stage, its access log group, and (when asked to) the region's API Gateway logging role. */
export function apiStage(input: ApiStageInput): Record<string, Resource> {
  const logs = input.cloudWatchRole !== 'none';
  const methodSettings: Json = {
    ResourcePath: '/*',
    HttpMethod: '*',
    ThrottlingRateLimit: input.throttlingRateLimit,
    ThrottlingBurstLimit: input.throttlingBurstLimit,
    // Per-method metrics are billed as custom metrics (7 per method) and nothing reads them: the
    // alarms and the dashboard use the stage's metrics, which API Gateway publishes anyway.
    MetricsEnabled: false,
    LoggingLevel: logs ? 'ERROR' : 'OFF',
    DataTraceEnabled: false,
  };
  const stage: Resource = {
    Type: 'AWS::ApiGateway::Stage',
    Properties: {
      RestApiId: { Ref: EXTERNAL_IDS.restApi },
      DeploymentId: { Ref: input.deploymentId },
      StageName: input.stage,
      TracingEnabled: true,
      MethodSettings: [methodSettings],
      ...(logs && {
        AccessLogSetting: {
          DestinationArn: { 'Fn::GetAtt': [STAGE_IDS.accessLogGroup, 'Arn'] },
          Format: ACCESS_LOG_FORMAT,
        },
      }),
    },
  };
  if (!logs) {
    stage.Metadata = {
      checkov: {
        skip: [
          {
            id: 'CKV_AWS_76',
            comment:
              'Deployed with apiGatewayCloudWatchRole=none: the account has no API Gateway CloudWatch Logs role and this stage may not create one, so it cannot write access logs.',
          },
        ],
      },
    };
    return { [STAGE_IDS.apiStage]: stage };
  }
  const resources: Record<string, Resource> = {
    [STAGE_IDS.apiStage]: stage,
    [STAGE_IDS.accessLogGroup]: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: input.names.accessLogGroup, RetentionInDays: input.logRetentionDays },
    },
  };
  if (input.cloudWatchRole === 'existing') return resources;
  // The setting and its role outlive the stack: other APIs of the region may log through them.
  stage.DependsOn = [STAGE_IDS.apiGatewayAccount];
  return {
    ...resources,
    [STAGE_IDS.apiGatewayAccount]: {
      Type: 'AWS::ApiGateway::Account',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { CloudWatchRoleArn: { 'Fn::GetAtt': [STAGE_IDS.apiLoggingRole, 'Arn'] } },
    },
    [STAGE_IDS.apiLoggingRole]: {
      Type: 'AWS::IAM::Role',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        ManagedPolicyArns: [
          {
            'Fn::Sub': `arn:\${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
          },
        ],
      },
    },
  };
}
