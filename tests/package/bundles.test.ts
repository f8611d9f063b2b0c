import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { bundleForNode } from '../../local/node-script';
import { type PackagedFunction, packagedFunctions, packageService } from '../../local/packaged-service';
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
async function invokeArtifact(name: string, request: RequestSpec) {
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
      EVENT: JSON.stringify(apiEvent(request)),
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
    const result = await invokeArtifact(name, request);
    expect(result.statusCode).toBe(status);
    expect(result.headers['x-function-version']).toBe('3');
    if (body) expect(JSON.parse(result.body)).toEqual(body);
  });
});
