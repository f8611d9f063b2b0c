import type { Context } from 'aws-lambda';
import {
  callThroughApi,
  type LifecycleHookEvent,
  lambdaHookEnvironment,
  runHook,
} from '../delivery/deploy-hooks';

const environment = lambdaHookEnvironment();

/** CodeDeploy AfterAllowTraffic: the public URL, through the alias, now answers from the new version. */
export const handler = (event: LifecycleHookEvent, context: Context) =>
  runHook(event, context, callThroughApi, environment);
