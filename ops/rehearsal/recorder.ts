import type { DeployViewState } from '../view';
import type { Calibration, Version } from './calibration';
import type { VirtualClock } from './clock';
import type { AlarmState } from './cloudwatch';
import type { FunctionDeployment } from './deployment';
import type { RehearsalPlan, RehearsedFunction } from './plan';
import type { FunctionSummary, RehearsalEvent, RehearsalSummary, TimelinePoint } from './summary';
import { addTally, emptyTally, type Tally, VERSION_IDS } from './traffic';

const versions = ['baseline', 'candidate'] as const;
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** The nearest-rank p99 of durations kept as value → count. */
function p99(durations: Map<number, number>): number | undefined {
  const total = [...durations.values()].reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  let seen = 0;
  for (const value of [...durations.keys()].sort((a, b) => a - b)) {
    seen += durations.get(value) ?? 0;
    if (seen >= Math.ceil(total * 0.99)) return value;
  }
  return undefined;
}

/** Everything a rehearsal reports, written down as the simulation runs. */
export class Recorder {
  readonly events: RehearsalEvent[] = [];
  readonly timeline: TimelinePoint[] = [];
  maxCandidateShare = 0;
  /** When the fault first changed a candidate's answer. */
  firstAffectedMs: number | undefined;
  readonly #transitions = new Map<string, RehearsalSummary['alarms'][number]['transitions']>();
  readonly #window: Record<Version, Tally> = { baseline: emptyTally(), candidate: emptyTally() };
  readonly #perFunction = new Map<string, Record<Version, Tally>>();
  #phase = 'starting';
  /**
   * The deployments, as the first tick hands them over (the engine creates them after the recorder):
   * each event then reads their weights, so a step is stamped with the moment it happened.
   */
  #deployments: readonly FunctionDeployment[] = [];
  #lastWeights = '';

  constructor(
    private readonly plan: RehearsalPlan,
    private readonly clock: VirtualClock,
    private readonly onEvent?: (event: RehearsalEvent) => void,
  ) {}

  emit(kind: RehearsalEvent['kind'], message: string): void {
    const weights = this.#changedWeights();
    const event: RehearsalEvent = {
      simulatedSeconds: seconds(this.clock.now()),
      kind,
      message,
      ...(weights && { weights }),
    };
    if (kind === 'phase') this.#phase = message;
    this.events.push(event);
    this.onEvent?.(event);
  }

