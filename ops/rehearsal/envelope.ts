import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Calibration } from './calibration';
import { simulate } from './engine';
import type { RehearsalPlan } from './plan';

/**
 * The envelope: for a grid of traffic, candidate 5xx and 5xx both versions share, how often the
 * deployment rolls back and how fast. It is measured both ways: cells with no candidate error are good
 * releases (every rollback there is a false one); the others are bad releases. Each cell is many seeded
 * rehearsals, each with its own random phase against CloudWatch's minute.
 */

export interface EnvelopeCell {
  trafficPerSecond: number;
  /** The 5xx share the candidate adds (its fault). */
  errorShare: number;
  /** The 5xx share both versions answer (noise). */
  noiseShare: number;
  runs: number;
  /** Runs stopped before the deployment completed: an alarm, a hook, or the stack's rollback. */
  rolledBack: number;
  promoted: number;
  /** From the first request the fault failed to the traffic back on the baseline, over rolled-back runs. */
  medianSecondsToRollback: number | null;
  p95SecondsToRollback: number | null;
  /** Users' failed requests (either version), median over all runs. */
  medianFailedRequests: number;
}

export interface EnvelopeSpec {
  trafficPerSecond: number;
  errorShare: number;
  noiseShare: number;
}

export const ENVELOPE_TRAFFIC: readonly number[] = [1, 10, 100, 1000];
export const ENVELOPE_ERRORS: readonly number[] = [0, 0.05, 0.2, 0.5];
export const ENVELOPE_NOISE: readonly number[] = [0, 0.001, 0.005];
/** A baseline in a partial outage: the candidate no worse, the fix-forward case. */
export const BASELINE_OUTAGE = { errorShare: 0, noiseShare: 0.05 } as const;
export const ENVELOPE_RUNS = 200;

export function envelopeSpecs(traffic: readonly number[] = ENVELOPE_TRAFFIC): EnvelopeSpec[] {
  return traffic.flatMap((trafficPerSecond) => [
    ...ENVELOPE_ERRORS.flatMap((errorShare) =>
      ENVELOPE_NOISE.map((noiseShare) => ({ trafficPerSecond, errorShare, noiseShare })),
    ),
    { trafficPerSecond, ...BASELINE_OUTAGE },
  ]);
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);

/** One cell, in this thread: `runs` seeded rehearsals. */
export function envelopeCell(
  plan: RehearsalPlan,
  calibration: Calibration,
  metricsNamespace: string,
  spec: EnvelopeSpec,
  runs: number,
): EnvelopeCell {
  const { trafficPerSecond, errorShare, noiseShare } = spec;
  const fault =
    errorShare > 0 ? ({ kind: 'errors', share: errorShare } as const) : ({ kind: 'none' } as const);
  const times: number[] = [];
  const failed: number[] = [];
  let rolledBack = 0;
  for (let seed = 1; seed <= runs; seed++) {
    const summary = simulate(plan, calibration, {
      trafficPerSecond,
      fault,
      noiseShare,
      seed,
      metricsNamespace,
    });
    failed.push(summary.requests.failed);
    if (summary.outcome === 'promoted') continue;
    rolledBack++;
    if (summary.timeToRollbackSeconds !== null) times.push(summary.timeToRollbackSeconds);
  }
  times.sort((a, b) => a - b);
  failed.sort((a, b) => a - b);
  return {
    ...spec,
    runs,
    rolledBack,
    promoted: runs - rolledBack,
    medianSecondsToRollback: quantile(times, 0.5),
    p95SecondsToRollback: quantile(times, 0.95),
    medianFailedRequests: quantile(failed, 0.5) ?? 0,
  };
}

/**
 * Every cell, spread over worker threads (one per core, two at most on the machines this runs on) that
 * each take the next cell when done: the cells cost from milliseconds to seconds, so no fixed split
 * would keep both busy. Same seeds, same cells, whatever the split.
 */
export async function envelope(
  plan: RehearsalPlan,
  calibration: Calibration,
  metricsNamespace: string,
  runs = ENVELOPE_RUNS,
  specs: readonly EnvelopeSpec[] = envelopeSpecs(),
): Promise<EnvelopeCell[]> {
  const cells: EnvelopeCell[] = new Array(specs.length);
  let next = 0;
  const threads = Math.max(1, Math.min(availableParallelism(), specs.length));
  await Promise.all(
    Array.from({ length: threads }, async () => {
      const worker = new Worker(WORKER_BOOTSTRAP, {
        eval: true,
        workerData: { plan, calibration, metricsNamespace, runs, script: WORKER_SCRIPT },
      });
      try {
        for (let index = next++; index < specs.length; index = next++) {
          const spec = specs[index] as EnvelopeSpec;
          worker.postMessage(spec);
          const [cell] = (await onceMessage(worker)) as [EnvelopeCell];
          cells[index] = cell;
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
  return cells;
}

/** The worker is TypeScript like the rest: the thread registers tsx's loader before it imports it. */
const WORKER_SCRIPT = new URL('./envelope-worker.ts', import.meta.url).href;
const WORKER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import('tsx/esm/api').then(({ register }) => { register(); return import(workerData.script); });
`;

function onceMessage(worker: Worker): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    worker.once('error', failed);
    worker.once('message', (message) => {
      worker.off('error', failed);
      resolve([message]);
    });
  });
}
