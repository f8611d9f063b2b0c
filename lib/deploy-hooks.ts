import {
  CodeDeployClient,
  GetDeploymentCommand,
  type LifecycleEventStatus,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { proxyEvent } from './api-gateway-event';
import { type DeploymentTarget, parseAppSpec } from './appspec';
import { config } from './config';
import { callApi, type ObservedAnswer, SMOKE_CHECKS, type SmokeCheck, verdict } from './smoke-checks';

/** All CodeDeploy tells a hook: which deployment, and which hook execution to report on. */
export interface LifecycleHookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

export interface HookOutcome {
  status: LifecycleEventStatus;
  failures: string[];
}

type Checker = (target: DeploymentTarget, signal: AbortSignal) => Promise<string[]>;

/** Kept back from the Lambda timeout so that the verdict is always reported, even when checks hang. */
const REPORT_MARGIN_MS = 3_000;

const codeDeploy = new CodeDeployClient({ region: config.region });
const lambda = new LambdaClient({ region: config.region });

async function deploymentTarget(deploymentId: string, signal: AbortSignal): Promise<DeploymentTarget> {
  const { deploymentInfo } = await codeDeploy.send(new GetDeploymentCommand({ deploymentId }), {
    abortSignal: signal,
  });
  const revision = deploymentInfo?.revision;
  const content = revision?.appSpecContent?.content ?? revision?.string?.content;
  if (!content) throw new Error(`deployment ${deploymentId} carries no AppSpec`);
  return parseAppSpec(content);
}

function checksFor(target: DeploymentTarget): readonly SmokeCheck[] {
  const key = target.functionName.startsWith(config.functionNamePrefix)
    ? target.functionName.slice(config.functionNamePrefix.length)
    : target.functionName;
  const checks = SMOKE_CHECKS[key];
  // A function nobody wrote checks for must not slip through untested.
  if (!checks)
    throw new Error(`there are no smoke checks for ${target.functionName}; add them to lib/smoke-checks.ts`);
  return checks;
}

const utf8 = new TextDecoder();

/** BeforeAllowTraffic: invokes the version being deployed directly, as API Gateway would, before any user can. */
export const invokeTargetVersion: Checker = async (target, signal) => {
  const failures: string[] = [];
  for (const check of checksFor(target)) {
    const output = await lambda.send(
      new InvokeCommand({
        FunctionName: target.functionName,
        Qualifier: target.targetVersion,
        Payload: JSON.stringify(proxyEvent(check.request)),
      }),
      { abortSignal: signal },
    );
    const payload = output.Payload ? utf8.decode(output.Payload) : '';
    if (output.FunctionError) {
      failures.push(
        `${check.name}: version ${target.targetVersion} failed (${output.FunctionError}): ${payload.slice(0, 300)}`,
      );
      continue;
    }
    const problem = verdict(check, JSON.parse(payload) as ObservedAnswer, target.targetVersion);
    if (problem) failures.push(problem);
  }
  return failures;
};

/** AfterAllowTraffic: the same checks end to end, through the public URL and the alias, now all on the new version. */
export const callThroughApi: Checker = async (target, signal) => {
  const { apiUrl } = config;
  if (!apiUrl) throw new Error('API_URL is not set for the post-traffic hook');
  const failures: string[] = [];
  for (const check of checksFor(target)) {
    const problem = verdict(check, await callApi(apiUrl, check, signal), target.targetVersion);
    if (problem) failures.push(problem);
  }
  return failures;
};

function rejectWhenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );
}

/**
 * Runs a hook's checks within the time the Lambda has left and always reports Succeeded or Failed to
 * CodeDeploy: a hook that never reports would hold the deployment for an hour.
 */
export async function runHook(
  event: LifecycleHookEvent,
  context: Context,
  check: Checker,
): Promise<HookOutcome> {
  const signal = AbortSignal.timeout(Math.max(1_000, context.getRemainingTimeInMillis() - REPORT_MARGIN_MS));
  const runChecks = async () => check(await deploymentTarget(event.DeploymentId, signal), signal);
  let failures: string[];
  try {
    // The race holds the deadline even where a client or fetch would not honour the signal.
    failures = await Promise.race([runChecks(), rejectWhenAborted(signal)]);
  } catch (error) {
    failures = [
      signal.aborted ? 'the checks did not finish in time' : `the checks could not run: ${String(error)}`,
    ];
  }
  const status: LifecycleEventStatus = failures.length === 0 ? 'Succeeded' : 'Failed';
  (status === 'Succeeded' ? console.info : console.error)(
    JSON.stringify({ deploymentId: event.DeploymentId, status, failures }),
  );
  await codeDeploy.send(
    new PutLifecycleEventHookExecutionStatusCommand({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status,
    }),
  );
  return { status, failures };
}
