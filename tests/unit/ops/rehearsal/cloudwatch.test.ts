import { describe, expect, it } from 'vitest';
import {
  type AlarmDefinition,
  aggregateOf,
  alarmState,
  evaluationIntervalMs,
  MetricStore,
  periodValue,
  statistic,
} from '../../../../ops/rehearsal/cloudwatch';
import { evaluateExpression } from '../../../../ops/rehearsal/metric-math';

const second = 1000;

describe('statistic', () => {
  it('computes the CloudWatch statistics alarms use', () => {
    const values = [5, 1, 4, 2, 3];
    expect(
      ['Sum', 'SampleCount', 'Average', 'Minimum', 'Maximum'].map((stat) =>
        statistic(stat, aggregateOf(values)),
      ),
    ).toEqual([15, 5, 3, 1, 5]);
  });

  it('takes nearest-rank percentiles', () => {
    const hundred = Array.from({ length: 100 }, (_, index) => index + 1);
    expect([
      statistic('p99', aggregateOf(hundred)),
      statistic('p50', aggregateOf(hundred)),
      statistic('p99', aggregateOf([7])),
    ]).toEqual([99, 50, 7]);
  });

  it('reports missing data as undefined and refuses statistics it does not know', () => {
    expect(statistic('Sum', aggregateOf([]))).toBeUndefined();
    expect(() => statistic('TM(10%:90%)', aggregateOf([1]))).toThrow(/not simulated/);
  });
});

describe('evaluateExpression', () => {
  it('evaluates the rate expressions of our alarms', () => {
    const expression = 'IF(requests >= 5, 100 * errors / requests, 0)';
    expect(evaluateExpression(expression, { requests: 10, errors: 5 })).toBe(50);
    expect(evaluateExpression(expression, { requests: 4, errors: 4 })).toBe(0);
  });

  it('respects precedence, parentheses and unary minus', () => {
    expect(evaluateExpression('2 + 3 * 4', {})).toBe(14);
    expect(evaluateExpression('(2 + 3) * 4 - -1', {})).toBe(21);
  });

  it('propagates missing data and division by zero as missing', () => {
    expect(evaluateExpression('100 * errors / requests', { errors: undefined, requests: 3 })).toBeUndefined();
    expect(evaluateExpression('errors / requests', { errors: 1, requests: 0 })).toBeUndefined();
  });

  it('refuses what it cannot read', () => {
    expect(() => evaluateExpression('SEARCH(x)', { x: 1 })).toThrow();
    expect(() => evaluateExpression('a +', { a: 1 })).toThrow();
    expect(() => evaluateExpression('unknown * 2', {})).toThrow(/unknown id/);
  });
});

describe('MetricStore', () => {
  it('keeps many datapoints of one value as a count, for sums and percentiles alike', () => {
    const store = new MetricStore();
    store.put('N', 'Duration', {}, 20, 1_500, 98);
    store.put('N', 'Duration', {}, 2_000, 1_700, 2);
    const period = store.aggregate('N', 'Duration', {}, 0, 10_000);
    expect([statistic('SampleCount', period), statistic('p99', period), statistic('p98', period)]).toEqual([
      100, 2_000, 20,
    ]);
  });

  it('shows a datapoint to alarms only once it has arrived, its namespace’s delay after its timestamp', () => {
    const store = new MetricStore((namespace) => (namespace === 'Slow' ? 60_000 : 10_000));
    store.put('Fast', 'Requests', {}, 1, 5_000);
    store.put('Slow', 'Requests', {}, 1, 5_000);
    expect(store.aggregate('Fast', 'Requests', {}, 0, 10_000, 14_999).count).toBe(0);
    expect(store.aggregate('Fast', 'Requests', {}, 0, 10_000, 15_000).count).toBe(1);
    expect(store.aggregate('Slow', 'Requests', {}, 0, 10_000, 64_999).count).toBe(0);
  });
});

