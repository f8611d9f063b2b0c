import { describe, expect, it } from 'vitest';
import { JUDGE_SETTINGS } from '../../../../delivery/judge/verdict';
import { apiErrorRateAlarm, functionAlarms, judgeErrorsAlarm } from '../../../../delivery/template/alarms';
import { hits, names, settings } from './inputs';

const alarms = () =>
  functionAlarms({ fn: hits, alias: 'live', metricsNamespace: 'CanaryApi', settings, names });

describe('functionAlarms', () => {
  it('builds the golden four alarms of a function', async () => {
    await expect(`${JSON.stringify(alarms(), null, 2)}\n`).toMatchFileSnapshot(
      './fixtures/alarms.output.json',
    );
  });

  it('rolls back on the judge’s verdict for the function, read at its 10-second cadence', () => {
    const judge = alarms().HitsLambdaFunctionJudgeVerdictAlarm?.Properties;
    expect(judge).toMatchObject({
      AlarmName: 'canary-api-prod-hits-judge',
      Namespace: 'CanaryApi/Judge',
      MetricName: 'Verdict',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'HitsLambdaFunction' } }],
      Statistic: 'Maximum',
      Period: 10,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      // A judge that has stopped publishing leaves the alarm OK for the next deployment.
      TreatMissingData: 'notBreaching',
    });
  });

  it('names the crash alarm after the new version, which alone it judges', () => {
    const errors = alarms().HitsLambdaFunctionNewVersionErrorsAlarm?.Properties;
    expect(errors?.Dimensions).toContainEqual({
      Name: 'ExecutedVersion',
      Value: { 'Fn::GetAtt': ['HitsLambdaVersionDef', 'Version'] },
    });
    expect(errors?.AlarmName).toEqual({
      'Fn::Sub': `canary-api-prod-hits-v\${HitsLambdaVersionDef.Version}-errors`,
    });
  });

  it('takes the alias error rate from the settings and the p99 floor from the judge', () => {
    const strict = functionAlarms({
      fn: hits,
      alias: 'live',
      metricsNamespace: 'CanaryApi',
      settings: { ...settings, aliasErrorRatePercent: 1 },
      names,
    });
    expect(strict.HitsLambdaFunctionAliasErrorsAlarm?.Properties?.Threshold).toBe(1);
    expect(strict.HitsLambdaFunctionAliasLatencyAlarm?.Properties?.Threshold).toBe(
      JUDGE_SETTINGS.latencyP99Ms,
    );
  });
});

describe('apiErrorRateAlarm', () => {
  it('rates the stage’s 5xx by API name and stage, and counts quiet minutes as OK', () => {
    const alarm = apiErrorRateAlarm(names, 'prod').Properties;
    expect(JSON.stringify(alarm?.Metrics)).toContain('{"Name":"ApiName","Value":"prod-canary-api"}');
    expect(alarm?.TreatMissingData).toBe('notBreaching');
  });
});

describe('judgeErrorsAlarm', () => {
  it('tells people when the judge itself fails, on its function’s Lambda errors', () => {
    const alarm = judgeErrorsAlarm(names, 'JudgeLambdaFunction').Properties;
    expect(alarm).toMatchObject({
      AlarmName: 'canary-api-prod-judge-errors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'JudgeLambdaFunction' } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});
