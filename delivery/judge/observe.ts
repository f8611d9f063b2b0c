import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { Counts } from './statistic';

/**
 * What the judge reads, as GetMetricData queries, and what it makes of the answer. The same queries go
 * to CloudWatch on AWS (delivery/judge/run.ts) and to the rehearsal's metric store (ops/rehearsal), so
 * the rehearsal judges with the judge's own code.
 */

/** One function's deployment, as the pre-traffic hook hands it to the judge. */
export interface JudgedDeployment {
  deploymentId: string;
  /** The function's deployed name, as its metrics are dimensioned. */
  functionName: string;
  alias: string;
  /** The version the alias served before the deployment, and the one it shifts to. */
  baselineVersion: string;
  candidateVersion: string;
  /** Epoch milliseconds when the deployment started (GetDeployment's createTime). */
  startedAt: number;
}

/** The judge's event, checked: it comes from the pre-traffic hook or an earlier judge, never from users. */
export function parseJudgedDeployment(event: unknown): JudgedDeployment {
  const fields = (event ?? {}) as Record<string, unknown>;
  const text = (name: keyof JudgedDeployment) => {
    const value = fields[name];
    if (typeof value !== 'string' || value === '') throw new Error(`the judge's event has no ${name}`);
    return value;
  };
  const named = {
    deploymentId: text('deploymentId'),
    functionName: text('functionName'),
    alias: text('alias'),
    baselineVersion: text('baselineVersion'),
    candidateVersion: text('candidateVersion'),
  };
  const startedAt = fields.startedAt;
  if (typeof startedAt !== 'number' || !Number.isFinite(startedAt))
    throw new Error("the judge's event has no startedAt");
  return { ...named, startedAt };
}

/**
 * Where the judge publishes each look's verdict (PutMetricData, 1 when the candidate is worse, else 0)
 * and where each deployment group's judge alarm reads it, per function.
 */
export const VERDICT_METRIC = {
  namespaceSuffix: '/Judge',
  name: 'Verdict',
  dimension: 'FunctionName',
} as const;
export const verdictNamespace = (metricsNamespace: string) =>
  `${metricsNamespace}${VERDICT_METRIC.namespaceSuffix}`;

/** The EMF counts lib/metrics.ts writes per request, at 1-second resolution: summed per 10 seconds. */
export const COUNT_PERIOD_SECONDS = 10;
/** Lambda's Duration and Invocations are 1-minute metrics. */
export const LATENCY_PERIOD_SECONDS = 60;

export type Version = 'baseline' | 'candidate';
const VERSIONS: readonly Version[] = ['baseline', 'candidate'];

const queryId = (what: string, version: Version) => `${what}_${version}`;

function versionDimensions(deployment: JudgedDeployment, version: Version) {
  return [
    { Name: 'FunctionName', Value: deployment.functionName },
    { Name: 'Resource', Value: `${deployment.functionName}:${deployment.alias}` },
    {
      Name: 'ExecutedVersion',
      Value: version === 'baseline' ? deployment.baselineVersion : deployment.candidateVersion,
    },
  ];
}

/** Requests and 5xx of each version (our EMF line), and Lambda's invocations and p99 duration of each. */
export function judgeQueries(deployment: JudgedDeployment, metricsNamespace: string): MetricDataQuery[] {
  return VERSIONS.flatMap((version) => {
    const dimensions = versionDimensions(deployment, version);
    const stat = (id: string, namespace: string, name: string, period: number, statistic: string) => ({
      Id: queryId(id, version),
      MetricStat: {
        Metric: { Namespace: namespace, MetricName: name, Dimensions: dimensions },
        Period: period,
        Stat: statistic,
      },
      ReturnData: true,
    });
    return [
      stat('requests', metricsNamespace, 'Requests', COUNT_PERIOD_SECONDS, 'Sum'),
      stat('errors', metricsNamespace, 'ServerErrors', COUNT_PERIOD_SECONDS, 'Sum'),
      stat('invocations', 'AWS/Lambda', 'Invocations', LATENCY_PERIOD_SECONDS, 'Sum'),
      stat('p99', 'AWS/Lambda', 'Duration', LATENCY_PERIOD_SECONDS, 'p99'),
    ];
  });
}

/** One complete minute of Lambda's metrics for both versions. */
export interface LatencyMinute {
  /** Epoch milliseconds at the minute's start. */
  at: number;
  candidateInvocations: number;
  candidateP99: number | undefined;
  baselineP99: number | undefined;
}

/** What one look at the metrics saw: the counts since the deployment started, and the minutes of latency. */
export interface Observation {
  candidate: Counts;
  baseline: Counts;
  latency: LatencyMinute[];
}

const seriesOf = (results: readonly MetricDataResult[], id: string) => {
  const found = results.find((result) => result.Id === id);
  const points = new Map<number, number>();
  (found?.Timestamps ?? []).forEach((timestamp, index) => {
    const value = found?.Values?.[index];
    if (value !== undefined) points.set(new Date(timestamp).getTime(), value);
  });
  return points;
};

const total = (points: Map<number, number>) => [...points.values()].reduce((sum, value) => sum + value, 0);

/**
 * The observation in a GetMetricData answer to judgeQueries. Counts are whole requests, so a sum that
 * is not (a partly aggregated datapoint) is rounded down, and errors never exceed requests: the
 * statistic refuses counts that cannot be rather than judging them.
 */
export function observe(results: readonly MetricDataResult[]): Observation {
  const counts = (version: Version): Counts => {
    const requests = Math.floor(total(seriesOf(results, queryId('requests', version))));
    const errors = Math.floor(total(seriesOf(results, queryId('errors', version))));
    return { requests, errors: Math.min(errors, requests) };
  };
  const invocations = seriesOf(results, queryId('invocations', 'candidate'));
  const candidateP99 = seriesOf(results, queryId('p99', 'candidate'));
  const baselineP99 = seriesOf(results, queryId('p99', 'baseline'));
  const minutes = [...new Set([...invocations.keys(), ...candidateP99.keys()])].sort((a, b) => a - b);
  return {
    candidate: counts('candidate'),
    baseline: counts('baseline'),
    latency: minutes.map((at) => ({
      at,
      candidateInvocations: invocations.get(at) ?? 0,
      candidateP99: candidateP99.get(at),
      baselineP99: baselineP99.get(at),
    })),
  };
}
