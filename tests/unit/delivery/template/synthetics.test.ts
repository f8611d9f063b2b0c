import { describe, expect, it } from 'vitest';
import { bundleCanaryScript, syntheticsCanary } from '../../../../delivery/template/synthetics';
import { names } from './inputs';

const apiUrl = { 'Fn::Join': ['', ['https://', { Ref: 'ApiGatewayRestApi' }, '/prod']] };

describe('syntheticsCanary', () => {
  const { resources, outputs } = syntheticsCanary({
    names,
    runtimeVersion: 'syn-nodejs-5.4',
    apiUrl,
    script: 'S',
  });

  it('runs the inlined script against the stage URL, after the stage exists', () => {
    const canary = resources.SyntheticsCanary;
    expect(canary?.Properties).toMatchObject({
      Name: 'canary-api-prod',
      Code: { Handler: 'index.handler', Script: 'S' },
      RunConfig: { EnvironmentVariables: { API_URL: apiUrl } },
    });
    expect(canary?.DependsOn).toEqual(['ApiGatewayStage']);
    expect(canary?.Properties?.ProvisionedResourceCleanup).toBe('AUTOMATIC');
    expect(outputs.SyntheticsCanaryName.Value).toEqual({ Ref: 'SyntheticsCanary' });
  });

  it('runs once each time the judge starts it, and is created without running', () => {
    const canary = resources.SyntheticsCanary;
    expect(canary?.Properties?.Schedule).toEqual({ Expression: 'rate(0 minute)', DurationInSeconds: '0' });
    expect(canary?.Properties?.StartCanaryAfterCreation).toBe(false);
  });

  it('alarms under a fixed name, never a Ref to the canary, so the deployment groups close no cycle', () => {
    const alarm = resources.SyntheticsFailedAlarm;
    expect(alarm?.Properties?.AlarmName).toBe('canary-api-prod-synthetics-failed');
    expect(alarm?.Properties?.Dimensions).toEqual([{ Name: 'CanaryName', Value: 'canary-api-prod' }]);
    expect(JSON.stringify(alarm)).not.toContain('"Ref"');
  });

  it('keeps its bucket out of the stack’s deletion, for `sls remove` to empty and delete', () => {
    const bucket = resources.SyntheticsArtifactsBucket;
    expect([bucket?.DeletionPolicy, bucket?.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it('may do what AWS requires of every canary’s role, including listing buckets', () => {
    const statements = resources.SyntheticsCanaryRole?.Properties?.Policies[0].PolicyDocument.Statement;
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' });
  });
});

describe('bundleCanaryScript', () => {
  it('bundles delivery/synthetics-canary.ts with the smoke checks into one CommonJS handler', () => {
    const script = bundleCanaryScript(process.cwd());
    expect(script).toContain('x-function-version');
    expect(script).toMatch(/exports|module\.exports/);
    expect(script).not.toMatch(/\brequire\("\.\//);
  });
});
