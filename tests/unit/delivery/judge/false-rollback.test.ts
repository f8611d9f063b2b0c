import { describe, expect, it } from 'vitest';
import { JUDGE_SETTINGS, verdictOf } from '../../../../delivery/judge/verdict';
import { Random } from '../../../../ops/rehearsal/random';

/**
 * The judge measured both ways, on a seeded Monte Carlo of prod's deployment that shares nothing with
 * the rehearsal's engine: 5 functions with traffic spread evenly, 10 % of each alias on the candidate
 * for 5 minutes then 100 % until the post-traffic hook ends it 10 s later, Poisson arrivals, a 5xx
 * rate both versions share (noise) plus the candidate's own, and the judge looking every 10 s at
 * counts 10 s old (the EMF delay docs/rehearsal.md assumes), for every function, at every look.
 */
const FUNCTIONS = 5;
const CANARY_SECONDS = 300;
const END_SECONDS = 310;
const INGESTION_SECONDS = 10;
/** From the verdict to the alias back on the baseline: the alarm's 10-second evaluation and CodeDeploy's reaction (docs/judge.md). */
const ACTING_SECONDS = 15;

/** When the judge decided, and when the candidate's first request failed; undefined when it never decided. */
function deploy(
  random: Random,
  perSecond: number,
  noise: number,
  added: number,
): { decided: number; firstFailure: number } | undefined {
  let firstFailure = Number.POSITIVE_INFINITY;
  const perFunction = perSecond / FUNCTIONS;
  const phase = Math.floor(random.next() * 10);
  const totals = Array.from({ length: FUNCTIONS }, () => ({
    candidate: { requests: 0, errors: 0 },
    baseline: { requests: 0, errors: 0 },
  }));
  const arrived: (typeof totals)[] = [];
  for (let second = 0; second < END_SECONDS; second++) {
    const share = second < CANARY_SECONDS ? 0.1 : 1;
    arrived.push(
      totals.map(() => {
        const requests = random.poisson(perFunction);
        const candidate = random.binomial(requests, share);
        const errors = random.binomial(candidate, noise + added * (1 - noise));
        if (errors > 0) firstFailure = Math.min(firstFailure, second);
        return {
          candidate: { requests: candidate, errors },
          baseline: { requests: requests - candidate, errors: random.binomial(requests - candidate, noise) },
        };
      }),
    );
    const visible = arrived[second - INGESTION_SECONDS];
    if (visible)
      visible.forEach((seen, index) => {
        const total = totals[index] as (typeof totals)[number];
        for (const version of ['candidate', 'baseline'] as const) {
          total[version].requests += seen[version].requests;
          total[version].errors += seen[version].errors;
        }
      });
    if ((second + phase) % 10 !== 0) continue;
    for (const { candidate, baseline } of totals)
      if (candidate.errors > 0 && verdictOf({ candidate, baseline, latency: [] }, 0, JUDGE_SETTINGS).worse)
        return { decided: second, firstFailure };
  }
  return undefined;
}

const TRAFFIC = [1, 10, 100, 1000];

describe(`the judge at threshold ${JUDGE_SETTINGS.threshold}`, () => {
  it('rolls back a good release under shared noise in at most 1 % of deployments, at every traffic', () => {
    const random = new Random(17);
    const runs = 250;
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
      const runs = 200;
      const times: number[] = [];
      for (let run = 0; run < runs; run++) {
        const caught = deploy(random, perSecond, 0.005, added);
        if (caught) times.push(caught.decided + ACTING_SECONDS - caught.firstFailure);
      }
      expect(times.length / runs).toBeGreaterThanOrEqual(share);
      const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
      expect(median).toBeLessThanOrEqual(medianSeconds);
    },
  );
});
