import type { Calibration, Version } from './calibration';
import type { VirtualClock } from './clock';
import type { MetricStore } from './cloudwatch';
import type { RehearsalPlan, RehearsedFunction } from './plan';
import type { Random } from './random';
import type { Tally, TrafficSimulator } from './traffic';

/** Where simulated requests are tallied (the recorder), when they count as users' traffic. */
export interface TallySink {
  add(fn: RehearsedFunction, version: Version, tally: Tally, counts: boolean, at?: number): void;
}

/**
 * When each attempt of a check is sent, in ms after the first: a 5xx is tried again after 1 s, then 2 s
 * more, and fails only on 3 of 3, as the hooks and the Synthetics canary judge a check
 * (delivery/smoke-checks.ts, `judgeCheck`): the 5xx both versions share must not fail a good release.
 */
export const CHECK_ATTEMPT_DELAYS_MS: readonly number[] = [0, 1_000, 3_000];
const ATTEMPTS = CHECK_ATTEMPT_DELAYS_MS.length;

/**
 * One smoke check through the alias, with its retries: each attempt is a request of its own, routed
 * afresh by `route` and recorded as traffic at its own time. Undefined when the check passed, else
 * why it failed: a wrong answer that is not a 5xx at once (calibration: `check.failure`), a 5xx only
 * when every attempt answered one. Through the alias a crash is API Gateway's 502: a 5xx like any other.
 */
function attemptCheck(
  traffic: TrafficSimulator,
  calibration: Calibration,
  fn: RehearsedFunction,
  index: number,
  route: (fn: RehearsedFunction) => Version,
  at: number,
  sink?: TallySink,
): string | undefined {
  const fiveXxFrom: Version[] = [];
  let name = `check ${index + 1} of ${fn.key}`;
  for (const delay of CHECK_ATTEMPT_DELAYS_MS) {
    const version = route(fn);
    const behaviour = calibration.behaviour[version][fn.key];
    const check = behaviour?.checks[index];
    name = check?.name ?? name;
    const tally = traffic.serveOne(fn, version, behaviour?.statuses[index] ?? 502, at + delay);
    sink?.add(fn, version, tally, true, at + delay);
    if (tally.failed === 0) {
      if (!check?.failure || fiveXxFrom.length === 0) return check?.failure;
      return `${check.failure} (attempt ${fiveXxFrom.length + 1} of ${ATTEMPTS}, after 5xx from ${fiveXxFrom.join(', ')})`;
    }
    fiveXxFrom.push(version);
  }
  return `${name}: 5xx on ${ATTEMPTS} of ${ATTEMPTS} attempts (from ${fiveXxFrom.join(', ')})`;
}

/**
 * The smoke checks of some functions sent through the alias at simulated time `at`, as the Synthetics
 * canary and the post-traffic hook send them: each check goes to the version `route` picks, passes
 * when that version's real answer did (calibration) and neither noise nor the injected fault made it
 * a 5xx on every attempt, and is recorded as traffic. Returns what failed, empty when every check passed.
 */
export function failedChecks(
  traffic: TrafficSimulator,
  calibration: Calibration,
  functions: readonly RehearsedFunction[],
  route: (fn: RehearsedFunction) => Version,
  at: number,
  sink?: TallySink,
): string[] {
  const failures: string[] = [];
  for (const fn of functions) {
    // Which checks a function has does not depend on the version: both builds answered the same ones.
    const checks =
      calibration.behaviour.candidate[fn.key]?.checks ?? calibration.behaviour.baseline[fn.key]?.checks;
    for (const index of (checks ?? []).keys()) {
      const failure = attemptCheck(traffic, calibration, fn, index, route, at, sink);
      if (failure) failures.push(failure);
    }
  }
  return failures;
}

export interface CanaryRunsInput {
  plan: RehearsalPlan;
  clock: VirtualClock;
  store: MetricStore;
  random: Random;
  traffic: TrafficSimulator;
  calibration: Calibration;
  recorder: TallySink;
  /** The candidate's share of a function's alias at the moment. */
  weightOf: (fn: RehearsedFunction) => number;
  /** Where the rehearsal's second 0 falls in CloudWatch's minute. */
  startMs: number;
}

/**
 * The Synthetics canary's runs: each sends every check through the alias weights and writes one
 * datapoint. `start` begins them once, however often it is called: the first judge to look starts a
 * run-once canary, and the judges keep it at one run a minute while any deployment is in flight
 * (delivery/judge/probe.ts); a canary on a schedule of its own starts at 0 and never stops.
 */
export function canaryRuns(input: CanaryRunsInput) {
  const { plan, clock, store, random, traffic, calibration, recorder, weightOf, startMs } = input;
  let started = false;
  return {
    start(from: number, whileActive?: () => boolean) {
      const { canaryName, canaryIntervalMs } = plan;
      if (!canaryName || !canaryIntervalMs || started) return;
      started = true;
      const dimensions = { CanaryName: canaryName };
      clock.every(
        canaryIntervalMs,
        from,
        () => {
          const route = (fn: RehearsedFunction): Version =>
            random.chance(weightOf(fn)) ? 'candidate' : 'baseline';
          const failures = failedChecks(traffic, calibration, plan.functions, route, clock.now(), recorder);
          const at = clock.now() + startMs;
          store.put('CloudWatchSynthetics', 'SuccessPercent', dimensions, failures.length ? 0 : 100, at);
          store.put('CloudWatchSynthetics', 'Failed', dimensions, failures.length ? 1 : 0, at);
        },
        whileActive,
      );
    },
  };
}
