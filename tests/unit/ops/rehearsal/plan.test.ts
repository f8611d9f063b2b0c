import { describe, expect, it } from 'vitest';
import { scheduleIntervalMs, trafficSteps } from '../../../../ops/rehearsal/plan';

describe('trafficSteps', () => {
  it('shifts everything at once for AllAtOnce', () => {
    expect(trafficSteps('CodeDeployDefault.LambdaAllAtOnce')).toEqual([{ atSeconds: 0, candidateWeight: 1 }]);
  });

  it('holds the canary share, then shifts the rest, for CanaryNPercentMMinutes', () => {
    expect(trafficSteps('CodeDeployDefault.LambdaCanary10Percent5Minutes')).toEqual([
      { atSeconds: 0, candidateWeight: 0.1 },
      { atSeconds: 300, candidateWeight: 1 },
    ]);
  });

  it('adds the same share every interval for LinearNPercentEveryMMinutes', () => {
    const steps = trafficSteps('CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
    expect(steps).toHaveLength(10);
    expect(steps[0]).toEqual({ atSeconds: 0, candidateWeight: 0.1 });
    expect(steps[9]?.atSeconds).toBe(540);
    expect(steps[9]?.candidateWeight).toBeCloseTo(1);
  });

  it('refuses a config it does not understand', () => {
    expect(() => trafficSteps('CodeDeployDefault.LambdaBlueGreenSomehow')).toThrow(
      /not one the rehearsal understands/,
    );
  });
});

describe('scheduleIntervalMs', () => {
  it('reads the Synthetics schedules the stages use', () => {
    expect(['rate(1 minute)', 'rate(10 minutes)', 'rate(1 hour)'].map(scheduleIntervalMs)).toEqual([
      60_000, 600_000, 3_600_000,
    ]);
    expect(() => scheduleIntervalMs('cron(0 * * * ? *)')).toThrow(/not one the rehearsal understands/);
  });
});
