import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackagedFunction, packagedFunctions, packageService } from '../../local/packaged-service';
import { commandsOf, fencedBlocks, runBy } from '../support/doc-commands';
import { eventually } from '../support/npm-start';
import { freePort, groupAlive, startGroup, waitFor } from '../support/processes';

// Issue 19: a newcomer adds GET /time by following docs/adding-an-endpoint.md in a scratch copy of the
// working tree, and touches only the files it names; then everything that should follow from the one
// declaration is checked: the packaged prod template and bundles, the rehearsal, the copy's tests that
// hold answers to the contract, npm start and schemathesis. Like every toolchain file, run it under the
// packaging lock (`flock /tmp/canary-api-package.lock npx vitest run …`): it packages three times.

const run = promisify(execFile);
const WALKTHROUGH = 'docs/adding-an-endpoint.md';
/** Every step is bounded: a hung build, rehearsal or server fails its step instead of the run. */
const STEP_MS = 240_000;

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

const scratch = mkdtempSync(join(tmpdir(), 'canary-api-add-endpoint-'));
const service = join(scratch, 'service');
const blocks = fencedBlocks(readFileSync(WALKTHROUGH, 'utf8'), WALKTHROUGH);
/** The walkthrough's commands, which its shell blocks say this file runs. */
const commands = blocks
  .filter((block) => block.language === 'sh' && runBy(block) === 'tests/e2e/add-endpoint.test.ts')
  .flatMap((block) => commandsOf(block).map((command) => command.text));
let written: string[];
let changed: string[];
let template: Template;
let functions: Record<string, PackagedFunction>;

/** This run's environment without its VITEST_* settings, which would steer the copy's own vitest. */
const withoutVitest = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
const sh = (command: string) =>
  run('sh', ['-c', command], { cwd: service, timeout: STEP_MS, env: withoutVitest() });
const git = (...args: string[]) =>
  execFileSync(
    'git',
    ['-C', service, '-c', 'user.name=newcomer', '-c', 'user.email=n@example.com', ...args],
    {
      encoding: 'utf8',
    },
  );

/** The working tree as a newcomer has it (tracked and new files, nothing ignored), in its own repository. */
function copyWorkingTree() {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    encoding: 'utf8',
  }).split('\0');
  for (const file of files.filter((path) => path && existsSync(path))) cpSync(file, join(service, file));
  symlinkSync(join(process.cwd(), 'node_modules'), join(service, 'node_modules'));
  git('init', '-q');
  writeFileSync(join(service, '.git/info/exclude'), 'node_modules\n');
  git('add', '-A');
  git('commit', '-q', '--no-gpg-sign', '-m', 'before GET /time');
}

/** The walkthrough's file blocks (```ts lib/time.ts), applied as it says: openapi.yaml's under `paths:`. */
function followWalkthrough(): string[] {
  const files = blocks.filter((block) => block.language !== 'sh' && block.marks.length === 1);
  for (const { marks, body } of files) {
    const target = join(service, marks[0] as string);
    if (marks[0] === 'openapi.yaml') {
      const document = readFileSync(target, 'utf8');
      const end = document.indexOf('\ncomponents:');
      writeFileSync(target, `${document.slice(0, end)}\n${body.join('\n').trimEnd()}${document.slice(end)}`);
    } else {
      writeFileSync(target, `${body.join('\n')}\n`);
    }
  }
  return files.map(({ marks }) => marks[0] as string).sort();
}

