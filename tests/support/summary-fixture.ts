import type { RehearsalSummary } from '../../ops/rehearsal/engine';

/** A rolled-back rehearsal as the engine reports it, small enough to read. */
export function rolledBackSummary(): RehearsalSummary {
  const timeline = [20, 30, 40, 50, 60, 70, 80].map((simulatedSeconds) => {
    const canary = simulatedSeconds >= 30 && simulatedSeconds < 60;
    return {
      simulatedSeconds,
      candidateWeight: canary ? 0.1 : 0,
      requests: { baseline: 45, candidate: canary ? 5 : 0 },
      failed: { baseline: 0, candidate: canary ? 3 : 0 },
      p99Ms: canary ? 40 : 8,
      alarmsInAlarm: simulatedSeconds === 60 ? ['canary-api-prod-hits-v2-fast-5xx'] : [],
    };
  });
  return {
    outcome: 'rolled_back',
    config: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    speed: 60,
    rate: 200,
    fault: 'errors=0.5',
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
        name: 'canary-api-prod-hits-v2-fast-5xx',
        transitions: [
          { simulatedSeconds: 58, from: 'OK', to: 'ALARM' },
          { simulatedSeconds: 78, from: 'ALARM', to: 'OK' },
        ],
      },
      { name: 'canary-api-prod-api-5xx', transitions: [] },
    ],
    notSimulated: [],
    timeline,
    events: [
      {
        simulatedSeconds: 12,
        kind: 'phase',
        message: 'BeforeAllowTraffic: smoke checks against candidate version 2',
      },
      {
        simulatedSeconds: 29,
        kind: 'weights',
        message: 'traffic: baseline 90%, candidate 10% (step 1 of 2)',
      },
      { simulatedSeconds: 58, kind: 'alarm', message: 'canary-api-prod-hits-v2-fast-5xx: OK -> ALARM' },
      { simulatedSeconds: 58, kind: 'phase', message: 'rollback: <script>alert(1)</script> in ALARM' },
      { simulatedSeconds: 88, kind: 'phase', message: 'outcome: rolled_back' },
    ],
    realSeconds: 1.8,
  };
}
