import type { Context } from 'aws-lambda';
import {
  invokeTargetVersion,
  type LifecycleHookEvent,
  lambdaHookEnvironment,
  runHook,
} from '../delivery/deploy-hooks';

const environment = lambdaHookEnvironment();

/** CodeDeploy BeforeAllowTraffic: the new version answers the smoke checks before any user reaches it. */
export const handler = (event: LifecycleHookEvent, context: Context) =>
  runHook(event, context, invokeTargetVersion, environment);
