import { describe, expect, it } from 'vitest';
import { type Aggregate, aggregateOf, MetricStore, statistic } from '../../../../ops/rehearsal/cloudwatch';
import { Random } from '../../../../ops/rehearsal/random';

// The store aggregates a range from per-second counts of each value; here it is compared with the
// obvious way, every raw datapoint filtered and counted, over seeded random datapoints and ranges.

interface Datapoint {
  value: number;
  at: number;
  count: number;
}

const DELAY_MS = 10_000;
/** Durations as a rehearsal publishes them: a handful of values, the slow ones rare. */
const VALUES = [20, 20, 20, 20, 2_020, 5_500];

function bruteForce(datapoints: readonly Datapoint[], from: number, to: number, now: number): Aggregate {
  const values: number[] = [];
  for (const { value, at, count } of datapoints) {
    const bucket = Math.floor(at / 1000) * 1000;
    if (bucket >= from && bucket < to && bucket <= now - DELAY_MS) values.push(...Array(count).fill(value));
  }
  return aggregateOf(values);
}

describe('MetricStore ranges', () => {
  const random = new Random(42);
  const store = new MetricStore(() => DELAY_MS);
  const datapoints: Datapoint[] = Array.from({ length: 3_000 }, () => ({
    value: random.pick(VALUES),
    at: random.next() * 600_000,
    count: 1 + random.below(5),
  }));
  for (const { value, at, count } of datapoints)
    store.put('L', 'Duration', { FunctionName: 'f' }, value, at, count);

  it('aggregates any range, whole seconds or not, as counting every raw datapoint would', () => {
    for (let trial = 0; trial < 300; trial++) {
      const from = random.next() * 600_000;
      const to = from + random.pick([10_000, 30_000, 60_000, 1_500, 61_234]);
      const now = random.chance(0.5) ? to + DELAY_MS : from + random.next() * (to - from + DELAY_MS);
      const expected = bruteForce(datapoints, from, to, now);
      const actual = store.aggregate('L', 'Duration', { FunctionName: 'f' }, from, to, now);
      expect([actual.sum, actual.count, actual.values]).toEqual([
        expected.sum,
        expected.count,
        expected.values,
      ]);
      for (const stat of ['p99', 'p50', 'p99.9', 'Average', 'Minimum', 'Maximum', 'SampleCount'])
        expect(statistic(stat, actual), `${stat} of [${from}, ${to}) at ${now}`).toBe(
          statistic(stat, expected),
        );
    }
  });

  it('finds p99 where one request in a hundred is slow, as the p99 alarm needs', () => {
    const slow = new MetricStore();
    slow.put('L', 'Duration', {}, 20, 5_000, 98);
    slow.put('L', 'Duration', {}, 2_020, 7_000, 2);
    expect(statistic('p99', slow.aggregate('L', 'Duration', {}, 0, 60_000))).toBe(2_020);
    slow.put('L', 'Duration', {}, 20, 9_000, 1);
    expect(statistic('p99', slow.aggregate('L', 'Duration', {}, 0, 60_000))).toBe(2_020);
    slow.put('L', 'Duration', {}, 20, 9_000, 200);
    expect(statistic('p99', slow.aggregate('L', 'Duration', {}, 0, 60_000))).toBe(20);
  });

  it('keeps series apart by namespace, name and dimensions, whatever order the dimensions come in', () => {
    const separate = new MetricStore();
    separate.put('N', 'Requests', { A: '1', B: '2' }, 1, 0, 3);
    separate.put('N', 'Requests', { B: '2', A: '1' }, 1, 0, 4);
    separate.put('N', 'Requests', { A: '1' }, 1, 0, 100);
    separate.put('M', 'Requests', { A: '1', B: '2' }, 1, 0, 100);
    expect(separate.aggregate('N', 'Requests', { B: '2', A: '1' }, 0, 1_000).sum).toBe(7);
    expect(separate.aggregate('N', 'Missing', {}, 0, 1_000).count).toBe(0);
  });

  it('holds datapoints hours apart, and refuses one before its clock starts', () => {
    const long = new MetricStore();
    long.put('N', 'Requests', {}, 1, 500, 2);
    long.put('N', 'Requests', {}, 1, 3 * 3_600_000 + 999, 5);
    expect(long.aggregate('N', 'Requests', {}, 0, 1_000).sum).toBe(2);
    expect(long.aggregate('N', 'Requests', {}, 3 * 3_600_000, 3 * 3_600_000 + 1_000).sum).toBe(5);
    expect(long.aggregate('N', 'Requests', {}, 0, Number.POSITIVE_INFINITY).sum).toBe(7);
    expect(() => long.put('N', 'Requests', {}, 1, -1)).toThrow(/none before 0/);
  });
});