beforeAll(async () => {
  copyWorkingTree();
  written = followWalkthrough();
  // Packaging compiles openapi.yaml into lib/endpoints.json, as npm start and sls deploy would.
  const outDir = join(scratch, 'package');
  await packageService(outDir, 'prod', service);
  changed = git('status', '--porcelain', '--untracked-files=all')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3))
    .sort();
  template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  functions = packagedFunctions(outDir);
}, STEP_MS);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('adding GET /time from docs/adding-an-endpoint.md', () => {
  it('touches the handler, its domain module and openapi.yaml, plus its test; packaging compiles the fourth', () => {
    expect(commands).toEqual([
      'npm start',
      'curl -i localhost:3000/time',
      'curl -i -X POST localhost:3000/time',
      'npm run rehearse',
    ]);
    expect(written).toEqual([
      'functions/time.ts',
      'lib/time.ts',
      'openapi.yaml',
      'tests/unit/lib/time.test.ts',
    ]);
    expect(changed).toEqual([...written, 'lib/endpoints.json'].sort());
    const byHand = changed.filter((file) => !file.startsWith('tests/') && file !== 'lib/endpoints.json');
    expect(byHand).toHaveLength(3);
    expect(readFileSync(WALKTHROUGH, 'utf8')).toMatch(/3 you write, plus its tests/);
  });

  it('compiles the route and the smoke check into lib/endpoints.json', () => {
    const endpoints = JSON.parse(readFileSync(join(service, 'lib/endpoints.json'), 'utf8'));
    expect(endpoints.routes['/time']).toEqual(['GET']);
    expect(endpoints.examples.time).toEqual([
      {
        name: 'GET /time is in UTC',
        request: { method: 'GET', resource: '/time' },
        status: 200,
        body: { zone: 'UTC' },
      },
    ]);
  });

  it('packages prod with every piece for time that hello has: function, events, alias, alarms, permissions', () => {
    const resources = template.Resources;
    const helloIds = Object.keys(resources).filter(
      (id) => id.includes('Hello') && !id.includes('LambdaVersion'),
    );
    expect(helloIds.length).toBeGreaterThanOrEqual(10);
    expect(helloIds.map((id) => id.replaceAll('Hello', 'Time')).filter((id) => !(id in resources))).toEqual(
      [],
    );
    expect(resources.TimeLambdaFunction?.Properties?.Handler).toBe('functions/time.handler');
    // The GET reaches time through its alias; any other method the fallback's, which answers 405.
    expect(JSON.stringify(resources.ApiGatewayMethodTimeGet)).toContain('TimeLambdaFunctionAliaslive');
    expect(JSON.stringify(resources.ApiGatewayMethodTimeAny)).toContain('FallbackLambdaFunctionAliaslive');
  });

  it('names time wherever the template names hello: roles, the dashboard, the hooks’ and CodeDeploy’s grants', () => {
    const pairs = [
      ['HelloLambdaFunction', 'TimeLambdaFunction'],
      ['HelloLogGroup', 'TimeLogGroup'],
      ['canary-api-prod-hello', 'canary-api-prod-time'],
    ];
    const lacking = Object.entries(template.Resources)
      .filter(([id]) => !id.includes('Hello'))
      .flatMap(([id, resource]) => {
        const text = JSON.stringify(resource);
        return pairs
          .filter(([hello = '', time = '']) => text.includes(hello) && !text.includes(time))
          .map(([, time]) => `${id} lacks ${time}`);
      });
    expect(lacking).toEqual([]);
  });

  it('gives the bundles the route (the 405 table) and the check (hooks, Synthetics canary)', () => {
    const text = (key: string) => new TextDecoder().decode(Object.values(functions[key]?.files ?? {})[0]);
    expect(Object.keys(functions)).toContain('time');
    expect(text('fallback')).toContain('"/time":["GET"]');
    for (const hook of ['preTraffic', 'postTraffic']) expect(text(hook)).toContain('GET /time is in UTC');
    const canary = Object.values(template.Resources).find(({ Type }) => Type === 'AWS::Synthetics::Canary');
    expect(JSON.stringify(canary?.Properties?.Code)).toContain('GET /time is in UTC');
  });

  it(
    'is rehearsed: its first deploy shifts nothing (HEAD lacks it), the next goes through its canary',
    async () => {
      const rehearse = async (name: string, options = '') => {
        const file = join(scratch, `${name}.json`);
        // The walkthrough's `npm run rehearse` of prod, at 5 requests/s rather than prod's 50, to be short.
        const { stdout } = await sh(
          `npm run rehearse -- ${options} --traffic 5 --json ${file} --report ${join(scratch, `${name}.html`)}`,
        );
        return { stdout, summary: JSON.parse(readFileSync(file, 'utf8')) };
      };
      const keys = (summary: { functions: { key: string }[] }) => summary.functions.map((fn) => fn.key);

      // On AWS a new function's alias is created at its first version: there is no deployment to rehearse.
      const first = await rehearse('first-deploy');
      expect(first.stdout).toContain('time is new: its first deploy creates its alias at the new version');
      expect(keys(first.summary)).not.toContain('time');
      expect(first.summary.outcome).toBe('promoted');

      // Once committed, the next release of it shifts through its canary like every other function's.
      git('add', '-A');
      git('commit', '-q', '--no-gpg-sign', '-m', 'GET /time');
      const next = await rehearse('next-deploy', '--baseline HEAD');
      const time = next.summary.functions.find((fn: { key: string }) => fn.key === 'time');
      expect(time).toMatchObject({ outcome: 'promoted', requests: { candidate: { failed: 0 } } });
      expect(time.requests.candidate.total).toBeGreaterThan(0);
      // Its pre-traffic smoke check ran against the candidate, as the hook runs it.
      expect(next.summary.events.map((event: { message: string }) => event.message)).toContain(
        'time: BeforeAllowTraffic, smoke checks against the candidate version',
      );
      expect(next.summary.hookFailures).toEqual([]);
    },
    2 * STEP_MS,
  );

  it(
    'is exercised by the smoke-check, route and contract tests of the copy',
    async () => {
      const report = join(scratch, 'vitest.json');
      const tests = [
        'tests/integration/smoke-checks.test.ts',
        'tests/infra/routes.test.ts',
        'tests/unit/lib/time.test.ts',
      ];
      await sh(`npx vitest run --project code ${tests.join(' ')} --reporter=json --outputFile=${report}`);
      const passed = JSON.parse(readFileSync(report, 'utf8'))
        .testResults.flatMap((file: { assertionResults: object[] }) => file.assertionResults)
        .filter((test: { status: string }) => test.status === 'passed')
        .map((test: { fullName: string }) => test.fullName);
      expect(passed).toContainEqual(
        expect.stringMatching(/^the time smoke checks .*: GET \/time is in UTC$/),
      );
      expect(passed).toContainEqual(expect.stringMatching(/^currentTime /));
      expect(passed).toContainEqual(
        expect.stringMatching(/^the routes in lib\/endpoints.json are what openapi/),
      );
    },
    STEP_MS,
  );
});

