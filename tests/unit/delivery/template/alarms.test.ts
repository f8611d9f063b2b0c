import { describe, expect, it } from 'vitest';
import { apiErrorRateAlarm, functionAlarms } from '../../../../delivery/template/alarms';
import { hits, names, settings } from './inputs';

const alarms = () =>
  functionAlarms({ fn: hits, alias: 'live', metricsNamespace: 'CanaryApi', settings, names });

describe('functionAlarms', () => {
  it('builds the golden five alarms of a function', async () => {
    await expect(`${JSON.stringify(alarms(), null, 2)}\n`).toMatchFileSnapshot(
      './fixtures/alarms.output.json',
    );
  });

  it('judges the new version alone in the fast and errors alarms, and names them after it', () => {
    const {
      HitsLambdaFunctionNewVersionServerErrorsAlarm: fast,
      HitsLambdaFunctionNewVersionErrorsAlarm: errors,
    } = alarms();
    const executedVersion = {
      Name: 'ExecutedVersion',
      Value: { 'Fn::GetAtt': ['HitsLambdaVersionDef', 'Version'] },
    };
    for (const query of (fast?.Properties?.Metrics ?? []).filter(
      (metric: { MetricStat?: unknown }) => metric.MetricStat,
    )) {
      expect(query.MetricStat.Metric.Dimensions).toContainEqual(executedVersion);
      expect(query.MetricStat.Period).toBe(10);
    }
    expect(errors?.Properties?.Dimensions).toContainEqual(executedVersion);
    expect(fast?.Properties?.AlarmName).toEqual({
      'Fn::Sub': `canary-api-prod-hits-v\${HitsLambdaVersionDef.Version}-fast-5xx`,
    });
  });

  it('sees two bad 10-second periods within the last minute, so late datapoints still count', () => {
    const fast = alarms().HitsLambdaFunctionNewVersionServerErrorsAlarm?.Properties;
    expect([fast?.EvaluationPeriods, fast?.DatapointsToAlarm]).toEqual([6, 2]);
  });

  it('rolls back on any 5xx of the new version in a minute too quiet for the fast alarm', () => {
    const quiet = alarms().HitsLambdaFunctionNewVersionQuietServerErrorsAlarm?.Properties;
    expect(quiet?.Metrics.at(-1)).toMatchObject({
      Expression: 'IF(requests < 50, errors, 0)',
      ReturnData: true,
    });
    expect([quiet?.Threshold, quiet?.ComparisonOperator, quiet?.TreatMissingData]).toEqual([
      0,
      'GreaterThanThreshold',
      'notBreaching',
    ]);
    expect(quiet?.AlarmName).toEqual({
      'Fn::Sub': `canary-api-prod-hits-v\${HitsLambdaVersionDef.Version}-quiet-5xx`,
    });
  });

  it('takes its thresholds from the settings', () => {
    const strict = functionAlarms({
      fn: hits,
      alias: 'live',
      metricsNamespace: 'CanaryApi',
      settings: { ...settings, fastErrorRatePercent: 1, latencyP99Ms: 250 },
      names,
    });
    expect(strict.HitsLambdaFunctionNewVersionServerErrorsAlarm?.Properties?.Threshold).toBe(1);
    expect(strict.HitsLambdaFunctionAliasLatencyAlarm?.Properties?.Threshold).toBe(250);
  });
});

describe('apiErrorRateAlarm', () => {
  it('rates the stage’s 5xx by API name and stage, and counts quiet minutes as OK', () => {
    const alarm = apiErrorRateAlarm(names, 'prod').Properties;
    expect(JSON.stringify(alarm?.Metrics)).toContain('{"Name":"ApiName","Value":"prod-canary-api"}');
    expect(alarm?.TreatMissingData).toBe('notBreaching');
  });
});
