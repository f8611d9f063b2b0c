import { setTimeout as wait } from 'node:timers/promises';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataResult,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type JudgedDeployment, VERDICT_METRIC, verdictNamespace } from './observe';
import { probeCanary } from './probe';
import type { JudgePorts } from './run';
import { canaryPorts, type SyntheticsApi, syntheticsApi } from './synthetics-api';

/** CodeDeploy's final deployment states (API reference, DeploymentInfo.status). */
const ENDED = new Set(['Succeeded', 'Failed', 'Stopped']);

export interface AwsJudgeClients {
  cloudWatch: CloudWatchClient;
  codeDeploy: CodeDeployClient;
  lambda: LambdaClient;
  synthetics: SyntheticsApi;
}

export function awsJudgeClients(region: string): AwsJudgeClients {
  const cloudWatch = new CloudWatchClient({ region });
  return {
    cloudWatch,
    codeDeploy: new CodeDeployClient({ region }),
    lambda: new LambdaClient({ region }),
    // The same credentials as the SDK's clients: the Lambda role's.
    synthetics: syntheticsApi({ region, credentials: cloudWatch.config.credentials }),
  };
}

/** The judge's ports on AWS: CloudWatch, CodeDeploy, the canary, and itself for the hand-over. */
export function awsJudgePorts(
  { cloudWatch, codeDeploy, lambda, synthetics }: AwsJudgeClients,
  metricsNamespace: string,
  judgeFunctionName: string,
  canaryName: string,
): JudgePorts {
  const canary = canaryPorts(synthetics, canaryName);
  return {
    now: () => Date.now(),
    sleep: (ms) => wait(ms),
    async getMetricData(queries, start, end) {
      const results: MetricDataResult[] = [];
      let NextToken: string | undefined;
      do {
        const page = await cloudWatch.send(
          new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end, NextToken }),
        );
        for (const result of page.MetricDataResults ?? []) {
          const same = results.find((earlier) => earlier.Id === result.Id);
          if (!same) results.push({ ...result });
          else {
            same.Timestamps = [...(same.Timestamps ?? []), ...(result.Timestamps ?? [])];
            same.Values = [...(same.Values ?? []), ...(result.Values ?? [])];
          }
        }
        NextToken = page.NextToken;
      } while (NextToken);
      return results;
    },
    async publish(deployment, worse, at) {
      await cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: verdictNamespace(metricsNamespace),
          MetricData: [
            {
              MetricName: VERDICT_METRIC.name,
              Dimensions: [{ Name: VERDICT_METRIC.dimension, Value: deployment.functionName }],
              Timestamp: new Date(at),
              Value: worse ? 1 : 0,
              StorageResolution: 1,
            },
          ],
        }),
      );
    },
    async ended(deploymentId) {
      const { deploymentInfo } = await codeDeploy.send(new GetDeploymentCommand({ deploymentId }));
      return ENDED.has(String(deploymentInfo?.status));
    },
    probe: (at) => probeCanary(canary, at),
    async handOver(deployment: JudgedDeployment) {
      await lambda.send(
        new InvokeCommand({
          FunctionName: judgeFunctionName,
          InvocationType: 'Event',
          Payload: JSON.stringify(deployment),
        }),
      );
    },
    log: (entry) => console.info(JSON.stringify(entry)),
  };
}
