import { JUDGE_SETTINGS, verdictOf } from '../../delivery/judge/verdict';
import type { Random } from '../../ops/rehearsal/random';

/**
 * The judge measured both ways, on a seeded Monte Carlo of prod's deployment that shares nothing with
 * the rehearsal's engine: 5 functions with traffic spread evenly, 10 % of each alias on the candidate
 * for 5 minutes then 100 % until the post-traffic hook ends it 10 s later, Poisson arrivals, a 5xx
 * rate both versions share (noise) plus the candidate's own, and the judge looking every 10 s at
 * counts 10 s old (the EMF delay docs/rehearsal.md assumes), for every function, at every look. Only
 * the verdict is the judge's own code (delivery/judge/verdict.ts): what it is fed is modelled here.
 * Seconds count from the first shift of traffic; the time to rollback adds a flat ACTING_SECONDS.
 */
export const ORACLE_FUNCTIONS = 5;
const CANARY_SECONDS = 300;
const END_SECONDS = 310;
const INGESTION_SECONDS = 10;
/** From the verdict to the alias back on the baseline: the alarm's 10-second evaluation and CodeDeploy's reaction (docs/judge.md). */
export const ACTING_SECONDS = 15;

/**
 * When the judge decided, and when the candidate's first request failed; undefined when it never decided.
 * `hookSeconds`: how long the deployment ran before the shift (the pre-traffic hook), the baseline
 * serving everything. The judge counts from the deployment's start (docs/judge.md), so those requests
 * are in its baseline's counts; 0 leaves them out, as the false-rollback budget was measured.
 */
export function deploy(
  random: Random,
  perSecond: number,
  noise: number,
  added: number,
  hookSeconds = 0,
): { decided: number; firstFailure: number } | undefined {
  let firstFailure = Number.POSITIVE_INFINITY;
  const perFunction = perSecond / ORACLE_FUNCTIONS;
  const phase = Math.floor(random.next() * 10);
  const totals = Array.from({ length: ORACLE_FUNCTIONS }, () => ({
    candidate: { requests: 0, errors: 0 },
    baseline: { requests: 0, errors: 0 },
  }));
  const arrived: (typeof totals)[] = [];
  for (let second = -hookSeconds; second < END_SECONDS; second++) {
    const share = second < 0 ? 0 : second < CANARY_SECONDS ? 0.1 : 1;
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
    const visible = arrived[second + hookSeconds - INGESTION_SECONDS];
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

/** The oracle's time to rollback of one deployment: from the first failed request to the alias back. */
export const secondsToRollback = ({ decided, firstFailure }: { decided: number; firstFailure: number }) =>
  decided + ACTING_SECONDS - firstFailure;
