import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { EnvelopeCell } from './envelope';
import { cellText, rightShare, rowOf } from './envelope-table';
import type { RehearsalSummary } from './summary';

/**
 * The report's charts, as Vega-Lite specifications rendered to SVG here, in Node, with no browser and
 * no script in the page: Vega chooses round ticks, lays out legends and labels the phase lines.
 */

export const COLOURS = { baseline: '#2b6cb0', candidate: '#dd6b20', alarm: '#c53030', ok: '#c6f6d5' };
const WIDTH = 820;

// biome-ignore lint/suspicious/noExplicitAny: a Vega-Lite spec is open JSON; vega-lite's compile() checks it.
type Spec = Record<string, any>;

async function svg(spec: Spec): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec as vegaLite.TopLevelSpec).spec), {
    renderer: 'none',
  });
  const rendered = await view.toSVG();
  view.finalize();
  return rendered;
}

const timeAxis = {
  field: 'seconds',
  type: 'quantitative',
  title: 'simulated seconds',
  scale: { nice: true },
  axis: { tickCount: 10, labelFlush: true },
};

/** What a phase line says: the phase, the share reached, or the rollback, without the function. */
function shortLabel(message: string): string {
  const text = message.replace(/^[a-zA-Z]+: /, '');
  const share = /candidate (\d+)%/.exec(text);
  if (share) return `${share[1]}%`;
  if (/ALARM|failed|fails/.test(text)) return 'rollback';
  return text.split(/[ ,]/)[0] ?? text;
}

/** Dashed, labelled rules at the moments the deployment changed phase or shifted traffic. */
function phaseLayers(summary: RehearsalSummary): Spec[] {
  const phases = summary.events
    .filter((event) => event.kind !== 'alarm')
    .map((event) => ({
      seconds: event.simulatedSeconds,
      label: shortLabel(event.message),
    }));
  const unique = phases.filter(
    (phase, index) => phases.findIndex((other) => other.seconds === phase.seconds) === index,
  );
  return [
    {
      data: { values: unique },
      mark: { type: 'rule', strokeDash: [4, 3], color: '#a0aec0' },
      encoding: { x: { field: 'seconds', type: 'quantitative' } },
    },
    {
      data: { values: unique },
      mark: {
        type: 'text',
        angle: 270,
        align: 'right',
        baseline: 'bottom',
        dx: -4,
        dy: -2,
        fontSize: 9,
        color: '#4a5568',
      },
      encoding: { x: { field: 'seconds', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
    },
  ];
}

function lineChart(
  summary: RehearsalSummary,
  values: object[],
  title: string,
  yTitle: string,
  colours: Spec,
  domain?: [number, number],
  interpolate = 'linear',
): Spec {
  return {
    width: WIDTH,
    height: 170,
    title,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: false, strokeWidth: 2, interpolate },
        encoding: {
          x: timeAxis,
          y: {
            field: 'value',
            type: 'quantitative',
            title: yTitle,
            scale: domain ? { domain } : { nice: true },
          },
          color: { field: 'series', type: 'nominal', title: null, scale: colours },
        },
      },
      ...phaseLayers(summary),
    ],
  };
}

/** The candidate's share per function, failures per version, p99 and the alarm lanes, as SVG. */
export async function timelineCharts(summary: RehearsalSummary): Promise<string[]> {
  const points = summary.timeline;
  const shares = points.flatMap((point) =>
    Object.entries(point.weights).map(([series, weight]) => ({
      seconds: point.simulatedSeconds,
      series,
      value: 100 * weight,
    })),
  );
  const failures = points.flatMap((point) =>
    (['baseline', 'candidate'] as const).flatMap((series) =>
      point.requests[series] > 0
        ? [
            {
              seconds: point.simulatedSeconds,
              series,
              value: (100 * point.failed[series]) / point.requests[series],
            },
          ]
        : [],
    ),
  );
  const p99 = points.flatMap((point) =>
    point.p99Ms === undefined ? [] : [{ seconds: point.simulatedSeconds, series: 'p99', value: point.p99Ms }],
  );
  const versions = { domain: ['baseline', 'candidate'], range: [COLOURS.baseline, COLOURS.candidate] };
  const end = points.at(-1)?.simulatedSeconds ?? 0;
  const lanes = summary.alarms
    .filter((alarm) => alarm.transitions.length > 0)
    .flatMap((alarm) => {
      const spans: { alarm: string; from: number; to: number }[] = [];
      let since: number | undefined;
      for (const transition of alarm.transitions) {
        if (transition.to === 'ALARM') since = transition.simulatedSeconds;
        else if (since !== undefined) {
          spans.push({ alarm: alarm.name, from: since, to: transition.simulatedSeconds });
          since = undefined;
        }
      }
      if (since !== undefined) spans.push({ alarm: alarm.name, from: since, to: end });
      return spans;
    });
  const charts = [
    lineChart(
      summary,
      shares,
      "Candidate's share of each function's traffic (%)",
      '%',
      { scheme: 'category10' },
      [0, 100],
      'step-after',
    ),
    lineChart(summary, failures, 'Failed requests per version (%)', '%', versions, [0, 100]),
    lineChart(summary, p99, 'p99 duration (ms)', 'ms', { range: ['#2d3748'] }),
  ];
  if (lanes.length > 0) {
    charts.push({
      width: WIDTH,
      height: { step: 22 },
      title: 'Alarms in ALARM',
      data: { values: lanes },
      mark: { type: 'bar', color: COLOURS.alarm },
      encoding: {
        y: { field: 'alarm', type: 'nominal', title: null, axis: { labelLimit: 320 } },
        x: {
          field: 'from',
          type: 'quantitative',
          title: 'simulated seconds',
          scale: { domain: [0, end], nice: true },
        },
        x2: { field: 'to' },
      },
    });
  }
  return Promise.all(charts.map(svg));
}

/**
 * The envelope as a heatmap coloured by how often each cell ended as it should (good releases promoted,
 * bad ones rolled back): red is wrong, green right, so a cell where bad releases slip through is red,
 * never blank. The label gives the figures of the table.
 */
export function envelopeHeatmap(cells: readonly EnvelopeCell[]): Promise<string> {
  const values = cells.map((cell) => ({
    row: rowOf(cell),
    traffic: String(cell.trafficPerSecond),
    right: rightShare(cell),
    label: cellText(cell),
  }));
  const order = (field: 'row' | 'traffic') => [...new Set(values.map((value) => value[field]))];
  return svg({
    width: 640,
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
        mark: 'rect',
        encoding: {
          color: {
            field: 'right',
            type: 'quantitative',
            title: 'ended as it should',
            scale: { domain: [0, 1], scheme: 'redyellowgreen' },
            legend: { direction: 'vertical', format: '.0%' },
          },
        },
      },
      { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'label' } } },
    ],
    // Row labels such as "errors=0.05 noise=0.005" must not be cut at Vega's default 180 px.
    config: { view: { stroke: null }, axis: { domain: false, labelLimit: 320 } },
  });
}
