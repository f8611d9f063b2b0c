import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import {
  type JudgedDeployment,
  judgeQueries,
  observe,
  parseJudgedDeployment,
} from '../../../../delivery/judge/observe';
import { FAIL_SAFE_LOOKS, type JudgePorts, LOOK_EVERY_MS, runJudge } from '../../../../delivery/judge/run';
import { JUDGE_SETTINGS, verdictOf } from '../../../../delivery/judge/verdict';

const deployment: JudgedDeployment = {
  deploymentId: 'd-JUDGE1',
  functionName: 'canary-api-prod-hits',
  alias: 'live',
  baselineVersion: '7',
  candidateVersion: '8',
  startedAt: Date.parse('2026-12-05T10:00:05Z'),
};

/**
 * GetMetricData's answer (CloudWatch API reference, GetMetricData and MetricDataResult): one result
 * per query Id, Timestamps and Values in step, newest first by default (ScanBy
 * TimestampDescending), StatusCode Complete.
 */
function answer(series: Record<string, [number, number][]>): MetricDataResult[] {
  return Object.entries(series).map(([Id, points]) => {
    const newestFirst = [...points].sort(([a], [b]) => b - a);
    return {
      Id,
      Label: Id,
      Timestamps: newestFirst.map(([at]) => new Date(at)),
      Values: newestFirst.map(([, value]) => value),
      StatusCode: 'Complete',
    };
  });
}

/** Counts per 10-second period, spread so that each look sees what happened until then. */
function fakeWorld(rates: { candidateErrors: number; baselineErrors: number; perPeriod: number }) {
  let now = deployment.startedAt;
  let endAt = Number.POSITIVE_INFINITY;
  const published: { at: number; worse: boolean }[] = [];
  const asked: { queries: MetricDataQuery[]; start: Date; end: Date }[] = [];
  const log: Record<string, unknown>[] = [];
  let failReads = 0;
  let handedOver = 0;
  const probes: number[] = [];
  let probeFails = false;
  const ports: JudgePorts = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    getMetricData: async (queries, start, end) => {
      asked.push({ queries, start, end });
      if (failReads > 0) {
        failReads--;
        throw new Error('ThrottlingException: Rate exceeded');
      }
      const periods: number[] = [];
      for (let at = start.getTime(); at + 10_000 <= end.getTime(); at += 10_000) periods.push(at);
      const each = (value: number) => periods.map((at): [number, number] => [at, value]);
      const { perPeriod, candidateErrors, baselineErrors } = rates;
      return answer({
        requests_candidate: each(perPeriod),
        errors_candidate: each(candidateErrors),
        requests_baseline: each(9 * perPeriod),
        errors_baseline: each(baselineErrors),
      });
    },
    publish: async (_, worse, at) => {
      published.push({ at, worse });
    },
    ended: async () => now >= endAt,
    probe: async (at) => {
      probes.push(at);
      if (probeFails) throw new Error('AccessDeniedException');
      return 'started';
    },
    handOver: async () => {
      handedOver++;
    },
    log: (entry) => log.push(entry),
  };
  return {
    ports,
    published,
    asked,
    log,
    endAt: (at: number) => {
      endAt = at;
    },
    failNextReads: (count: number) => {
      failReads = count;
    },
    handedOver: () => handedOver,
    probes,
    failProbes: () => {
      probeFails = true;
    },
  };
}

const options = { metricsNamespace: 'CanaryApi', deadline: deployment.startedAt + 14 * 60_000 };

