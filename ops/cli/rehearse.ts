/**
 * `npm run rehearse -- [options]`: a whole canary deployment of a stage, on simulated time, offline.
 * Exit codes: 0 promoted, 1 rolled back or hook failed, 2 usage or setup error.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { containTempFiles } from '../../local/temp-folder';
import { buildService, isGitRef } from '../rehearsal/build';
import { simulate } from '../rehearsal/engine';
import { ENVELOPE_RUNS, type EnvelopeCell, envelope } from '../rehearsal/envelope';
import { envelopeTable } from '../rehearsal/envelope-table';
import { expectedTraffic } from '../rehearsal/expected-traffic';
import { FAULT_GRAMMAR, parseFault } from '../rehearsal/fault';
import { markdownSummary } from '../rehearsal/markdown';
import { measureBuilds } from '../rehearsal/measure-builds';
import { renderReport } from '../rehearsal/report';
import { revisionOf } from '../rehearsal/revision';
import type { RehearsalRecord, RehearsalSummary } from '../rehearsal/summary';
import { verdictLine } from '../rehearsal/verdict-line';
import { createView } from '../view';

const USAGE = `npm run rehearse -- [--stage prod] [--baseline <git ref>] [--candidate <git ref>]
  [--fault ${FAULT_GRAMMAR}] [--noise <0..1>] [--traffic <requests/s>] [--seed 1] [--ingestion-delay <s>]
  [--envelope] [--envelope-runs 200] [--json <file>] [--report rehearsal-report.html] [--markdown <file>]`;

function fail(sentence: string): never {
  console.error(`${sentence}\nUsage: ${USAGE}`);
  process.exit(2);
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let values: ReturnType<typeof parse>['values'];
function parse() {
  return parseArgs({
    options: {
      stage: { type: 'string', default: 'prod' },
      baseline: { type: 'string', default: 'HEAD' },
      candidate: { type: 'string' },
      fault: { type: 'string', default: 'none' },
      noise: { type: 'string', default: '0' },
      traffic: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'ingestion-delay': { type: 'string' },
      envelope: { type: 'boolean', default: false },
      'envelope-runs': { type: 'string', default: String(ENVELOPE_RUNS) },
      json: { type: 'string' },
      report: { type: 'string', default: 'rehearsal-report.html' },
      // The verdict and key figures in Markdown, e.g. $GITHUB_STEP_SUMMARY in a pull request's check.
      markdown: { type: 'string' },
      speed: { type: 'string' },
      rate: { type: 'string' },
    },
    strict: true,
  });
}
try {
  ({ values } = parse());
} catch (error) {
  fail(`${(error as Error).message}.`);
}

if (values.speed !== undefined || values.rate !== undefined) {
  fail(
    '--speed and --rate are gone: the rehearsal runs on simulated time; set --traffic <requests/s> and --seed.',
  );
}
const stage = String(values.stage);
if (!/^[a-z0-9-]+$/.test(stage)) fail(`--stage must be a stage name like prod, not '${stage}'.`);
const fault =
  parseFault(String(values.fault)) ?? fail(`--fault must be ${FAULT_GRAMMAR}, not '${values.fault}'.`);
const noiseShare = Number(values.noise);
if (!(values.noise?.trim() !== '' && noiseShare >= 0 && noiseShare <= 1))
  fail(`--noise must be a share from 0 to 1 of requests both versions answer 5xx, not '${values.noise}'.`);
const envelopeRuns = Number(values['envelope-runs']);
if (!(Number.isInteger(envelopeRuns) && envelopeRuns >= 1 && envelopeRuns <= 10_000))
  fail(
    `--envelope-runs must be a whole number of runs per cell from 1 to 10000, not '${values['envelope-runs']}'.`,
  );
const traffic = values.traffic === undefined ? expectedTraffic(stage) : Number(values.traffic);
if (!(traffic >= 0 && traffic <= 10_000))
  fail(`--traffic must be 0 to 10000 requests per second, not '${values.traffic}'.`);
const seed = Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed must be a whole number, not '${values.seed}'.`);
const ingestion = values['ingestion-delay'] === undefined ? undefined : Number(values['ingestion-delay']);
if (ingestion !== undefined && !(ingestion >= 0 && ingestion <= 600)) {
  fail(`--ingestion-delay must be 0 to 600 seconds, not '${values['ingestion-delay']}'.`);
}
for (const ref of [values.baseline, values.candidate]) {
  if (ref !== undefined && !isGitRef(ref)) fail(`'${ref}' is not a commit of this repository.`);
}

// Every temporary file of this run, sls's included, in one folder that goes when it ends, Ctrl-C too.
containTempFiles('canary-api-rehearse-');
const view = createView(process.stdout);
const log = (message: string) => view.note(message);
log(
  `building baseline ${values.baseline} and candidate ${values.candidate ?? '(working tree)'} for ${stage}…`,
);
// Resolved before the builds, so that the commits named in the outputs are the ones built.
const compared = { stage, baseline: revisionOf(values.baseline), candidate: revisionOf(values.candidate) };
// Builds of the same sources are reused from this folder when it is set (docs/rehearsal.md).
const buildCache = process.env.REHEARSE_BUILD_CACHE || undefined;
const [baseline, candidate] = await Promise.all([
  buildService(stage, values.baseline, buildCache),
  buildService(stage, values.candidate, buildCache),
]).catch((error: Error) => fail(`The builds failed: ${error.message.split('\n')[0]}`));

const started = performance.now();
const dynamodb = await startEmbeddedDynamoDB({ stage });
const { plan, calibration, metricsNamespace } = await measureBuilds(
  { baseline, candidate },
  fault,
  dynamodb.endpoint,
).finally(() => dynamodb.close());
log(`${plan.configName}: ${plan.alarms.length} alarms simulated, ${plan.notSimulated.length} not simulated`);
for (const missing of plan.notSimulated) log(`not simulated: ${missing.alarm} (${missing.reason})`);
for (const key of plan.newFunctions)
  log(
    `${key} is new: its first deploy creates its alias at the new version, with no traffic shift to rehearse`,
  );

const summary: RehearsalSummary = simulate(plan, calibration, {
  trafficPerSecond: traffic,
  fault,
  noiseShare,
  seed,
  metricsNamespace,
  ...(ingestion !== undefined && {
    assumptions: { ingestionDelaySeconds: { [metricsNamespace]: ingestion } },
  }),
  onEvent: (event) => log(`[t+${event.simulatedSeconds.toFixed(0).padStart(4)}s] ${event.message}`),
  // Off a terminal the events above already tell the story, line by line.
  onState: process.stdout.isTTY ? (state) => view.update(state) : undefined,
});

const { byVersion } = summary.requests;
log(verdictLine(summary));
log(
  `${summary.outcome}: ${summary.requests.total} requests at ${traffic}/s${noiseShare > 0 ? ` with ${noiseShare} shared 5xx` : ''}, ${summary.requests.failed} failed ` +
    `(baseline ${byVersion.baseline.failed}/${byVersion.baseline.total}, candidate ${byVersion.candidate.failed}/${byVersion.candidate.total}); ` +
    `max candidate share ${Math.round(summary.maxCandidateShare * 100)}%` +
    (summary.timeToRollbackSeconds !== null
      ? `; rolled back ${summary.timeToRollbackSeconds}s after the fault's first request`
      : ''),
);

let cells: EnvelopeCell[] | undefined;
if (values.envelope) {
  const envelopeStarted = performance.now();
  cells = await envelope(plan, calibration, metricsNamespace, envelopeRuns);
  log(
    `envelope of ${stage}, ${cells[0]?.runs} runs a cell in ${((performance.now() - envelopeStarted) / 1000).toFixed(0)} s: share rolled back (without candidate errors: falsely), median and p95 seconds from the first failed request:`,
  );
  for (const line of envelopeTable(cells)) console.log(`  ${line}`);
}
log(`simulated in ${((performance.now() - started) / 1000).toFixed(1)}s of real time after the builds`);
const record: RehearsalRecord = { ...compared, ...summary };
if (values.json)
  writeFileSync(values.json, `${JSON.stringify(cells ? { ...record, envelope: cells } : record, null, 2)}\n`);
writeFileSync(String(values.report), await renderReport(record, cells));
if (values.markdown) appendFileSync(values.markdown, markdownSummary(record, `Rehearsal of ${stage}`));
log(`report: ${values.report}`);
process.exit(summary.outcome === 'promoted' ? 0 : 1);
