import { evaluateExpression } from './metric-math';

/**
 * A local stand-in for the part of CloudWatch a deployment depends on: metric datapoints and when they
 * arrive, the statistics alarms use, metric math, and alarm evaluation (cadence, period, evaluation
 * periods, datapoints to alarm, threshold, comparison, missing data). Times are simulated milliseconds.
 */

export type Dimensions = Readonly<Record<string, string>>;

/** One series' datapoints in a span of time: what every CloudWatch statistic is computed from. */
export interface Aggregate {
  sum: number;
  count: number;
  min: number;
  max: number;
  /** How many datapoints had each value: percentiles need the distribution, not just the sum. */
  values: Map<number, number>;
}

const emptyAggregate = (): Aggregate => ({
  sum: 0,
  count: 0,
  min: Number.POSITIVE_INFINITY,
  max: Number.NEGATIVE_INFINITY,
  values: new Map(),
});

function add(into: Aggregate, value: number, count: number): void {
  into.sum += value * count;
  into.count += count;
  into.min = Math.min(into.min, value);
  into.max = Math.max(into.max, value);
  into.values.set(value, (into.values.get(value) ?? 0) + count);
}

function merge(into: Aggregate, other: Aggregate): void {
  for (const [value, count] of other.values) add(into, value, count);
}

/** The aggregate of plain values (what a test or a single period holds). */
export function aggregateOf(values: readonly number[]): Aggregate {
  const aggregate = emptyAggregate();
  for (const value of values) add(aggregate, value, 1);
  return aggregate;
}

const seriesKey = (namespace: string, name: string, dimensions: Dimensions) =>
  `${namespace}|${name}|${Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(',')}`;

/** CloudWatch stores high-resolution metrics per second; so does this store. */
const BUCKET_MS = 1_000;

/**
 * Datapoints per metric series, in 1-second buckets, as PutMetricData or an EMF line would leave them.
 * A datapoint becomes visible to alarms `visibleAfterMs(namespace)` after its timestamp: metrics reach
 * CloudWatch some time after the requests they count.
 */
export class MetricStore {
  readonly #series = new Map<string, Map<number, Aggregate>>();

  constructor(private readonly visibleAfterMs: (namespace: string) => number = () => 0) {}

  /** Records `count` datapoints of `value` at simulated time `at`. */
  put(namespace: string, name: string, dimensions: Dimensions, value: number, at: number, count = 1): void {
    if (count <= 0) return;
    const key = seriesKey(namespace, name, dimensions);
    const buckets = this.#series.get(key) ?? new Map<number, Aggregate>();
    this.#series.set(key, buckets);
    const bucket = Math.floor(at / BUCKET_MS) * BUCKET_MS;
    const aggregate = buckets.get(bucket) ?? emptyAggregate();
    buckets.set(bucket, aggregate);
    add(aggregate, value, count);
  }

  /** The datapoints of one series timestamped in [from, to) that have reached CloudWatch by `now`. */
  aggregate(
    namespace: string,
    name: string,
    dimensions: Dimensions,
    from: number,
    to: number,
    now = Number.POSITIVE_INFINITY,
  ): Aggregate {
    const visibleBefore = now - this.visibleAfterMs(namespace);
    const total = emptyAggregate();
    for (const [bucket, aggregate] of this.#series.get(seriesKey(namespace, name, dimensions)) ?? []) {
      if (bucket >= from && bucket < to && bucket <= visibleBefore) merge(total, aggregate);
    }
    return total;
  }
}

/** A CloudWatch statistic over one period's datapoints; undefined when there are none (missing data). */
export function statistic(stat: string, aggregate: Aggregate): number | undefined {
  if (aggregate.count === 0) return undefined;
  switch (stat) {
    case 'Sum':
      return aggregate.sum;
    case 'SampleCount':
      return aggregate.count;
    case 'Average':
      return aggregate.sum / aggregate.count;
    case 'Minimum':
      return aggregate.min;
    case 'Maximum':
      return aggregate.max;
  }
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (!percentile) throw new Error(`statistic ${stat} is not simulated`);
  // Nearest rank, as CloudWatch's percentile over the raw datapoints of the period.
  const rank = Math.min(
    aggregate.count,
    Math.max(1, Math.ceil((Number(percentile[1]) / 100) * aggregate.count)),
  );
  let seen = 0;
  for (const value of [...aggregate.values.keys()].sort((a, b) => a - b)) {
    seen += aggregate.values.get(value) ?? 0;
    if (seen >= rank) return value;
  }
  return aggregate.max;
}

