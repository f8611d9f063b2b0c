/**
 * `npm run bench`: prints, from one run on this machine, the figures the README quotes.
 *  1. each function's minified bundle, from a real `sls package`;
 *  2. cold start in fresh processes: time to module loaded and to first answer, beside an empty module;
 *  3. warm overhead of the middleware stack beside a bare handler;
 *  4. increments per second against dynalite at 1 and 50 concurrent clients;
 *  5. the load table: npm start beside serverless-offline's default mode, from 1 to 1,000 clients.
 * Ratios are the numbers to compare: absolute times depend on whatever else the machine is doing.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { proxyEvent as apiEvent, type RequestSpec } from '../../delivery/api-gateway-event';
import { startEmbeddedDynamoDB } from '../embedded-dynamodb';
import { lambdaContext } from '../lambda-context';
import { bundleForNode } from '../node-script';
import { packagedFunctions, packageService } from '../packaged-service';
import { containTempFiles, removeTempFolder, tempFolder } from '../temp-folder';
import { CLIENT_LEVELS, type LoadResult, measureLoad } from './load';

const COLD_RUNS = 25;
// hits and health: issue 17's targets, met without Powertools Idempotency and with lib/sdk-absent-features.ts.
const TARGETS_KB: Record<string, number> = { hello: 15, hits: 200, health: 200 };

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Every temporary file of this run, its children's included, in one folder that goes when it ends.
containTempFiles('canary-api-bench-');
const workDir = tempFolder('bench-');
const dynamodb = await startEmbeddedDynamoDB({ stage: 'bench' });

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const table = (rows: string[][]) => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  for (const row of rows)
    console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`);
};

// 1. Bundles, exactly as deployed.
console.log('Packaging (sls package --stage dev)…');
await packageService(workDir);
const bundles: Record<string, { file: string; handler: string }> = {};
const sizeRows = [['function', 'minified', 'gzip', 'target']];
// The API functions; the deployment hooks and the judge only run during deployments.
const apiFunctions = Object.entries(packagedFunctions(workDir)).filter(
  ([name]) => !name.endsWith('Traffic') && name !== 'judge',
);
// What Lambda would give the functions: the template's environment, plus where the local table is.
const lambdaEnv = {
  ...process.env,
  ...apiFunctions[0]?.[1].environment,
  TABLE_NAME: dynamodb.tableName,
  AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
  AWS_REGION: 'eu-west-1',
  METRICS_ENABLED: 'true',
};
for (const [name, fn] of apiFunctions) {
  const [bytes] = Object.values(fn.files);
  if (!bytes) throw new Error(`empty artifact for ${name}`);
  const file = join(workDir, `${name}.cjs`);
  writeFileSync(file, bytes);
  bundles[name] = { file, handler: fn.handler.split('.').pop() as string };
  const target = TARGETS_KB[name];
  sizeRows.push([name, kb(bytes.byteLength), kb(gzipSync(bytes).byteLength), target ? `≤ ${target} KB` : '']);
}
console.log('\nBundle sizes');
table(sizeRows);

// 2. Cold starts: every subject once per round, rounds interleaved so machine noise hits all alike.
const coldRunner = bundleForNode(join(import.meta.dirname, 'cold-runner.ts'), workDir);
const emptyModule = join(workDir, 'empty.cjs');
writeFileSync(emptyModule, '');
const coldEvents: Record<string, RequestSpec> = {
  hello: { resource: '/hello' },
  echo: {
    method: 'POST',
    resource: '/echo',
    headers: { 'content-type': 'application/json' },
    body: '{"data":"x"}',
  },
  hits: { method: 'POST', resource: '/hits/{counter}', pathParameters: { counter: 'bench-cold' } },
  health: { resource: '/health' },
  fallback: { resource: '/{proxy+}', path: '/nope' },
};
async function coldStart(file: string, handler?: string, request?: RequestSpec) {
  const child = fork(coldRunner, handler ? [file, handler] : [file], {
    // Plain node, as Lambda runs it: not the tsx loader this script itself runs under.
    execArgv: [],
    env: { ...lambdaEnv, EVENT: JSON.stringify(apiEvent(request)) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [message] = (await once(child, 'message')) as [{ loaded: number; answered: number }];
  await once(child, 'exit');
  return message;
}
const cold: Record<string, { loaded: number[]; answered: number[] }> = {
  empty: { loaded: [], answered: [] },
};
for (const name of Object.keys(bundles)) cold[name] = { loaded: [], answered: [] };
console.log(`\nCold start: ${COLD_RUNS} fresh processes per subject…`);
for (let round = 0; round < COLD_RUNS; round++) {
  const empty = await coldStart(emptyModule);
  cold.empty?.loaded.push(empty.loaded);
  for (const [name, bundle] of Object.entries(bundles)) {
    const result = await coldStart(bundle.file, bundle.handler, coldEvents[name]);
    cold[name]?.loaded.push(result.loaded);
    cold[name]?.answered.push(result.answered);
  }
}
const emptyMs = median(cold.empty?.loaded ?? []);
const coldRows = [['subject', 'module loaded', '× empty', 'first answer', '× empty']];
coldRows.push(['empty module', `${emptyMs.toFixed(1)} ms`, '1.00', '', '']);
for (const name of Object.keys(bundles)) {
  const loaded = median(cold[name]?.loaded ?? []);
  const answered = median(cold[name]?.answered ?? []);
  coldRows.push([
    name,
    `${loaded.toFixed(1)} ms`,
    (loaded / emptyMs).toFixed(2),
    `${answered.toFixed(1)} ms`,
    (answered / emptyMs).toFixed(2),
  ]);
}
console.log('Cold start, medians, ms since the process started (Node start-up included)');
table(coldRows);
console.log('  targets: module loaded ≤ 1.1× empty for hello, ≤ 1.3× for hits and health');

// 3. Warm overhead of the middleware stack, stdout discarded like Lambda's log pipe.
const warm = fork(join(import.meta.dirname, 'warm.ts'), {
  execArgv: ['--import', 'tsx'],
  env: lambdaEnv,
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
const [{ bareNs, wrappedNs }] = (await once(warm, 'message')) as [{ bareNs: number[]; wrappedNs: number[] }];
await once(warm, 'exit');
const overheadUs = (median(wrappedNs) - median(bareNs)) / 1000;
console.log('\nWarm invocation, medians of 5 rounds × 200,000 calls');
table([
  ['bare handler', `${(median(bareNs) / 1000).toFixed(2)} µs/call`],
  ['api() stack', `${(median(wrappedNs) / 1000).toFixed(2)} µs/call`],
  ['overhead', `${overheadUs.toFixed(2)} µs/call (target ≤ 20 µs)`],
]);

// 4. Increments per second, through the real handler and SDK, against dynalite.
Object.assign(process.env, lambdaEnv, { METRICS_ENABLED: 'false' });
const { handler: hits } = await import('../../functions/hits');
async function incrementsPerSecond(clients: number, total: number) {
  const event = apiEvent({
    method: 'POST',
    resource: '/hits/{counter}',
    pathParameters: { counter: `bench-${clients}` },
  });
  let remaining = total;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (remaining-- > 0) {
        const result = await hits(event, lambdaContext());
        if (result.statusCode !== 200) throw new Error(`increment failed: ${result.body}`);
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}
await incrementsPerSecond(10, 200);
const single = await incrementsPerSecond(1, 1_000);
const fifty = await incrementsPerSecond(50, 3_000);
console.log('\nIncrements against dynalite (POST /hits/{counter} handler, in process)');
table([
  ['1 client', `${single.toFixed(0)} increments/s`],
  ['50 clients', `${fifty.toFixed(0)} increments/s (${(fifty / single).toFixed(2)}× one client)`],
]);

await dynamodb.close();
removeTempFolder(workDir);

// 5. Load through HTTP, each cell on a fresh server: npm start, and the anchor in the same run.
console.log('\nLoad: POST /hits/{counter} over HTTP, each cell on a freshly started server…');
const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;
const answered = (result: LoadResult, ms: number) =>
  result.requestsPerSecond > 0 ? `${ms.toFixed(0)} ms` : '–';
const cells = (result: LoadResult | undefined) =>
  result
    ? [
        result.requestsPerSecond.toFixed(0),
        answered(result, result.p50Ms),
        answered(result, result.p99Ms),
        String(result.failed),
        mb(result.peakRssBytes),
      ]
    : ['skipped', '', '', '', ''];
const ratio = (ours: number | undefined, anchor: number | undefined) =>
  ours !== undefined && anchor ? `${(ours / anchor).toFixed(2)}×` : '';
const loadRows = [
  [
    'clients',
    'req/s',
    'p50',
    'p99',
    'failed',
    'peak RSS',
    '|',
    'anchor req/s',
    'p50',
    'p99',
    'failed',
    'peak RSS',
    '|',
    'req/s ×',
    'p99 ×',
    'RSS ×',
  ],
];
for (const clients of CLIENT_LEVELS) {
  const ours = await measureLoad('npm start', clients);
  const anchor = await measureLoad('default mode', clients);
  loadRows.push([
    String(clients),
    ...cells(ours),
    '|',
    ...cells(anchor),
    '|',
    ratio(ours?.requestsPerSecond, anchor?.requestsPerSecond),
    ratio(ours?.p99Ms, anchor?.p99Ms),
    ratio(ours?.peakRssBytes, anchor?.peakRssBytes),
  ]);
}
table(loadRows);
console.log(
  '  anchor: serverless-offline default mode (a worker thread per request), as npm start ran before',
);
console.log('  targets: 1,000 clients all answered, peak RSS ≤ 1 GiB; 100 clients p99 ≤ 1 s');
