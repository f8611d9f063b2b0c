import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { type Build, buildService } from '../../ops/rehearsal/build';
import { type RehearsalSummary, rehearse } from '../../ops/rehearsal/engine';
import { planFromTemplate } from '../../ops/rehearsal/plan';

// The acceptance scenarios of the canary rehearsal, on the prod template. One build serves as both
// baseline and candidate (each still runs in its own process); the faults are the harness's.

let build: Build;
let dynamodb: EmbeddedDynamoDB;

beforeAll(async () => {
  build = await buildService('prod');
  dynamodb = await startEmbeddedDynamoDB({ stage: 'prod' });
}, 180_000);
afterAll(() => dynamodb?.close());

function rehearseProd(fault: string, rate = 50): Promise<RehearsalSummary> {
  return rehearse({
    plan: planFromTemplate(build.template, '2', 'CanaryApi'),
    template: build.template,
    builds: { baseline: build.codeDir, candidate: build.codeDir },
    environment: {
      ...process.env,
      ...build.environment,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      METRICS_ENABLED: 'false',
    },
    fault,
    speed: 60,
    rate,
  });
}

const firedAlarms = (summary: RehearsalSummary) =>
  summary.alarms
    .filter((alarm) => alarm.transitions.some((transition) => transition.to === 'ALARM'))
    .map((alarm) => alarm.name);

describe('a prod rehearsal', () => {
  it('promotes a healthy candidate with zero failed requests, in under 30 s of real time', {
    timeout: 60_000,
  }, async () => {
    const summary = await rehearseProd('none');
    expect(summary.outcome).toBe('promoted');
    expect(summary.config).toBe('CodeDeployDefault.LambdaCanary10Percent5Minutes');
    expect(summary.requests.failed).toBe(0);
    expect(summary.requests.byVersion.candidate.total).toBeGreaterThan(0);
    expect(summary.maxCandidateShare).toBe(1);
    expect(firedAlarms(summary)).toEqual([]);
    expect(summary.notSimulated).toEqual([]);
    expect(summary.realSeconds).toBeLessThan(30);
  });

  it('rolls errors=0.5 back within 60 simulated seconds through the fast alarm, baseline untouched', {
    timeout: 60_000,
  }, async () => {
    // At speed 60 a 10-second period lasts 167 ms; 200 probes/s give each function's candidate about
    // one request per period, enough for the fast alarm to judge (the README explains the trade-off).
    const summary = await rehearseProd('errors=0.5', 200);
    expect(summary.outcome).toBe('rolled_back');
    expect(summary.requests.byVersion.baseline.failed).toBe(0);
    expect(summary.requests.byVersion.candidate.failed).toBeGreaterThan(0);
    // The blast radius stays within the canary's share of the traffic.
    expect(summary.maxCandidateShare).toBe(0.1);
    expect(summary.requests.byVersion.candidate.total).toBeLessThanOrEqual(
      summary.requests.total * 0.1 * 1.5 + 5,
    );
    expect(summary.timeToRollbackSeconds).not.toBeNull();
    expect(summary.timeToRollbackSeconds).toBeLessThanOrEqual(60);
    expect(firedAlarms(summary).some((name) => name.endsWith('-fast-5xx'))).toBe(true);
  });

  it('rolls latency=2000 back by a p99 latency alarm', { timeout: 60_000 }, async () => {
    const summary = await rehearseProd('latency=2000');
    expect(summary.outcome).toBe('rolled_back');
    expect(summary.requests.failed).toBe(0);
    expect(firedAlarms(summary).some((name) => name.endsWith('-alias-p99'))).toBe(true);
  });

  it('stops crash-on-init at the pre-traffic hook: the candidate serves nobody', {
    timeout: 60_000,
  }, async () => {
    const summary = await rehearseProd('crash-on-init');
    expect(summary.outcome).toBe('hook_failed');
    expect(summary.hookFailures[0]).toMatch(/Runtime\.InitError/);
    expect(summary.requests.byVersion.candidate.total).toBe(0);
    expect(summary.maxCandidateShare).toBe(0);
  });
});

describe('npm run rehearse', () => {
  const cli = (args: string[]) =>
    spawnSync('node_modules/.bin/tsx', ['ops/cli/rehearse.ts', ...args], {
      encoding: 'utf8',
      timeout: 120_000,
    });

  it.each([
    [['--stage', 'qa'], /--stage must be dev, staging or prod/],
    [['--fault', 'errors=2'], /--fault must be none, errors=<0\.\.1>/],
    [['--speed', 'fast'], /--speed must be a number/],
    [['--baseline', 'no-such-ref'], /'no-such-ref' is not a commit/],
    [['--colour'], /Unknown option/],
  ])('exits 2 with one clear sentence for %j', (args, message) => {
    const result = cli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('builds both versions, rehearses and exits 0 with a JSON summary for a healthy candidate', {
    timeout: 120_000,
  }, () => {
    const json = join(mkdtempSync(join(tmpdir(), 'canary-api-rehearse-')), 'summary.json');
    const result = cli(['--stage', 'staging', '--speed', '120', '--json', json]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/promoted: \d+ requests, 0 failed/);
    const summary = JSON.parse(readFileSync(json, 'utf8'));
    expect(summary).toMatchObject({
      outcome: 'promoted',
      config: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
      speed: 120,
    });
    expect(Object.keys(summary.requests.byVersion)).toEqual(['baseline', 'candidate']);
  });
});
