/**
 * A local stand-in for the part of CloudWatch a deployment depends on: metric datapoints, the
 * statistics alarms use, metric math, and alarm evaluation (period, evaluation periods, datapoints to
 * alarm, threshold, comparison, missing data). Times are simulated milliseconds.
 */

export type Dimensions = Readonly<Record<string, string>>;

interface Sample {
  at: number;
  value: number;
}

const seriesKey = (namespace: string, name: string, dimensions: Dimensions) =>
  `${namespace}|${name}|${Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(',')}`;

/** Raw samples per metric series, as a PutMetricData or an EMF line would leave them. */
export class MetricStore {
  readonly #series = new Map<string, Sample[]>();

  put(namespace: string, name: string, dimensions: Dimensions, value: number, at: number): void {
    const key = seriesKey(namespace, name, dimensions);
    const samples = this.#series.get(key) ?? [];
    samples.push({ at, value });
    this.#series.set(key, samples);
  }

  /** The samples of one series in [from, to). */
  samples(namespace: string, name: string, dimensions: Dimensions, from: number, to: number): number[] {
    return (this.#series.get(seriesKey(namespace, name, dimensions)) ?? [])
      .filter((sample) => sample.at >= from && sample.at < to)
      .map((sample) => sample.value);
  }
}

/** A CloudWatch statistic over one period's samples; undefined when there are none (missing data). */
export function statistic(stat: string, values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  switch (stat) {
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'SampleCount':
      return values.length;
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
  }
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (!percentile) throw new Error(`statistic ${stat} is not simulated`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Number(percentile[1]) / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

// --- Metric math: numbers, ids, + - * /, comparisons and IF(condition, then, else) -------------

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'name'; value: string }
  | { kind: 'op'; value: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|[-+*/(),<>]))/y;
  const end = expression.trimEnd().length;
  while (pattern.lastIndex < end) {
    const match = pattern.exec(expression);
    if (!match) throw new Error(`cannot read metric math "${expression}"`);
    if (match[1] !== undefined) tokens.push({ kind: 'number', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: 'name', value: match[2] });
    else tokens.push({ kind: 'op', value: match[3] as string });
  }
  return tokens;
}

/** Evaluates a metric math expression for one period; undefined (missing) propagates like CloudWatch's. */
export function evaluateExpression(expression: string, values: Readonly<Record<string, number | undefined>>) {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const take = (op?: string) => {
    const token = tokens[position++];
    if (!token || (op && token.value !== op)) throw new Error(`metric math "${expression}": expected ${op}`);
    return token;
  };
  type Value = number | undefined;
  const binary = (a: Value, b: Value, f: (x: number, y: number) => number): Value =>
    a === undefined || b === undefined ? undefined : f(a, b);

  function primary(): Value {
    const token = take();
    if (token.kind === 'number') return token.value;
    if (token.kind === 'op' && token.value === '(') {
      const inner = comparison();
      take(')');
      return inner;
    }
    if (token.kind === 'op' && token.value === '-') return binary(0, primary(), (x, y) => x - y);
    if (token.kind === 'name' && token.value === 'IF') {
      take('(');
      const condition = comparison();
      take(',');
      const then = comparison();
      take(',');
      const otherwise = comparison();
      take(')');
      return condition === undefined ? undefined : condition !== 0 ? then : otherwise;
    }
    if (token.kind === 'name') {
      if (!(token.value in values)) throw new Error(`metric math "${expression}": unknown id ${token.value}`);
      return values[token.value];
    }
    throw new Error(`metric math "${expression}": unexpected ${token.value}`);
  }
  function product(): Value {
    let left = primary();
    while (peek()?.value === '*' || peek()?.value === '/') {
      const op = take().value;
      const right = primary();
      left = binary(left, right, (x, y) => (op === '*' ? x * y : y === 0 ? Number.NaN : x / y));
    }
    return left;
  }
  function sum(): Value {
    let left = product();
    while (peek()?.value === '+' || peek()?.value === '-') {
      const op = take().value;
      const right = product();
      left = binary(left, right, (x, y) => (op === '+' ? x + y : x - y));
    }
    return left;
  }
  function comparison(): Value {
    const left = sum();
    const op = peek()?.value;
    if (!op || !['>', '<', '>=', '<=', '==', '!='].includes(String(op))) return left;
    take();
    const right = sum();
    return binary(left, right, (x, y) => {
      const holds = { '>': x > y, '<': x < y, '>=': x >= y, '<=': x <= y, '==': x === y, '!=': x !== y }[
        op as string
      ];
      return holds ? 1 : 0;
    });
  }

  const result = comparison();
  if (position !== tokens.length) throw new Error(`metric math "${expression}": trailing input`);
  return result === undefined || Number.isNaN(result) ? undefined : result;
}

// --- Alarms ----------------------------------------------------------------------------------

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

/** The alarm's value for the period ending at `end` (exclusive); undefined when data is missing. */
export function periodValue(
  store: MetricStore,
  definition: AlarmDefinition,
  end: number,
): number | undefined {
  const values: Record<string, number | undefined> = {};
  for (const query of definition.queries.filter((candidate) => candidate.metric)) {
    const metric = query.metric as NonNullable<MetricQuery['metric']>;
    const from = end - metric.periodSeconds * 1000;
    values[query.id] = statistic(
      metric.stat,
      store.samples(metric.namespace, metric.name, metric.dimensions, from, end),
    );
  }
  for (const query of definition.queries.filter((candidate) => candidate.expression)) {
    values[query.id] = evaluateExpression(query.expression as string, values);
  }
  const returned = definition.queries.find((query) => query.returnData);
  return returned ? values[returned.id] : undefined;
}

/**
 * The state CloudWatch would give the alarm at `now`: the last `evaluationPeriods` complete periods,
 * ALARM when at least `datapointsToAlarm` of them breach, missing datapoints treated as configured.
 */
export function alarmState(store: MetricStore, definition: AlarmDefinition, now: number): AlarmState {
  const periodMs = definition.periodSeconds * 1000;
  const lastEnd = Math.floor(now / periodMs) * periodMs;
  const datapoints: (number | undefined)[] = [];
  for (let index = definition.evaluationPeriods - 1; index >= 0; index--) {
    const end = lastEnd - index * periodMs;
    datapoints.push(end <= 0 ? undefined : periodValue(store, definition, end));
  }
  const present = datapoints.filter((value): value is number => value !== undefined);
  const missing = datapoints.length - present.length;
  let breaching = present.filter((value) => breaches(definition, value)).length;
  if (definition.treatMissingData === 'breaching') breaching += missing;
  if (breaching >= definition.datapointsToAlarm) return 'ALARM';
  if (present.length === 0 && definition.treatMissingData === 'missing') return 'INSUFFICIENT_DATA';
  return 'OK';
}
