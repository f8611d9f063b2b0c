import type { RehearsalSummary, TimelinePoint } from './engine';

/**
 * The rehearsal as one self-contained HTML file: inline SVG charts and CSS, no script, no font, no URL
 * to fetch, so it opens anywhere, offline, and can be attached to a pull request.
 */

const WIDTH = 920;
const HEIGHT = 170;
const PAD = { left: 56, right: 16, top: 12, bottom: 26 };
const COLOURS = {
  baseline: '#2b6cb0',
  candidate: '#dd6b20',
  alarm: '#c53030',
  grid: '#e2e8f0',
  text: '#2d3748',
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string,
  );

interface Series {
  label: string;
  colour: string;
  values: (number | undefined)[];
}

function chart(
  title: string,
  summary: RehearsalSummary,
  series: Series[],
  unit: string,
  fixedMax?: number,
): string {
  const points = summary.timeline;
  const end = Math.max(1, points.at(-1)?.simulatedSeconds ?? 1);
  const max =
    fixedMax ??
    Math.max(
      1,
      ...series.flatMap((line) => line.values.filter((value): value is number => value !== undefined)),
    );
  const x = (seconds: number) => PAD.left + (seconds / end) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => HEIGHT - PAD.bottom - (value / max) * (HEIGHT - PAD.top - PAD.bottom);
  const grid = [0, 0.5, 1]
    .map((fraction) => {
      const value = max * fraction;
      return `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(value)}" y2="${y(value)}" stroke="${COLOURS.grid}"/><text x="${PAD.left - 6}" y="${y(value) + 4}" text-anchor="end">${Number(value.toFixed(1))}${unit}</text>`;
    })
    .join('');
  const ticks = Array.from({ length: 6 }, (_, index) => (end * index) / 5)
    .map(
      (seconds) =>
        `<text x="${x(seconds)}" y="${HEIGHT - 8}" text-anchor="middle">${Math.round(seconds)}s</text>`,
    )
    .join('');
  const markers = summary.events
    .filter((event) => event.kind !== 'alarm')
    .map(
      (event) =>
        `<line class="marker" x1="${x(event.simulatedSeconds)}" x2="${x(event.simulatedSeconds)}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}"><title>${escapeHtml(event.message)}</title></line>`,
    )
    .join('');
  const lines = series
    .map((line) => {
      const path = points
        .map((point, index) => [point.simulatedSeconds, line.values[index]] as const)
        .filter((entry): entry is readonly [number, number] => entry[1] !== undefined)
        .map(
          ([seconds, value], index) =>
            `${index === 0 ? 'M' : 'L'}${x(seconds).toFixed(1)},${y(value).toFixed(1)}`,
        )
        .join(' ');
      return `<path d="${path}" fill="none" stroke="${line.colour}" stroke-width="2"><title>${escapeHtml(line.label)}</title></path>`;
    })
    .join('');
  const legend = series
    .map((line) => `<span class="key" style="--colour:${line.colour}">${escapeHtml(line.label)}</span>`)
    .join('');
  return `<section><h2>${escapeHtml(title)}</h2><div class="legend">${legend}</div>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">${grid}${ticks}${markers}${lines}</svg></section>`;
}

function alarmLanes(summary: RehearsalSummary): string {
  const lanes = summary.alarms.filter((alarm) => alarm.transitions.length > 0);
  if (lanes.length === 0) return '<section><h2>Alarm states</h2><p>Every alarm stayed OK.</p></section>';
  const end = Math.max(1, summary.timeline.at(-1)?.simulatedSeconds ?? 1);
  const laneHeight = 22;
  const height = lanes.length * laneHeight + PAD.bottom;
  const x = (seconds: number) => 260 + (seconds / end) * (WIDTH - 260 - PAD.right);
  const rows = lanes
    .map((alarm, index) => {
      const top = index * laneHeight + 4;
      const segments: string[] = [];
      let since: number | undefined;
      for (const transition of alarm.transitions) {
        if (transition.to === 'ALARM') since = transition.simulatedSeconds;
        else if (since !== undefined) {
          segments.push(
            `<rect x="${x(since)}" y="${top}" width="${Math.max(2, x(transition.simulatedSeconds) - x(since))}" height="14" fill="${COLOURS.alarm}"/>`,
          );
          since = undefined;
        }
      }
      if (since !== undefined)
        segments.push(
          `<rect x="${x(since)}" y="${top}" width="${Math.max(2, x(end) - x(since))}" height="14" fill="${COLOURS.alarm}"/>`,
        );
      return `<text x="250" y="${top + 11}" text-anchor="end">${escapeHtml(alarm.name)}</text><rect x="260" y="${top}" width="${WIDTH - 260 - PAD.right}" height="14" fill="#c6f6d5"/>${segments.join('')}`;
    })
    .join('');
  return `<section><h2>Alarm states</h2><div class="legend"><span class="key" style="--colour:#c6f6d5">OK</span><span class="key" style="--colour:${COLOURS.alarm}">ALARM</span></div>
<svg viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Alarm states">${rows}</svg></section>`;
}

