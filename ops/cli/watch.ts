/**
 * `npm run watch -- --stage <stage> [--region <region>]`: follows the CodeDeploy deployments that the
 * stack's latest update started, with the same view as the rehearsal. Exit codes: 0 succeeded or none
 * started, 1 failed, stopped or rolled back, 2 usage, stack or credentials problem.
 */
import { parseArgs } from 'node:util';
import { createView } from '../view';
import { awsClients, WatchSetupError, watchDeployments } from '../watch/poller';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const USAGE = 'npm run watch -- --stage dev|staging|prod [--region eu-west-1]';

let stage: string;
let region: string;
try {
  const { values } = parseArgs({
    options: { stage: { type: 'string' }, region: { type: 'string' } },
    strict: true,
  });
  if (!values.stage) throw new Error('--stage is required');
  stage = values.stage;
  region = values.region ?? process.env.AWS_REGION ?? 'eu-west-1';
} catch (error) {
  console.error(`${(error as Error).message}.\nUsage: ${USAGE}`);
  process.exit(2);
}

try {
  process.exit(
    await watchDeployments({
      stackName: `canary-api-${stage}`,
      clients: awsClients(region),
      view: createView(),
    }),
  );
} catch (error) {
  if (!(error instanceof WatchSetupError)) throw error;
  console.error(error.message);
  process.exit(2);
}