describe('alarm evaluation', () => {
  const fastAlarm: AlarmDefinition = {
    name: 'fast-5xx',
    queries: [
      {
        id: 'errors',
        returnData: false,
        metric: {
          namespace: 'N',
          name: 'ServerErrors',
          dimensions: { V: '2' },
          stat: 'Sum',
          periodSeconds: 10,
        },
      },
      {
        id: 'requests',
        returnData: false,
        metric: { namespace: 'N', name: 'Requests', dimensions: { V: '2' }, stat: 'Sum', periodSeconds: 10 },
      },
      { id: 'rate', returnData: true, expression: 'IF(requests >= 5, 100 * errors / requests, 0)' },
    ],
    periodSeconds: 10,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    threshold: 5,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  };

  function traffic(store: MetricStore, fromSecond: number, toSecond: number, errorEvery: number) {
    for (let at = fromSecond * second; at < toSecond * second; at += 100) {
      store.put('N', 'Requests', { V: '2' }, 1, at);
      store.put('N', 'ServerErrors', { V: '2' }, at % (errorEvery * 100) === 0 ? 1 : 0, at);
    }
  }

  it('stays OK with no data when missing data is not breaching', () => {
    expect(alarmState(new MetricStore(), fastAlarm, 60 * second)).toBe('OK');
  });

  it('stays OK below the threshold', () => {
    const store = new MetricStore();
    traffic(store, 0, 60, 50);
    expect(periodValue(store, fastAlarm, 60 * second)).toBe(2);
    expect(alarmState(store, fastAlarm, 60 * second)).toBe('OK');
  });

  it('fires once two of the last three periods breach, not after one', () => {
    const store = new MetricStore();
    traffic(store, 0, 30, 1000);
    traffic(store, 30, 50, 2);
    expect(alarmState(store, fastAlarm, 40 * second)).toBe('OK');
    expect(alarmState(store, fastAlarm, 50 * second)).toBe('ALARM');
  });

  it('only judges complete periods', () => {
    const store = new MetricStore();
    traffic(store, 0, 20, 1000);
    traffic(store, 20, 29, 1);
    expect(alarmState(store, fastAlarm, 29 * second)).toBe('OK');
  });

  it('counts missing datapoints as breaching when told to', () => {
    expect(alarmState(new MetricStore(), { ...fastAlarm, treatMissingData: 'breaching' }, 60 * second)).toBe(
      'ALARM',
    );
    expect(alarmState(new MetricStore(), { ...fastAlarm, treatMissingData: 'missing' }, 60 * second)).toBe(
      'INSUFFICIENT_DATA',
    );
  });

  it('evaluates high-resolution alarms every 10 seconds and the others every minute', () => {
    expect(evaluationIntervalMs(fastAlarm)).toBe(10_000);
    expect(evaluationIntervalMs({ ...fastAlarm, periodSeconds: 60 })).toBe(60_000);
  });

  it('counts a late period once its datapoints arrive, while it is still among the last periods', () => {
    // Errors in [10 s, 30 s) only, their datapoints arriving 25 s late. By hand: at 40 s only data up
    // to 15 s has arrived (one bad period); at 50 s data up to 25 s (two bad periods); at 60 s the
    // first bad period has left a window of three but not a window of six.
    const late = new MetricStore(() => 25_000);
    const sixPeriods = { ...fastAlarm, evaluationPeriods: 6 };
    traffic(late, 0, 10, 1000);
    traffic(late, 10, 30, 2);
    expect([40, 50, 60].map((at) => alarmState(late, sixPeriods, at * second))).toEqual([
      'OK',
      'ALARM',
      'ALARM',
    ]);
    expect([40, 50, 60].map((at) => alarmState(late, fastAlarm, at * second))).toEqual(['OK', 'OK', 'OK']);
  });

  it('evaluates single-metric alarms with percentiles, like the p99 alarm', () => {
    const store = new MetricStore();
    const p99: AlarmDefinition = {
      ...fastAlarm,
      name: 'p99',
      queries: [
        {
          id: 'm',
          returnData: true,
          metric: { namespace: 'L', name: 'Duration', dimensions: {}, stat: 'p99', periodSeconds: 60 },
        },
      ],
      periodSeconds: 60,
      threshold: 1000,
    };
    for (let minute = 0; minute < 3; minute++) {
      for (let index = 0; index < 100; index++)
        store.put('L', 'Duration', {}, minute === 0 ? 10 : 2000, minute * 60_000 + index);
    }
    expect(alarmState(store, p99, 120 * second)).toBe('OK');
    expect(alarmState(store, p99, 180 * second)).toBe('ALARM');
  });
});
