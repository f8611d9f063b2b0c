import type { Calibration } from './calibration';
import { simulate } from './engine';
import { describeFault, type Fault } from './fault';
import type { RehearsalPlan } from './plan';

/**
 * The detection envelope: for a grid of fault sizes and traffic rates, whether the stage's alarms
 * catch a bad release while traffic shifts, how fast, and how many user requests failed meanwhile.
 * Each cell is several seeded rehearsals, because at low traffic whether an alarm sees enough
 * requests is itself a matter of chance.
 */

export const ENVELOPE_FAULTS: readonly Fault[] = [
  { kind: 'errors', share: 1 },
  { kind: 'errors', share: 0.5 },
  { kind: 'errors', share: 0.2 },
  { kind: 'errors', share: 0.05 },
  { kind: 'errors', share: 0.01 },
  { kind: 'latency', ms: 2000 },
  { kind: 'latency', ms: 500 },
];
export const ENVELOPE_TRAFFIC: readonly number[] = [0.1, 1, 10, 100, 1000];

export interface EnvelopeCell {
  fault: string;
  trafficPerSecond: number;
  runs: number;
  /** Runs in which the release was rolled back before it had all the traffic. */
  caught: number;
  /** Runs in which it reached 100 % and was rolled back only then (post-traffic hook, late alarm). */
  caughtAtFull: number;
  /** Median time to rollback of the caught runs, in simulated seconds. */
  medianSeconds: number | null;
  /** Median failed user requests, over all runs (a release that slipped through fails until found). */
  medianFailedRequests: number;
}

const median = (values: readonly number[]) =>
  values.length === 0 ? null : ([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number);

export function envelope(
  plan: RehearsalPlan,
  calibration: Calibration,
  metricsNamespace: string,
  runs = 5,
  faults: readonly Fault[] = ENVELOPE_FAULTS,
  traffic: readonly number[] = ENVELOPE_TRAFFIC,
): EnvelopeCell[] {
  return faults.flatMap((fault) =>
    traffic.map((trafficPerSecond) => {
      const summaries = Array.from({ length: runs }, (_, seed) =>
        simulate(plan, calibration, { trafficPerSecond, fault, seed: seed + 1, metricsNamespace }),
      );
      const caught = summaries.filter((summary) => summary.outcome !== 'promoted');
      const duringShift = caught.filter((summary) => summary.maxCandidateShare < 1);
      return {
        fault: describeFault(fault),
        trafficPerSecond,
        runs,
        caught: duringShift.length,
        caughtAtFull: caught.length - duringShift.length,
        medianSeconds: median(caught.flatMap((summary) => summary.timeToRollbackSeconds ?? [])),
        medianFailedRequests: median(summaries.map((summary) => summary.requests.failed)) ?? 0,
      };
    }),
  );
}

/** The envelope as a table for a terminal: one row per fault, one column per traffic rate. */
export function envelopeTable(cells: readonly EnvelopeCell[]): string[] {
  const traffic = [...new Set(cells.map((cell) => cell.trafficPerSecond))];
  const faults = [...new Set(cells.map((cell) => cell.fault))];
  const cellText = (cell: EnvelopeCell | undefined) => {
    if (!cell) return '';
    const time = cell.medianSeconds === null ? '' : ` ${Math.round(cell.medianSeconds)}s`;
    const late = cell.caughtAtFull > 0 ? ` +${cell.caughtAtFull} at 100%` : '';
    const slipped = cell.runs - cell.caught - cell.caughtAtFull;
    if (cell.caught === 0 && cell.caughtAtFull === 0)
      return `slips through, ${cell.medianFailedRequests} failed`;
    return `${cell.caught}/${cell.runs}${time}${late}${slipped ? ` ${slipped} slip` : ''}, ${cell.medianFailedRequests} failed`;
  };
  const rows = [
    ['fault \\ requests/s', ...traffic.map(String)],
    ...faults.map((fault) => [
      fault,
      ...traffic.map((rate) =>
        cellText(cells.find((cell) => cell.fault === fault && cell.trafficPerSecond === rate)),
      ),
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((text, column) => text.padEnd(widths[column] ?? 0)).join('  '));
}
