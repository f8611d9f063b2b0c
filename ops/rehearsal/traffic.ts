import type { Calibration, Version } from './calibration';
import type { MetricStore } from './cloudwatch';
import type { Fault } from './fault';
import type { RehearsalPlan, RehearsedFunction } from './plan';
import type { Random } from './random';

/**
 * Simulated user traffic and what CloudWatch receives for it. Each simulated request's status is
 * drawn from the real answers its version gave (calibration.ts), then the injected fault applies to
 * the candidate; its duration is the nominal latency plus the injected one. Every request is recorded
 * as the metrics Lambda, our EMF line and API Gateway would publish for it.
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
}

export class TrafficSimulator {
  constructor(private readonly settings: TrafficSettings) {}

  /** One request's status and duration, and whether the fault changed it. */
  private outcome(version: Version, status: number) {
    const { fault, random, nominalLatencyMs } = this.settings;
    const candidate = version === 'candidate';
    if (candidate && fault.kind === 'errors' && random.chance(fault.share)) {
      return { status: 500, durationMs: nominalLatencyMs, affected: true };
    }
    if (candidate && fault.kind === 'latency' && fault.ms > 0) {
      const durationMs = nominalLatencyMs + fault.ms;
      return durationMs >= EARLY_TIMEOUT_MS
        ? { status: 503, durationMs: EARLY_TIMEOUT_MS, affected: true }
        : { status, durationMs, affected: true };
    }
    return { status, durationMs: nominalLatencyMs, affected: false };
  }

  /** Simulates `count` user requests to a version of a function at simulated time `at`. */
  serve(fn: RehearsedFunction, version: Version, count: number, at: number): Tally {
    const statuses = this.settings.calibration.behaviour[version][fn.key]?.statuses ?? [200];
    const tally = emptyTally();
    for (let request = 0; request < count; request++) {
      this.count(tally, this.outcome(version, this.settings.random.pick(statuses)));
    }
    this.record(fn, version, tally, at, this.functionErrors(version, fn, tally));
    return tally;
  }

  /** One request with a known status (a smoke check of the canary), recorded like user traffic. */
  serveOne(fn: RehearsedFunction, version: Version, status: number, at: number): Tally {
    const tally = emptyTally();
    this.count(tally, this.outcome(version, status));
    this.record(fn, version, tally, at, status === 502 ? 1 : 0);
    return tally;
  }

  private count(tally: Tally, outcome: { status: number; durationMs: number; affected: boolean }) {
    tally.total++;
    if (outcome.status >= 500) tally.failed++;
    else if (outcome.status >= 400) tally.rejected++;
    if (outcome.affected) tally.affected++;
    tally.durations.set(outcome.durationMs, (tally.durations.get(outcome.durationMs) ?? 0) + 1);
  }

  /** A 502 is a function error (a crash): the calibration's answer for a version that failed its INIT. */
  private functionErrors(version: Version, fn: RehearsedFunction, tally: Tally): number {
    const statuses = this.settings.calibration.behaviour[version][fn.key]?.statuses ?? [];
    const crashes = statuses.filter((status) => status === 502).length;
    return crashes === 0 ? 0 : Math.round((tally.total * crashes) / statuses.length);
  }

  /** What CloudWatch receives for a tally of requests to one version of one function. */
  private record(fn: RehearsedFunction, version: Version, tally: Tally, at: number, functionErrors: number) {
    if (tally.total === 0) return;
    const { store, plan, metricsNamespace } = this.settings;
    const alias = { FunctionName: fn.name, Resource: `${fn.name}:${plan.alias}` };
    const executed = { ...alias, ExecutedVersion: VERSION_IDS[version] };
    for (const dimensions of [{ FunctionName: fn.name }, alias, executed]) {
      store.put('AWS/Lambda', 'Invocations', dimensions, 1, at, tally.total);
      store.put('AWS/Lambda', 'Errors', dimensions, 1, at, functionErrors);
      store.put('AWS/Lambda', 'Errors', dimensions, 0, at, tally.total - functionErrors);
      for (const [duration, count] of tally.durations)
        store.put('AWS/Lambda', 'Duration', dimensions, duration, at, count);
    }
    // The EMF line lib/metrics.ts writes for every answer.
    store.put(metricsNamespace, 'Requests', executed, 1, at, tally.total);
    store.put(metricsNamespace, 'ServerErrors', executed, 1, at, tally.failed);
    store.put(metricsNamespace, 'ServerErrors', executed, 0, at, tally.total - tally.failed);
    const api = { ApiName: plan.apiName, Stage: plan.stageName };
    store.put('AWS/ApiGateway', 'Count', api, 1, at, tally.total);
    store.put('AWS/ApiGateway', '5XXError', api, 1, at, tally.failed);
    store.put('AWS/ApiGateway', '5XXError', api, 0, at, tally.total - tally.failed);
    store.put('AWS/ApiGateway', '4XXError', api, 1, at, tally.rejected);
    store.put('AWS/ApiGateway', '4XXError', api, 0, at, tally.total - tally.rejected);
    for (const [duration, count] of tally.durations)
      store.put('AWS/ApiGateway', 'Latency', api, duration, at, count);
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
