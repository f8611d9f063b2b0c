import type { EnvelopeCell } from '../../ops/rehearsal/envelope';
import type { RehearsalRecord } from '../../ops/rehearsal/summary';

/**
 * A rolled-back rehearsal as the CLI records it, small enough to read. The timeline samples the shares
 * every 10 s, after the events that moved them (5 s and 35 s); an errors alarm fires at the very end.
 */
export function rolledBackSummary(): RehearsalRecord {
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
    stage: 'prod',
    baseline: { ref: 'origin/main', commit: 'a'.repeat(40), uncommittedChanges: false },
    candidate: { ref: 'working tree', commit: 'b'.repeat(40), uncommittedChanges: true },
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
      {
        name: 'canary-api-prod-synthetics-failed',
        transitions: [{ simulatedSeconds: 0, from: 'OK', to: 'INSUFFICIENT_DATA' }],
      },
      {
        name: 'canary-api-prod-hits-v2-errors',
        transitions: [{ simulatedSeconds: 60, from: 'OK', to: 'ALARM' }],
      },
    ],
    notSimulated: [],
    timeline,
    events: [
      {
        simulatedSeconds: 0,
        kind: 'phase',
        message: 'hits: BeforeAllowTraffic, smoke checks against the candidate version',
      },
      {
        simulatedSeconds: 5,
        kind: 'weights',
        message: 'hello: candidate 10% of the traffic (step 1 of 2)',
        weights: { hello: 0.1, hits: 0 },
      },
      {
        simulatedSeconds: 5,
        kind: 'weights',
        message: 'hits: candidate 10% of the traffic (step 1 of 2)',
        weights: { hello: 0.1, hits: 0.1 },
      },
      {
        simulatedSeconds: 25,
        kind: 'phase',
        message:
          'hits: the judge finds the candidate worse (5xx: candidate 4/6 (66.7 %) against baseline 0/110 (0.00 %); P(worse by the minimum effect) = 1.00000)',
      },
      { simulatedSeconds: 30, kind: 'alarm', message: 'canary-api-prod-hits-judge: OK -> ALARM' },
      {
        simulatedSeconds: 35,
        kind: 'phase',
        message: 'hits: <script>alert(1)</script> in ALARM',
        weights: { hello: 0.1, hits: 0 },
      },
      {
        simulatedSeconds: 35,
        kind: 'phase',
        message: 'the stack update fails: CloudFormation rolls every function back',
        weights: { hello: 0, hits: 0 },
      },
      { simulatedSeconds: 50, kind: 'alarm', message: 'canary-api-prod-hits-judge: ALARM -> OK' },
      { simulatedSeconds: 60, kind: 'alarm', message: 'canary-api-prod-hits-v2-errors: OK -> ALARM' },
    ],
    measured: {
      latencyMs: { hello: { baseline: 2.1, candidate: 2.3 }, hits: { baseline: 9.5, candidate: 9.8 } },
    },
  };
}

/**
 * Envelope cells of every class: good releases rolled back 0.5 % and 3 %, bad ones caught 100 %, 95 %,
 * 75 % and 2 % (the last two slip through in 25 % and 98 % of runs).
 */
export function envelopeCells(): EnvelopeCell[] {
  const cell = (
    trafficPerSecond: number,
    errorShare: number,
    noiseShare: number,
    rolledBack: number,
    seconds: [number, number] | [null, null] = [null, null],
  ): EnvelopeCell => ({
    trafficPerSecond,
    errorShare,
    noiseShare,
    runs: 200,
    rolledBack,
    promoted: 200 - rolledBack,
    medianSecondsToRollback: seconds[0],
    p95SecondsToRollback: seconds[1],
    medianFailedRequests: 12,
  });
  return [
    cell(1, 0.5, 0, 150, [100, 200]),
    cell(10, 0.5, 0, 200, [41.6, 56]),
    cell(1, 0.05, 0, 4, [229, 280]),
    cell(10, 0.05, 0, 190, [60, 90]),
    cell(1, 0, 0.05, 6),
    cell(10, 0, 0.05, 1),
  ];
}