const schemathesis = spawnSync('st', ['--version']).status === 0;
if (!schemathesis)
  console.warn('Skipping schemathesis on /time: it is not installed (pip install -r requirements-ci.txt).');

describe('GET /time under the copy’s npm start', () => {
  let port: number;
  let api: ReturnType<typeof startGroup>;
  beforeAll(async () => {
    port = await freePort();
    // `npm start` in the copy, on free ports.
    api = startGroup('sh', ['-c', 'cd "$0" && exec npm start --silent', service], {
      PORT: String(port),
      DYNAMODB_PORT: String(await freePort()),
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, api.child, api.output);
  }, STEP_MS);
  afterAll(async () => {
    const pid = api?.child.pid;
    if (pid === undefined || !groupAlive(pid)) return;
    process.kill(-pid, 'SIGINT');
    if (!(await eventually(() => !groupAlive(pid), 20_000))) process.kill(-pid, 'SIGKILL');
  });

  it('answers the walkthrough’s two requests: 200 in UTC, and 405 with allow: GET', async () => {
    const [get, post] = await Promise.all(
      commands
        .filter((command) => command.startsWith('curl'))
        .map((command) => sh(command.replaceAll('localhost:3000', `127.0.0.1:${port}`))),
    );
    expect(get?.stdout).toMatch(/^HTTP\/1.1 200 [\s\S]*\{"zone":"UTC","time":"\d{4}-\d\d-\d\dT[\d:.]+Z"\}$/);
    expect(post?.stdout).toMatch(/^HTTP\/1.1 405 [\s\S]*^allow: GET\r$/m);
  });

  it.runIf(schemathesis)(
    'passes schemathesis on /time, every check',
    () => {
      const result = spawnSync(
        'st',
        // As tests/e2e/schemathesis.test.ts runs it: the same cases every run, one worker.
        [
          'run',
          'openapi.yaml',
          `--url=http://127.0.0.1:${port}`,
          '--include-path=/time',
          '--checks=all',
          '--seed=1',
          '--workers=1',
          '--no-color',
        ],
        { cwd: service, encoding: 'utf8', timeout: STEP_MS },
      );
      expect(result.status, result.stdout).toBe(0);
      expect(result.stdout).toMatch(/Selected: 1\//);
      expect(Number(/(\d+) generated/.exec(result.stdout)?.[1] ?? 0)).toBeGreaterThan(0);
    },
    STEP_MS,
  );
});
