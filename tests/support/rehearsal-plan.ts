import type { Calibration, FunctionBehaviour } from '../../ops/rehearsal/calibration';
import type { AlarmDefinition } from '../../ops/rehearsal/cloudwatch';
import { type RehearsalPlan, trafficSteps } from '../../ops/rehearsal/plan';

/**
 * A small prod-like plan, written out by hand with the alarms delivery/template builds (fast and quiet
 * 5xx of the new version, the Synthetics canary), and a calibration in which both versions answer
 * every request and check correctly: the engine's tests change one thing at a time from here.
 */

const NAMESPACE = 'CanaryApi';

function newVersionMetric(name: string, metric: string, periodSeconds: number) {
  return {
    namespace: NAMESPACE,
    name: metric,
    dimensions: { FunctionName: name, Resource: `${name}:live`, ExecutedVersion: '2' },
    stat: 'Sum',
    periodSeconds,
  };
}

function fiveXxAlarms(key: string): AlarmDefinition[] {
  const name = `canary-api-prod-${key}`;
  return [
    {
      name: `${name}-v2-fast-5xx`,
      queries: [
        { id: 'errors', returnData: false, metric: newVersionMetric(name, 'ServerErrors', 10) },
        { id: 'requests', returnData: false, metric: newVersionMetric(name, 'Requests', 10) },
        { id: 'rate', returnData: true, expression: 'IF(requests >= 5, 100 * errors / requests, 0)' },
      ],
      periodSeconds: 10,
      evaluationPeriods: 6,
      datapointsToAlarm: 2,
      threshold: 5,
      comparison: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    },
    {
      name: `${name}-v2-quiet-5xx`,
      queries: [
        { id: 'errors', returnData: false, metric: newVersionMetric(name, 'ServerErrors', 60) },
        { id: 'requests', returnData: false, metric: newVersionMetric(name, 'Requests', 60) },
        { id: 'quiet', returnData: true, expression: 'IF(requests < 50, errors, 0)' },
      ],
      periodSeconds: 60,
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
      threshold: 0,
      comparison: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    },
  ];
}

const CANARY_ALARM: AlarmDefinition = {
  name: 'canary-api-prod-synthetics-failed',
  queries: [
    {
      id: 'm1',
      returnData: true,
      metric: {
        namespace: 'CloudWatchSynthetics',
        name: 'SuccessPercent',
        dimensions: { CanaryName: 'canary-api-prod' },
        stat: 'Minimum',
        periodSeconds: 60,
      },
    },
  ],
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 100,
  comparison: 'LessThanThreshold',
  treatMissingData: 'notBreaching',
};

export function testPlan(config = 'CodeDeployDefault.LambdaCanary10Percent5Minutes'): RehearsalPlan {
  const functions = ['hello', 'hits'].map((key) => ({
    key,
    name: `canary-api-prod-${key}`,
    alarms: [...fiveXxAlarms(key).map((alarm) => alarm.name), CANARY_ALARM.name],
    preTrafficHook: true,
    postTrafficHook: true,
  }));
  return {
    configName: config,
    steps: trafficSteps(config),
    alias: 'live',
    functions,
    alarms: [...functions.flatMap((fn) => fiveXxAlarms(fn.key)), CANARY_ALARM],
    notSimulated: [],
    apiName: 'prod-canary-api',
    stageName: 'prod',
    canaryName: 'canary-api-prod',
    canaryIntervalMs: 60_000,
  };
}

const healthy = (): FunctionBehaviour => ({
  statuses: [200, 200],
  latencyMs: [3, 4],
  checks: [{ name: 'GET /x answers', failure: undefined }],
});

export function testCalibration(): Calibration {
  return {
    behaviour: {
      baseline: { hello: healthy(), hits: healthy() },
      candidate: { hello: healthy(), hits: healthy() },
    },
    preTraffic: { hello: [], hits: [] },
  };
}

export const TEST_NAMESPACE = NAMESPACE;
