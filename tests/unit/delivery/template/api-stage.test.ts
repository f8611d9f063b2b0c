import { describe, expect, it } from 'vitest';
import {
  apiDeploymentId,
  apiStage,
  type CloudWatchRoleMode,
  cloudWatchRoleMode,
  dropEmptyApiPolicy,
  tagRestApi,
} from '../../../../delivery/template/api-stage';
import { compiledTemplate, names } from './inputs';

const stage = (cloudWatchRole: CloudWatchRoleMode = 'existing') =>
  apiStage({
    stage: 'prod',
    names,
    cloudWatchRole,
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
      LoggingLevel: 'ERROR',
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

  it('leaves the account-wide logging role alone by default (existing)', () => {
    expect(Object.keys(stage('existing'))).toEqual(['ApiGatewayStage', 'ApiAccessLogGroup']);
    expect(stage('existing').ApiGatewayStage?.DependsOn).toBeUndefined();
  });

  it('creates the role and the account setting only when asked, and retains both on removal', () => {
    const resources = stage('create');
    for (const id of ['ApiGatewayAccount', 'ApiGatewayLoggingRole']) {
      expect([resources[id]?.DeletionPolicy, resources[id]?.UpdateReplacePolicy], id).toEqual([
        'Retain',
        'Retain',
      ]);
    }
    expect(resources.ApiGatewayStage?.DependsOn).toEqual(['ApiGatewayAccount']);
  });

  it('logs nothing without a role, and says why checkov’s access-log check does not apply', () => {
    const resources = stage('none');
    expect(Object.keys(resources)).toEqual(['ApiGatewayStage']);
    const properties = resources.ApiGatewayStage?.Properties;
    expect(properties?.AccessLogSetting).toBeUndefined();
    expect(properties?.MethodSettings[0].LoggingLevel).toBe('OFF');
    expect(resources.ApiGatewayStage?.Metadata?.checkov.skip[0].id).toBe('CKV_AWS_76');
  });
});

describe('cloudWatchRoleMode', () => {
  it('accepts the three modes and refuses anything else in one sentence', () => {
    expect(cloudWatchRoleMode({ apiGatewayCloudWatchRole: 'none' })).toBe('none');
    expect(() => cloudWatchRoleMode({ apiGatewayCloudWatchRole: 'yes' })).toThrow(
      "apiGatewayCloudWatchRole must be existing, create or none, not 'yes'.",
    );
  });
});

describe('apiDeploymentId', () => {
  it('finds the deployment osls compiled, whatever its generated suffix', () => {
    expect(apiDeploymentId(compiledTemplate())).toBe('ApiGatewayDeployment1795483107507');
    expect(apiDeploymentId({ Resources: {} })).toBeUndefined();
  });
});

describe('dropEmptyApiPolicy', () => {
  it('drops the empty resource policy osls writes, and keeps a real one', () => {
    const template = compiledTemplate();
    const api = template.Resources.ApiGatewayRestApi;
    if (!api?.Properties) throw new Error('the compiled template has a REST API');
    api.Properties.Policy = '';
    dropEmptyApiPolicy(template);
    expect(api.Properties).not.toHaveProperty('Policy');
    api.Properties.Policy = { Version: '2012-10-17', Statement: [] };
    dropEmptyApiPolicy(template);
    expect(api.Properties.Policy).toEqual({ Version: '2012-10-17', Statement: [] });
  });
});

describe('tagRestApi', () => {
  it('tags the REST API with its service and stage, keeping tags of others and replacing stale ones', () => {
    const template = compiledTemplate();
    const api = template.Resources.ApiGatewayRestApi;
    if (!api?.Properties) throw new Error('the compiled template has a REST API');
    api.Properties.Tags = [
      { Key: 'team', Value: 'sre' },
      { Key: 'STAGE', Value: 'stale' },
    ];
    tagRestApi(template, names);
    expect(api.Properties.Tags).toEqual([
      { Key: 'team', Value: 'sre' },
      { Key: 'SERVICE', Value: 'canary-api' },
      { Key: 'STAGE', Value: 'prod' },
    ]);
  });

  it('refuses a template without a REST API', () => {
    expect(() => tagRestApi({ Resources: {} }, names)).toThrow(/no ApiGatewayRestApi/);
  });
});
