/**
 * `npm run rehearse -- [options]`: a whole canary deployment of the stage, compressed and offline.
 * Exit codes: 0 promoted, 1 rolled back or hook failed, 2 usage or setup error.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { buildService, isGitRef } from '../rehearsal/build';
import { rehearse } from '../rehearsal/engine';
import { planFromTemplate } from '../rehearsal/plan';
import { renderReport } from '../rehearsal/report';
import { createView } from '../view';

const USAGE = `npm run rehearse -- [--stage prod] [--baseline <git ref>] [--candidate <git ref>]
  [--fault none|errors=<0..1>|latency=<ms>|crash-on-init] [--speed 60] [--rate 50] [--json <file>]
  [--report rehearsal-report.html]`;

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
      speed: { type: 'string', default: '60' },
      rate: { type: 'string', default: '50' },
      json: { type: 'string' },
      report: { type: 'string', default: 'rehearsal-report.html' },
    },
    strict: true,
  });
}
try {
  ({ values } = parse());
} catch (error) {
  fail(`${(error as Error).message}.`);
}

const speed = Number(values.speed);
const rate = Number(values.rate);
const fault = String(values.fault);
if (!['dev', 'staging', 'prod'].includes(String(values.stage)))
  fail(`--stage must be dev, staging or prod, not '${values.stage}'.`);
if (!(speed >= 1 && speed <= 600)) fail(`--speed must be a number from 1 to 600, not '${values.speed}'.`);
if (!(rate >= 1 && rate <= 500)) fail(`--rate must be 1 to 500 requests per second, not '${values.rate}'.`);
const share = /^errors=(.+)$/.exec(fault)?.[1];
const latency = /^latency=(.+)$/.exec(fault)?.[1];
if (
  !(fault === 'none' || fault === 'crash-on-init') &&
  !(share !== undefined && Number(share) >= 0 && Number(share) <= 1) &&
  !(latency !== undefined && Number(latency) >= 0 && Number(latency) <= 30_000)
) {
  fail(`--fault must be none, errors=<0..1>, latency=<ms> or crash-on-init, not '${fault}'.`);
}
for (const ref of [values.baseline, values.candidate]) {
  if (ref !== undefined && !isGitRef(ref)) fail(`'${ref}' is not a commit of this repository.`);
}

const stage = String(values.stage);
const view = createView(process.stdout);
const log = (message: string) => view.note(message);
log(
  `building baseline ${values.baseline} and candidate ${values.candidate ?? '(working tree)'} for ${stage}…`,
);
const [baseline, candidate] = await Promise.all([
  buildService(stage, values.baseline),
  buildService(stage, values.candidate),
]).catch((error: Error) => fail(`The builds failed: ${error.message.split('\n')[0]}`));

const environment = candidate.environment;
const plan = planFromTemplate(candidate.template, '2', environment.METRICS_NAMESPACE ?? 'CanaryApi');
const dynamodb = await startEmbeddedDynamoDB({ stage });
log(`${plan.configName}: ${plan.alarms.length} alarms simulated, ${plan.notSimulated.length} not simulated`);
for (const missing of plan.notSimulated) log(`not simulated: ${missing.alarm} (${missing.reason})`);

const summary = await rehearse({
  plan,
  template: candidate.template,
  builds: { baseline: baseline.codeDir, candidate: candidate.codeDir },
  environment: {
    ...process.env,
    ...environment,
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    METRICS_ENABLED: 'false',
  },
  fault,
  speed,
  rate,
  onEvent: (event) => log(`[t+${event.simulatedSeconds.toFixed(0).padStart(4)}s] ${event.message}`),
  // Off a terminal the events above already tell the story, line by line.
  onState: process.stdout.isTTY ? (state) => view.update(state) : undefined,
}).finally(() => dynamodb.close());

const { byVersion } = summary.requests;
log(
  `${summary.outcome}: ${summary.requests.total} requests, ${summary.requests.failed} failed ` +
    `(baseline ${byVersion.baseline.failed}/${byVersion.baseline.total}, candidate ${byVersion.candidate.failed}/${byVersion.candidate.total}); ` +
    `max candidate share ${Math.round(summary.maxCandidateShare * 100)}%` +
    (summary.timeToRollbackSeconds !== null
      ? `; rolled back ${summary.timeToRollbackSeconds}s after the first failure`
      : '') +
    `; ${summary.realSeconds}s real`,
);
if (values.json) writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`);
writeFileSync(String(values.report), renderReport(summary));
log(`report: ${values.report}`);
process.exit(summary.outcome === 'promoted' ? 0 : 1);
