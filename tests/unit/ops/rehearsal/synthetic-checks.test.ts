import { describe, expect, it } from 'vitest';
import type { Calibration, Version } from '../../../../ops/rehearsal/calibration';
import { MetricStore } from '../../../../ops/rehearsal/cloudwatch';
import type { Fault } from '../../../../ops/rehearsal/fault';
import type { RehearsedFunction } from '../../../../ops/rehearsal/plan';
import { Random } from '../../../../ops/rehearsal/random';
import { failedChecks, type TallySink } from '../../../../ops/rehearsal/synthetic-checks';
import { TrafficSimulator } from '../../../../ops/rehearsal/traffic';
import { TEST_NAMESPACE, testCalibration, testPlan } from '../../../support/rehearsal-plan';

// A single-request check tolerates a transient 5xx: it is retried 1 s, then 2 s later, and fails on
// 5xx only when all 3 attempts answer one; a wrong answer that is not a 5xx fails at once. Routes are
// fixed here, so whether an attempt fails depends on the version it reaches, not on chance.

const plan = testPlan();
const hello = plan.functions[0] as RehearsedFunction;

interface Attempt {
  version: Version;
  at: number;
  failed: number;
}

function checkHello(
  route: (attempt: number) => Version,
  options: { fault?: Fault; noiseShare?: number; calibration?: Calibration } = {},
) {
  const calibration = options.calibration ?? testCalibration();
  const traffic = new TrafficSimulator({
    plan,
    calibration,
    fault: options.fault ?? { kind: 'errors', share: 1 },
    random: new Random(1),
    store: new MetricStore(),
    metricsNamespace: TEST_NAMESPACE,
    nominalLatencyMs: 20,
    noiseShare: options.noiseShare ?? 0,
    startMs: 0,
  });
  const attempts: Attempt[] = [];
  const sink: TallySink = {
    add: (_fn, version, tally, _counts, at) =>
      attempts.push({ version, at: at as number, failed: tally.failed }),
  };
  let routed = 0;
  const failures = failedChecks(traffic, calibration, [hello], () => route(routed++), 60_000, sink);
  return { failures, attempts };
}

describe('a smoke check through the alias', () => {
  it('fails when all 3 attempts answer 5xx, sent 1 s and then 2 s apart, each one a request', () => {
    const { failures, attempts } = checkHello(() => 'candidate');
    expect(failures).toEqual([
      'GET /x answers: 5xx on 3 of 3 attempts (from candidate, candidate, candidate)',
    ]);
    expect(attempts).toEqual([
      { version: 'candidate', at: 60_000, failed: 1 },
      { version: 'candidate', at: 61_000, failed: 1 },
      { version: 'candidate', at: 63_000, failed: 1 },
    ]);
  });

  it('passes when a retry answers right: one transient 5xx is not a failure', () => {
    // The first attempt reaches the broken candidate, the retry the baseline.
    const { failures, attempts } = checkHello((attempt) => (attempt === 0 ? 'candidate' : 'baseline'));
    expect(failures).toEqual([]);
    expect(attempts.map(({ version, failed }) => [version, failed])).toEqual([
      ['candidate', 1],
      ['baseline', 0],
    ]);
  });

  it('passes at the third attempt, and stops there', () => {
    const { failures, attempts } = checkHello((attempt) => (attempt < 2 ? 'candidate' : 'baseline'));
    expect(failures).toEqual([]);
    expect(attempts).toHaveLength(3);
  });

  it('fails at once, without a retry, on a wrong answer that is not a 5xx', () => {
    const calibration = testCalibration();
    const candidate = calibration.behaviour.candidate.hello;
    if (candidate)
      candidate.checks = [{ name: 'GET /x answers', failure: 'GET /x answers: status 404, expected 200' }];
    const { failures, attempts } = checkHello(() => 'candidate', { fault: { kind: 'none' }, calibration });
    expect(failures).toEqual(['GET /x answers: status 404, expected 200']);
    expect(attempts).toHaveLength(1);
  });

  it('says so when a wrong answer came after a 5xx', () => {
    const calibration = testCalibration();
    const baseline = calibration.behaviour.baseline.hello;
    if (baseline)
      baseline.checks = [{ name: 'GET /x answers', failure: 'GET /x answers: status 404, expected 200' }];
    const { failures } = checkHello((attempt) => (attempt === 0 ? 'candidate' : 'baseline'), { calibration });
    expect(failures).toEqual([
      'GET /x answers: status 404, expected 200 (attempt 2 of 3, after 5xx from candidate)',
    ]);
  });

  it('fails a version that crashes after 3 attempts: through the alias a crash is a 502, a 5xx like any other', () => {
    const calibration = testCalibration();
    const candidate = calibration.behaviour.candidate.hello;
    if (candidate) {
      candidate.statuses = [502];
      candidate.checks = [
        { name: 'GET /x answers', failure: 'GET /x answers: no x-function-version header' },
      ];
    }
    const { failures, attempts } = checkHello(() => 'candidate', { fault: { kind: 'none' }, calibration });
    expect(failures).toEqual([
      'GET /x answers: 5xx on 3 of 3 attempts (from candidate, candidate, candidate)',
    ]);
    expect(attempts).toHaveLength(3);
  });

  it('meets noise on either version: a throttle both share fails the baseline’s checks too', () => {
    const noisy = checkHello(() => 'baseline', { fault: { kind: 'none' }, noiseShare: 1 });
    expect(noisy.failures).toEqual([
      'GET /x answers: 5xx on 3 of 3 attempts (from baseline, baseline, baseline)',
    ]);
    expect(checkHello(() => 'baseline', { fault: { kind: 'none' } }).failures).toEqual([]);
  });
});