export interface MetricQuery {
  id: string;
  expression?: string;
  metric?: { namespace: string; name: string; dimensions: Dimensions; stat: string; periodSeconds: number };
  returnData: boolean;
}

/** An alarm as the template defines it, with references already resolved to local values. */
export interface AlarmDefinition {
  name: string;
  queries: readonly MetricQuery[];
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison:
    | 'GreaterThanThreshold'
    | 'GreaterThanOrEqualToThreshold'
    | 'LessThanThreshold'
    | 'LessThanOrEqualToThreshold';
  treatMissingData: 'notBreaching' | 'breaching' | 'ignore' | 'missing';
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

function breaches(definition: AlarmDefinition, value: number): boolean {
  switch (definition.comparison) {
    case 'GreaterThanThreshold':
      return value > definition.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= definition.threshold;
    case 'LessThanThreshold':
      return value < definition.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= definition.threshold;
  }
}

/**
 * The alarm's value for the period ending at `end` (exclusive), from the datapoints that have reached
 * CloudWatch by `now`; undefined when data is missing.
 */
export function periodValue(
  store: MetricStore,
  definition: AlarmDefinition,
  end: number,
  now = Number.POSITIVE_INFINITY,
): number | undefined {
  const values: Record<string, number | undefined> = {};
  for (const query of definition.queries.filter((candidate) => candidate.metric)) {
    const metric = query.metric as NonNullable<MetricQuery['metric']>;
    const from = end - metric.periodSeconds * 1000;
    values[query.id] = statistic(
      metric.stat,
      store.aggregate(metric.namespace, metric.name, metric.dimensions, from, end, now),
    );
  }
  for (const query of definition.queries.filter((candidate) => candidate.expression)) {
    values[query.id] = evaluateExpression(query.expression as string, values);
  }
  const returned = definition.queries.find((query) => query.returnData);
  return returned ? values[returned.id] : undefined;
}

/**
 * How often CloudWatch evaluates an alarm: every 10 seconds for a high-resolution alarm (a period of
 * 10 or 30 seconds), every minute otherwise (CloudWatch User Guide, "High-resolution alarms").
 */
export function evaluationIntervalMs(definition: AlarmDefinition): number {
  return definition.periodSeconds < 60 ? 10_000 : 60_000;
}

/**
 * The state CloudWatch would give the alarm at `now`: the last `evaluationPeriods` complete periods,
 * ALARM when at least `datapointsToAlarm` of them breach, missing datapoints treated as configured.
 * A period whose datapoints have not arrived yet is missing now and counted when they have, at a later
 * evaluation, as long as it is still among the last `evaluationPeriods`.
 */
export function alarmState(store: MetricStore, definition: AlarmDefinition, now: number): AlarmState {
  const periodMs = definition.periodSeconds * 1000;
  const lastEnd = Math.floor(now / periodMs) * periodMs;
  const datapoints: (number | undefined)[] = [];
  for (let index = definition.evaluationPeriods - 1; index >= 0; index--) {
    const end = lastEnd - index * periodMs;
    datapoints.push(end <= 0 ? undefined : periodValue(store, definition, end, now));
  }
  const present = datapoints.filter((value): value is number => value !== undefined);
  const missing = datapoints.length - present.length;
  let breaching = present.filter((value) => breaches(definition, value)).length;
  if (definition.treatMissingData === 'breaching') breaching += missing;
  if (breaching >= definition.datapointsToAlarm) return 'ALARM';
  if (present.length === 0 && definition.treatMissingData === 'missing') return 'INSUFFICIENT_DATA';
  return 'OK';
}
