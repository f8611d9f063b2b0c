import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { bundleForNode } from '../../local/node-script';
import { type PackagedFunction, packagedFunctions, packageService } from '../../local/packaged-service';
import { getDeploymentAnswer } from '../support/aws/codedeploy';
import { apiEvent, type RequestSpec } from '../support/fixtures';

const run = promisify(execFile);

let outDir: string;
let dynamodb: EmbeddedDynamoDB;
let functions: Record<string, PackagedFunction>;
let runner: string;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'canary-api-package-'));
  // What an earlier build with another output format or a renamed handler leaves behind.
  mkdirSync('.esbuild/.build/functions', { recursive: true });
  writeFileSync('.esbuild/.build/functions/hello.mjs', 'stale');
  await packageService(outDir);
  functions = packagedFunctions(outDir);
  runner = bundleForNode('tests/support/lambda-runner.ts', outDir);
  dynamodb = await startEmbeddedDynamoDB({ stage: 'dev' });
}, 180_000);

afterAll(async () => {
  await dynamodb?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** Unzips the function's artifact and runs it in a fresh Node process with the template's environment. */
async function invokeArtifact(name: string, event: unknown, endpoints: Record<string, string> = {}) {
  const fn = functions[name];
  if (!fn) throw new Error(`no function ${name} in the template`);
  const codeDir = join(outDir, `${name}-code`);
  for (const [path, bytes] of Object.entries(fn.files)) {
    mkdirSync(join(codeDir, dirname(path)), { recursive: true });
    writeFileSync(join(codeDir, path), bytes);
  }
  const { stdout } = await run(process.execPath, [runner, codeDir, fn.handler], {
    cwd: process.cwd(),
    // Only what Lambda would set: the template's variables, the region, the role's credentials.
    env: {
      PATH: process.env.PATH,
      ...fn.environment,
      AWS_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...endpoints,
      EVENT: JSON.stringify(event),
    },
  });
  const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
  return JSON.parse(String(line).slice('RESULT '.length));
}

describe('sls package', () => {
  it('builds one arm64 Node.js artifact per function, each with its fresh bundle only', () => {
    expect(Object.keys(functions).sort()).toEqual([
      'echo',
      'fallback',
      'health',
      'hello',
      'hits',
      'judge',
      'postTraffic',
      'preTraffic',
    ]);
    for (const [name, fn] of Object.entries(functions)) {
      expect(fn.runtime).toMatch(/^nodejs(22|24)\.x$/);
      expect(fn.architectures).toEqual(['arm64']);
      expect(Object.keys(fn.files)).toEqual([`functions/${name}.cjs`]);
    }
  });

  it.each<[string, RequestSpec, number, unknown]>([
    ['hello', { resource: '/hello', query: { name: 'Lambda' } }, 200, { message: 'Hello, Lambda!' }],
    [
      'echo',
      {
        method: 'POST',
        resource: '/echo',
        query: { transform: 'shout' },
        headers: { 'Content-Type': 'application/json' },
        body: '{"data":"hello, world!"}',
      },
      200,
      { data: '!DLROW ,OLLEH' },
    ],
    [
      'hits',
      { method: 'POST', resource: '/hits/{counter}', pathParameters: { counter: 'zip' } },
      200,
      { counter: 'zip', hits: 1 },
    ],
    ['health', { resource: '/health' }, 200, { status: 'UP', version: '1.0.0', checks: { dynamodb: 'UP' } }],
    ['fallback', { method: 'GET', resource: '/{proxy+}', path: '/missing' }, 404, undefined],
  ])('the %s artifact answers a realistic API Gateway event', async (name, request, status, body) => {
    const result = await invokeArtifact(name, apiEvent(request));
    expect(result.statusCode).toBe(status);
    expect(result.headers['x-function-version']).toBe('3');
    if (body) expect(JSON.parse(result.body)).toEqual(body);
  });
});

/** An SDK output as it travels in an AWS JSON 1.1 body: no $metadata, timestamps in epoch seconds. */
const awsJsonWire = (output: object) =>
  JSON.stringify(output, (key, value) =>
    key === '$metadata'
      ? undefined
      : typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)
        ? Date.parse(value) / 1000
        : value,
  );

type AwsRequest = { target: string; url: string; invocationType: string; body: string };
type AwsAnswer = (request: AwsRequest, response: ServerResponse) => Promise<void> | void;

/** A local endpoint standing in for every AWS service an artifact calls; `answer` answers each request. */
async function withFakeAws<T>(answer: AwsAnswer, use: (url: string) => Promise<T>): Promise<T> {
  const fakeAws = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const target = String(request.headers['x-amz-target'] ?? '');
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    await answer({ target, url: String(request.url), invocationType, body }, response);
  });
  await once(fakeAws.listen(0, '127.0.0.1'), 'listening');
  try {
    return await use(`http://127.0.0.1:${(fakeAws.address() as AddressInfo).port}`);
  } finally {
    fakeAws.close();
  }
}

