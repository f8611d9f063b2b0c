import { describe, expect, it } from 'vitest';
import { envelope, envelopeTable } from '../../../../ops/rehearsal/envelope';
import { TEST_NAMESPACE, testCalibration, testPlan } from '../../../support/rehearsal-plan';

describe('the detection envelope', () => {
  const cells = envelope(
    testPlan(),
    testCalibration(),
    TEST_NAMESPACE,
    3,
    [
      { kind: 'errors', share: 1 },
      { kind: 'errors', share: 0.01 },
    ],
    [100, 1000],
  );

  it('catches a release failing every request during the shift, at any of these rates', () => {
    for (const cell of cells.filter((candidate) => candidate.fault === 'errors=1')) {
      expect(cell.caught, String(cell.trafficPerSecond)).toBe(3);
      expect(cell.medianSeconds).toBeLessThan(60);
    }
  });

  it('lets 1 % of errors slip through at high traffic: below the fast alarm’s 5 %, by design', () => {
    const slipped = cells.find((cell) => cell.fault === 'errors=0.01' && cell.trafficPerSecond === 1000);
    expect(slipped).toMatchObject({ caught: 0, caughtAtFull: 0 });
    expect(slipped?.medianFailedRequests).toBeGreaterThan(0);
  });

  it('prints one row per fault and one column per rate', () => {
    const table = envelopeTable(cells);
    expect(table[0]).toMatch(/^fault \\ requests\/s\s+100\s+1000\s*$/);
    expect(table[1]).toMatch(/^errors=1\s+3\/3 \d+s, \d+ failed/);
    expect(table[2]).toMatch(/slips through, \d+ failed\s*$/);
  });
});
