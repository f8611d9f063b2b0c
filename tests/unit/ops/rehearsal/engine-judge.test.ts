import { describe, expect, it } from 'vitest';
import { type SimulationOptions, simulate } from '../../../../ops/rehearsal/engine';
import type { RehearsalSummary } from '../../../../ops/rehearsal/summary';
import { TEST_NAMESPACE, testCalibration, testPlan } from '../../../support/rehearsal-plan';

// The judge inside the rehearsal: delivery/judge's own queries and verdict, looking every 10 s from
// when each function's traffic starts shifting, its verdict published into the metric store where the
// deployment group's `-judge` alarm reads it. One seeded rehearsal per test, on simulated time.

const options = (overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({
  trafficPerSecond: 100,
  fault: { kind: 'none' },
  seed: 1,
  metricsNamespace: TEST_NAMESPACE,
  ...overrides,
});
const judgeEvents = (summary: RehearsalSummary) =>
  summary.events.filter((event) => event.message.includes('the judge finds the candidate worse'));
const transitionsOf = (summary: RehearsalSummary, name: string) =>
  summary.alarms.find((alarm) => alarm.name === name)?.transitions ?? [];

describe('the judge in a rehearsal', () => {
  it('rolls back a candidate failing 50 % at 100 requests/s through its -judge alarm', () => {
    const summary = simulate(
      testPlan(),
      testCalibration(),
      options({ fault: { kind: 'errors', share: 0.5 } }),
    );
    expect(summary.outcome).toBe('rolled_back');
    const first = summary.functions.find((fn) => fn.outcome === 'rolled_back');
    expect(first?.reason).toBe(`canary-api-prod-${first?.key}-judge in ALARM`);

    // The judge says why, from the counts it read: the candidate's 5xx against a clean baseline.
    const [verdict] = judgeEvents(summary).filter((event) => event.message.startsWith(`${first?.key}:`));
    expect(verdict?.message).toMatch(
      /^\w+: the judge finds the candidate worse \(5xx: candidate \d+\/\d+ \([\d.]+ %\) against baseline 0\/\d+ \(0\.00 %\); P\(worse by the minimum effect\) = [\d.]+\)$/,
    );
    // Then its alarm goes OK -> ALARM no earlier than the verdict, and CodeDeploy acts 5 s later.
    const [alarm] = transitionsOf(summary, `canary-api-prod-${first?.key}-judge`);
    expect(alarm).toMatchObject({ from: 'OK', to: 'ALARM' });
    expect(alarm?.simulatedSeconds).toBeGreaterThanOrEqual(verdict?.simulatedSeconds ?? Number.NaN);
    expect(first?.endedAtSeconds).toBe((alarm?.simulatedSeconds ?? Number.NaN) + 5);
    expect(summary.timeToRollbackSeconds).toBeLessThanOrEqual(45);
    // No crash, so the new version's Lambda errors alarm has nothing to say.
    expect(transitionsOf(summary, `canary-api-prod-${first?.key}-v2-errors`)).toEqual([]);
  });

  it('lets the alarm go back to OK once the judge stops publishing, 30 s after the deployment ends', () => {
    const summary = simulate(
      testPlan(),
      testCalibration(),
      options({ fault: { kind: 'errors', share: 0.5 } }),
    );
    const first = summary.functions.find((fn) => fn.outcome === 'rolled_back');
    const [fired, cleared] = transitionsOf(summary, `canary-api-prod-${first?.key}-judge`);
    expect(cleared).toMatchObject({ from: 'ALARM', to: 'OK' });
    // 3 periods of 10 s with no verdict in them, counted from the last one published.
    expect((cleared?.simulatedSeconds ?? 0) - (fired?.simulatedSeconds ?? 0)).toBe(30);
  });

  it('promotes a healthy candidate while both versions share 5 % of 5xx (seed 1)', () => {
    const summary = simulate(testPlan(), testCalibration(), options({ noiseShare: 0.05 }));
    const { baseline, candidate } = summary.requests.byVersion;
    // The noise is real on both sides: hundreds of failed requests, none of them the release's doing.
    expect(baseline.failed).toBeGreaterThan(100);
    expect(candidate.failed).toBeGreaterThan(10);
    expect(summary.outcome).toBe('promoted');
    expect(judgeEvents(summary)).toEqual([]);
    expect(summary.alarms.flatMap((alarm) => alarm.transitions)).toEqual([]);
  });

  it('rolls back a candidate that crashes on every request, whichever of its two alarms sees it first', () => {
    const calibration = testCalibration();
    const hits = calibration.behaviour.candidate.hits;
    if (hits) hits.statuses = [502];
    const summary = simulate(testPlan(), calibration, options());
    expect(summary.outcome).toBe('rolled_back');
    expect(summary.functions.find((fn) => fn.key === 'hits')?.reason).toMatch(
      /^canary-api-prod-hits-(judge|v2-errors) in ALARM$/,
    );
  });
});