const rate = (point: TimelinePoint, version: 'baseline' | 'candidate') =>
  point.requests[version] > 0 ? (100 * point.failed[version]) / point.requests[version] : undefined;

/** Renders the summary of a rehearsal as a standalone HTML page. */
export function renderReport(summary: RehearsalSummary): string {
  const share = (point: TimelinePoint) => 100 * point.candidateWeight;
  const { byVersion } = summary.requests;
  const rows = [
    ['Outcome', summary.outcome.replace('_', ' ')],
    ['Deployment config', summary.config],
    ['Fault injected into the candidate', summary.fault],
    ['Speed / probe rate', `${summary.speed}× / ${summary.rate} requests per second`],
    ['Requests (failed)', `${summary.requests.total} (${summary.requests.failed})`],
    ['Baseline requests (failed)', `${byVersion.baseline.total} (${byVersion.baseline.failed})`],
    ['Candidate requests (failed)', `${byVersion.candidate.total} (${byVersion.candidate.failed})`],
    ['Highest candidate share', `${Math.round(summary.maxCandidateShare * 100)}%`],
    [
      'Time to rollback (simulated)',
      summary.timeToRollbackSeconds === null ? '—' : `${summary.timeToRollbackSeconds} s`,
    ],
    [
      'Alarms not simulated',
      summary.notSimulated.length
        ? summary.notSimulated.map((item) => `${item.alarm}: ${item.reason}`).join('; ')
        : 'none',
    ],
  ];
  const events = summary.events
    .map(
      (event) => `<li><time>t+${event.simulatedSeconds.toFixed(0)}s</time> ${escapeHtml(event.message)}</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Canary rehearsal: ${escapeHtml(summary.outcome)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;color:${COLOURS.text};max-width:960px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:15px;margin:22px 0 4px}
.outcome{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;background:${summary.outcome === 'promoted' ? '#2f855a' : '#9b2c2c'}}
table{border-collapse:collapse;margin-top:12px}td{padding:3px 14px 3px 0;border-bottom:1px solid ${COLOURS.grid}}td:first-child{color:#718096}
svg{width:100%;height:auto;font-size:11px;fill:${COLOURS.text}}.marker{stroke:#a0aec0;stroke-dasharray:4 3}
.legend{display:flex;gap:16px;font-size:12px}.key::before{content:"";display:inline-block;width:12px;height:3px;margin-right:6px;vertical-align:middle;background:var(--colour)}
ol{padding-left:18px;font-size:13px}time{color:#718096;margin-right:6px}
</style></head><body>
<h1>Canary rehearsal <span class="outcome">${escapeHtml(summary.outcome.replace('_', ' '))}</span></h1>
<table>${rows.map(([label, value]) => `<tr><td>${escapeHtml(String(label))}</td><td>${escapeHtml(String(value))}</td></tr>`).join('')}</table>
${chart('Traffic share of the candidate (%)', summary, [{ label: 'candidate share', colour: COLOURS.candidate, values: summary.timeline.map(share) }], '%', 100)}
${chart(
  'Failed requests per version (%)',
  summary,
  [
    {
      label: 'baseline',
      colour: COLOURS.baseline,
      values: summary.timeline.map((point) => rate(point, 'baseline')),
    },
    {
      label: 'candidate',
      colour: COLOURS.candidate,
      values: summary.timeline.map((point) => rate(point, 'candidate')),
    },
  ],
  '%',
  100,
)}
${chart('p99 latency seen by the probes (ms)', summary, [{ label: 'p99', colour: COLOURS.text, values: summary.timeline.map((point) => point.p99Ms) }], 'ms')}
${alarmLanes(summary)}
<h2>What happened</h2><ol>${events}</ol>
<p style="color:#718096;font-size:12px">Dashed lines mark phases and traffic shifts; times are simulated seconds.</p>
</body></html>
`;
}
