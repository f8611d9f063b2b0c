import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { alarmEpisodes, phaseMarks, shareSteps, timeEnd, windowSteps } from './chart-series';
import type { RehearsalSummary } from './summary';

/**
 * The report's charts over simulated time, as Vega-Lite specifications rendered to SVG here, in Node,
 * with no browser and no script in the page. They share one time axis, as wide and as far from the
 * page's edge in each, so a moment sits at the same x in every chart.
 */

export const COLOURS = {
  baseline: '#2b6cb0',
  candidate: '#dd6b20',
  alarm: '#c53030',
  /** What the model computes rather than measures. */
  model: '#718096',
  phase: '#a0aec0',
};
/** One per function, none near the versions' blue and orange or the alarm's red. */
export const FUNCTION_COLOURS = ['#6b46c1', '#2c7a7b', '#b83280', '#38a169', '#1a202c', '#975a16'];
const WIDTH = 820;
/** Every chart's left axis takes this width, whatever its labels, so the time axes line up. */
const AXIS_EXTENT = 48;

// biome-ignore lint/suspicious/noExplicitAny: a Vega-Lite spec is open JSON; vega-lite's compile() checks it.
export type Spec = Record<string, any>;

/** A Vega-Lite specification as a static SVG. */
export async function svg(spec: Spec): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec as vegaLite.TopLevelSpec).spec), {
    renderer: 'none',
  });
  const rendered = await view.toSVG();
  view.finalize();
  return rendered;
}

const functionColour = (index: number) => FUNCTION_COLOURS[index % FUNCTION_COLOURS.length] as string;

function timeAxis(end: number, labelled = true): Spec {
  return {
    field: 'seconds',
    type: 'quantitative',
    title: labelled ? 'simulated seconds' : null,
    scale: { domain: [0, end], nice: true },
    axis: labelled ? { tickCount: 10, labelFlush: true } : { tickCount: 10, labels: false, ticks: false },
  };
}

// Units go in the charts' titles: an axis title would add its own width to the axis.
const leftAxis: Spec = { title: null, minExtent: AXIS_EXTENT, maxExtent: AXIS_EXTENT };

/** Dashed rules at the moments the deployment changed phase or shifted traffic, labelled or not. */
function phaseLayers(summary: RehearsalSummary, end: number, labelled: boolean): Spec[] {
  const values = phaseMarks(summary);
  const x = timeAxis(end);
  const rule = {
    data: { values },
    mark: { type: 'rule', strokeDash: [4, 3], color: COLOURS.phase },
    encoding: { x },
  };
  if (!labelled) return [rule];
  return [
    rule,
    {
      data: { values },
      mark: {
        type: 'text',
        angle: 270,
        align: 'right',
        baseline: 'top',
        dx: -4,
        dy: 2,
        fontSize: 9,
        color: '#4a5568',
      },
      encoding: { x, y: { value: 0 }, text: { field: 'label' } },
    },
  ];
}

/** One small chart a function, in its own colour, its share stepping where the event moved it. */
function shareChart(summary: RehearsalSummary, end: number): Spec {
  const steps = shareSteps(summary);
  const keys = summary.functions.map((fn) => fn.key);
  return {
    title: "Candidate's share of each function's traffic (%), one row per function",
    spacing: 6,
    vconcat: keys.map((key, index) => {
      const color = functionColour(index);
      const values = steps.filter((point) => point.series === key);
      const moves = values
        .slice(1, -1)
        .map((point) => ({ ...point, label: `${point.value}%`, low: (point.value ?? 0) < 50 }));
      const labelled = index === keys.length - 1;
      const x = timeAxis(end, labelled);
      const y = { field: 'value', type: 'quantitative' };
      const label = (low: boolean) => ({
        data: { values: moves.filter((move) => move.low === low) },
        mark: {
          type: 'text',
          align: 'left',
          dx: 3,
          dy: low ? -2 : 2,
          baseline: low ? 'bottom' : 'top',
          fontSize: 9,
          color: '#4a5568',
        },
        encoding: { x, y, text: { field: 'label' } },
      });
      return {
        width: WIDTH,
        height: 40,
        title: { text: key, anchor: 'start', color, fontSize: 11, offset: 2 },
        layer: [
          ...phaseLayers(summary, end, false),
          {
            data: { values },
            mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, color },
            encoding: {
              x,
              y: { ...y, scale: { domain: [0, 100] }, axis: { ...leftAxis, values: [0, 100] } },
              order: { field: 'order' },
            },
          },
          label(true),
          label(false),
        ],
      };
    }),
  };
}

