import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { type JudgedDeployment, judgeQueries, observe } from '../../delivery/judge/observe';
import { JUDGE_SETTINGS, verdictOf } from '../../delivery/judge/verdict';
import { type Dimensions, type MetricStore, statistic } from './cloudwatch';

/**
 * The judge in the rehearsal: its own queries and verdict (delivery/judge), with GetMetricData answered
 * from the rehearsal's metric store. Only the loop around them (run.ts, AWS's ports) is not rehearsed:
 * the engine looks every 10 s, as the loop does.
 */

interface PreparedQuery {
  id: string;
  namespace: string;
  name: string;
  dimensions: Dimensions;
  stat: string;
  periodMs: number;
  /** The periods whose datapoints have all arrived, which cannot change any more. */
  settled: { until: number; timestamps: Date[]; values: number[] };
}

/**
 * GetMetricData over the store (CloudWatch API reference, GetMetricData) for a fixed set of queries
 * from a fixed start: per query, one datapoint per period that has data, timestamped at the period's
 * start, up to `end`, including the period still running, of the datapoints that have reached
 * CloudWatch by `end`. Periods whose datapoints have all arrived are kept, so that a judge looking
 * every 10 s for minutes reads each period once.
 */
export class StoreMetricData {
  readonly #queries: PreparedQuery[];

  constructor(
    private readonly store: MetricStore,
    queries: readonly MetricDataQuery[],
    start: number,
  ) {
    this.#queries = queries.flatMap((query) => {
      const stat = query.MetricStat;
      const metric = stat?.Metric;
      if (!stat || !metric) return [];
      return [
        {
          id: String(query.Id),
          namespace: String(metric.Namespace),
          name: String(metric.MetricName),
          dimensions: Object.fromEntries((metric.Dimensions ?? []).map(({ Name, Value }) => [Name, Value])),
          stat: String(stat.Stat),
          periodMs: Number(stat.Period) * 1000,
          settled: { until: start, timestamps: [], values: [] },
        },
      ];
    });
  }

  read(end: number): MetricDataResult[] {
    return this.#queries.map((query) => {
      const { settled, periodMs } = query;
      const arrived = this.store.arrivedBefore(query.namespace, end);
      const timestamps = [...settled.timestamps];
      const values = [...settled.values];
      for (let from = settled.until; from < end; from += periodMs) {
        const to = Math.min(from + periodMs, end);
        const aggregate = this.store.aggregate(query.namespace, query.name, query.dimensions, from, to, end);
        const value = statistic(query.stat, aggregate);
        const final = to === from + periodMs && to <= arrived && from === settled.until;
        if (value !== undefined) {
          timestamps.push(new Date(from));
          values.push(value);
          if (final) {
            settled.timestamps.push(new Date(from));
            settled.values.push(value);
          }
        }
        if (final) settled.until = to;
      }
      return {
        Id: query.id,
        Label: query.id,
        Timestamps: timestamps,
        Values: values,
        StatusCode: 'Complete',
      };
    });
  }
}

/** One function's judge: looks at the store, remembers a verdict of "worse" as the judge does. */
export class RehearsedJudge {
  readonly #metrics: StoreMetricData;
  reason: string | undefined;

  constructor(
    readonly deployment: JudgedDeployment,
    metricsNamespace: string,
    store: MetricStore,
  ) {
    const start = Math.floor(deployment.startedAt / 60_000) * 60_000;
    this.#metrics = new StoreMetricData(store, judgeQueries(deployment, metricsNamespace), start);
  }

  /** The verdict at CloudWatch time `now`: true once the candidate has been found worse. */
  look(now: number): boolean {
    if (this.reason) return true;
    const verdict = verdictOf(observe(this.#metrics.read(now)), now, JUDGE_SETTINGS);
    if (verdict.worse) this.reason = verdict.reason;
    return verdict.worse;
  }
}
