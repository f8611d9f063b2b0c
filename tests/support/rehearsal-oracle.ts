import { Random } from '../../ops/rehearsal/random';

/**
 * An independent model of how fast prod's alarms roll back a release failing a share of its requests:
 * a plain Monte Carlo over the alarm rules as docs/operating.md states them, written from those rules
 * and not from the engine (only the seeded generator is shared). It exists to catch the engine
 * mispredicting, as the wall-clock rehearsal once did by three times.
 *
 * Prod: every function gets 10 % of its traffic on the new version from t = 5 s (after the pre-traffic
 * hook) to t = 305 s. Per function, per 10-second period: `fast-5xx` breaches with ≥ 5 new-version
 * requests and > 5 % of them 5xx, and fires on 2 of the last 6 periods; per minute, `quiet-5xx` fires
 * on any 5xx among fewer than 50 new-version requests (1 of 2 minutes); `api-5xx` on > 5 % of the
 * stage's requests with ≥ 20 of them; the canary (every minute from the deployment's start, 6 checks)
 * on any failed check, a check failing only when 3 attempts (1 s, then 2 s apart, each on the new
 * version with its share) all answer 5xx. EMF and Synthetics datapoints arrive 10 s late, API
 * Gateway's 60 s; CodeDeploy acts 5 s after an alarm. CloudWatch evaluates on its own minute, and a
 * deployment starts at a random second of it. Time to rollback runs from the first failed request.
 */

const FUNCTIONS = 5;
const CANARY_CHECKS = 6;
const SHARE = 0.1;
const SHIFT_FROM = 5;
const SHIFT_UNTIL = 305;
const EMF_DELAY = 10;
const API_DELAY = 60;
const REACTION = 5;
const ATTEMPTS_AT = [0, 1, 3];

export interface OracleResult {
  /** Share of runs rolled back during the shift. */
  caught: number;
  /** Time to rollback of those runs, in seconds: 5th, 50th and 95th percentiles. */
  p5: number | null;
  p50: number | null;
  p95: number | null;
}

function oneRun(random: Random, trafficPerSecond: number, errorShare: number): number | null {
  const perFunction = trafficPerSecond / FUNCTIONS;
  // Seconds below count on CloudWatch's clock; the deployment starts at second `start` of its minute.
  const start = Math.floor(random.next() * 60);
  // Per function: new-version requests and 5xx per second; stage-wide: all requests and 5xx per second.
  const requests = Array.from({ length: FUNCTIONS }, () => [] as number[]);
  const errors = Array.from({ length: FUNCTIONS }, () => [] as number[]);
  const stageRequests: number[] = [];
  const stageErrors: number[] = [];
  const canaryFailed: boolean[] = [];
  let firstFailure: number | undefined;

  const sum = (series: number[], from: number, to: number) => {
    let total = 0;
    for (let second = Math.max(0, from); second < to; second++) total += series[second] ?? 0;
    return total;
  };

  const count = (series: number[], second: number, n: number) => {
    series[second] = (series[second] ?? 0) + n;
  };

  for (let t = start; t <= start + SHIFT_UNTIL; t++) {
    const share = t - start > SHIFT_FROM ? SHARE : 0;
    for (let fn = 0; fn < FUNCTIONS; fn++) {
      const n = random.poisson(perFunction);
      const onNew = random.binomial(n, share);
      const failed = random.binomial(onNew, errorShare);
      count(requests[fn] as number[], t, onNew);
      count(errors[fn] as number[], t, failed);
      count(stageRequests, t, n);
      count(stageErrors, t, failed);
    }
    if ((t - start) % 60 === 0) {
      let failedChecks = 0;
      for (let check = 0; check < CANARY_CHECKS; check++) {
        const fn = check % FUNCTIONS;
        // Each attempt is a request of its own, routed afresh; a 5xx is retried, anything else ends it.
        let failed = true;
        for (const delay of ATTEMPTS_AT) {
          const onNew = random.chance(share);
          const error = onNew && random.chance(errorShare) ? 1 : 0;
          count(requests[fn] as number[], t + delay, onNew ? 1 : 0);
          count(errors[fn] as number[], t + delay, error);
          count(stageRequests, t + delay, 1);
          count(stageErrors, t + delay, error);
          if (!error) {
            failed = false;
            break;
          }
        }
        if (failed) failedChecks++;
      }
      canaryFailed[t] = failedChecks > 0;
    }
    if (firstFailure === undefined && (stageErrors[t] ?? 0) > 0) firstFailure = t;

    if (t === 0 || t % 10 !== 0) continue;
    const emfSeen = t - EMF_DELAY + 1;
    let alarm = false;
    for (let fn = 0; fn < FUNCTIONS && !alarm; fn++) {
      let breaching = 0;
      for (let period = 1; period <= 6; period++) {
        const end = t - (period - 1) * 10;
        const n = sum(requests[fn] as number[], end - 10, Math.min(end, emfSeen));
        const e = sum(errors[fn] as number[], end - 10, Math.min(end, emfSeen));
        if (n >= 5 && e / n > 0.05) breaching++;
      }
      if (breaching >= 2) alarm = true;
      if (t % 60 === 0) {
        for (let minute = 1; minute <= 2 && !alarm; minute++) {
          const end = t - (minute - 1) * 60;
          const n = sum(requests[fn] as number[], end - 60, Math.min(end, emfSeen));
          const e = sum(errors[fn] as number[], end - 60, Math.min(end, emfSeen));
          if (n < 50 && e > 0) alarm = true;
        }
      }
    }
    if (t % 60 === 0) {
      const apiSeen = t - API_DELAY + 1;
      const n = sum(stageRequests, t - 60, Math.min(t, apiSeen));
      const e = sum(stageErrors, t - 60, Math.min(t, apiSeen));
      if (n >= 20 && (100 * e) / n > 5) alarm = true;
      for (let second = t - 60; second < Math.min(t, emfSeen); second++)
        if (canaryFailed[second]) alarm = true;
    }
    if (alarm && firstFailure !== undefined) return t + REACTION - firstFailure;
  }
  return null;
}

/** The distribution of prod's time to rollback for a release failing `errorShare` of its requests. */
export function oracle(trafficPerSecond: number, errorShare: number, runs = 2_000): OracleResult {
  const random = new Random(20_261_124);
  const times = Array.from({ length: runs }, () => oneRun(random, trafficPerSecond, errorShare))
    .filter((time): time is number => time !== null)
    .sort((a, b) => a - b);
  const at = (q: number) =>
    times.length ? (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number) : null;
  return { caught: times.length / runs, p5: at(0.05), p50: at(0.5), p95: at(0.95) };
}
