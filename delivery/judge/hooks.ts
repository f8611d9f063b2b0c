import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { type JudgedDeployment, VERDICT_METRIC, verdictNamespace } from './observe';
import { LOOK_EVERY_MS } from './run';

/**
 * The two places the deployment hooks meet the judge. BeforeAllowTraffic starts it once the new version
 * has passed its smoke checks, so it watches the version from its first user request. AfterAllowTraffic
 * makes sure it is still watching: a judge that never started, crashed or cannot publish is silence,
 * which the verdict alarm reads as OK, so the hook fails the deployment on it instead.
 */

/** Starts the judge for one function's deployment (an asynchronous invoke: it runs for minutes). */
export async function startJudge(
  lambda: LambdaClient,
  judgeFunctionName: string,
  deployment: JudgedDeployment,
) {
  await lambda.send(
    new InvokeCommand({
      FunctionName: judgeFunctionName,
      InvocationType: 'Event',
      Payload: JSON.stringify(deployment),
    }),
  );
}

/** Longer than this without a verdict, and the judge is not watching any more. */
export const SILENT_AFTER_MS = 6 * LOOK_EVERY_MS;

/**
 * What is wrong with the judge's verdicts on a deployment at `now`: one of them found the new version
 * worse (the alarm may not have acted yet), or none came in the last SILENT_AFTER_MS.
 */
export async function judgeProblems(
  cloudWatch: CloudWatchClient,
  metricsNamespace: string,
  deployment: Pick<JudgedDeployment, 'functionName' | 'startedAt'>,
  now: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const { MetricDataResults = [] } = await cloudWatch.send(
    new GetMetricDataCommand({
      MetricDataQueries: [
        {
          Id: 'verdict',
          MetricStat: {
            Metric: {
              Namespace: verdictNamespace(metricsNamespace),
              MetricName: VERDICT_METRIC.name,
              Dimensions: [{ Name: VERDICT_METRIC.dimension, Value: deployment.functionName }],
            },
            Period: LOOK_EVERY_MS / 1000,
            Stat: 'Maximum',
          },
        },
      ],
      StartTime: new Date(deployment.startedAt),
      EndTime: new Date(now),
    }),
    { abortSignal: signal },
  );
  const result = MetricDataResults.find((candidate) => candidate.Id === 'verdict');
  const timestamps = (result?.Timestamps ?? []).map((at) => new Date(at).getTime());
  const values = result?.Values ?? [];
  if (values.some((value) => value > 0))
    return ['the judge found the new version worse than the one it replaces'];
  const last = Math.max(Number.NEGATIVE_INFINITY, ...timestamps);
  if (now - last > SILENT_AFTER_MS)
    return [
      timestamps.length === 0
        ? 'the judge published no verdict on this deployment: failing safe'
        : `the judge has been silent for ${Math.round((now - last) / 1000)} s: failing safe`,
    ];
  return [];
}
