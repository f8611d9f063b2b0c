import type { MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { type JudgedDeployment, judgeQueries } from '../../../../delivery/judge/observe';
import { aggregateOf, type Dimensions, MetricStore, statistic } from '../../../../ops/rehearsal/cloudwatch';
import { StoreMetricData } from '../../../../ops/rehearsal/judge-look';
import { Random } from '../../../../ops/rehearsal/random';

// StoreMetricData keeps the periods whose datapoints have all arrived and recomputes only the rest.
// Here it is compared with the obvious way: every raw datapoint filtered, every period recomputed from
// scratch, at each `end` of a judge looking as time goes on.

const NAMESPACE = 'CanaryApi';
/** The rehearsal's defaults: our EMF counts after 10 s, Lambda's 1-minute metrics after 60 s. */
const DELAY_MS: Record<string, number> = { [NAMESPACE]: 10_000, 'AWS/Lambda': 60_000 };
const delay = (namespace: string) => DELAY_MS[namespace] ?? 0;
const START = 120_000;
const deployment: JudgedDeployment = {
  deploymentId: 'd-1',
  functionName: 'canary-api-prod-hits',
  alias: 'live',
  baselineVersion: '1',
  candidateVersion: '2',
  startedAt: START,
};
const QUERIES = judgeQueries(deployment, NAMESPACE);

interface Datapoint {
  series: string;
  value: number;
  at: number;
  count: number;
}

/** One text per series, dimensions in any order, for the brute force to filter by. */
const seriesOf = (namespace: string, name: string, dimensions: Dimensions) =>
  `${namespace}|${name}|${JSON.stringify(Object.entries(dimensions).sort())}`;

/**
 * GetMetricData as documented, from the raw datapoints: each one that has arrived by `end` goes to the
 * period its second falls in, every period from `start`, the last one cut at `end`; nothing is kept.
 */
function bruteForce(datapoints: readonly Datapoint[], start: number, end: number) {
  return QUERIES.map((query) => {
    const stat = query.MetricStat;
    const metric = stat?.Metric;
    const namespace = String(metric?.Namespace);
    const dimensions = Object.fromEntries((metric?.Dimensions ?? []).map(({ Name, Value }) => [Name, Value]));
    const series = seriesOf(namespace, String(metric?.MetricName), dimensions);
    const periodMs = Number(stat?.Period) * 1000;
    const periods = new Map<number, number[]>();
    for (const point of datapoints) {
      const second = Math.floor(point.at / 1000) * 1000;
      const arrived = second <= end - delay(namespace);
      if (second < start || second >= end || !arrived) continue;
      if (point.series !== series) continue;
      const from = start + Math.floor((second - start) / periodMs) * periodMs;
      periods.set(from, [...(periods.get(from) ?? []), ...Array<number>(point.count).fill(point.value)]);
    }
    const timestamps = [...periods.keys()].sort((a, b) => a - b);
    return {
      id: query.Id,
      timestamps,
      values: timestamps.map((from) => statistic(String(stat?.Stat), aggregateOf(periods.get(from) ?? []))),
    };
  });
}

const plain = (results: readonly MetricDataResult[]) =>
  results.map((result) => ({
    id: result.Id,
    timestamps: (result.Timestamps ?? []).map((timestamp) => timestamp.getTime()),
    values: result.Values ?? [],
  }));

/** What the rehearsal's traffic publishes per request, for one version of the function. */
function publish(store: MetricStore, datapoints: Datapoint[], random: Random, version: string, at: number) {
  const executed = {
    FunctionName: deployment.functionName,
    Resource: `${deployment.functionName}:live`,
    ExecutedVersion: version,
  };
  const requests = random.poisson(version === '2' ? 0.6 : 5);
  const errors = random.binomial(requests, version === '2' ? 0.3 : 0.02);
  const slow = random.binomial(requests, 0.05);
  const points = [
    { namespace: NAMESPACE, name: 'Requests', value: 1, count: requests },
    { namespace: NAMESPACE, name: 'ServerErrors', value: 1, count: errors },
    { namespace: NAMESPACE, name: 'ServerErrors', value: 0, count: requests - errors },
    { namespace: 'AWS/Lambda', name: 'Invocations', value: 1, count: requests },
    { namespace: 'AWS/Lambda', name: 'Duration', value: 20, count: requests - slow },
    { namespace: 'AWS/Lambda', name: 'Duration', value: 2_020, count: slow },
  ];
  for (const point of points.filter(({ count }) => count > 0)) {
    datapoints.push({ series: seriesOf(point.namespace, point.name, executed), ...point, at });
    store.put(point.namespace, point.name, executed, point.value, at, point.count);
  }
}

describe('StoreMetricData', () => {
  it('answers as recomputing every period from the raw datapoints would, at every look', () => {
    const random = new Random(7);
    const store = new MetricStore(delay);
    const datapoints: Datapoint[] = [];
    const kept = new StoreMetricData(store, QUERIES, START);
    let published = START - 30_000;
    // Looks every 10 s from a second off the periods' grid, as the engine's judge does, then at random
    // moments: each look has a period still running and datapoints that have not arrived yet.
    const ends = Array.from({ length: 30 }, (_, look) => START + 3_000 + look * 10_000);
    while (ends.length < 90) ends.push((ends.at(-1) as number) + 1 + random.below(15_000));
    for (const end of ends) {
      // Requests up to `end`, each second's at one random millisecond of it, the first before the start.
      for (; published + 1_000 <= end; published += 1_000)
        for (const version of ['1', '2'])
          publish(store, datapoints, random, version, published + random.below(1_000));
      const expected = bruteForce(datapoints, START, end);
      expect(plain(kept.read(end)), `end ${end}`).toEqual(expected);
      expect(plain(new StoreMetricData(store, QUERIES, START).read(end)), `afresh at ${end}`).toEqual(
        expected,
      );
    }
  });

  it('includes the period still running, and leaves out the datapoints that have not arrived', () => {
    const store = new MetricStore(delay);
    const executed = {
      FunctionName: deployment.functionName,
      Resource: `${deployment.functionName}:live`,
      ExecutedVersion: '2',
    };
    store.put(NAMESPACE, 'Requests', executed, 1, START + 1_000, 5);
    store.put(NAMESPACE, 'Requests', executed, 1, START + 12_000, 3);
    const metrics = new StoreMetricData(store, QUERIES, START);
    const requests = (end: number) => plain(metrics.read(end)).find(({ id }) => id === 'requests_candidate');
    // At +5 s the first 5 requests are 5 s old: not in CloudWatch yet.
    expect(requests(START + 5_000)).toEqual({ id: 'requests_candidate', timestamps: [], values: [] });
    // At +15 s they are, in the first period; the 3 of +12 s are not yet.
    expect(requests(START + 15_000)?.values).toEqual([5]);
    // At +25 s both, the second period complete and a third running without data.
    expect(requests(START + 25_000)).toEqual({
      id: 'requests_candidate',
      timestamps: [START, START + 10_000],
      values: [5, 3],
    });
  });
});
