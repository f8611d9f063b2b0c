import type { EnvelopeCell } from './envelope';

/**
 * The envelope as rows a person reads: one per candidate 5xx and shared noise, one column per traffic.
 * A row without candidate errors holds good releases, so its figure is the share falsely rolled back;
 * the others hold bad releases: the share rolled back, and the median and p95 seconds it took.
 */

export const rowOf = ({ errorShare, noiseShare }: Pick<EnvelopeCell, 'errorShare' | 'noiseShare'>) =>
  errorShare === 0 && noiseShare >= 0.05
    ? `baseline outage, noise ${noiseShare}`
    : `errors=${errorShare} noise=${noiseShare}`;

const percent = (count: number, runs: number) => {
  const share = (100 * count) / runs;
  return `${share === 0 || share === 100 ? share.toFixed(0) : share.toFixed(1)} %`;
};

export function cellText(cell: EnvelopeCell): string {
  const share = percent(cell.rolledBack, cell.runs);
  if (cell.errorShare === 0) return `${share} rolled back`;
  if (cell.medianSecondsToRollback === null) return `${share} rolled back`;
  return `${share} · ${Math.round(cell.medianSecondsToRollback)} s · p95 ${Math.round(cell.p95SecondsToRollback ?? 0)} s`;
}

/** The share of runs that ended as they should: promoted when good, rolled back when bad. */
export const rightShare = (cell: EnvelopeCell) =>
  (cell.errorShare === 0 ? cell.promoted : cell.rolledBack) / cell.runs;

export function envelopeRows(cells: readonly EnvelopeCell[]): string[][] {
  const traffic = [...new Set(cells.map((cell) => cell.trafficPerSecond))];
  const rows = [...new Set(cells.map(rowOf))];
  return [
    ['candidate \\ requests/s', ...traffic.map(String)],
    ...rows.map((row) => [
      row,
      ...traffic.map((rate) => {
        const cell = cells.find(
          (candidate) => rowOf(candidate) === row && candidate.trafficPerSecond === rate,
        );
        return cell ? cellText(cell) : '';
      }),
    ]),
  ];
}

/** For a terminal: columns padded to their widest cell. */
export function envelopeTable(cells: readonly EnvelopeCell[]): string[] {
  const rows = envelopeRows(cells);
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((text, column) => text.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** For docs: a Markdown table. */
export function envelopeMarkdown(cells: readonly EnvelopeCell[]): string {
  const [head = [], ...body] = envelopeRows(cells);
  const line = (row: string[]) => `| ${row.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}
