import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../tools/embedded-dynamodb';
import { apiEvent, type RequestSpec } from '../support/fixtures';

const run = promisify(execFile);

interface LambdaFunction {
  Type: string;
  Properties: {
    Handler: string;
    Runtime: string;
    Architectures: string[];
    Environment: { Variables: Record<string, string> };
    Code: { S3Key: string };
    FunctionName: string;
  };
}

let outDir: string;
let dynamodb: EmbeddedDynamoDB;
let functions: Record<string, LambdaFunction['Properties']>;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'canary-api-package-'));
  // What an earlier build with another output format or a renamed handler leaves behind.
  mkdirSync('.esbuild/.build/functions', { recursive: true });
  writeFileSync('.esbuild/.build/functions/hello.mjs', 'stale');
  await run('node_modules/.bin/sls', ['package', '--stage', 'dev', '--package', outDir], {
    timeout: 120_000,
  });
  const template = JSON.parse(
    readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
  const resources = Object.values(template.Resources) as LambdaFunction[];
  functions = Object.fromEntries(
    resources
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map(({ Properties }) => [basename(Properties.Code.S3Key, '.zip'), Properties]),
  );
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
  for (const [path, bytes] of Object.entries(unzipSync(readFileSync(join(outDir, `${name}.zip`))))) {
    mkdirSync(join(codeDir, dirname(path)), { recursive: true });
    if (!path.endsWith('/')) writeFileSync(join(codeDir, path), bytes);
  }
  const { stdout } = await run(process.execPath, ['tests/support/lambda-runner.cjs', codeDir, fn.Handler], {
    cwd: process.cwd(),
    // Only what Lambda would set: the template's variables, the region, the role's credentials.
    env: {
      PATH: process.env.PATH,
      ...fn.Environment.Variables,
      AWS_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: fn.FunctionName,
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
    expect(Object.keys(functions).sort()).toEqual(['echo', 'fallback', 'health', 'hello', 'hits']);
    for (const [name, fn] of Object.entries(functions)) {
      expect(fn.Runtime).toMatch(/^nodejs(22|24)\.x$/);
      expect(fn.Architectures).toEqual(['arm64']);
      const files = Object.keys(unzipSync(readFileSync(join(outDir, `${name}.zip`)))).filter(
        (path) => !path.endsWith('/'),
      );
      expect(files).toEqual([`functions/${name}.cjs`]);
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
