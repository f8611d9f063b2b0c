import { describe, expect, it } from 'vitest';
import { addDeliveryResources, finishTemplate } from '../../../../delivery/template/index';
import { compiledTemplate, deliveryInput, settings } from './inputs';

// The whole plugin in-process on a compiled template, as the canary plugin's golden fixtures do.
describe('addDeliveryResources', () => {
  it('turns the compiled template into the golden one', async () => {
    const template = compiledTemplate();
    addDeliveryResources(template, deliveryInput());
    finishTemplate(template, settings, { service: 'canary-api', stage: 'prod' });
    await expect(`${JSON.stringify(template, null, 2)}\n`).toMatchFileSnapshot(
      './fixtures/compiled.output.json',
    );
  });

  it('gives each deployment group its judge and crash alarms only: no alarm that judges whatever version answers', () => {
    const template = compiledTemplate();
    const lists = addDeliveryResources(template, deliveryInput());
    expect(lists.hits).toEqual([
      'HitsLambdaFunctionJudgeVerdictAlarm',
      'HitsLambdaFunctionNewVersionErrorsAlarm',
    ]);
    expect(JSON.stringify(lists.hello)).not.toContain('Hits');
    // The alias-wide and stage-wide alarms still exist, for people.
    for (const id of ['ApiGateway5xxAlarm', 'SyntheticsFailedAlarm', 'HitsLambdaFunctionAliasLatencyAlarm'])
      expect(template.Resources[id]?.Type).toBe('AWS::CloudWatch::Alarm');
  });

  it('gives a quiet stage only what decides a deployment: no per-function paging alarms, dashboard or idle probe', () => {
    const template = compiledTemplate();
    const quiet = { ...settings, functionPagingAlarms: false, dashboard: false, idleProbeSchedule: 'none' };
    const lists = addDeliveryResources(template, { ...deliveryInput(), settings: quiet });
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([id]) => id).sort()).toEqual(
      [
        ...(lists.hello ?? []).map(String),
        ...(lists.hits ?? []).map(String),
        'ApiGateway5xxAlarm',
        'JudgeErrorsAlarm',
        'SyntheticsFailedAlarm',
      ].sort(),
    );
    for (const id of ['Dashboard', 'IdleProbeRule', 'IdleProbePermission'])
      expect(template.Resources[id], id).toBeUndefined();
    expect(template.Outputs?.DashboardUrl).toBeUndefined();
    // The canary stays: the judge starts it every minute of a deployment.
    expect(template.Resources.SyntheticsCanary?.Type).toBe('AWS::Synthetics::Canary');
  });

  it('moves the stage out of the API deployment into an explicit stage', () => {
    const template = compiledTemplate();
    addDeliveryResources(template, deliveryInput());
    expect(template.Resources.ApiGatewayDeployment1795483107507?.Properties?.StageName).toBeUndefined();
    expect(template.Resources.ApiGatewayStage?.Properties?.DeploymentId).toEqual({
      Ref: 'ApiGatewayDeployment1795483107507',
    });
  });

  it('refuses a function without a published version: the canary needs versionFunctions', () => {
    const template = compiledTemplate();
    delete template.Resources.HitsLambdaVersionDef;
    expect(() => addDeliveryResources(template, deliveryInput())).toThrow(
      'No Lambda version for HitsLambdaFunction: keep versionFunctions on.',
    );
  });

  it('refuses a template without the ApiUrl output the canary calls', () => {
    const template = compiledTemplate();
    delete template.Outputs?.ApiUrl;
    expect(() => addDeliveryResources(template, deliveryInput())).toThrow(/must output ApiUrl/);
  });
});
