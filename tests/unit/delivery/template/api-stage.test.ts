import { describe, expect, it } from 'vitest';
import { apiDeploymentId, apiStage } from '../../../../delivery/template/api-stage';
import { compiledTemplate, names } from './inputs';

const stage = () =>
  apiStage({
    stage: 'prod',
    names,
    deploymentId: 'ApiGatewayDeployment1',
    throttlingRateLimit: 500,
    throttlingBurstLimit: 1000,
    logRetentionDays: 90,
  });

describe('apiStage', () => {
  it('throttles, traces and access-logs the stage it points at the deployment', () => {
    const properties = stage().ApiGatewayStage?.Properties;
    expect(properties).toMatchObject({
      StageName: 'prod',
      DeploymentId: { Ref: 'ApiGatewayDeployment1' },
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'] } },
    });
    expect(properties?.MethodSettings[0]).toMatchObject({
      ThrottlingRateLimit: 500,
      ThrottlingBurstLimit: 1000,
    });
    expect(JSON.parse(properties?.AccessLogSetting.Format)).toMatchObject({
      requestId: '$context.requestId',
    });
  });

  it('keeps the access logs as long as the stage keeps its other logs', () => {
    expect(stage().ApiAccessLogGroup?.Properties).toEqual({
      LogGroupName: '/aws/api-gateway/canary-api-prod',
      RetentionInDays: 90,
    });
  });
});

describe('apiDeploymentId', () => {
  it('finds the deployment osls compiled, whatever its generated suffix', () => {
    expect(apiDeploymentId(compiledTemplate())).toBe('ApiGatewayDeployment1795483107507');
    expect(apiDeploymentId({ Resources: {} })).toBeUndefined();
  });
});
