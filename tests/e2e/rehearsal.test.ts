import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { type Build, buildService, sourceKey } from '../../ops/rehearsal/build';
import { defaultAssumptions, simulate } from '../../ops/rehearsal/engine';
import type { EnvelopeCell } from '../../ops/rehearsal/envelope';
import { expectedTraffic } from '../../ops/rehearsal/expected-traffic';
import { type Fault, parseFault } from '../../ops/rehearsal/fault';
import { measureBuilds } from '../../ops/rehearsal/measure-builds';
import { Random } from '../../ops/rehearsal/random';
import type { RehearsalSummary } from '../../ops/rehearsal/summary';
import { deploy, secondsToRollback } from '../support/judge-oracle';

// The rehearsal of prod with the real packaged template and bundles: one build serves as baseline and
// candidate (each in its own process); the faults are the harness's. Nothing here depends on the
// machine's speed: the deployment runs on simulated time, and the timeouts only bound the builds and
// the envelope's wall time.

let build: Build;
let dynamodb: EmbeddedDynamoDB;
const traffic = expectedTraffic('prod');

beforeAll(async () => {
  build = await buildService('prod');
  dynamodb = await startEmbeddedDynamoDB({ stage: 'prod' });
}, 180_000);
afterAll(() => dynamodb?.close());

