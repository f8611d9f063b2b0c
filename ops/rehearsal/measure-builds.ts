import type { Build } from './build';
import { type Calibration, calibrate } from './calibration';
import type { Fault } from './fault';
import { planFromTemplate, type RehearsalPlan, type Template } from './plan';
import { VERSION_IDS } from './traffic';
import { VersionRuntime } from './version-runtime';

/** The two builds a rehearsal compares: what runs today and what is about to be deployed. */
export interface Builds {
  baseline: Build;
  candidate: Build;
}

/** An environment variable every packaged function has (serverless.yml provider.environment). */
function required(environment: Record<string, string>, name: string): string {
  const value = environment[name];
  if (!value) throw new Error(`the packaged functions have no ${name}; serverless.yml provides it`);
  return value;
}

/**
 * The plan from the candidate's packaged template, and the real behaviour of both builds, each
 * version in its own process over the same DynamoDB (`dynamodbEndpoint`).
 */
export async function measureBuilds(
  builds: Builds,
  fault: Fault,
  dynamodbEndpoint: string,
): Promise<{ plan: RehearsalPlan; calibration: Calibration; metricsNamespace: string }> {
  const environment = builds.candidate.environment;
  const metricsNamespace = required(environment, 'METRICS_NAMESPACE');
  const plan = dropNewFunctions(
    planFromTemplate(builds.candidate.template, {
      candidateVersion: VERSION_IDS.candidate,
      metricsNamespace,
      functionNamePrefix: required(environment, 'FUNCTION_NAME_PREFIX'),
    }),
    builds.baseline.template,
  );
  const processEnvironment = (build: Build) => ({
    PATH: process.env.PATH,
    ...build.environment,
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    METRICS_ENABLED: 'false',
  });
  const runtimes = {
    baseline: await VersionRuntime.start(
      builds.baseline.codeDir,
      VERSION_IDS.baseline,
      processEnvironment(builds.baseline),
      false,
    ),
    candidate: await VersionRuntime.start(
      builds.candidate.codeDir,
      VERSION_IDS.candidate,
      processEnvironment(builds.candidate),
      fault.kind === 'crash-on-init',
    ),
  };
  try {
    return { plan, calibration: await calibrate(runtimes, plan), metricsNamespace };
  } finally {
    await Promise.all([runtimes.baseline.stop(), runtimes.candidate.stop()]);
  }
}

/**
 * The plan without the functions the baseline's template lacks, and without the alarms only they
 * watch: on AWS a new function's alias is created at its first version, and no traffic shifts.
 */
export function dropNewFunctions(plan: RehearsalPlan, baseline: Template): RehearsalPlan {
  const deployed = new Set(
    Object.values(baseline.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => String(resource.Properties.FunctionName)),
  );
  const functions = plan.functions.filter((fn) => deployed.has(fn.name));
  const watched = new Set(functions.flatMap((fn) => fn.alarms));
  return {
    ...plan,
    functions,
    alarms: plan.alarms.filter((alarm) => watched.has(alarm.name)),
    newFunctions: plan.functions.filter((fn) => !deployed.has(fn.name)).map((fn) => fn.key),
  };
}