  transition(name: string, from: AlarmState, to: AlarmState): void {
    this.#transitions.set(name, [
      ...(this.#transitions.get(name) ?? []),
      { simulatedSeconds: seconds(this.clock.now()), from, to },
    ]);
    this.emit('alarm', `${name}: ${from} -> ${to}`);
  }

  /** The candidate's shares now, when they differ from what the last event or timeline point said. */
  #changedWeights(): Record<string, number> | undefined {
    const weights = Object.fromEntries(
      this.#deployments.map((deployment) => [deployment.fn.key, deployment.weight]),
    );
    const text = JSON.stringify(weights);
    if (this.#deployments.length === 0 || text === this.#lastWeights) return undefined;
    this.#lastWeights = text;
    return weights;
  }

  transitionsOf(name: string) {
    return this.#transitions.get(name) ?? [];
  }

  /**
   * Counts a tally into the timeline and, while the deployment lasts, into its function's blast radius.
   * `at` is when its requests were sent, if not now (a smoke check's retries are sent seconds later).
   */
  add(
    fn: RehearsedFunction,
    version: Version,
    tally: Tally,
    duringDeployment: boolean,
    at = this.clock.now(),
  ): void {
    addTally(this.#window[version], tally);
    if (version === 'candidate' && tally.affected > 0)
      this.firstAffectedMs = Math.min(this.firstAffectedMs ?? at, at);
    if (!duringDeployment) return;
    const counts = this.#perFunction.get(fn.key) ?? { baseline: emptyTally(), candidate: emptyTally() };
    this.#perFunction.set(fn.key, counts);
    addTally(counts[version], tally);
  }

  /** One timeline point for the last 10 simulated seconds. */
  tick(deployments: readonly FunctionDeployment[], states: ReadonlyMap<string, AlarmState>): void {
    const weights = Object.fromEntries(
      deployments.map((deployment) => [deployment.fn.key, deployment.weight]),
    );
    this.#deployments = deployments;
    this.#lastWeights = JSON.stringify(weights);
    this.maxCandidateShare = Math.max(this.maxCandidateShare, ...Object.values(weights));
    const durations = new Map(this.#window.baseline.durations);
    for (const [value, count] of this.#window.candidate.durations)
      durations.set(value, (durations.get(value) ?? 0) + count);
    this.timeline.push({
      simulatedSeconds: seconds(this.clock.now()),
      weights,
      requests: { baseline: this.#window.baseline.total, candidate: this.#window.candidate.total },
      failed: { baseline: this.#window.baseline.failed, candidate: this.#window.candidate.failed },
      p99Ms: p99(durations),
      alarmsInAlarm: [...states].filter(([, state]) => state === 'ALARM').map(([name]) => name),
    });
    this.#window.baseline = emptyTally();
    this.#window.candidate = emptyTally();
  }

  viewState(
    deployments: readonly FunctionDeployment[],
    states: ReadonlyMap<string, AlarmState>,
    configName: string,
  ): DeployViewState {
    const now = this.clock.now();
    const shifting = deployments.find((deployment) => deployment.nextShift);
    const totals = this.totals().byVersion;
    return {
      title: `Rehearsal of ${configName} (simulated t+${Math.round(now / 1000)}s)`,
      phase: this.#phase,
      weights: deployments.map((deployment) => ({
        name: `${deployment.fn.name}:${this.plan.alias}`,
        versions: versions.map((version) => ({
          version: VERSION_IDS[version],
          percent: 100 * (version === 'candidate' ? deployment.weight : 1 - deployment.weight),
        })),
      })),
      progress: shifting?.nextShift && {
        fraction: (now - shifting.nextShift.fromMs) / (shifting.nextShift.atMs - shifting.nextShift.fromMs),
        label: `${Math.max(0, Math.round((shifting.nextShift.atMs - now) / 1000))}s to ${Math.round(shifting.nextShift.weight * 100)}%`,
      },
      requests: { baseline: totals.baseline, candidate: totals.candidate },
      alarms: [...states].map(([name, state]) => ({ name, state })),
    };
  }

  functionSummaries(deployments: readonly FunctionDeployment[]): FunctionSummary[] {
    return deployments.map((deployment) => {
      const counts = this.#perFunction.get(deployment.fn.key);
      return {
        key: deployment.fn.key,
        outcome: deployment.outcome ?? 'rolled_back_by_stack',
        ...(deployment.reason && { reason: deployment.reason }),
        endedAtSeconds: seconds(deployment.endedAtMs ?? this.clock.now()),
        requests: {
          baseline: { total: counts?.baseline.total ?? 0, failed: counts?.baseline.failed ?? 0 },
          candidate: { total: counts?.candidate.total ?? 0, failed: counts?.candidate.failed ?? 0 },
        },
      };
    });
  }

  totals(): RehearsalSummary['requests'] {
    const byVersion = {
      baseline: { total: 0, failed: 0 },
      candidate: { total: 0, failed: 0 },
    };
    for (const counts of this.#perFunction.values()) {
      for (const version of versions) {
        byVersion[version].total += counts[version].total;
        byVersion[version].failed += counts[version].failed;
      }
    }
    return {
      total: byVersion.baseline.total + byVersion.candidate.total,
      failed: byVersion.baseline.failed + byVersion.candidate.failed,
      byVersion,
    };
  }

  /** Median real durations of the calibration requests, per function and version (machine-dependent). */
  measuredLatency(calibration: Calibration): RehearsalSummary['measured']['latencyMs'] {
    const median = (values: number[] = []) =>
      values.length
        ? Math.round(([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0) * 10) / 10
        : 0;
    return Object.fromEntries(
      this.plan.functions.map((fn) => [
        fn.key,
        {
          baseline: median(calibration.behaviour.baseline[fn.key]?.latencyMs),
          candidate: median(calibration.behaviour.candidate[fn.key]?.latencyMs),
        },
      ]),
    );
  }
}
