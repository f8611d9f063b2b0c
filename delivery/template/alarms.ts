import { VERDICT_METRIC, verdictNamespace } from '../judge/observe';
import { JUDGE_SETTINGS } from '../judge/verdict';
import { DEPLOYMENT_GROUP_ALARMS, type FunctionAlarm, functionAlarmId, type StageNames } from './names';
import { flag } from './settings';
import type { DeliverySettings, GradualFunction, Json, Resource } from './types';

/**
 * A function's alarms. Its deployment group watches two (names.ts, DEPLOYMENT_GROUP_ALARMS): the
 * judge's verdict, which compares the new version with the one it replaces (delivery/judge), and the
 * new version's crashes. The alias-wide error rate and p99 judge whatever version answers; they page
 * people, never stop a deployment, so that a shared outage cannot block the release that fixes it.
 */

/** The judge publishes a verdict every 10 seconds, at 1-second resolution. */
const VERDICT_PERIOD_SECONDS = 10;
/**
 * Any verdict of "worse" among the last three periods fires the alarm. With one period, a verdict
 * timestamped late in its period but readable only after the evaluation (PutMetricData's delay is not
 * documented) would never be seen, and every later one could land the same way; three periods give it
 * 20 seconds more. Once the judge stops publishing, the alarm is OK again after 30 seconds.
 */
const VERDICT_EVALUATION_PERIODS = 3;

const alarm = (properties: Json): Resource => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: { TreatMissingData: 'notBreaching', ...properties },
});

const metricQuery = (id: string, metric: Json, period: number, stat: string) => ({
  Id: id,
  ReturnData: false,
  MetricStat: { Metric: metric, Period: period, Stat: stat },
});

export interface FunctionAlarmsInput {
  fn: GradualFunction;
  alias: string;
  metricsNamespace: string;
  settings: DeliverySettings;
  names: StageNames;
}

/**
 * A gradually deployed function's alarms, by logical ID: the two its deployment group watches, and,
 * where the stage asks for them (`functionPagingAlarms`), the two that page people about it; a quiet
 * stage pays for neither (docs/operating.md, cost) and keeps the stage-wide 5xx alarm.
 */
export function functionAlarms({ fn, alias, metricsNamespace, settings, names }: FunctionAlarmsInput) {
  const functionName = { Ref: fn.logicalId };
  const newVersion = [
    { Name: 'FunctionName', Value: functionName },
    { Name: 'Resource', Value: { 'Fn::Join': [':', [functionName, alias]] } },
    { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [fn.versionLogicalId, 'Version'] } },
  ];
  const anyVersion = newVersion.slice(0, 2);
  const newVersionName = (suffix: string) => ({
    'Fn::Sub': `${names.prefix}-${fn.key}-v\${${fn.versionLogicalId}.Version}-${suffix}`,
  });
  const metric = (namespace: string, name: string, dimensions: Json[]) => ({
    Namespace: namespace,
    MetricName: name,
    Dimensions: dimensions,
  });
  const { aliasErrorRatePercent } = settings;
  const { latencyP99Ms } = JUDGE_SETTINGS;

  const alarms: Record<FunctionAlarm, Resource> = {
    judge: alarm({
      AlarmName: names.functionAlarm(fn.key, 'judge'),
      AlarmDescription: `Rolls back ${fn.key} when the judge (delivery/judge) finds its new version worse than the version it replaces, from both versions' requests since the deployment started. Without a verdict it stays OK: a silent judge fails the post-traffic hook instead.`,
      ...metric(verdictNamespace(metricsNamespace), VERDICT_METRIC.name, [
        { Name: VERDICT_METRIC.dimension, Value: functionName },
      ]),
      Statistic: 'Maximum',
      Period: VERDICT_PERIOD_SECONDS,
      EvaluationPeriods: VERDICT_EVALUATION_PERIODS,
      DatapointsToAlarm: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
    errors: alarm({
      AlarmName: newVersionName('errors'),
      AlarmDescription: `Rolls back ${fn.key} when its new version crashes or times out at all (Lambda Errors, ExecutedVersion).`,
      ...metric('AWS/Lambda', 'Errors', newVersion),
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
    aliasErrors: alarm({
      AlarmName: names.functionAlarm(fn.key, 'alias-errors'),
      AlarmDescription: `Over ${aliasErrorRatePercent}% of ${fn.key}'s invocations through the alias fail, whichever version serves them. Pages people; no deployment watches it.`,
      Metrics: [
        metricQuery('errors', metric('AWS/Lambda', 'Errors', anyVersion), 60, 'Sum'),
        metricQuery('invocations', metric('AWS/Lambda', 'Invocations', anyVersion), 60, 'Sum'),
        {
          Id: 'rate',
          Label: 'error %',
          Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 1,
      Threshold: aliasErrorRatePercent,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
    aliasLatency: alarm({
      AlarmName: names.functionAlarm(fn.key, 'alias-p99'),
      AlarmDescription: `${fn.key}'s p99 duration through the alias exceeds ${latencyP99Ms} ms in two of three minutes. Pages people; the judge compares the versions' p99 during a deployment.`,
      ...metric('AWS/Lambda', 'Duration', anyVersion),
      ExtendedStatistic: 'p99',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: latencyP99Ms,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  };
  const paging = flag(settings.functionPagingAlarms, 'functionPagingAlarms');
  const kept = (Object.entries(alarms) as [FunctionAlarm, Resource][]).filter(
    ([kind]) => paging || DEPLOYMENT_GROUP_ALARMS.includes(kind),
  );
  return Object.fromEntries(kept.map(([kind, resource]) => [functionAlarmId(fn, kind), resource]));
}

/** Errors no function metric sees (integration failures, throttled Lambda), for the whole stage. */
export function apiErrorRateAlarm(names: StageNames, stage: string): Resource {
  const metric = (name: string) => ({
    Namespace: 'AWS/ApiGateway',
    MetricName: name,
    Dimensions: [
      { Name: 'ApiName', Value: names.apiName },
      { Name: 'Stage', Value: stage },
    ],
  });
  return alarm({
    AlarmName: names.alarm('api-5xx'),
    AlarmDescription:
      "Over 5% of the stage's requests answered 5xx in a minute (with at least 20 requests), whatever answered them.",
    Metrics: [
      metricQuery('errors', metric('5XXError'), 60, 'Sum'),
      metricQuery('requests', metric('Count'), 60, 'Sum'),
      {
        Id: 'rate',
        Label: '5xx % of all requests',
        Expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
        ReturnData: true,
      },
    ],
    EvaluationPeriods: 1,
    Threshold: 5,
    ComparisonOperator: 'GreaterThanThreshold',
  });
}

/**
 * The judge's own failures (crashes, timeouts), for people: a judge that fails leaves its deployment to
 * the post-traffic hook's check for silence, and someone should know why deployments fail that way.
 */
export function judgeErrorsAlarm(names: StageNames, judgeFunctionId: string): Resource {
  return alarm({
    AlarmName: names.alarm('judge-errors'),
    AlarmDescription:
      'The judge (delivery/judge) crashed or timed out: deployments it should have watched fail at their post-traffic hook.',
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Dimensions: [{ Name: 'FunctionName', Value: { Ref: judgeFunctionId } }],
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
  });
}