describe('the build cache (REHEARSE_BUILD_CACHE)', () => {
  it('packages the same sources once, and keys them by stage and commit', { timeout: 180_000 }, async () => {
    const cache = mkdtempSync(join(tmpdir(), 'canary-api-build-cache-'));
    onTestFinished(() => rmSync(cache, { recursive: true, force: true }));
    const first = await buildService('prod', 'HEAD', cache);
    const again = await buildService('prod', 'HEAD', cache);
    expect(again).toEqual(first);
    expect(readdirSync(cache)).toEqual([sourceKey('prod', 'HEAD')]);
    expect(readdirSync(join(first.codeDir, 'functions')).sort()).toEqual(
      readdirSync(join(build.codeDir, 'functions')).sort(),
    );
    expect(sourceKey('staging', 'HEAD')).not.toBe(sourceKey('prod', 'HEAD'));
    expect(sourceKey('prod')).not.toBe(sourceKey('prod', 'HEAD'));
  });
});

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
    // The judge's verdict is what rolls it back: no other alarm is watched by a deployment group.
    expect(fired(summary).length).toBeGreaterThan(0);
    expect(fired(summary).every((name) => name.endsWith('-judge'))).toBe(true);
    const rolledBack = summary.functions.find((fn) => fn.outcome === 'rolled_back');
    expect(rolledBack?.reason).toBe(`canary-api-prod-${rolledBack?.key}-judge in ALARM`);
    expect(summary.events.map((event) => event.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^${rolledBack?.key}: the judge finds the candidate worse \\(5xx: `)),
    );
  });

  it('rolls latency=2000 back by the judge’s latency rule, no request failing', async () => {
    // A candidate p99 over 1,000 ms and twice the baseline's in 2 of the last 3 complete minutes, from
    // Lambda's per-minute Duration by version, readable a minute late: minutes, not seconds, but still
    // during the 10 % canary.
    const summary = await rehearseProd('latency=2000');
    expect(summary.outcome).toBe('rolled_back');
    expect(summary.requests.failed).toBe(0);
    expect(summary.timeToRollbackSeconds).toBeGreaterThan(60);
    expect(fired(summary).every((name) => name.endsWith('-judge'))).toBe(true);
    expect(summary.events.map((event) => event.message)).toContainEqual(
      expect.stringMatching(
        /: the judge finds the candidate worse \(latency: candidate p99 2020 ms against baseline 20 ms in 2 of the last [23] minutes\)$/,
      ),
    );
    expect(summary.maxCandidateShare).toBe(0.1);
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

/**
 * The rehearsal against tests/support/judge-oracle, a Monte Carlo of prod's deployment that shares
 * nothing with the engine but the judge's verdict: how often each bad release is rolled back by the
 * judge, and how fast. The oracle's baseline counts include the pre-traffic hook's seconds, as the
 * judge's do (it counts from the deployment's start); its time to rollback adds a flat 15 s for the
 * alarm and CodeDeploy where the rehearsal models both (7-16 s), so the rehearsal's times run a few
 * seconds shorter and are only required to lie inside the oracle's 5-95 % band.
 */
describe('the rehearsal against an independent model of the judge (tests/support/judge-oracle)', () => {
  const SEEDS = 100;
  const ORACLE_RUNS = 200;
  /** Both sides' rolled-back shares differ by chance: with 100 seeds and 200 runs, 0.15 is about 2.5σ. */
  const SHARE_TOLERANCE = 0.15;
  const quantile = (sorted: readonly number[], q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;

  it.each([0.5, 0.2, 0.05])(
    'agrees on prod’s rollbacks and time to rollback for errors=%s at 1, 10, 100 and 1000 requests/s',
    { timeout: 600_000 },
    async (share) => {
      const fault: Fault = { kind: 'errors', share };
      const { plan, calibration, metricsNamespace } = await measureBuilds(
        { baseline: build, candidate: build },
        fault,
        dynamodb.endpoint,
      );
      const { hookSeconds } = defaultAssumptions(metricsNamespace);
      for (const trafficPerSecond of [1, 10, 100, 1000]) {
        const runs = Array.from({ length: SEEDS }, (_, seed) =>
          simulate(plan, calibration, { trafficPerSecond, fault, seed: seed + 1, metricsNamespace }),
        );
        // What the oracle models: the judge's alarm rolling the release back, not a hook.
        const byJudge = runs.filter((run) =>
          run.functions.some(
            (fn) => fn.outcome === 'rolled_back' && /-judge in ALARM$/.test(fn.reason ?? ''),
          ),
        );
        const times = byJudge.map((run) => run.timeToRollbackSeconds as number).sort((a, b) => a - b);
        const random = new Random(trafficPerSecond);
        const oracleTimes: number[] = [];
        for (let run = 0; run < ORACLE_RUNS; run++) {
          const caught = deploy(random, trafficPerSecond, 0, share, hookSeconds);
          if (caught) oracleTimes.push(secondsToRollback(caught));
        }
        oracleTimes.sort((a, b) => a - b);
        const cell = {
          cell: `errors=${share} at ${trafficPerSecond}/s`,
          rehearsal: { share: byJudge.length / SEEDS, median: times.length ? quantile(times, 0.5) : null },
          oracle: {
            share: oracleTimes.length / ORACLE_RUNS,
            p5: oracleTimes.length ? quantile(oracleTimes, 0.05) : null,
            p95: oracleTimes.length ? quantile(oracleTimes, 0.95) : null,
          },
        };
        const text = JSON.stringify(cell);
        expect(Math.abs(cell.rehearsal.share - cell.oracle.share), text).toBeLessThanOrEqual(SHARE_TOLERANCE);
        // A band needs rollbacks on both sides; at 1 request/s errors=0.05 is caught in a few % of runs.
        if (times.length < 5 || oracleTimes.length < 5) continue;
        expect(cell.rehearsal.median, text).toBeGreaterThanOrEqual(cell.oracle.p5 as number);
        expect(cell.rehearsal.median, text).toBeLessThanOrEqual(cell.oracle.p95 as number);
      }
    },
  );
});

describe('npm run rehearse', () => {
  const cli = (args: string[]) =>
    spawnSync('node_modules/.bin/tsx', ['ops/cli/rehearse.ts', ...args], {
      encoding: 'utf8',
      timeout: 880_000,
    });

  it.concurrent.each([
    [['--speed', '60'], /--speed and --rate are gone: .* --traffic <requests\/s> and --seed/],
    [['--stage', 'Q A'], /--stage must be a stage name/],
    [['--fault', 'errors=2'], /--fault must be none, errors=<0\.\.1>/],
    [['--traffic', 'lots'], /--traffic must be 0 to 10000 requests per second/],
    [['--noise', '2'], /--noise must be a share from 0 to 1 of requests both versions answer 5xx, not '2'\./],
    [['--envelope-runs', '0'], /--envelope-runs must be a whole number of runs per cell from 1 to 10000/],
    [['--baseline', 'no-such-ref'], /'no-such-ref' is not a commit/],
    [['--colour'], /Unknown option/],
  ])('exits 2 with one clear sentence for %j', async (args, message) => {
    // Side by side: each only parses its arguments, and the file waits for none of them in turn.
    const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      execFile('node_modules/.bin/tsx', ['ops/cli/rehearse.ts', ...args], (error, _, stderr) =>
        resolve({ status: error ? Number(error.code) : 0, stderr }),
      );
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  // The envelope's 52 cells, 20 seeded rehearsals each here (200 by default), over worker threads. Its
  // figures do not depend on how long it takes.
  it('builds both versions, rehearses staging with its envelope, and exits 0 with a JSON summary', {
    timeout: 900_000,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'canary-api-rehearse-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // What a pull request's job summary already holds: the verdict is appended to it.
    writeFileSync(join(dir, 'step-summary.md'), '# earlier step\n');
    const result = cli([
      '--stage',
      'staging',
      '--envelope',
      '--envelope-runs',
      '20',
      '--json',
      join(dir, 'summary.json'),
      '--report',
      join(dir, 'report.html'),
      '--markdown',
      join(dir, 'step-summary.md'),
    ]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '✅ promoted: every group finished and no alarm stopped it; no request failed',
    );
    expect(result.stdout).toMatch(/promoted: \d+ requests at 5\/s, 0 failed/);
    expect(result.stdout).toMatch(/^ +candidate \\ requests\/s +1 +10 +100 +1000$/m);
    expect(result.stdout).toMatch(/^ +baseline outage, noise 0\.05 +\d/m);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      outcome: 'promoted',
      config: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
      trafficPerSecond: 5,
    });
    // What a pull request's artifact compared: the stage, HEAD as the baseline, the working tree built.
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
    expect(summary.stage).toBe('staging');
    expect(summary.baseline).toMatchObject({ ref: 'HEAD', commit: head });
    expect(summary.candidate.ref).toBe('working tree');
    expect(summary.envelope).toHaveLength(52);
    expect(summary.envelope.every((cell: EnvelopeCell) => cell.runs === 20)).toBe(true);
    expect(Object.keys(summary.envelope[0]).sort()).toEqual(
      [
        'errorShare',
        'medianFailedRequests',
        'medianSecondsToRollback',
        'noiseShare',
        'p95SecondsToRollback',
        'promoted',
        'rolledBack',
        'runs',
        'trafficPerSecond',
      ].sort(),
    );
    // A release failing half its requests is rolled back at every traffic, even at 1 request/s.
    for (const cell of summary.envelope.filter((one: EnvelopeCell) => one.errorShare === 0.5))
      expect(cell.rolledBack, JSON.stringify(cell)).toBe(cell.runs);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Detection envelope');
    expect(readFileSync(join(dir, 'step-summary.md'), 'utf8')).toMatch(
      /^# earlier step\n## Rehearsal of staging: ✅ promoted: every group finished and no alarm stopped it; no request failed\n/,
    );
  });
});
