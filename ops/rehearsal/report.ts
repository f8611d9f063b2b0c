import { timelineCharts } from './charts';
import type { EnvelopeCell } from './envelope';
import { envelopeHeatmap } from './envelope-heatmap';
import { firedAlarms, type RehearsalRecord, type RehearsalSummary, revisionText } from './summary';

/**
 * The rehearsal as one self-contained HTML file: SVG charts rendered here (charts.ts) and inline CSS,
 * no script, no font, no URL to fetch, so it opens anywhere, offline, and can be attached to a pull
 * request.
 */

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string,
  );

const table = (rows: readonly (readonly string[])[], header?: readonly string[]) =>
  `<table>${header ? `<tr>${header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr>` : ''}${rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('')}</table>`;

function overview(summary: RehearsalRecord): string {
  const { byVersion } = summary.requests;
  const { assumptions } = summary;
  const fired = firedAlarms(summary);
  return table([
    ['Stage', summary.stage],
    ['Baseline', revisionText(summary.baseline)],
    ['Candidate', revisionText(summary.candidate)],
    ['Outcome', `${summary.outcome.replace('_', ' ')} (stack ${summary.stack})`],
    ['Deployment config', summary.config],
    ['Fault injected into the candidate', summary.fault],
    ['Traffic', `${summary.trafficPerSecond} requests per second to the API (seed ${summary.seed})`],
    ['Requests (failed)', `${summary.requests.total} (${summary.requests.failed})`],
    ['Baseline requests (failed)', `${byVersion.baseline.total} (${byVersion.baseline.failed})`],
    ['Candidate requests (failed)', `${byVersion.candidate.total} (${byVersion.candidate.failed})`],
    ['Highest candidate share', `${Math.round(summary.maxCandidateShare * 100)}%`],
    [
      'Time to rollback (simulated)',
      summary.timeToRollbackSeconds === null ? '—' : `${summary.timeToRollbackSeconds} s`,
    ],
    [
      'Model',
      `metrics visible after ${Object.entries(assumptions.ingestionDelaySeconds)
        .map(([namespace, delay]) => `${delay} s (${namespace})`)
        .join(
          ', ',
        )}; CodeDeploy reacts ${assumptions.alarmReactionSeconds} s after ALARM; requests take ${assumptions.nominalLatencyMs} ms before injected latency`,
    ],
    [
      'Alarms that fired',
      fired.length
        ? fired.map(({ name, at }) => `${name} (ALARM at ${at.map((t) => `t+${t}s`).join(', ')})`).join('; ')
        : 'none',
    ],
    [
      'Alarms not simulated',
      summary.notSimulated.length
        ? summary.notSimulated.map((item) => `${item.alarm}: ${item.reason}`).join('; ')
        : 'none',
    ],
  ]);
}

const functionsTable = (summary: RehearsalSummary) =>
  table(
    summary.functions.map((fn) => [
      fn.key,
      fn.outcome.replaceAll('_', ' '),
      fn.reason ?? '',
      `${fn.requests.candidate.failed} of ${fn.requests.candidate.total}`,
      `${fn.requests.baseline.failed} of ${fn.requests.baseline.total}`,
    ]),
    ['function', 'ended as', 'why', 'candidate failed', 'baseline failed'],
  );

/** A chart in the page, named so that a reader's link or a test can point at it. */
const figure = (id: string, chart: string, caption = '') =>
  `<figure id="${id}">${chart}${caption && `<figcaption>${escapeHtml(caption)}</figcaption>`}</figure>`;

/** Renders a rehearsal (and a detection envelope, when one was computed) as a page. */
export async function renderReport(
  summary: RehearsalRecord,
  envelope?: readonly EnvelopeCell[],
): Promise<string> {
  const charts = await timelineCharts(summary);
  const heatmap = envelope ? await envelopeHeatmap(envelope) : '';
  const events = summary.events
    .map(
      (event) => `<li><time>t+${event.simulatedSeconds.toFixed(0)}s</time> ${escapeHtml(event.message)}</li>`,
    )
    .join('');
  const rolledBack = summary.outcome !== 'promoted';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Canary rehearsal of ${escapeHtml(summary.stage)}: ${escapeHtml(summary.outcome)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;color:#2d3748;max-width:960px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:15px;margin:22px 0 4px}
.outcome{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;background:${rolledBack ? '#9b2c2c' : '#2f855a'}}
table{border-collapse:collapse;margin-top:12px}td,th{padding:3px 14px 3px 0;border-bottom:1px solid #e2e8f0;text-align:left}td:first-child{color:#718096}
svg{max-width:100%;height:auto}figure{margin:10px 0}figcaption{color:#718096;font-size:12px;margin-left:53px}ol{padding-left:18px;font-size:13px}time{color:#718096;margin-right:6px}
</style></head><body>
<h1>Canary rehearsal of ${escapeHtml(summary.stage)} <span class="outcome">${escapeHtml(summary.outcome.replace('_', ' '))}</span></h1>
${overview(summary)}
<h2>Each deployment group</h2>
${functionsTable(summary)}
<h2>Over simulated time</h2>
${figure('share', charts.share)}
${figure('failures', charts.failures)}
${figure('p99', charts.p99, `Modelled, not measured: each request takes the model's ${summary.assumptions.nominalLatencyMs} ms plus the injected latency. The durations this machine measured are in the JSON's "measured", and no verdict reads them.`)}
${charts.alarms ? figure('alarms', charts.alarms) : '<p>No alarm fired.</p>'}
${heatmap ? `<h2>Detection envelope</h2>\n${figure('envelope', heatmap)}` : ''}
<h2>What happened</h2><ol>${events}</ol>
<p style="color:#718096;font-size:12px">Dashed lines mark phases and traffic shifts. Times are simulated seconds; nothing here depends on how fast this machine ran it.</p>
</body></html>
`;
}
