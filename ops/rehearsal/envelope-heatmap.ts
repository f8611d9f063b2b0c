import { svg } from './charts';
import type { EnvelopeCell } from './envelope';
import { cellText, rightShare, rowOf } from './envelope-table';

/**
 * The envelope as a heatmap whose colour says how bad a cell is: the share of runs that ended wrong
 * (a bad release promoted, a good one rolled back), from pale for none to the darkest red where bad
 * releases slip through. The classes are the goals' bounds: ≤ 1 % false rollbacks, ≥ 95 % caught.
 */

/** Classes of the share that ended wrong, least bad first, with their colours: darker is worse. */
export const WRONG_CLASSES = [
  { below: 0.01, name: 'under 1 %', colour: '#f0fff4' },
  { below: 0.05, name: '1 to 5 %', colour: '#fed7d7' },
  { below: 0.25, name: '5 to 25 %', colour: '#e53e3e' },
  { below: Number.POSITIVE_INFINITY, name: '25 % or more', colour: '#63171b' },
] as const;
const worst = WRONG_CLASSES.length - 1;

const classOf = (wrong: number) => WRONG_CLASSES.findIndex((wrongClass) => wrong < wrongClass.below);

export function envelopeHeatmap(cells: readonly EnvelopeCell[]): Promise<string> {
  const values = cells.map((cell) => {
    const wrong = classOf(1 - rightShare(cell));
    return {
      row: rowOf(cell),
      traffic: String(cell.trafficPerSecond),
      wrong: WRONG_CLASSES[wrong]?.name,
      dark: wrong === worst,
      label: cellText(cell),
    };
  });
  const order = (field: 'row' | 'traffic') => [...new Set(values.map((value) => value[field]))];
  return svg({
    width: 520,
    height: { step: 26 },
    title: 'Envelope: share rolled back (good releases: falsely) · median and p95 seconds to rollback',
    data: { values },
    encoding: {
      x: {
        field: 'traffic',
        type: 'ordinal',
        title: 'requests per second to the API',
        sort: order('traffic'),
      },
      y: {
        field: 'row',
        type: 'ordinal',
        title: "candidate's added 5xx and the shared 5xx",
        sort: order('row'),
      },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'wrong',
            type: 'ordinal',
            title: ['ended wrong:', 'bad promoted or', 'good rolled back'],
            scale: {
              domain: WRONG_CLASSES.map((wrongClass) => wrongClass.name),
              range: WRONG_CLASSES.map((wrongClass) => wrongClass.colour),
            },
            legend: { symbolType: 'square', symbolStrokeColor: '#a0aec0', symbolStrokeWidth: 1 },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          text: { field: 'label' },
          color: { condition: { test: 'datum.dark', value: '#ffffff' }, value: '#1a202c' },
        },
      },
    ],
    // Row labels such as "errors=0.05 noise=0.005" must not be cut at Vega's default 180 px.
    config: { view: { stroke: null }, axis: { domain: false, labelLimit: 320 } },
  });
}
