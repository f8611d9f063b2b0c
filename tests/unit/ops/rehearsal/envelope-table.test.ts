import { describe, expect, it } from 'vitest';
import type { EnvelopeCell } from '../../../../ops/rehearsal/envelope';
import {
  cellText,
  envelopeMarkdown,
  envelopeRows,
  envelopeTable,
  rightShare,
  rowOf,
} from '../../../../ops/rehearsal/envelope-table';

/** A cell of `runs` runs, `rolledBack` of them rolled back, with the figures a table prints. */
function cell(
  trafficPerSecond: number,
  errorShare: number,
  noiseShare: number,
  rolledBack: number,
  seconds: [number, number] | null = null,
  runs = 200,
): EnvelopeCell {
  return {
    trafficPerSecond,
    errorShare,
    noiseShare,
    runs,
    rolledBack,
    promoted: runs - rolledBack,
    medianSecondsToRollback: seconds?.[0] ?? null,
    p95SecondsToRollback: seconds?.[1] ?? null,
    medianFailedRequests: 3,
  };
}

const CELLS = [
  cell(1, 0.5, 0, 200, [146.2, 260]),
  cell(10, 0.5, 0, 200, [41.6, 56]),
  cell(1, 0, 0, 0),
  cell(10, 0, 0, 1),
  cell(1, 0, 0.05, 0),
  cell(10, 0, 0.05, 2),
];

describe('the envelope as rows', () => {
  it('labels a row by the candidate’s added 5xx and the shared noise, and a baseline outage by its noise', () => {
    expect(rowOf({ errorShare: 0.2, noiseShare: 0.005 })).toBe('errors=0.2 noise=0.005');
    expect(rowOf({ errorShare: 0, noiseShare: 0.001 })).toBe('errors=0 noise=0.001');
    expect(rowOf({ errorShare: 0, noiseShare: 0.05 })).toBe('baseline outage, noise 0.05');
    // A bad release during an outage is still a bad release.
    expect(rowOf({ errorShare: 0.5, noiseShare: 0.05 })).toBe('errors=0.5 noise=0.05');
  });

  it('says "rolled back" for good releases (every rollback a false one) and gives bad ones their times', () => {
    expect(cellText(cell(10, 0, 0, 1))).toBe('0.5 % rolled back');
    expect(cellText(cell(10, 0, 0, 0))).toBe('0 % rolled back');
    expect(cellText(cell(1, 0.5, 0, 200, [146.2, 260]))).toBe('100 % · 146 s · p95 260 s');
    expect(cellText(cell(1, 0.05, 0, 7, [229, 280]))).toBe('3.5 % · 229 s · p95 280 s');
    expect(cellText(cell(1, 0.05, 0, 0))).toBe('0 % rolled back');
  });

  it('counts as right a good release promoted and a bad one rolled back', () => {
    expect(rightShare(cell(10, 0, 0, 2))).toBe(0.99);
    expect(rightShare(cell(10, 0.5, 0, 150, [40, 50]))).toBe(0.75);
  });

  it('makes one row per candidate and noise, in the cells’ order, and one column per traffic', () => {
    expect(envelopeRows(CELLS)).toEqual([
      ['candidate \\ requests/s', '1', '10'],
      ['errors=0.5 noise=0', '100 % · 146 s · p95 260 s', '100 % · 42 s · p95 56 s'],
      ['errors=0 noise=0', '0 % rolled back', '0.5 % rolled back'],
      ['baseline outage, noise 0.05', '0 % rolled back', '1.0 % rolled back'],
    ]);
    // A cell the sweep did not run stays empty rather than shifting the others left.
    const missing = CELLS.filter((one) => !(one.errorShare === 0.5 && one.trafficPerSecond === 10));
    expect(envelopeRows(missing)[1]).toEqual(['errors=0.5 noise=0', '100 % · 146 s · p95 260 s', '']);
  });

  it('pads the terminal table to its widest cells and writes the same rows as Markdown', () => {
    const table = envelopeTable(CELLS);
    expect(table[0]).toMatch(/^candidate \\ requests\/s\s+1\s+10$/);
    // The second column starts at the same place on every line: after the widest label and 2 spaces.
    const rows = envelopeRows(CELLS);
    const second = Math.max(...rows.map(([label = '']) => label.length)) + 2;
    table.forEach((line, index) => {
      expect(line.slice(second).startsWith(rows[index]?.[1] ?? '?'), line).toBe(true);
    });
    expect(envelopeMarkdown(CELLS).split('\n').slice(0, 3)).toEqual([
      '| candidate \\ requests/s | 1 | 10 |',
      '| --- | --- | --- |',
      '| errors=0.5 noise=0 | 100 % · 146 s · p95 260 s | 100 % · 42 s · p95 56 s |',
    ]);
  });
});