describe('runJudge', () => {
  it('publishes 0 every 10 s while the candidate is no worse, and stops when CodeDeploy ends the deployment', async () => {
    const world = fakeWorld({ perPeriod: 10, candidateErrors: 0, baselineErrors: 1 });
    world.endAt(deployment.startedAt + 60_000);
    expect(await runJudge(deployment, world.ports, options)).toBe('ended');
    expect(world.published.map(({ worse }) => worse)).toEqual([false, false, false, false, false, false]);
    expect(world.published.map(({ at }) => at - deployment.startedAt)).toEqual(
      [0, 10, 20, 30, 40, 50].map((s) => s * 1000),
    );
    // Every look reads from the minute the deployment started in, up to the look.
    expect(world.asked.every(({ start }) => start.toISOString() === '2026-12-05T10:00:00.000Z')).toBe(true);
    expect(world.log.at(-1)).toMatchObject({ judge: 'ended', worse: null });
  });

  it('publishes 1 from the look that finds the candidate worse until the deployment ends, without reading again', async () => {
    const world = fakeWorld({ perPeriod: 10, candidateErrors: 5, baselineErrors: 0 });
    world.endAt(deployment.startedAt + 60_000);
    await runJudge(deployment, world.ports, options);
    const firstWorse = world.published.findIndex(({ worse }) => worse);
    expect(firstWorse).toBeGreaterThan(0);
    expect(world.published.slice(firstWorse).every(({ worse }) => worse)).toBe(true);
    expect(world.asked).toHaveLength(firstWorse + 1);
    expect(world.log.find((entry) => entry.judge === 'worse')?.reason).toMatch(/^5xx: candidate \d+\/\d+/);
  });

  it(`fails safe after ${FAIL_SAFE_LOOKS} unreadable looks in a row, and not before`, async () => {
    const world = fakeWorld({ perPeriod: 10, candidateErrors: 0, baselineErrors: 0 });
    world.endAt(deployment.startedAt + 100_000);
    world.failNextReads(FAIL_SAFE_LOOKS - 1);
    await runJudge(deployment, world.ports, options);
    expect(world.published.some(({ worse }) => worse)).toBe(false);

    const failing = fakeWorld({ perPeriod: 10, candidateErrors: 0, baselineErrors: 0 });
    failing.endAt(deployment.startedAt + 100_000);
    failing.failNextReads(FAIL_SAFE_LOOKS);
    await runJudge(deployment, failing.ports, options);
    expect(failing.published.map(({ worse }) => worse).slice(0, FAIL_SAFE_LOOKS + 1)).toEqual([
      false,
      false,
      true,
      true,
    ]);
    expect(failing.log.find((entry) => entry.judge === 'worse')?.reason).toMatch(/failing safe/);
  });

  it('hands the deployment over to a fresh invocation before its own deadline', async () => {
    const world = fakeWorld({ perPeriod: 10, candidateErrors: 0, baselineErrors: 0 });
    const deadline = deployment.startedAt + 45_000;
    expect(await runJudge(deployment, world.ports, { ...options, deadline })).toBe('handed-over');
    expect(world.handedOver()).toBe(1);
    expect(Math.max(...world.published.map(({ at }) => at)) + LOOK_EVERY_MS).toBeGreaterThanOrEqual(deadline);
  });

  it('has the canary probe the stage at its first look and every minute after, while the deployment lasts', async () => {
    const world = fakeWorld({ perPeriod: 10, candidateErrors: 0, baselineErrors: 0 });
    world.endAt(deployment.startedAt + 150_000);
    await runJudge(deployment, world.ports, options);
    expect(world.probes.map((at) => (at - deployment.startedAt) / 1000)).toEqual([0, 60, 120]);
  });

  it('publishes its verdict without waiting for the canary’s answer', async () => {
    const world = fakeWorld({ perPeriod: 10, candidateErrors: 0, baselineErrors: 0 });
    world.endAt(deployment.startedAt + 10_000);
    const order: string[] = [];
    let answer: (outcome: 'started') => void = () => undefined;
    const ports: JudgePorts = {
      ...world.ports,
      probe: () => {
        order.push('probe asked');
        return new Promise((resolve) => {
          answer = resolve;
        });
      },
      publish: async () => {
        order.push('verdict published');
        // The Synthetics API answers only now, after the verdict is out.
        answer('started');
      },
    };
    expect(await runJudge(deployment, ports, options)).toBe('ended');
    expect(order).toEqual(['probe asked', 'verdict published']);
    expect(world.log.find((entry) => entry.judge === 'probe')?.outcome).toBe('started');
  });

  it('goes on judging when the canary cannot be started: a probe is never a verdict', async () => {
    const world = fakeWorld({ perPeriod: 10, candidateErrors: 0, baselineErrors: 0 });
    world.endAt(deployment.startedAt + 70_000);
    world.failProbes();
    expect(await runJudge(deployment, world.ports, options)).toBe('ended');
    expect(world.published).toHaveLength(7);
    expect(world.published.some(({ worse }) => worse)).toBe(false);
    expect(world.log.filter((entry) => entry.judge === 'probe').map((entry) => entry.outcome)).toEqual([
      'failed: Error: AccessDeniedException',
      'failed: Error: AccessDeniedException',
    ]);
  });

  it('keeps looking when CodeDeploy cannot say whether the deployment ended', async () => {
    const world = fakeWorld({ perPeriod: 10, candidateErrors: 0, baselineErrors: 0 });
    let calls = 0;
    const ports = {
      ...world.ports,
      ended: async () => {
        calls++;
        if (calls === 2) throw new Error('ThrottlingException');
        return calls > 3;
      },
    };
    expect(await runJudge(deployment, ports, options)).toBe('ended');
    expect(world.published).toHaveLength(3);
  });
});

