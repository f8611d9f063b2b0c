import { evaluateExpression } from './metric-math';
import type { Aggregate, Dimensions, MetricStore } from './metric-store';

/**
 * A local stand-in for the part of CloudWatch a deployment depends on: metric datapoints and when they
 * arrive (metric-store.ts), the statistics alarms use, metric math, and alarm evaluation (cadence,
 * period, evaluation periods, datapoints to alarm, threshold, comparison, missing data). Times are
 * simulated milliseconds.
 */

export { type Aggregate, aggregateOf, type Dimensions, MetricSeries, MetricStore } from './metric-store';

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

/** Results of metric math by expression and inputs; cleared when full, to bound its memory. */
const remembered = new Map<string, number | undefined>();
const REMEMBER_AT_MOST = 100_000;

/**
 * Metric math is a pure function of the expression and its inputs, and a rehearsal evaluates the same
 * few expressions over the same few counts again and again: parsing each time cost a third of a run.
 */
function evaluateRemembered(expression: string, values: Readonly<Record<string, number | undefined>>) {
  let key = expression;
  for (const id in values) key += `|${id}=${values[id]}`;
  if (remembered.has(key)) return remembered.get(key);
  const result = evaluateExpression(expression, values);
  if (remembered.size >= REMEMBER_AT_MOST) remembered.clear();
  remembered.set(key, result);
  return result;
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
    values[query.id] = evaluateRemembered(query.expression as string, values);
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
