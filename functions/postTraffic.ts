import type { Context } from 'aws-lambda';
import { callThroughApi, type LifecycleHookEvent, runHook } from '../delivery/deploy-hooks';

/** CodeDeploy AfterAllowTraffic: the public URL, through the alias, now answers from the new version. */
export const handler = (event: LifecycleHookEvent, context: Context) =>
  runHook(event, context, callThroughApi);
