import { describe, expect, it } from 'vitest';
import type { Calibration } from '../../../../ops/rehearsal/calibration';
import { MetricStore } from '../../../../ops/rehearsal/cloudwatch';
import type { Fault } from '../../../../ops/rehearsal/fault';
import type { RehearsedFunction } from '../../../../ops/rehearsal/plan';
import { Random } from '../../../../ops/rehearsal/random';
import { addTally, emptyTally, type Tally, TrafficSimulator } from '../../../../ops/rehearsal/traffic';
import { TEST_NAMESPACE, testCalibration, testPlan } from '../../../support/rehearsal-plan';

// Counts per period drawn as a multinomial of the calibrated statuses, then noise and the fault: each
// test serves many seeded periods and compares the shares with what each request's own draw would give.

const plan = testPlan();
const hello = plan.functions[0] as RehearsedFunction;
const PERIODS = 2_000;
const PER_PERIOD = 50;

function simulator(
  overrides: { fault?: Fault; noiseShare?: number; statuses?: number[]; startMs?: number } = {},
) {
  const calibration: Calibration = testCalibration();
  if (overrides.statuses) {
    for (const version of ['baseline', 'candidate'] as const) {
      const behaviour = calibration.behaviour[version].hello;
      if (behaviour) behaviour.statuses = overrides.statuses;
    }
  }
  const store = new MetricStore();
  const traffic = new TrafficSimulator({
    plan,
    calibration,
    fault: overrides.fault ?? { kind: 'none' },
    random: new Random(1),
    store,
    metricsNamespace: TEST_NAMESPACE,
    nominalLatencyMs: 20,
    noiseShare: overrides.noiseShare ?? 0,
    startMs: overrides.startMs ?? 0,
  });
  return { traffic, store };
}

/** PERIODS periods of PER_PERIOD requests, each checked to count every request once. */
function servePeriods(traffic: TrafficSimulator, version: 'baseline' | 'candidate'): Tally {
  const total = emptyTally();
  for (let period = 0; period < PERIODS; period++) {
    const tally = traffic.serve(hello, version, PER_PERIOD, period * 1000);
    expect(tally.total).toBe(PER_PERIOD);
    expect(tally.failed + tally.rejected).toBeLessThanOrEqual(PER_PERIOD);
    expect([...tally.durations.values()].reduce((sum, count) => sum + count, 0)).toBe(PER_PERIOD);
    addTally(total, tally);
  }
  return total;
}

const share = (part: number, tally: Tally) => part / tally.total;

describe('the traffic of a period', () => {
  it('splits its requests over the calibrated statuses in their shares, every request counted once', () => {
    const { traffic } = simulator({ statuses: [200, 200, 200, 404] });
    const total = servePeriods(traffic, 'baseline');
    expect(total.total).toBe(PERIODS * PER_PERIOD);
    expect(share(total.rejected, total)).toBeCloseTo(0.25, 2);
    expect(total.failed).toBe(0);
  });

  it('fails the fault’s share of the candidate’s answers, and none of the baseline’s', () => {
    const { traffic } = simulator({ fault: { kind: 'errors', share: 0.2 } });
    const candidate = servePeriods(traffic, 'candidate');
    expect(share(candidate.failed, candidate)).toBeCloseTo(0.2, 2);
    expect(candidate.affected).toBe(candidate.failed);
    expect(servePeriods(traffic, 'baseline').failed).toBe(0);
  });

  it('leaves a calibrated 5xx a 5xx: the fault only breaks answers that were not already broken', () => {
    const { traffic, store } = simulator({ statuses: [502, 200], fault: { kind: 'errors', share: 0.5 } });
    const candidate = servePeriods(traffic, 'candidate');
    expect(share(candidate.failed, candidate)).toBeCloseTo(0.75, 2);
    expect(share(candidate.affected, candidate)).toBeCloseTo(0.25, 2);
    // Lambda counts the crashes (502) as function errors, not the fault's 500s.
    const errors = store.aggregate('AWS/Lambda', 'Errors', { FunctionName: hello.name }, 0, PERIODS * 1000);
    expect(errors.sum / errors.count).toBeCloseTo(0.5, 2);
  });

  it('fails the noise’s share of both versions’ answers, before the fault and not counted as its doing', () => {
    const { traffic } = simulator({ noiseShare: 0.1, fault: { kind: 'errors', share: 0.2 } });
    const baseline = servePeriods(traffic, 'baseline');
    const candidate = servePeriods(traffic, 'candidate');
    expect(share(baseline.failed, baseline)).toBeCloseTo(0.1, 2);
    expect(baseline.affected).toBe(0);
    expect(share(candidate.failed, candidate)).toBeCloseTo(0.1 + 0.9 * 0.2, 2);
    expect(share(candidate.affected, candidate)).toBeCloseTo(0.9 * 0.2, 2);
  });

  it('slows every candidate request by the injected latency, and answers 503 past the 5.5 s the stack allows', () => {
    const slow = simulator({ fault: { kind: 'latency', ms: 2_000 } }).traffic.serve(
      hello,
      'candidate',
      30,
      0,
    );
    expect([...slow.durations]).toEqual([[2_020, 30]]);
    expect([slow.failed, slow.affected]).toEqual([0, 30]);
    const stuck = simulator({ fault: { kind: 'latency', ms: 9_000 } }).traffic.serve(
      hello,
      'candidate',
      30,
      0,
    );
    expect([...stuck.durations]).toEqual([[5_500, 30]]);
    expect(stuck.failed).toBe(30);
  });

  it('publishes what it served on CloudWatch’s clock, `startMs` after the deployment’s', () => {
    const { traffic, store } = simulator({ fault: { kind: 'errors', share: 1 }, startMs: 30_000 });
    traffic.serve(hello, 'candidate', 40, 2_500);
    traffic.serveOne(hello, 'candidate', 200, 2_500);
    const executed = { FunctionName: hello.name, Resource: `${hello.name}:live`, ExecutedVersion: '2' };
    const at = (name: string, from: number) =>
      store.aggregate(TEST_NAMESPACE, name, executed, from, from + 1_000).sum;
    expect([at('Requests', 32_000), at('ServerErrors', 32_000)]).toEqual([41, 41]);
    expect(at('Requests', 2_000)).toBe(0);
  });

  it('serves nothing for no request', () => {
    const { traffic } = simulator({ fault: { kind: 'errors', share: 0.5 } });
    expect(traffic.serve(hello, 'candidate', 0, 0)).toEqual(emptyTally());
  });
});
