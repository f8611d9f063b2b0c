import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  GetDeploymentCommand,
  type LifecycleEventStatus,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { config } from '../lib/config';
import type { DeploymentTarget } from './appspec';
import { deploymentTarget } from './deployment-target';
import { functionKey } from './function-key';
import { judgeProblems, startJudge } from './judge/hooks';
import { judgeThroughApi, judgeVersion, type ObservedAnswer, type Sleep } from './smoke-checks';

/** All CodeDeploy tells a hook: which deployment, and which hook execution to report on. */
export interface LifecycleHookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

export interface HookOutcome {
  status: LifecycleEventStatus;
  failures: string[];
}

/** What a hook works with: its AWS clients and the settings serverless.yml gives it. */
export interface HookEnvironment {
  codeDeploy: CodeDeployClient;
  lambda: LambdaClient;
  cloudWatch: CloudWatchClient;
  /** The judge function; only the pre-traffic hook, which starts it, has it. */
  judgeFunctionName: string | undefined;
  /** Where the functions' metrics and, under it, the judge's verdicts are. */
  metricsNamespace: string;
  /** `<service>-<stage>-`, to find a deployed function's smoke checks by its key. */
  functionNamePrefix: string;
  /** The stage's public URL; only the post-traffic hook has it. */
  apiUrl: string | undefined;
  /** Waits between a check's attempts; real timers unless a test drives them. */
  sleep?: Sleep;
}

/** The deployment's target and when it started (GetDeployment's createTime), which the judge counts from. */
export interface DeploymentUnderWay extends DeploymentTarget {
  deploymentId: string;
  startedAt: number;
}

type Checker = (
  target: DeploymentUnderWay,
  signal: AbortSignal,
  environment: HookEnvironment,
) => Promise<string[]>;

/** Kept back from the Lambda timeout so that the verdict is always reported, even when checks hang. */
const REPORT_MARGIN_MS = 3_000;

/** The hooks' environment on Lambda: clients in the function's region, settings from lib/config. */
export function lambdaHookEnvironment(): HookEnvironment {
  return {
    codeDeploy: new CodeDeployClient({ region: config.region }),
    lambda: new LambdaClient({ region: config.region }),
    cloudWatch: new CloudWatchClient({ region: config.region }),
    judgeFunctionName: config.judgeFunctionName,
    metricsNamespace: config.metricsNamespace,
    functionNamePrefix: config.functionNamePrefix,
    apiUrl: config.apiUrl,
  };
}

/** The deployment's target, read as CodeDeploy serves it (GetDeployment, then its revision). */
async function readTarget(
  codeDeploy: CodeDeployClient,
  deploymentId: string,
  signal: AbortSignal,
): Promise<DeploymentUnderWay> {
  const { deploymentInfo } = await codeDeploy.send(new GetDeploymentCommand({ deploymentId }), {
    abortSignal: signal,
  });
  const createTime = deploymentInfo?.createTime;
  if (!createTime) throw new Error(`deployment ${deploymentId} has no createTime`);
  const target = await deploymentTarget(codeDeploy, deploymentInfo ?? { deploymentId }, signal);
  return { ...target, deploymentId, startedAt: new Date(createTime).getTime() };
}

const utf8 = new TextDecoder();

/**
 * BeforeAllowTraffic: invokes the version being deployed directly, as API Gateway would, before any user
 * can; when it passes, starts the judge that compares it with the current version during the shift.
 */
export const invokeTargetVersion: Checker = async (target, signal, environment) => {
  const { lambda, functionNamePrefix, sleep, judgeFunctionName } = environment;
  const failures = await judgeVersion(
    functionKey(target.functionName, functionNamePrefix),
    target.functionName,
    target.targetVersion,
    async (event) => {
      const output = await lambda.send(
        new InvokeCommand({
          FunctionName: target.functionName,
          Qualifier: target.targetVersion,
          Payload: JSON.stringify(event),
        }),
        { abortSignal: signal },
      );
      const payload = output.Payload ? utf8.decode(output.Payload) : '';
      if (output.FunctionError) return { functionError: output.FunctionError, detail: payload };
      return { answer: JSON.parse(payload) as ObservedAnswer };
    },
    { signal, sleep },
  );
  if (failures.length > 0) return failures;
  if (!judgeFunctionName) return ['JUDGE_FUNCTION_NAME is not set: no judge would watch the shift'];
  await startJudge(lambda, judgeFunctionName, {
    deploymentId: target.deploymentId,
    functionName: target.functionName,
    alias: target.alias,
    baselineVersion: target.currentVersion,
    candidateVersion: target.targetVersion,
    startedAt: target.startedAt,
  });
  return [];
};

/**
 * AfterAllowTraffic: the same checks end to end, through the public URL and the alias, now all on the
 * new version; and the judge must still be watching, with no verdict against the new version.
 */
export const callThroughApi: Checker = async (target, signal, environment) => {
  const { apiUrl, functionNamePrefix, sleep, cloudWatch, metricsNamespace } = environment;
  if (!apiUrl) throw new Error('API_URL is not set for the post-traffic hook');
  const key = functionKey(target.functionName, functionNamePrefix);
  const failures = await judgeThroughApi(apiUrl, key, target.functionName, target.targetVersion, {
    signal,
    sleep,
  });
  return [...failures, ...(await judgeProblems(cloudWatch, metricsNamespace, target, Date.now(), signal))];
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
  environment: HookEnvironment,
): Promise<HookOutcome> {
  const signal = AbortSignal.timeout(Math.max(1_000, context.getRemainingTimeInMillis() - REPORT_MARGIN_MS));
  const { codeDeploy } = environment;
  const runChecks = async () =>
    check(await readTarget(codeDeploy, event.DeploymentId, signal), signal, environment);
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
