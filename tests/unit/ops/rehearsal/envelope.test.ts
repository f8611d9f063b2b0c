import { describe, expect, it } from 'vitest';
import {
  BASELINE_OUTAGE,
  ENVELOPE_ERRORS,
  ENVELOPE_NOISE,
  ENVELOPE_TRAFFIC,
  type EnvelopeSpec,
  envelope,
  envelopeCell,
  envelopeSpecs,
} from '../../../../ops/rehearsal/envelope';
import { envelopeTable } from '../../../../ops/rehearsal/envelope-table';
import { TEST_NAMESPACE, testCalibration, testPlan } from '../../../support/rehearsal-plan';

// A few cells of the envelope on the hand-made plan, each a handful of seeded rehearsals on simulated
// time: the figures are the same on any machine; only the worker pool's start-up takes wall time.

const RUNS = 5;
const cellOf = (spec: EnvelopeSpec, runs = RUNS) =>
  envelopeCell(testPlan(), testCalibration(), TEST_NAMESPACE, spec, runs);

describe('the envelope’s grid', () => {
  it('sweeps every traffic × candidate 5xx × shared noise, and a baseline outage at each traffic: 52 cells', () => {
    const specs = envelopeSpecs();
    expect(specs).toHaveLength(
      ENVELOPE_TRAFFIC.length * (ENVELOPE_ERRORS.length * ENVELOPE_NOISE.length + 1),
    );
    expect(specs).toHaveLength(52);
    expect(new Set(specs.map((spec) => JSON.stringify(spec))).size).toBe(52);
    for (const trafficPerSecond of ENVELOPE_TRAFFIC)
      expect(specs).toContainEqual({ trafficPerSecond, ...BASELINE_OUTAGE });
    expect(specs).toContainEqual({ trafficPerSecond: 1000, errorShare: 0.05, noiseShare: 0.005 });
  });
});

describe('one envelope cell', () => {
  it('rolls back every run of a release failing half its requests at 100 requests/s, within 45 s', () => {
    const cell = cellOf({ trafficPerSecond: 100, errorShare: 0.5, noiseShare: 0 });
    expect(cell).toMatchObject({ runs: RUNS, rolledBack: RUNS, promoted: 0 });
    expect(cell.medianSecondsToRollback).toBeLessThanOrEqual(45);
    expect(cell.p95SecondsToRollback).toBeGreaterThanOrEqual(cell.medianSecondsToRollback as number);
    expect(cell.medianFailedRequests).toBeGreaterThan(0);
  });

  it('promotes every run of a good release, with no time to rollback and no failed request', () => {
    expect(cellOf({ trafficPerSecond: 100, errorShare: 0, noiseShare: 0 })).toEqual({
      trafficPerSecond: 100,
      errorShare: 0,
      noiseShare: 0,
      runs: RUNS,
      rolledBack: 0,
      promoted: RUNS,
      medianSecondsToRollback: null,
      p95SecondsToRollback: null,
      medianFailedRequests: 0,
    });
  });

  it('promotes a good release while the baseline is in a partial outage: the fix goes out', () => {
    const cell = cellOf({ trafficPerSecond: 10, ...BASELINE_OUTAGE });
    expect(cell).toMatchObject({ rolledBack: 0, promoted: RUNS });
    // 10 requests/s for the 310 s of the deployment, 5 % failing on both versions.
    expect(cell.medianFailedRequests).toBeGreaterThan(100);
  });

  it('prints as the table’s rows, labelled by candidate and noise', () => {
    const cells = [
      cellOf({ trafficPerSecond: 100, errorShare: 0.5, noiseShare: 0 }, 2),
      cellOf({ trafficPerSecond: 100, ...BASELINE_OUTAGE }, 2),
    ];
    const table = envelopeTable(cells);
    expect(table[0]).toMatch(/^candidate \\ requests\/s\s+100$/);
    expect(table[1]).toMatch(/^errors=0\.5 noise=0\s+100 % · \d+ s · p95 \d+ s$/);
    expect(table[2]).toMatch(/^baseline outage, noise 0\.05\s+0 % rolled back$/);
  });
});

describe('the envelope over worker threads', () => {
  it('gives the same cells as envelopeCell in this thread: the workers run the same code', {
    timeout: 120_000,
  }, async () => {
    const specs: EnvelopeSpec[] = [
      { trafficPerSecond: 100, errorShare: 0.5, noiseShare: 0 },
      { trafficPerSecond: 10, ...BASELINE_OUTAGE },
    ];
    const cells = await envelope(testPlan(), testCalibration(), TEST_NAMESPACE, 3, specs);
    expect(cells).toEqual(specs.map((spec) => cellOf(spec, 3)));
  });
});
