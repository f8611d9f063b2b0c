import type { LatencyMinute, Observation } from './observe';
import { isWorse, MINIMUM_EFFECT, type MinimumEffect, probabilityWorse } from './statistic';

/**
 * One look's verdict on one function's candidate. 5xx: the Bayesian comparison of statistic.ts.
 * Latency: Lambda publishes only per-minute percentiles per version, not per-request durations, so no
 * honest test of the two distributions exists from them; the judge applies a stated rule instead and
 * docs/judge.md says what a test would need.
 */

export interface JudgeSettings {
  /** The posterior probability of "worse by the minimum effect" at which the judge acts. */
  threshold: number;
  effect: MinimumEffect;
  /** A minute is slow when the candidate's p99 exceeds both this and `latencyRatio` × the baseline's. */
  latencyP99Ms: number;
  latencyRatio: number;
  /** …with at least this many candidate invocations in the minute, in `slowMinutes` of the last three. */
  latencyMinimumInvocations: number;
  slowMinutes: number;
}

/**
 * docs/judge.md: the threshold is the one the seeded Monte Carlo of tests/unit/delivery/judge keeps
 * under the false-rollback budget at every traffic and shared 5xx rate it sweeps.
 */
export const JUDGE_SETTINGS: JudgeSettings = {
  threshold: 0.999,
  effect: MINIMUM_EFFECT,
  latencyP99Ms: 1_000,
  latencyRatio: 2,
  latencyMinimumInvocations: 10,
  slowMinutes: 2,
};

export type Verdict = { worse: false } | { worse: true; reason: string };

const percent = (share: number) => `${(100 * share).toFixed(share < 0.01 ? 2 : 1)} %`;

function slow(minute: LatencyMinute, settings: JudgeSettings): boolean {
  const { candidateP99, baselineP99, candidateInvocations } = minute;
  if (candidateP99 === undefined || candidateInvocations < settings.latencyMinimumInvocations) return false;
  return (
    candidateP99 > settings.latencyP99Ms &&
    (baselineP99 === undefined || candidateP99 > settings.latencyRatio * baselineP99)
  );
}

/** The verdict at `now` (epoch ms); only complete minutes of latency count. */
export function verdictOf(observation: Observation, now: number, settings = JUDGE_SETTINGS): Verdict {
  const { candidate, baseline } = observation;
  if (isWorse(candidate, baseline, settings.threshold, settings.effect)) {
    const probability = probabilityWorse(candidate, baseline, settings.effect);
    const rate = (errors: number, requests: number) => percent(requests ? errors / requests : 0);
    return {
      worse: true,
      reason: `5xx: candidate ${candidate.errors}/${candidate.requests} (${rate(candidate.errors, candidate.requests)}) against baseline ${baseline.errors}/${baseline.requests} (${rate(baseline.errors, baseline.requests)}); P(worse by the minimum effect) = ${probability.toFixed(5)}`,
    };
  }
  const complete = observation.latency.filter((minute) => minute.at + 60_000 <= now).slice(-3);
  const slowOnes = complete.filter((minute) => slow(minute, settings));
  if (slowOnes.length >= settings.slowMinutes) {
    const last = slowOnes.at(-1) as LatencyMinute;
    return {
      worse: true,
      reason: `latency: candidate p99 ${last.candidateP99} ms against baseline ${last.baselineP99 ?? 'none'} ms in ${slowOnes.length} of the last ${complete.length} minutes`,
    };
  }
  return { worse: false };
}