const invocationOf = (url: string) =>
  url.match(/^\/2015-03-31\/functions\/([^/?]+)\/invocations(?:\?Qualifier=(\w+))?$/);

/** Lambda API reference, Invoke: an Event invocation is queued and answered 202, with an empty body. */
function acceptEvent(response: ServerResponse) {
  response.writeHead(202, { 'x-amzn-requestid': 'b7a1c0de-0000-4000-8000-000000000202' }).end();
}

const jsonAnswer = (response: ServerResponse, protocol: '1.0' | '1.1', output: object) =>
  response.writeHead(200, { 'content-type': `application/x-amz-json-${protocol}` }).end(awsJsonWire(output));

/** What the pre-traffic hook hands the judge for getDeploymentAnswer's default deployment of hello. */
const helloShift = {
  functionName: 'canary-api-dev-hello',
  alias: 'live',
  baselineVersion: '7',
  candidateVersion: '3',
  startedAt: Date.parse('2026-11-22T10:00:00Z'),
};

describe('the deployment hook artifacts', () => {
  // Their CodeDeploy and Lambda clients go through the bundle's SDK stand-ins (lib/sdk-absent-features.ts).
  it('preTraffic reads its deployment, invokes the target version, starts the judge and reports to CodeDeploy', async () => {
    const calls: string[] = [];
    let judged: unknown;
    const outcome = await withFakeAws(
      async ({ target, url, invocationType, body }, response) => {
        const invocation = invocationOf(url);
        if (target === 'CodeDeploy_20141006.GetDeployment') {
          calls.push(`GetDeployment ${JSON.parse(body).deploymentId}`);
          // CodeDeploy API reference, GetDeployment; the inline-revision shape (tests/support/aws/codedeploy.ts).
          const deployment = { functionName: 'canary-api-dev-hello', targetVersion: '3' };
          jsonAnswer(response, '1.1', getDeploymentAnswer(deployment, {}, true));
        } else if (target === 'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus') {
          const { status, lifecycleEventHookExecutionId } = JSON.parse(body);
          calls.push(`PutLifecycleEventHookExecutionStatus ${status}`);
          // CodeDeploy API reference, PutLifecycleEventHookExecutionStatus: the execution id echoed back.
          jsonAnswer(response, '1.1', { lifecycleEventHookExecutionId });
        } else if (invocation && invocationType === 'Event') {
          calls.push(`Invoke Event ${invocation[1]}`);
          judged = JSON.parse(body);
          acceptEvent(response);
        } else if (invocation) {
          calls.push(`Invoke ${invocation[1]}:${invocation[2]}`);
          // Lambda API reference, Invoke (RequestResponse): 200, the function's result as the body, the
          // version that ran in X-Amz-Executed-Version. Here the packaged hello artifact answers.
          const result = await invokeArtifact('hello', JSON.parse(body));
          response
            .writeHead(200, {
              'content-type': 'application/json',
              'x-amz-executed-version': String(invocation[2]),
            })
            .end(JSON.stringify(result));
        } else response.writeHead(400).end();
      },
      (url) =>
        invokeArtifact(
          'preTraffic',
          { DeploymentId: 'd-PACKAGE1', LifecycleEventHookExecutionId: 'hook-1' },
          {
            AWS_ENDPOINT_URL_CODEDEPLOY: url,
            AWS_ENDPOINT_URL_LAMBDA: url,
            // The template sets it with a Ref to the judge, which CloudFormation resolves to its name.
            JUDGE_FUNCTION_NAME: String(functions.judge?.functionName),
          },
        ),
    );
    expect(functions.preTraffic?.environment.JUDGE_FUNCTION_NAME).toEqual({ Ref: 'JudgeLambdaFunction' });
    expect(outcome).toEqual({ status: 'Succeeded', failures: [] });
    expect(calls[0]).toBe('GetDeployment d-PACKAGE1');
    // Every call between the deployment's read and the judge's start invokes the version, at least once.
    expect(new Set(calls.slice(1, -2))).toEqual(new Set(['Invoke canary-api-dev-hello:3']));
    expect(calls.slice(-2)).toEqual([
      'Invoke Event canary-api-dev-judge',
      'PutLifecycleEventHookExecutionStatus Succeeded',
    ]);
    expect(judged).toEqual({ deploymentId: 'd-PACKAGE1', ...helloShift });
  });
});

