import type { Context } from 'aws-lambda';
import { awsJudgeClients, awsJudgePorts } from '../delivery/judge/aws-ports';
import { parseJudgedDeployment } from '../delivery/judge/observe';
import { isIdleProbe, probeCanary } from '../delivery/judge/probe';
import { runJudge } from '../delivery/judge/run';
import { canaryPorts } from '../delivery/judge/synthetics-api';
import { config } from '../lib/config';

const clients = awsJudgeClients(config.region);
/** Time kept back from the Lambda timeout to publish a last verdict and hand over. */
const HAND_OVER_MARGIN_MS = 20_000;

function canaryName(): string {
  if (!config.canaryName) throw new Error('CANARY_NAME is not set: delivery/template gives it to the judge');
  return config.canaryName;
}

/**
 * Started by the pre-traffic hook for each function's deployment, it watches it until CodeDeploy ends
 * it; woken by the stage's idle schedule, it has the canary check the stage once.
 */
export const handler = async (event: unknown, context: Context) => {
  if (isIdleProbe(event)) return probeCanary(canaryPorts(clients.synthetics, canaryName()), Date.now());
  return runJudge(
    parseJudgedDeployment(event),
    awsJudgePorts(clients, config.metricsNamespace, context.functionName, canaryName()),
    {
      metricsNamespace: config.metricsNamespace,
      deadline: Date.now() + context.getRemainingTimeInMillis() - HAND_OVER_MARGIN_MS,
    },
  );
};
