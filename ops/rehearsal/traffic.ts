import type { Calibration, Version } from './calibration';
import type { MetricSeries, MetricStore } from './cloudwatch';
import type { Fault } from './fault';
import type { RehearsalPlan, RehearsedFunction } from './plan';
import type { Random } from './random';

/**
 * Simulated user traffic and what CloudWatch receives for it. Each simulated request's status is
 * drawn from the real answers its version gave (calibration.ts); then a share of the answers that
 * were not already 5xx become 503s on either version (noise: a dependency throttling both), and the
 * injected fault applies to the candidate's; its duration is the nominal latency plus the injected
 * one. Requests are counted per period, never drawn one by one, and recorded as the metrics Lambda,
 * our EMF line and API Gateway would publish for them.
 */

/** The version numbers CloudWatch sees: the baseline is the alias's current version. */
export const VERSION_IDS: Record<Version, string> = { baseline: '1', candidate: '2' };

/** serverless.yml's timeout; the middy stack answers 503 this long before it (lib/http.ts). */
const FUNCTION_TIMEOUT_MS = 6_000;
const EARLY_TIMEOUT_MS = FUNCTION_TIMEOUT_MS - 500;

export interface Tally {
  total: number;
  /** Answers of 500 and above. */
  failed: number;
  /** Answers from 400 to 499. */
  rejected: number;
  /** Requests the injected fault changed (failed or slowed). */
  affected: number;
  /** Durations, as value → count. */
  durations: Map<number, number>;
}

export const emptyTally = (): Tally => ({
  total: 0,
  failed: 0,
  rejected: 0,
  affected: 0,
  durations: new Map(),
});

export interface TrafficSettings {
  plan: RehearsalPlan;
  calibration: Calibration;
  fault: Fault;
  random: Random;
  store: MetricStore;
  metricsNamespace: string;
  nominalLatencyMs: number;
  /** The share of requests both versions answer with a 5xx (a throttled dependency), before the fault. */
  noiseShare: number;
  /** Where the deployment's t = 0 falls on CloudWatch's clock, the one the store keeps time by. */
  startMs: number;
}

/** The distinct statuses a version answered in calibration, and the share of requests each had. */
interface StatusShares {
  statuses: number[];
  shares: number[];
}

/** The series one version of one function publishes to, looked up once per rehearsal. */
interface Publication {
  /** Per dimension set: the function, its alias, and the alias's executed version. */
  lambda: { invocations: MetricSeries; errors: MetricSeries; duration: MetricSeries }[];
  requests: MetricSeries;
  serverErrors: MetricSeries;
  count: MetricSeries;
  fiveXx: MetricSeries;
  fourXx: MetricSeries;
  latency: MetricSeries;
}

/** A Lambda function error reaches an API Gateway client as a 502 (calibration.ts). */
const CRASH_STATUS = 502;

export class TrafficSimulator {
  readonly #shares = new Map<RehearsedFunction, Partial<Record<Version, StatusShares>>>();
  readonly #publications = new Map<RehearsedFunction, Partial<Record<Version, Publication>>>();

  constructor(private readonly settings: TrafficSettings) {}

  /**
   * Simulates `count` user requests to a version of a function at simulated time `at`: how many got
   * each calibrated status (a multinomial, drawn as one binomial per status), then noise and the fault.
   */
  serve(fn: RehearsedFunction, version: Version, count: number, at: number): Tally {
    const tally = emptyTally();
    if (count <= 0) return tally;
    const { statuses, shares } = this.#statusShares(fn, version);
    let remaining = count;
    let mass = 1;
    let crashes = 0;
    for (const [index, status] of statuses.entries()) {
      const share = shares[index] as number;
      const drawn =
        index === statuses.length - 1 ? remaining : this.settings.random.binomial(remaining, share / mass);
      remaining -= drawn;
      mass -= share;
      if (status === CRASH_STATUS) crashes += drawn;
      this.#answer(tally, version, status, drawn);
    }
    this.#record(fn, version, tally, at, crashes);
    return tally;
  }

  /** One request with a known status (a smoke check), recorded like user traffic. */
  serveOne(fn: RehearsedFunction, version: Version, status: number, at: number): Tally {
    const tally = emptyTally();
    this.#answer(tally, version, status, 1);
    this.#record(fn, version, tally, at, status === CRASH_STATUS ? 1 : 0);
    return tally;
  }

