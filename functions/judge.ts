import type { Context } from 'aws-lambda';
import { awsJudgeClients, awsJudgePorts } from '../delivery/judge/aws-ports';
import { parseJudgedDeployment } from '../delivery/judge/observe';
import { runJudge } from '../delivery/judge/run';
import { config } from '../lib/config';

const clients = awsJudgeClients(config.region);
/** Time kept back from the Lambda timeout to publish a last verdict and hand over. */
const HAND_OVER_MARGIN_MS = 20_000;

/** Started by the pre-traffic hook for each function's deployment; watches it until CodeDeploy ends it. */
export const handler = async (event: unknown, context: Context) =>
  runJudge(
    parseJudgedDeployment(event),
    awsJudgePorts(clients, config.metricsNamespace, context.functionName),
    {
      metricsNamespace: config.metricsNamespace,
      deadline: Date.now() + context.getRemainingTimeInMillis() - HAND_OVER_MARGIN_MS,
    },
  );
