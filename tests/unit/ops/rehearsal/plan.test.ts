import { describe, expect, it } from 'vitest';
import { functionAlarms } from '../../../../delivery/template/alarms';
import { DEPLOYMENT_GROUP_ALARMS, functionAlarmId, stageNames } from '../../../../delivery/template/names';
import type { DeliverySettings, GradualFunction } from '../../../../delivery/template/types';
import { dropNewFunctions } from '../../../../ops/rehearsal/measure-builds';
import {
  planFromTemplate,
  scheduleIntervalMs,
  type Template,
  trafficSteps,
} from '../../../../ops/rehearsal/plan';
import { groupAlarms, TEST_NAMESPACE, testPlan } from '../../../support/rehearsal-plan';

describe('trafficSteps', () => {
  it('shifts everything at once for AllAtOnce', () => {
    expect(trafficSteps('CodeDeployDefault.LambdaAllAtOnce')).toEqual([{ atSeconds: 0, candidateWeight: 1 }]);
  });

  it('holds the canary share, then shifts the rest, for CanaryNPercentMMinutes', () => {
    expect(trafficSteps('CodeDeployDefault.LambdaCanary10Percent5Minutes')).toEqual([
      { atSeconds: 0, candidateWeight: 0.1 },
      { atSeconds: 300, candidateWeight: 1 },
    ]);
  });

  it('adds the same share every interval for LinearNPercentEveryMMinutes', () => {
    const steps = trafficSteps('CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
    expect(steps).toHaveLength(10);
    expect(steps[0]).toEqual({ atSeconds: 0, candidateWeight: 0.1 });
    expect(steps[9]?.atSeconds).toBe(540);
    expect(steps[9]?.candidateWeight).toBeCloseTo(1);
  });

  it('refuses a config it does not understand', () => {
    expect(() => trafficSteps('CodeDeployDefault.LambdaBlueGreenSomehow')).toThrow(
      /not one the rehearsal understands/,
    );
  });
});

describe('scheduleIntervalMs', () => {
  it('reads the Synthetics schedules the stages use', () => {
    expect(['rate(1 minute)', 'rate(10 minutes)', 'rate(1 hour)'].map(scheduleIntervalMs)).toEqual([
      60_000, 600_000, 3_600_000,
    ]);
    expect(() => scheduleIntervalMs('cron(0 * * * ? *)')).toThrow(/not one the rehearsal understands/);
  });
});

describe('planFromTemplate', () => {
  const hits: GradualFunction = {
    key: 'hits',
    name: 'canary-api-prod-hits',
    logicalId: 'HitsLambdaFunction',
    versionLogicalId: 'HitsLambdaVersionDef',
  };
  /** One function's resources as delivery/template and the canary plugin leave them, nothing else. */
  function template(): Template {
    const alarms = functionAlarms({
      fn: hits,
      alias: 'live',
      metricsNamespace: TEST_NAMESPACE,
      settings: { aliasErrorRatePercent: 2, functionPagingAlarms: true } as DeliverySettings,
      names: stageNames('canary-api', 'prod'),
    });
    return {
      Resources: {
        ...(alarms as Template['Resources']),
        HitsLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: hits.name } },
        HitsLambdaVersionDef: { Type: 'AWS::Lambda::Version', Properties: {} },
        HitsLambdaFunctionDeploymentGroup: {
          Type: 'AWS::CodeDeploy::DeploymentGroup',
          Properties: {
            DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
            // The canary plugin's shape: each watched alarm by Ref to its logical ID.
            AlarmConfiguration: {
              Alarms: DEPLOYMENT_GROUP_ALARMS.map((alarm) => ({
                Name: { Ref: functionAlarmId(hits, alarm) },
              })),
            },
          },
        },
        HitsLambdaFunctionAliaslive: {
          Type: 'AWS::Lambda::Alias',
          Properties: { FunctionName: { Ref: 'HitsLambdaFunction' }, Name: 'live' },
          UpdatePolicy: {
            CodeDeployLambdaAliasUpdate: {
              DeploymentGroupName: { Ref: 'HitsLambdaFunctionDeploymentGroup' },
              BeforeAllowTrafficHook: { Ref: 'PreTrafficLambdaFunction' },
              AfterAllowTrafficHook: { Ref: 'PostTrafficLambdaFunction' },
            },
          },
        },
      },
    };
  }

  it('simulates the two alarms a deployment group watches, the judge’s verdict among them', () => {
    const plan = planFromTemplate(template(), {
      candidateVersion: '2',
      metricsNamespace: TEST_NAMESPACE,
      functionNamePrefix: 'canary-api-prod-',
    });
    expect(plan.notSimulated).toEqual([]);
    expect(plan.functions).toEqual([
      {
        key: 'hits',
        name: 'canary-api-prod-hits',
        alarms: ['canary-api-prod-hits-judge', 'canary-api-prod-hits-v2-errors'],
        preTrafficHook: true,
        postTrafficHook: true,
      },
    ]);
    // The engine's tests run on a hand-made plan: its alarms are these, to the last field.
    expect(plan.alarms).toEqual(groupAlarms('hits'));
    expect(testPlan().alarms.filter((alarm) => alarm.name.includes('-hits-'))).toEqual(plan.alarms);
  });
});

describe('dropNewFunctions', () => {
  it('leaves out what the baseline does not deploy yet, and the alarms only it watches', () => {
    const plan = testPlan();
    const baseline: Template = {
      Resources: {
        HelloLambdaFunction: {
          Type: 'AWS::Lambda::Function',
          Properties: { FunctionName: 'canary-api-prod-hello' },
        },
      },
    };
    const rehearsed = dropNewFunctions(plan, baseline);
    expect(rehearsed.functions.map((fn) => fn.key)).toEqual(['hello']);
    expect(rehearsed.newFunctions).toEqual(['hits']);
    expect(rehearsed.alarms.map((alarm) => alarm.name)).toEqual(
      groupAlarms('hello').map((alarm) => alarm.name),
    );
  });
});