  /** Counts `count` requests whose version answered `status`, after the noise and the fault. */
  #answer(tally: Tally, version: Version, status: number, count: number): void {
    if (count <= 0) return;
    const { fault, random, nominalLatencyMs, noiseShare } = this.settings;
    const candidate = version === 'candidate';
    // How many are still answered without a 5xx: noise first, on either version, then the fault.
    let intact = status >= 500 ? 0 : count;
    intact -= random.binomial(intact, noiseShare);
    if (candidate && fault.kind === 'errors') {
      const broken = random.binomial(intact, fault.share);
      intact -= broken;
      tally.affected += broken;
    }
    let durationMs = nominalLatencyMs;
    if (candidate && fault.kind === 'latency' && fault.ms > 0) {
      durationMs += fault.ms;
      tally.affected += count;
      // The middy stack gives up first and answers 503 (lib/http.ts), whatever the answer would have been.
      if (durationMs >= EARLY_TIMEOUT_MS) {
        durationMs = EARLY_TIMEOUT_MS;
        intact = 0;
      }
    }
    tally.total += count;
    tally.failed += count - intact;
    if (status >= 400 && status < 500) tally.rejected += intact;
    tally.durations.set(durationMs, (tally.durations.get(durationMs) ?? 0) + count);
  }

  /** Worked out once per rehearsal: the calibration does not change while one runs. */
  #statusShares(fn: RehearsedFunction, version: Version): StatusShares {
    const ofFunction = this.#shares.get(fn) ?? {};
    this.#shares.set(fn, ofFunction);
    let found = ofFunction[version];
    if (!found) {
      const answered = this.settings.calibration.behaviour[version][fn.key]?.statuses ?? [200];
      if (answered.length === 0) throw new Error(`the ${version} of ${fn.key} has no calibrated answer`);
      const statuses = [...new Set(answered)];
      const shares = statuses.map(
        (status) => answered.filter((other) => other === status).length / answered.length,
      );
      found = { statuses, shares };
      ofFunction[version] = found;
    }
    return found;
  }

  #publication(fn: RehearsedFunction, version: Version): Publication {
    const ofFunction = this.#publications.get(fn) ?? {};
    this.#publications.set(fn, ofFunction);
    let found = ofFunction[version];
    if (!found) {
      const { store, plan, metricsNamespace } = this.settings;
      const alias = { FunctionName: fn.name, Resource: `${fn.name}:${plan.alias}` };
      const executed = { ...alias, ExecutedVersion: VERSION_IDS[version] };
      const api = { ApiName: plan.apiName, Stage: plan.stageName };
      found = {
        lambda: [{ FunctionName: fn.name }, alias, executed].map((dimensions) => ({
          invocations: store.series('AWS/Lambda', 'Invocations', dimensions),
          errors: store.series('AWS/Lambda', 'Errors', dimensions),
          duration: store.series('AWS/Lambda', 'Duration', dimensions),
        })),
        // The EMF line lib/metrics.ts writes for every answer.
        requests: store.series(metricsNamespace, 'Requests', executed),
        serverErrors: store.series(metricsNamespace, 'ServerErrors', executed),
        count: store.series('AWS/ApiGateway', 'Count', api),
        fiveXx: store.series('AWS/ApiGateway', '5XXError', api),
        fourXx: store.series('AWS/ApiGateway', '4XXError', api),
        latency: store.series('AWS/ApiGateway', 'Latency', api),
      };
      ofFunction[version] = found;
    }
    return found;
  }

  /** What CloudWatch receives for a tally of requests to one version of one function. */
  #record(fn: RehearsedFunction, version: Version, tally: Tally, at: number, functionErrors: number) {
    if (tally.total === 0) return;
    const published = this.#publication(fn, version);
    const when = at + this.settings.startMs;
    const { total, failed, rejected } = tally;
    for (const { invocations, errors, duration } of published.lambda) {
      invocations.add(1, when, total);
      errors.add(1, when, functionErrors);
      errors.add(0, when, total - functionErrors);
      for (const [value, count] of tally.durations) duration.add(value, when, count);
    }
    published.requests.add(1, when, total);
    published.serverErrors.add(1, when, failed);
    published.serverErrors.add(0, when, total - failed);
    published.count.add(1, when, total);
    published.fiveXx.add(1, when, failed);
    published.fiveXx.add(0, when, total - failed);
    published.fourXx.add(1, when, rejected);
    published.fourXx.add(0, when, total - rejected);
    for (const [value, count] of tally.durations) published.latency.add(value, when, count);
  }
}

/** Adds one tally into another. */
export function addTally(into: Tally, other: Tally): void {
  into.total += other.total;
  into.failed += other.failed;
  into.rejected += other.rejected;
  into.affected += other.affected;
  for (const [duration, count] of other.durations)
    into.durations.set(duration, (into.durations.get(duration) ?? 0) + count);
}
