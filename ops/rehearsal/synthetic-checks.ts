import type { Calibration, Version } from './calibration';
import type { RehearsedFunction } from './plan';
import type { TrafficSimulator } from './traffic';

/** Where simulated requests are tallied (the recorder), when they count as users' traffic. */
export interface TallySink {
  add(
    fn: RehearsedFunction,
    version: Version,
    tally: ReturnType<TrafficSimulator['serveOne']>,
    counts: boolean,
  ): void;
}

/**
 * The smoke checks of some functions sent through the alias at simulated time `at`, as the Synthetics
 * canary and the post-traffic hook send them: each check goes to the version `route` picks, passes
 * when that version's real answer did (calibration) and the injected fault did not fail it, and is
 * recorded as traffic. Returns what failed, empty when every check passed.
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
    const version = route(fn);
    const behaviour = calibration.behaviour[version][fn.key];
    for (const [index, check] of (behaviour?.checks ?? []).entries()) {
      const status = behaviour?.statuses[index] ?? 502;
      const tally = traffic.serveOne(fn, version, status, at);
      sink?.add(fn, version, tally, true);
      if (check.failure) failures.push(check.failure);
      else if (tally.failed > 0 && status < 500)
        failures.push(`${check.name}: the ${version} answered a 5xx`);
    }
  }
  return failures;
}
