import { proxyEvent } from '../../delivery/api-gateway-event';
import { checksFor, judgeVersion, type ObservedAnswer, verdict } from '../../delivery/smoke-checks';
import type { RehearsalPlan } from './plan';
import type { InvokeOutcome, VersionRuntime } from './version-runtime';

/**
 * The real behaviour of each build, measured once before the simulation: real requests through the
 * real bundles, each version in its own process. The simulation then draws every simulated request's
 * outcome from these answers, so the artifacts about to be deployed are what the alarms judge, while
 * the number of real requests no longer limits the statistics (and no verdict depends on timing).
 */

export type Version = 'baseline' | 'candidate';

export interface FunctionBehaviour {
  /** HTTP statuses of real requests through the alias: what simulated requests draw from. */
  statuses: number[];
  /** Real durations of those requests on this machine, in ms: reported, never simulated with. */
  latencyMs: number[];
  /** Each smoke check through the alias: what is wrong with its answer, undefined when nothing. */
  checks: { name: string; failure: string | undefined }[];
}

export interface Calibration {
  behaviour: Record<Version, Record<string, FunctionBehaviour>>;
  /** The pre-traffic hook's verdict on each function of the candidate: its failures. */
  preTraffic: Record<string, string[]>;
}

/** A Lambda function error reaches an API Gateway client as a 502. */
const statusOf = (outcome: InvokeOutcome) => outcome.result?.statusCode ?? 502;

const answerOf = (outcome: InvokeOutcome): ObservedAnswer => ({
  statusCode: statusOf(outcome),
  headers: (outcome.result?.headers as Record<string, string> | undefined) ?? {},
  body: outcome.result?.body ?? '',
});

async function measure(
  runtime: VersionRuntime,
  functionKey: string,
  alias: string,
  samples: number,
): Promise<FunctionBehaviour> {
  const checks = checksFor(functionKey);
  const behaviour: FunctionBehaviour = { statuses: [], latencyMs: [], checks: [] };
  for (let index = 0; index < samples; index++) {
    const check = checks[index % checks.length];
    if (!check) break;
    const outcome = await runtime.invoke(functionKey, alias, proxyEvent(check.request));
    behaviour.statuses.push(statusOf(outcome));
    behaviour.latencyMs.push(outcome.durationMs);
    if (index < checks.length) {
      behaviour.checks.push({
        name: check.name,
        failure: verdict(check, answerOf(outcome), runtime.version),
      });
    }
  }
  return behaviour;
}

/** Measures both versions of every function the plan deploys, and judges the candidate as the hook would. */
export async function calibrate(
  runtimes: Record<Version, VersionRuntime>,
  plan: RehearsalPlan,
  samplesPerFunction = 20,
): Promise<Calibration> {
  const calibration: Calibration = { behaviour: { baseline: {}, candidate: {} }, preTraffic: {} };
  for (const fn of plan.functions) {
    for (const version of ['baseline', 'candidate'] as const) {
      calibration.behaviour[version][fn.key] = await measure(
        runtimes[version],
        fn.key,
        plan.alias,
        samplesPerFunction,
      );
    }
    const candidate = runtimes.candidate;
    // The hook's waits between retries pass on simulated time (the engine's hook duration), not here.
    calibration.preTraffic[fn.key] = fn.preTrafficHook
      ? await judgeVersion(
          fn.key,
          fn.name,
          candidate.version,
          async (event) => {
            const outcome = await candidate.invoke(fn.key, candidate.version, event);
            if (!outcome.result) {
              return { functionError: String(outcome.functionError), detail: String(outcome.message ?? '') };
            }
            return { answer: answerOf(outcome) };
          },
          { sleep: async () => undefined },
        ).catch((error: Error) => [error.message])
      : [];
  }
  return calibration;
}
