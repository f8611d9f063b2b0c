import { describe, expect, it } from 'vitest';
import { JUDGE_SETTINGS } from '../../../../delivery/judge/verdict';
import { Random } from '../../../../ops/rehearsal/random';
import { deploy, secondsToRollback } from '../../../support/judge-oracle';

// The judge measured both ways on tests/support/judge-oracle's Monte Carlo of prod's deployment,
// which shares nothing with the rehearsal's engine but the verdict itself.

const TRAFFIC = [1, 10, 100, 1000];

describe(`the judge at threshold ${JUDGE_SETTINGS.threshold}`, () => {
  it('rolls back a good release under shared noise in at most 1 % of deployments, at every traffic', () => {
    const random = new Random(17);
    const runs = 150;
    let rolledBack = 0;
    let deployments = 0;
    for (const noise of [0.001, 0.005, 0.02, 0.05, 0.1])
      for (const perSecond of TRAFFIC) {
        let cell = 0;
        for (let run = 0; run < runs; run++) if (deploy(random, perSecond, noise, 0) !== undefined) cell++;
        expect(cell / runs, `noise ${noise} at ${perSecond} requests/s`).toBeLessThanOrEqual(0.01);
        rolledBack += cell;
        deployments += runs;
      }
    // Pooled, with room for chance: a 95 % upper bound of the rate (normal approximation) under 0.5 %.
    const rate = rolledBack / deployments;
    expect(rate + 1.645 * Math.sqrt(Math.max(rate, 1 / deployments) / deployments)).toBeLessThan(0.005);
  });

  it.each([
    [0.5, 10, 0.99, 45],
    [0.2, 10, 0.99, 90],
    [0.2, 100, 0.99, 45],
    [0.05, 100, 0.95, 60],
  ])(
    'rolls back a release failing %s more at %s requests/s in ≥ %s of deployments, median ≤ %s s',
    (added, perSecond, share, medianSeconds) => {
      const random = new Random(41);
      const runs = 100;
      const times: number[] = [];
      for (let run = 0; run < runs; run++) {
        const caught = deploy(random, perSecond, 0.005, added);
        if (caught) times.push(secondsToRollback(caught));
      }
      expect(times.length / runs).toBeGreaterThanOrEqual(share);
      const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
      expect(median).toBeLessThanOrEqual(medianSeconds);
    },
  );
});
