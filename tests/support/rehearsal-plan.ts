import type { Calibration, FunctionBehaviour } from '../../ops/rehearsal/calibration';
import type { AlarmDefinition } from '../../ops/rehearsal/cloudwatch';
import { type RehearsalPlan, trafficSteps } from '../../ops/rehearsal/plan';

/**
 * A small prod-like plan, written out by hand with the two alarms each deployment group watches as
 * delivery/template builds them (the judge's verdict and the new version's Lambda errors; plan.test.ts
 * checks them against the template), and a calibration in which both versions answer every request
 * and check correctly: the engine's tests change one thing at a time from here.
 */

const NAMESPACE = 'CanaryApi';

/** What the plan makes of delivery/template/alarms.ts's `judge` and `errors` alarms for one function. */
export function groupAlarms(key: string): AlarmDefinition[] {
  const name = `canary-api-prod-${key}`;
  const single = (alarmName: string, metric: NonNullable<AlarmDefinition['queries'][number]['metric']>) => ({
    name: alarmName,
    queries: [{ id: 'm1', returnData: true, metric }],
    threshold: 0,
    comparison: 'GreaterThanThreshold' as const,
    treatMissingData: 'notBreaching' as const,
  });
  return [
    {
      ...single(`${name}-judge`, {
        namespace: `${NAMESPACE}/Judge`,
        name: 'Verdict',
        dimensions: { FunctionName: name },
        stat: 'Maximum',
        periodSeconds: 10,
      }),
      periodSeconds: 10,
      evaluationPeriods: 3,
      datapointsToAlarm: 1,
    },
    {
      ...single(`${name}-v2-errors`, {
        namespace: 'AWS/Lambda',
        name: 'Errors',
        dimensions: { FunctionName: name, Resource: `${name}:live`, ExecutedVersion: '2' },
        stat: 'Sum',
        periodSeconds: 60,
      }),
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
    },
  ];
}

export function testPlan(config = 'CodeDeployDefault.LambdaCanary10Percent5Minutes'): RehearsalPlan {
  const functions = ['hello', 'hits'].map((key) => ({
    key,
    name: `canary-api-prod-${key}`,
    alarms: groupAlarms(key).map((alarm) => alarm.name),
    preTrafficHook: true,
    postTrafficHook: true,
  }));
  return {
    configName: config,
    steps: trafficSteps(config),
    alias: 'live',
    functions,
    alarms: functions.flatMap((fn) => groupAlarms(fn.key)),
    notSimulated: [],
    apiName: 'prod-canary-api',
    stageName: 'prod',
    // The canary still runs (its checks are requests too), started by the judges as the template's is;
    // no deployment group watches its alarm.
    canaryName: 'canary-api-prod',
    canaryIntervalMs: 60_000,
    canaryStartedByJudges: true,
    newFunctions: [],
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