describe('the judge’s queries and their answer', () => {
  it('read each version’s requests, 5xx, invocations and p99 by ExecutedVersion behind the alias', () => {
    const queries = judgeQueries(deployment, 'CanaryApi');
    expect(queries.map((query) => query.Id)).toEqual([
      'requests_baseline',
      'errors_baseline',
      'invocations_baseline',
      'p99_baseline',
      'requests_candidate',
      'errors_candidate',
      'invocations_candidate',
      'p99_candidate',
    ]);
    expect(queries[4]?.MetricStat).toEqual({
      Metric: {
        Namespace: 'CanaryApi',
        MetricName: 'Requests',
        Dimensions: [
          { Name: 'FunctionName', Value: 'canary-api-prod-hits' },
          { Name: 'Resource', Value: 'canary-api-prod-hits:live' },
          { Name: 'ExecutedVersion', Value: '8' },
        ],
      },
      Period: 10,
      Stat: 'Sum',
    });
    expect(queries[3]?.MetricStat?.Stat).toBe('p99');
  });

  it('sum the counts over every period, whatever their order, and never let errors exceed requests', () => {
    const observation = observe(
      answer({
        requests_candidate: [
          [1000, 3],
          [2000, 4],
        ],
        errors_candidate: [[1000, 9]],
        requests_baseline: [[1000, 40.7]],
        errors_baseline: [],
      }),
    );
    expect(observation.candidate).toEqual({ requests: 7, errors: 7 });
    expect(observation.baseline).toEqual({ requests: 40, errors: 0 });
  });

  it('find a candidate slow in 2 of the last 3 complete minutes, against both the floor and the baseline', () => {
    const minute = (at: number, candidateP99: number, baselineP99: number) => ({
      at,
      candidateInvocations: 30,
      candidateP99,
      baselineP99,
    });
    const counts = { candidate: { requests: 0, errors: 0 }, baseline: { requests: 0, errors: 0 } };
    const now = 4 * 60_000;
    const slow = [minute(0, 2500, 100), minute(60_000, 50, 40), minute(120_000, 3000, 120)];
    expect(verdictOf({ ...counts, latency: slow }, now)).toMatchObject({ worse: true, reason: /^latency/ });
    // The same p99 in a minute still running does not count yet.
    expect(verdictOf({ ...counts, latency: slow }, 180_000 - 1).worse).toBe(false);
    // Slow, but so is the baseline: shared, not the candidate's doing.
    const shared = [minute(0, 2500, 2000), minute(60_000, 50, 40), minute(120_000, 3000, 2600)];
    expect(verdictOf({ ...counts, latency: shared }, now).worse).toBe(false);
    // Twice the baseline but under the floor.
    const fast = [minute(0, 500, 100), minute(60_000, 600, 100), minute(120_000, 700, 100)];
    expect(verdictOf({ ...counts, latency: fast }, now).worse).toBe(false);
    expect(JUDGE_SETTINGS.latencyP99Ms).toBe(1_000);
  });

  it('refuse an event that does not name the deployment fully', () => {
    expect(parseJudgedDeployment(deployment)).toEqual(deployment);
    expect(() => parseJudgedDeployment({ ...deployment, candidateVersion: '' })).toThrow(/candidateVersion/);
    expect(() => parseJudgedDeployment({ ...deployment, startedAt: 'soon' })).toThrow(/startedAt/);
    expect(() => parseJudgedDeployment(null)).toThrow(/deploymentId/);
  });
});
