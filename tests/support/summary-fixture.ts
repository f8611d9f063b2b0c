import type { RehearsalSummary } from '../../ops/rehearsal/summary';

/** A rolled-back rehearsal as the engine reports it, small enough to read. */
export function rolledBackSummary(): RehearsalSummary {
  const timeline = [0, 10, 20, 30, 40, 50, 60].map((simulatedSeconds) => {
    const canary = simulatedSeconds >= 10 && simulatedSeconds < 40;
    return {
      simulatedSeconds,
      weights: { hello: canary ? 0.1 : 0, hits: canary ? 0.1 : 0 },
      requests: { baseline: 45, candidate: canary ? 5 : 0 },
      failed: { baseline: 0, candidate: canary ? 3 : 0 },
      p99Ms: canary ? 40 : 20,
      alarmsInAlarm: simulatedSeconds >= 30 ? ['canary-api-prod-hits-judge'] : [],
    };
  });
  return {
    outcome: 'rolled_back',
    stack: 'UPDATE_ROLLBACK_COMPLETE',
    config: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    fault: 'errors=0.5',
    trafficPerSecond: 50,
    noiseShare: 0,
    seed: 1,
    assumptions: {
      ingestionDelaySeconds: { CanaryApi: 10, 'AWS/Lambda': 60 },
      alarmReactionSeconds: 5,
      nominalLatencyMs: 20,
      hookSeconds: 5,
    },
    functions: [
      {
        key: 'hello',
        outcome: 'rolled_back_by_stack',
        reason: 'hits: canary-api-prod-hits-judge in ALARM',
        endedAtSeconds: 35,
        requests: { baseline: { total: 150, failed: 0 }, candidate: { total: 7, failed: 4 } },
      },
      {
        key: 'hits',
        outcome: 'rolled_back',
        reason: 'canary-api-prod-hits-judge in ALARM',
        endedAtSeconds: 35,
        requests: { baseline: { total: 165, failed: 0 }, candidate: { total: 8, failed: 5 } },
      },
    ],
    requests: {
      total: 330,
      failed: 9,
      byVersion: { baseline: { total: 315, failed: 0 }, candidate: { total: 15, failed: 9 } },
    },
    timeToRollbackSeconds: 28.5,
    maxCandidateShare: 0.1,
    hookFailures: [],
    alarms: [
      {
        name: 'canary-api-prod-hits-judge',
        transitions: [
          { simulatedSeconds: 30, from: 'OK', to: 'ALARM' },
          { simulatedSeconds: 50, from: 'ALARM', to: 'OK' },
        ],
      },
      { name: 'canary-api-prod-api-5xx', transitions: [] },
    ],
    notSimulated: [],
    timeline,
    events: [
      {
        simulatedSeconds: 0,
        kind: 'phase',
        message: 'hits: BeforeAllowTraffic, smoke checks against the candidate version',
      },
      { simulatedSeconds: 5, kind: 'weights', message: 'hits: candidate 10% of the traffic (step 1 of 2)' },
      {
        simulatedSeconds: 25,
        kind: 'phase',
        message:
          'hits: the judge finds the candidate worse (5xx: candidate 4/6 (66.7 %) against baseline 0/110 (0.00 %); P(worse by the minimum effect) = 1.00000)',
      },
      { simulatedSeconds: 30, kind: 'alarm', message: 'canary-api-prod-hits-judge: OK -> ALARM' },
      { simulatedSeconds: 35, kind: 'phase', message: 'hits: <script>alert(1)</script> in ALARM' },
    ],
    measured: {
      latencyMs: { hello: { baseline: 2.1, candidate: 2.3 }, hits: { baseline: 9.5, candidate: 9.8 } },
    },
  };
}