/** Failed requests per version, each 10-second window drawn over its own 10 seconds. */
function failureChart(summary: RehearsalSummary, end: number): Spec {
  const values = (['baseline', 'candidate'] as const).flatMap((version) =>
    windowSteps(summary, version, (point) =>
      point.requests[version] > 0 ? (100 * point.failed[version]) / point.requests[version] : undefined,
    ),
  );
  return {
    width: WIDTH,
    height: 150,
    title: 'Failed requests per version (%), each 10-second window',
    layer: [
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: timeAxis(end),
          y: { field: 'value', type: 'quantitative', scale: { domain: [0, 100] }, axis: leftAxis },
          color: {
            field: 'series',
            type: 'nominal',
            scale: { domain: ['baseline', 'candidate'], range: [COLOURS.baseline, COLOURS.candidate] },
            legend: { orient: 'top', title: null },
          },
          order: { field: 'order' },
        },
      },
      ...phaseLayers(summary, end, true),
    ],
  };
}

/** The p99 the model computes from its stated durations: dashed, grey and titled so, never read as measured. */
function modelledP99Chart(summary: RehearsalSummary, end: number): Spec {
  const values = windowSteps(summary, 'model', (point) => point.p99Ms);
  const highest = Math.max(1, ...values.map((point) => point.value ?? 0));
  return {
    width: WIDTH,
    height: 110,
    title: "p99 duration (ms): the model's, not measured",
    layer: [
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2, strokeDash: [6, 4], color: COLOURS.model },
        encoding: {
          x: timeAxis(end),
          y: {
            field: 'value',
            type: 'quantitative',
            scale: { domain: [0, highest * 1.25], nice: true },
            axis: leftAxis,
          },
          order: { field: 'order' },
        },
      },
      ...phaseLayers(summary, end, true),
    ],
  };
}

/**
 * A lane for every alarm that fired, named inside it: a bar while in ALARM and a marker where it
 * entered ALARM, so an alarm that fired at the very end still shows.
 */
function alarmChart(summary: RehearsalSummary, end: number): Spec | undefined {
  const episodes = alarmEpisodes(summary);
  if (episodes.length === 0) return undefined;
  const names = [...new Set(episodes.map((episode) => episode.alarm))];
  const y = {
    field: 'alarm',
    type: 'nominal',
    sort: names,
    scale: { paddingInner: 0, paddingOuter: 0 },
    axis: { ...leftAxis, labels: false, ticks: false, domain: false },
  };
  return {
    width: WIDTH,
    height: { step: 34 },
    title: 'Alarms that fired: in ALARM (bar), entering ALARM (▼)',
    layer: [
      ...phaseLayers(summary, end, false),
      {
        data: { values: names.map((alarm) => ({ alarm, seconds: 0 })) },
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'top',
          dx: 2,
          dy: -15,
          fontSize: 10,
          color: '#2d3748',
        },
        encoding: { x: timeAxis(end), y, text: { field: 'alarm' } },
      },
      {
        data: { values: episodes },
        mark: { type: 'bar', color: COLOURS.alarm, size: 10, yOffset: 6 },
        encoding: { x: { ...timeAxis(end), field: 'from' }, x2: { field: 'to' }, y },
      },
      {
        data: { values: episodes },
        mark: { type: 'point', shape: 'triangle-down', filled: true, size: 90, opacity: 1, yOffset: -2 },
        encoding: { x: { ...timeAxis(end), field: 'from' }, y, color: { value: COLOURS.alarm } },
      },
    ],
  };
}

export interface TimelineCharts {
  share: string;
  failures: string;
  p99: string;
  /** Absent when no alarm fired. */
  alarms?: string;
}

/** The candidate's share per function, failures per version, the model's p99 and the alarms that fired. */
export async function timelineCharts(summary: RehearsalSummary): Promise<TimelineCharts> {
  const end = timeEnd(summary);
  const alarms = alarmChart(summary, end);
  const [share, failures, p99] = await Promise.all(
    [shareChart(summary, end), failureChart(summary, end), modelledP99Chart(summary, end)].map(svg),
  );
  return {
    share: share as string,
    failures: failures as string,
    p99: p99 as string,
    ...(alarms && { alarms: await svg(alarms) }),
  };
}
