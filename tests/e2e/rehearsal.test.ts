import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { type Build, buildService } from '../../ops/rehearsal/build';
import { simulate } from '../../ops/rehearsal/engine';
import { expectedTraffic } from '../../ops/rehearsal/expected-traffic';
import { type Fault, parseFault } from '../../ops/rehearsal/fault';
import { measureBuilds } from '../../ops/rehearsal/measure-builds';
import type { RehearsalSummary } from '../../ops/rehearsal/summary';
import { oracle } from '../support/rehearsal-oracle';

// The rehearsal of prod with the real packaged template and bundles: one build serves as baseline and
// candidate (each in its own process); the faults are the harness's. Nothing here depends on the
// machine's speed: the deployment runs on simulated time. Checked on 2026-11-24 by running this file
// 20 times in a row while two `node -e 'for(;;){}'` processes kept both cores busy: 20 of 20 passed,
// with identical summaries.

let build: Build;
let dynamodb: EmbeddedDynamoDB;
const traffic = expectedTraffic('prod');

beforeAll(async () => {
  build = await buildService('prod');
  dynamodb = await startEmbeddedDynamoDB({ stage: 'prod' });
}, 180_000);
afterAll(() => dynamodb?.close());

async function rehearseProd(
  faultText: string,
  seed = 1,
  trafficPerSecond = traffic,
): Promise<RehearsalSummary> {
  const fault = parseFault(faultText) as Fault;
  const { plan, calibration, metricsNamespace } = await measureBuilds(
    { baseline: build, candidate: build },
    fault,
    dynamodb.endpoint,
  );
  return simulate(plan, calibration, { trafficPerSecond, fault, seed, metricsNamespace });
}

const fired = (summary: RehearsalSummary) =>
  summary.alarms
    .filter((alarm) => alarm.transitions.some((transition) => transition.to === 'ALARM'))
    .map((alarm) => alarm.name);

describe('a prod rehearsal', () => {
  it('promotes a healthy candidate with zero failed requests, judging it with every alarm of the template', async () => {
    const summary = await rehearseProd('none');
    expect([summary.outcome, summary.stack]).toEqual(['promoted', 'UPDATE_COMPLETE']);
    expect(summary.config).toBe('CodeDeployDefault.LambdaCanary10Percent5Minutes');
    expect(summary.requests.failed).toBe(0);
    expect(summary.requests.byVersion.candidate.total).toBeGreaterThan(0);
    expect(summary.maxCandidateShare).toBe(1);
    expect(fired(summary)).toEqual([]);
    expect(summary.notSimulated).toEqual([]);
    expect(summary.functions.map((fn) => fn.outcome)).toEqual(Array(5).fill('promoted'));
  });

  it(`rolls errors=0.5 back within 45 simulated seconds at prod's expected ${traffic} requests/s, baseline untouched`, async () => {
    const summary = await rehearseProd('errors=0.5');
    expect([summary.outcome, summary.stack]).toEqual(['rolled_back', 'UPDATE_ROLLBACK_COMPLETE']);
    expect(summary.requests.byVersion.baseline.failed).toBe(0);
    expect(summary.maxCandidateShare).toBe(0.1);
    expect(summary.timeToRollbackSeconds).not.toBeNull();
    expect(summary.timeToRollbackSeconds).toBeLessThanOrEqual(45);
    expect(fired(summary).some((name) => name.endsWith('-fast-5xx'))).toBe(true);
  });

  it('rolls latency=2000 back by a p99 latency alarm, no request failing', async () => {
    const summary = await rehearseProd('latency=2000');
    expect(summary.outcome).toBe('rolled_back');
    expect(summary.requests.failed).toBe(0);
    expect(fired(summary).some((name) => name.endsWith('-alias-p99'))).toBe(true);
  });

  it('stops crash-on-init at the pre-traffic hook: the candidate serves nobody', async () => {
    const summary = await rehearseProd('crash-on-init');
    expect(summary.outcome).toBe('hook_failed');
    expect(summary.hookFailures[0]).toMatch(/Runtime\.InitError/);
    expect(summary.requests.byVersion.candidate.total).toBe(0);
    expect(summary.maxCandidateShare).toBe(0);
  });

  it('gives the same summary for the same seed, from fresh measurements of the builds', async () => {
    const withoutMeasurements = ({ measured: _, ...summary }: RehearsalSummary) => summary;
    const [first, second] = [await rehearseProd('errors=0.2', 3), await rehearseProd('errors=0.2', 3)];
    expect(withoutMeasurements(first as RehearsalSummary)).toEqual(
      withoutMeasurements(second as RehearsalSummary),
    );
  });
});

