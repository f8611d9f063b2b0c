import { describe, expect, it } from 'vitest';
import { defaultAssumptions, type SimulationOptions, simulate } from '../../../../ops/rehearsal/engine';
import type { RehearsalSummary } from '../../../../ops/rehearsal/summary';
import { TEST_NAMESPACE, testCalibration, testPlan } from '../../../support/rehearsal-plan';

// The deployment state machine on simulated time, with a hand-made plan and calibration: each test
// computes one rehearsal (no process, no sleep), so each takes milliseconds whatever the machine does.

const options = (overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({
  trafficPerSecond: 50,
  fault: { kind: 'none' },
  seed: 1,
  metricsNamespace: TEST_NAMESPACE,
  ...overrides,
});
/** The candidate behaviour testCalibration gives a function, which every test here changes a part of. */
function candidateOf(calibration: ReturnType<typeof testCalibration>, key: string) {
  const behaviour = calibration.behaviour.candidate[key];
  if (!behaviour) throw new Error(`testCalibration has no candidate behaviour for ${key}`);
  return behaviour;
}
const fired = (summary: RehearsalSummary) =>
  summary.alarms
    .filter((alarm) => alarm.transitions.some((t) => t.to === 'ALARM'))
    .map((alarm) => alarm.name);
const outcomes = (summary: RehearsalSummary) =>
  Object.fromEntries(summary.functions.map((fn) => [fn.key, fn.outcome]));

describe('a rehearsed deployment', () => {
  it('promotes a good release: every group shifts to 100 % and no alarm fires', () => {
    const summary = simulate(testPlan(), testCalibration(), options());
    expect([summary.outcome, summary.stack, summary.maxCandidateShare]).toEqual([
      'promoted',
      'UPDATE_COMPLETE',
      1,
    ]);
    expect(outcomes(summary)).toEqual({ hello: 'promoted', hits: 'promoted' });
    expect(fired(summary)).toEqual([]);
    // Hook (5 s), canary 10 % for 5 minutes, hook again: each group ends at 310 s.
    expect(summary.functions.map((fn) => fn.endedAtSeconds)).toEqual([310, 310]);
    expect(summary.requests.failed).toBe(0);
  });

  it('rolls a release failing half its requests back through the judge’s alarm, within seconds', () => {
    const summary = simulate(
      testPlan(),
      testCalibration(),
      options({ fault: { kind: 'errors', share: 0.5 } }),
    );
    expect([summary.outcome, summary.stack]).toEqual(['rolled_back', 'UPDATE_ROLLBACK_COMPLETE']);
    expect(fired(summary).some((name) => name.endsWith('-judge'))).toBe(true);
    expect(summary.maxCandidateShare).toBe(0.1);
    expect(summary.timeToRollbackSeconds).toBeGreaterThan(10);
    expect(summary.timeToRollbackSeconds).toBeLessThanOrEqual(45);
    expect(summary.requests.byVersion.baseline.failed).toBe(0);
  });

  it('rolls every other group back with the stack when one group’s alarm fires', () => {
    const calibration = testCalibration();
    // Only hits' candidate is broken: its own group fails, CloudFormation takes hello back too.
    calibration.behaviour.candidate.hits = { ...candidateOf(calibration, 'hits'), statuses: [500] };
    const summary = simulate(testPlan(), calibration, options());
    expect(outcomes(summary)).toEqual({ hello: 'rolled_back_by_stack', hits: 'rolled_back' });
    expect(summary.functions[0]?.reason).toBe('hits: canary-api-prod-hits-judge in ALARM');
    expect(summary.functions.find((fn) => fn.key === 'hello')?.requests.candidate.failed).toBe(0);
  });

  it('stops at a failed pre-traffic hook: the candidate never gets a user request', () => {
    const calibration = testCalibration();
    calibration.preTraffic.hits = ['GET /hits/smoke-test reads: version 2 failed (Runtime.InitError)'];
    const summary = simulate(testPlan(), calibration, options());
    expect(summary.outcome).toBe('hook_failed');
    expect(outcomes(summary)).toEqual({ hello: 'rolled_back_by_stack', hits: 'hook_failed' });
    expect(summary.requests.byVersion.candidate.total).toBe(0);
    expect(summary.hookFailures[0]).toMatch(/^hits: BeforeAllowTraffic failed: .*InitError/);
  });

  it('rolls back at the post-traffic hook what no alarm saw, once it had all the traffic', () => {
    const calibration = testCalibration();
    calibration.behaviour.candidate.hello = {
      ...candidateOf(calibration, 'hello'),
      checks: [{ name: 'GET /hello greets', failure: 'GET /hello greets: body lacks the greeting' }],
    };
    const plan = { ...testPlan(), canaryName: undefined, canaryIntervalMs: undefined };
    const summary = simulate(plan, calibration, options());
    expect(summary.outcome).toBe('rolled_back');
    expect(summary.maxCandidateShare).toBe(1);
    expect(summary.functions.find((fn) => fn.key === 'hello')?.reason).toBe(
      'AfterAllowTraffic failed: GET /hello greets: body lacks the greeting',
    );
    expect(fired(summary)).toEqual([]);
  });

  it('rolls back a group that had already completed when another fails after it', () => {
    const calibration = testCalibration();
    calibration.behaviour.candidate.hits = {
      ...candidateOf(calibration, 'hits'),
      checks: [{ name: 'GET /hits/x reads', failure: 'GET /hits/x reads: status 500' }],
    };
    const plan = testPlan('CodeDeployDefault.LambdaAllAtOnce');
    const hello = plan.functions[0];
    if (hello) hello.postTrafficHook = false;
    const summary = simulate({ ...plan, canaryName: undefined }, calibration, options());
    const [helloSummary, hitsSummary] = summary.functions;
    expect(helloSummary?.outcome).toBe('rolled_back_by_stack');
    expect(hitsSummary?.outcome).toBe('rolled_back');
    // hello had finished at the shift (no hook of its own); hits failed its hook 5 s later.
    expect(summary.events.map((event) => event.message)).toContain(
      'hits: AfterAllowTraffic failed: GET /hits/x reads: status 500; all its traffic back on the baseline',
    );
  });

  it('leaves a stage without user traffic to the hooks: the judge has too little to judge, no alarm fires', () => {
    // The canary's checks are then the only requests, a few of them on the candidate: far from the
    // evidence the judge needs. A check fails only when all 3 attempts answer 5xx, which the
    // post-traffic hook's checks, all on the candidate, do.
    for (const plan of [testPlan(), { ...testPlan(), canaryName: undefined }]) {
      const summary = simulate(
        plan,
        testCalibration(),
        options({ trafficPerSecond: 0, fault: { kind: 'errors', share: 1 } }),
      );
      expect(summary.outcome, String(plan.canaryName)).toBe('rolled_back');
      expect(fired(summary), String(plan.canaryName)).toEqual([]);
      expect(summary.hookFailures.join()).toMatch(/AfterAllowTraffic failed: .*5xx on 3 of 3 attempts/);
      if (!plan.canaryName) expect(summary.requests.total).toBe(0);
    }
  });

  it('still catches a release whose datapoints arrive 40 seconds late, later by about that much', () => {
    const fault = { kind: 'errors', share: 1 } as const;
    const prompt = simulate(testPlan(), testCalibration(), options({ fault }));
    const late = simulate(
      testPlan(),
      testCalibration(),
      options({
        fault,
        // Only the EMF counts the judge reads are late; every other namespace keeps its default.
        assumptions: {
          ingestionDelaySeconds: {
            ...defaultAssumptions(TEST_NAMESPACE).ingestionDelaySeconds,
            [TEST_NAMESPACE]: 40,
          },
        },
      }),
    );
    expect(late.outcome).toBe('rolled_back');
    expect((late.timeToRollbackSeconds ?? 0) - (prompt.timeToRollbackSeconds ?? 0)).toBeGreaterThanOrEqual(
      30,
    );
  });

  it('starts at a random second of CloudWatch’s minute, the same for a seed, and reports times from the start', () => {
    const run = (seed: number) => simulate(testPlan(), testCalibration(), options({ seed }));
    const starts = Array.from({ length: 12 }, (_, index) => run(index + 1).startSecondOfMinute);
    expect(new Set(starts).size).toBeGreaterThan(6);
    for (const start of starts)
      expect(Number.isInteger(start) && (start as number) >= 0 && (start as number) < 60).toBe(true);
    expect(run(5).startSecondOfMinute).toBe(starts[4]);
    // Whatever the phase, the deployment's own schedule is unchanged: both groups end 310 s after it starts.
    for (const seed of [1, 2, 3])
      expect(run(seed).functions.map((fn) => fn.endedAtSeconds)).toEqual([310, 310]);
  });

  it('evaluates alarms on CloudWatch’s 10-second grid, not on the deployment’s', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const summary = simulate(
        testPlan(),
        testCalibration(),
        options({ seed, fault: { kind: 'errors', share: 0.5 } }),
      );
      const transitions = summary.alarms.flatMap((alarm) => alarm.transitions);
      expect(transitions.length).toBeGreaterThan(0);
      for (const { simulatedSeconds } of transitions)
        expect((simulatedSeconds + (summary.startSecondOfMinute as number)) % 10).toBe(0);
    }
  });

  it('fails a share of both versions’ requests with noise, the baseline’s too, and says so', () => {
    const summary = simulate(testPlan(), testCalibration(), options({ noiseShare: 0.2 }));
    const { baseline, candidate } = summary.requests.byVersion;
    expect(summary.noiseShare).toBe(0.2);
    expect(baseline.failed / baseline.total).toBeGreaterThan(0.15);
    expect(baseline.failed / baseline.total).toBeLessThan(0.25);
    expect(candidate.failed).toBeGreaterThan(0);
    // Noise is not the release's doing: the time to rollback counts from a failure the fault caused.
    expect(summary.timeToRollbackSeconds).toBeNull();
    expect(simulate(testPlan(), testCalibration(), options()).noiseShare).toBe(0);
  });

  it('gives the same summary for the same seed, and draws traffic afresh for another', () => {
    const run = (seed: number) =>
      simulate(
        testPlan(),
        testCalibration(),
        options({ seed, fault: { kind: 'errors', share: 0.2 }, trafficPerSecond: 5 }),
      );
    expect(run(7)).toEqual(run(7));
    expect(run(7).requests).not.toEqual(run(8).requests);
  });
});