describe('the judge artifact', () => {
  // Its CloudWatch client speaks AWS JSON 1.0 (target GraniteServiceVersion20100801), CodeDeploy's 1.1.
  it('loads, judges a candidate failing 40 % of its requests worse, publishes 1 and hands over in time', async () => {
    const judged = { deploymentId: 'd-PACKAGE2', ...helloShift };
    // CodeDeploy API reference, GetDeployment: the deployment is still InProgress.
    const inProgress = getDeploymentAnswer({ functionName: judged.functionName, targetVersion: '3' });
    // Both versions' 10-second counts since the deployment began; Lambda's minutes have no datapoint yet.
    const counts = new Map(
      Object.entries({
        requests_candidate: 50,
        errors_candidate: 20,
        requests_baseline: 450,
        errors_baseline: 0,
      }),
    );
    const calls: string[] = [];
    const published: unknown[] = [];
    const outcome = await withFakeAws(
      ({ target, url, invocationType, body }, response) => {
        const invocation = invocationOf(url);
        if (target === 'CodeDeploy_20141006.GetDeployment') {
          calls.push(`GetDeployment ${JSON.parse(body).deploymentId}`);
          jsonAnswer(response, '1.1', inProgress);
        } else if (target === 'GraniteServiceVersion20100801.GetMetricData') {
          const { MetricDataQueries } = JSON.parse(body) as { MetricDataQueries: { Id: string }[] };
          calls.push('GetMetricData');
          // CloudWatch API reference, GetMetricData and MetricDataResult: one result per query Id.
          const result = ({ Id }: { Id: string }) => ({
            Id,
            Label: Id,
            Timestamps: counts.has(Id) ? [new Date(judged.startedAt + 10_000)] : [],
            Values: counts.has(Id) ? [counts.get(Id)] : [],
            StatusCode: 'Complete',
          });
          jsonAnswer(response, '1.0', { MetricDataResults: MetricDataQueries.map(result), Messages: [] });
        } else if (target === 'GraniteServiceVersion20100801.PutMetricData') {
          calls.push('PutMetricData');
          const { Namespace, MetricData } = JSON.parse(body) as { Namespace: string; MetricData: object[] };
          published.push(...MetricData.map((datum) => ({ Namespace, ...datum })));
          // CloudWatch API reference, PutMetricData: no output.
          jsonAnswer(response, '1.0', {});
        } else if (invocation && invocationType === 'Event') {
          calls.push(`Invoke Event ${invocation[1]} ${body}`);
          acceptEvent(response);
        } else response.writeHead(400).end();
      },
      (url) =>
        invokeArtifact('judge', judged, {
          AWS_ENDPOINT_URL_CODEDEPLOY: url,
          AWS_ENDPOINT_URL_CLOUDWATCH: url,
          AWS_ENDPOINT_URL_LAMBDA: url,
        }),
    );
    // The runner's context has 6 s left and the judge keeps 20 s back: it hands over after one look.
    expect(outcome).toBe('handed-over');
    expect(calls).toEqual([
      'GetDeployment d-PACKAGE2',
      'GetMetricData',
      'PutMetricData',
      `Invoke Event canary-api-dev-judge ${JSON.stringify(judged)}`,
    ]);
    expect(published).toMatchObject([
      {
        Namespace: 'CanaryApi/Judge',
        MetricName: 'Verdict',
        Dimensions: [{ Name: 'FunctionName', Value: 'canary-api-dev-hello' }],
        Value: 1,
        StorageResolution: 1,
      },
    ]);
  });
});