describe('the rehearsal against an independent model of the alarms (tests/support/rehearsal-oracle)', () => {
  const SEEDS = 21;
  it.each([0.5, 0.2, 0.05])(
    'agrees on prod’s time to rollback for errors=%s at 1, 10, 100 and 1000 requests/s',
    async (share) => {
      const fault: Fault = { kind: 'errors', share };
      const { plan, calibration, metricsNamespace } = await measureBuilds(
        { baseline: build, candidate: build },
        fault,
        dynamodb.endpoint,
      );
      for (const trafficPerSecond of [1, 10, 100, 1000]) {
        const expected = oracle(trafficPerSecond, share);
        const runs = Array.from({ length: SEEDS }, (_, seed) =>
          simulate(plan, calibration, { trafficPerSecond, fault, seed: seed + 1, metricsNamespace }),
        );
        const caught = runs.filter((run) => run.outcome === 'rolled_back' && run.maxCandidateShare < 1);
        const times = caught.map((run) => run.timeToRollbackSeconds as number).sort((a, b) => a - b);
        const cell = `errors=${share} at ${trafficPerSecond}/s`;
        expect(Math.abs(caught.length / SEEDS - expected.caught), cell).toBeLessThanOrEqual(0.25);
        if (times.length === 0) continue;
        const median = times[Math.floor(times.length / 2)] as number;
        expect(median, `${cell}: oracle ${JSON.stringify(expected)}`).toBeGreaterThanOrEqual(
          expected.p5 as number,
        );
        expect(median, `${cell}: oracle ${JSON.stringify(expected)}`).toBeLessThanOrEqual(
          expected.p95 as number,
        );
      }
    },
  );
});

describe('npm run rehearse', () => {
  const cli = (args: string[]) =>
    spawnSync('node_modules/.bin/tsx', ['ops/cli/rehearse.ts', ...args], {
      encoding: 'utf8',
      timeout: 120_000,
    });

  it.each([
    [['--speed', '60'], /--speed and --rate are gone: .* --traffic <requests\/s> and --seed/],
    [['--stage', 'Q A'], /--stage must be a stage name/],
    [['--fault', 'errors=2'], /--fault must be none, errors=<0\.\.1>/],
    [['--traffic', 'lots'], /--traffic must be 0 to 10000 requests per second/],
    [['--baseline', 'no-such-ref'], /'no-such-ref' is not a commit/],
    [['--colour'], /Unknown option/],
  ])('exits 2 with one clear sentence for %j', (args, message) => {
    const result = cli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('builds both versions, rehearses staging with its envelope, and exits 0 with a JSON summary', {
    timeout: 120_000,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'canary-api-rehearse-'));
    // What a pull request's job summary already holds: the verdict is appended to it.
    writeFileSync(join(dir, 'step-summary.md'), '# earlier step\n');
    const result = cli([
      '--stage',
      'staging',
      '--envelope',
      '--json',
      join(dir, 'summary.json'),
      '--report',
      join(dir, 'report.html'),
      '--markdown',
      join(dir, 'step-summary.md'),
    ]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/promoted: \d+ requests at 5\/s, 0 failed/);
    expect(result.stdout).toMatch(/fault \\ requests\/s +0\.1 +1 +10 +100 +1000/);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      outcome: 'promoted',
      config: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
      trafficPerSecond: 5,
    });
    expect(summary.envelope).toHaveLength(35);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Detection envelope');
    expect(readFileSync(join(dir, 'step-summary.md'), 'utf8')).toMatch(
      /^# earlier step\n## Rehearsal of staging: ✅ promoted/,
    );
  });
});
