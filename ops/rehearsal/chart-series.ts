import type { RehearsalSummary, TimelinePoint } from './summary';

/**
 * The charts' data, drawn where things happened: a share steps at the event that moved it, and a figure
 * of a 10-second window spans that window instead of standing at its end.
 */

/** One point of a line; a null value breaks the line (a window without requests has no rate). */
export interface SeriesPoint {
  series: string;
  seconds: number;
  value: number | null;
  /** The drawing order: two points of a step share their time. */
  order: number;
}

/** Where the time axes end: the last timeline point, or a later event or alarm transition. */
export function timeEnd(summary: RehearsalSummary): number {
  return Math.max(
    summary.timeline.at(-1)?.simulatedSeconds ?? 0,
    ...summary.events.map((event) => event.simulatedSeconds),
    ...summary.alarms.flatMap((alarm) => alarm.transitions.map((t) => t.simulatedSeconds)),
  );
}

/** Each function's candidate share (%) from the first timeline point, stepping at each event that moved it. */
export function shareSteps(summary: RehearsalSummary): SeriesPoint[] {
  const start = summary.timeline[0];
  const end = timeEnd(summary);
  return summary.functions.flatMap(({ key }) => {
    let share = 100 * (start?.weights[key] ?? 0);
    const points: SeriesPoint[] = [
      { series: key, seconds: start?.simulatedSeconds ?? 0, value: share, order: 0 },
    ];
    for (const event of summary.events) {
      const weight = event.weights?.[key];
      if (weight === undefined || 100 * weight === share) continue;
      share = 100 * weight;
      points.push({ series: key, seconds: event.simulatedSeconds, value: share, order: points.length });
    }
    points.push({ series: key, seconds: end, value: share, order: points.length });
    return points;
  });
}

/**
 * A figure of each timeline window (the 10 seconds before its point) as a step over that window;
 * `value` answers undefined for a window without one, which breaks the line there.
 */
export function windowSteps(
  summary: RehearsalSummary,
  series: string,
  value: (point: TimelinePoint) => number | undefined,
): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  summary.timeline.forEach((point, index) => {
    const from = summary.timeline[index - 1]?.simulatedSeconds;
    if (from === undefined) return;
    const figure = value(point);
    const at = (seconds: number, shown: number | null) =>
      points.push({ series, seconds, value: shown, order: points.length });
    if (figure === undefined) at((from + point.simulatedSeconds) / 2, null);
    else {
      at(from, figure);
      at(point.simulatedSeconds, figure);
    }
  });
  return points;
}

export interface AlarmEpisode {
  alarm: string;
  /** When it entered ALARM. */
  from: number;
  /** When it left ALARM, or the end of the time axis. */
  to: number;
}

/** Every time an alarm was in ALARM: an alarm that fired has at least one, however short. */
export function alarmEpisodes(summary: RehearsalSummary): AlarmEpisode[] {
  const end = timeEnd(summary);
  return summary.alarms.flatMap((alarm) => {
    const episodes: AlarmEpisode[] = [];
    let since: number | undefined;
    for (const transition of alarm.transitions) {
      if (transition.to === 'ALARM') since = transition.simulatedSeconds;
      else if (since !== undefined) {
        episodes.push({ alarm: alarm.name, from: since, to: transition.simulatedSeconds });
        since = undefined;
      }
    }
    if (since !== undefined) episodes.push({ alarm: alarm.name, from: since, to: end });
    return episodes;
  });
}

/** What a phase marker says, without the function: the share reached, the rollback, the hook. */
export function phaseLabel(message: string): string {
  const text = message.replace(/^[a-zA-Z]+: /, '');
  const share = /candidate (\d+)%/.exec(text);
  if (share) return `${share[1]}%`;
  if (/^the judge finds/.test(text)) return 'judge: worse';
  if (/^the stack update fails/.test(text)) return 'stack rollback';
  if (/ALARM|failed|fails/.test(text)) return 'rollback';
  return text.split(/[ ,]/)[0] ?? text;
}

/** The moments the deployment changed phase or shifted traffic, one label a moment. */
export function phaseMarks(summary: RehearsalSummary): { seconds: number; label: string }[] {
  const marks = summary.events
    .filter((event) => event.kind !== 'alarm')
    .map((event) => ({ seconds: event.simulatedSeconds, label: phaseLabel(event.message) }));
  return marks.filter((mark, index) => marks.findIndex((other) => other.seconds === mark.seconds) === index);
}
