import { type FunctionAlarm, functionAlarmId, type StageNames } from './names';
import type { DeliverySettings, GradualFunction, Json, Resource } from './types';

/**
 * The alarms CodeDeploy watches while it shifts a function's alias. The new-version alarms carry the
 * version in their name, so every deployment starts from fresh alarms instead of one left in ALARM by
 * the release it replaces. Each function's own alarms go into its own deployment group only: the
 * canary plugin's canaryAlarms would share one composite alarm across all groups, so that one
 * function's bad version would roll back all of them.
 */

/** The fast alarm's period: 10-second periods of our 1-second (high-resolution) EMF metric. */
const FAST_PERIOD_SECONDS = 10;
/**
 * The fast alarm looks back this many periods for its two bad ones. EMF datapoints reach CloudWatch
 * some seconds after the requests (not documented; public reports range from seconds to about a
 * minute); a period whose data is still in flight counts as missing, i.e. not breaching, when it is
 * first evaluated. Over a 60-second window two bad periods are still seen when their data lands up to
 * 40 seconds late, where a 30-second window would let 20 seconds of delay hide them.
 */
const FAST_EVALUATION_PERIODS = 6;

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

/** A gradually deployed function's four alarms, by logical ID. */
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
  const {
    fastErrorRatePercent,
    fastMinimumRequests,
    quietRequestsPerMinute,
    aliasErrorRatePercent,
    latencyP99Ms,
  } = settings;

  const alarms: Record<FunctionAlarm, Resource> = {
    fast: alarm({
      AlarmName: newVersionName('fast-5xx'),
      AlarmDescription: `Rolls back ${fn.key} within seconds: over ${fastErrorRatePercent}% of the new version's answers are 5xx in two ${FAST_PERIOD_SECONDS}-second periods of the last minute (each with at least ${fastMinimumRequests} requests).`,
      Metrics: [
        metricQuery(
          'errors',
          metric(metricsNamespace, 'ServerErrors', newVersion),
          FAST_PERIOD_SECONDS,
          'Sum',
        ),
        metricQuery('requests', metric(metricsNamespace, 'Requests', newVersion), FAST_PERIOD_SECONDS, 'Sum'),
        {
          Id: 'rate',
          Label: '5xx % of the new version',
          Expression: `IF(requests >= ${fastMinimumRequests}, 100 * errors / requests, 0)`,
          ReturnData: true,
        },
      ],
      EvaluationPeriods: FAST_EVALUATION_PERIODS,
      DatapointsToAlarm: 2,
      Threshold: fastErrorRatePercent,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
    quiet: alarm({
      AlarmName: newVersionName('quiet-5xx'),
      AlarmDescription: `Rolls back ${fn.key} when its new version answers any 5xx in a minute in which it served fewer than ${quietRequestsPerMinute} requests: too few for the fast alarm's rate to mean anything, but a healthy release answers none.`,
      Metrics: [
        metricQuery('errors', metric(metricsNamespace, 'ServerErrors', newVersion), 60, 'Sum'),
        metricQuery('requests', metric(metricsNamespace, 'Requests', newVersion), 60, 'Sum'),
        {
          Id: 'quietErrors',
          Label: '5xx of the new version in a quiet minute',
          Expression: `IF(requests < ${quietRequestsPerMinute}, errors, 0)`,
          ReturnData: true,
        },
      ],
      // Two minutes looked at, one bad enough: a late datapoint is still judged a minute later.
      EvaluationPeriods: 2,
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
      AlarmDescription: `Over ${aliasErrorRatePercent}% of ${fn.key}'s invocations through the alias fail, whichever version serves them.`,
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
      AlarmDescription: `${fn.key}'s p99 duration through the alias exceeds ${latencyP99Ms} ms in two of three minutes.`,
      ...metric('AWS/Lambda', 'Duration', anyVersion),
      ExtendedStatistic: 'p99',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: latencyP99Ms,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  };
  return Object.fromEntries(
    Object.entries(alarms).map(([kind, resource]) => [functionAlarmId(fn, kind as FunctionAlarm), resource]),
  );
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
