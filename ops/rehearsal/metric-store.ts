/**
 * Metric datapoints as CloudWatch keeps them for alarms: per series, per second, and visible only once
 * they have arrived. Times are simulated milliseconds on CloudWatch's clock.
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

/** The aggregate of plain values (what a test or a single period holds). */
export function aggregateOf(values: readonly number[]): Aggregate {
  const aggregate = emptyAggregate();
  for (const value of values) add(aggregate, value, 1);
  return aggregate;
}

/**
 * The canonical text of a set of dimensions, worked out once per dimensions object: they are read-only,
 * and an alarm looks up the same objects at every evaluation.
 */
const dimensionTexts = new WeakMap<Dimensions, string>();
function dimensionText(dimensions: Dimensions): string {
  let text = dimensionTexts.get(dimensions);
  if (text === undefined) {
    text = Object.entries(dimensions)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    dimensionTexts.set(dimensions, text);
  }
  return text;
}

const seriesKey = (namespace: string, name: string, dimensions: Dimensions) =>
  `${namespace}|${name}|${dimensionText(dimensions)}`;

/** CloudWatch stores high-resolution metrics per second; so does this store. */
const BUCKET_MS = 1_000;

/**
 * One metric series: per distinct value, how many datapoints had it in each second. The values a
 * rehearsal publishes are few (1 and 0 for counts, a handful of durations), so a period's aggregate,
 * percentiles included, costs its seconds times those few values, however long the series (a series
 * of many distinct values would cost an array per value; none is published).
 */
export class MetricSeries {
  readonly #values: number[] = [];
  #perSecond: Float64Array[] = [];
  #seconds = 0;

  /** Records `count` datapoints of `value` at simulated time `at` (ms, not negative). */
  add(value: number, at: number, count = 1): void {
    if (count <= 0) return;
    if (!(at >= 0)) throw new Error(`a datapoint at ${at} ms: the store holds none before 0`);
    const second = Math.floor(at / BUCKET_MS);
    if (second >= this.#seconds) this.#grow(second + 1);
    let index = this.#values.indexOf(value);
    if (index === -1) {
      index = this.#values.push(value) - 1;
      this.#perSecond.push(new Float64Array(this.#seconds));
    }
    const counts = this.#perSecond[index] as Float64Array;
    counts[second] = (counts[second] as number) + count;
  }

  /** The datapoints of whole seconds [fromSecond, toSecond). */
  aggregate(fromSecond: number, toSecond: number): Aggregate {
    const total = emptyAggregate();
    const from = Math.max(0, fromSecond);
    const to = Math.min(this.#seconds, toSecond);
    if (from >= to) return total;
    for (let index = 0; index < this.#values.length; index++) {
      const counts = this.#perSecond[index] as Float64Array;
      let count = 0;
      for (let second = from; second < to; second++) count += counts[second] as number;
      if (count > 0) add(total, this.#values[index] as number, count);
    }
    return total;
  }

  /** Doubles the seconds held, so that a series of n seconds is copied O(log n) times. */
  #grow(seconds: number): void {
    // Room for a whole canary deployment from the start: most rehearsals never copy.
    const capacity = Math.max(seconds, 2 * this.#seconds, 512);
    this.#perSecond = this.#perSecond.map((counts) => {
      const larger = new Float64Array(capacity);
      larger.set(counts);
      return larger;
    });
    this.#seconds = capacity;
  }
}

/**
 * Datapoints per metric series, in 1-second buckets, as PutMetricData or an EMF line would leave them.
 * A datapoint becomes visible to alarms `visibleAfterMs(namespace)` after its timestamp: metrics reach
 * CloudWatch some time after the requests they count.
 */
export class MetricStore {
  readonly #series = new Map<string, MetricSeries>();

  constructor(private readonly visibleAfterMs: (namespace: string) => number = () => 0) {}

  /** The series of a metric, created empty the first time: a handle to publish to without looking it up. */
  series(namespace: string, name: string, dimensions: Dimensions): MetricSeries {
    const key = seriesKey(namespace, name, dimensions);
    let series = this.#series.get(key);
    if (!series) {
      series = new MetricSeries();
      this.#series.set(key, series);
    }
    return series;
  }

  /** Records `count` datapoints of `value` at simulated time `at`. */
  put(namespace: string, name: string, dimensions: Dimensions, value: number, at: number, count = 1): void {
    if (count > 0) this.series(namespace, name, dimensions).add(value, at, count);
  }

  /** Datapoints of `namespace` timestamped before this time have all reached CloudWatch by `now`. */
  arrivedBefore(namespace: string, now: number): number {
    return now - this.visibleAfterMs(namespace);
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
    // A second's bucket is visible once its start is: the store keeps no finer time than CloudWatch.
    const visibleBefore = now - this.visibleAfterMs(namespace);
    const lastVisible = Math.floor(visibleBefore / BUCKET_MS);
    const series = this.#series.get(seriesKey(namespace, name, dimensions));
    if (!series) return emptyAggregate();
    return series.aggregate(
      Math.ceil(from / BUCKET_MS),
      Math.min(Math.ceil(to / BUCKET_MS), lastVisible + 1),
    );
  }
}
