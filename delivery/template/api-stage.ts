import { EXTERNAL_IDS, STAGE_IDS, type StageNames } from './names';
import type { Json, Resource, Template } from './types';

/**
 * The REST API stage as an explicit AWS::ApiGateway::Stage with throttling, X-Ray tracing, metrics
 * and JSON access logs. osls leaves the stage implicit in the Deployment and sets tracing and logs
 * through API calls after the deploy, where neither reviewers nor validators see them, and it has no
 * stage throttling at all.
 */

export interface ApiStageInput {
  stage: string;
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

/** The one AWS::ApiGateway::Deployment of the compiled template. */
export function apiDeploymentId(template: Template): string | undefined {
  return Object.keys(template.Resources).find(
    (id) => template.Resources[id]?.Type === 'AWS::ApiGateway::Deployment',
  );
}

/** The stage, its access log group, and the region's API Gateway logging role that access logs need. */
export function apiStage(input: ApiStageInput): Record<string, Resource> {
  const methodSettings: Json = {
    ResourcePath: '/*',
    HttpMethod: '*',
    ThrottlingRateLimit: input.throttlingRateLimit,
    ThrottlingBurstLimit: input.throttlingBurstLimit,
    MetricsEnabled: true,
    LoggingLevel: 'ERROR',
    DataTraceEnabled: false,
  };
  return {
    [STAGE_IDS.apiStage]: {
      Type: 'AWS::ApiGateway::Stage',
      DependsOn: [STAGE_IDS.apiGatewayAccount],
      Properties: {
        RestApiId: { Ref: EXTERNAL_IDS.restApi },
        DeploymentId: { Ref: input.deploymentId },
        StageName: input.stage,
        TracingEnabled: true,
        MethodSettings: [methodSettings],
        AccessLogSetting: {
          DestinationArn: { 'Fn::GetAtt': [STAGE_IDS.accessLogGroup, 'Arn'] },
          Format: ACCESS_LOG_FORMAT,
        },
      },
    },
    [STAGE_IDS.accessLogGroup]: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: input.names.accessLogGroup, RetentionInDays: input.logRetentionDays },
    },
    // API Gateway needs an account-level role to write access and execution logs (one per region).
    [STAGE_IDS.apiGatewayAccount]: {
      Type: 'AWS::ApiGateway::Account',
      Properties: { CloudWatchRoleArn: { 'Fn::GetAtt': [STAGE_IDS.apiLoggingRole, 'Arn'] } },
    },
    [STAGE_IDS.apiLoggingRole]: {
      Type: 'AWS::IAM::Role',
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
