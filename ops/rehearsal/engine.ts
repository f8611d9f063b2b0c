import { VERDICT_METRIC, verdictNamespace } from '../../delivery/judge/observe';
import type { DeployViewState } from '../view';
import type { Calibration } from './calibration';
import { VirtualClock } from './clock';
import { type AlarmState, alarmState, evaluationIntervalMs, MetricStore } from './cloudwatch';
import { FunctionDeployment } from './deployment';
import { describeFault, type Fault } from './fault';
import { RehearsedJudge } from './judge-look';
import type { RehearsalPlan, RehearsedFunction } from './plan';
import { Random } from './random';
import { Recorder } from './recorder';
import type { Assumptions, Outcome, RehearsalEvent, RehearsalSummary } from './summary';
import { canaryRuns, failedChecks } from './synthetic-checks';
import { TrafficSimulator, VERSION_IDS } from './traffic';

/**
 * One rehearsed deployment, entirely on simulated time: every function's CodeDeploy deployment (its
 * own group, hooks and alarms), user traffic at the stated rate, the Synthetics canary on its
 * schedule, CloudWatch evaluating the alarms on its own cadence from datapoints that arrive late, and
 * CloudFormation rolling every function back when one group fails. It computes, it never waits: the
 * same plan, calibration, options and seed give the same summary on any machine.
 */

export interface SimulationOptions {
  /** Requests per second to the whole API, spread evenly over the deployed functions. */
  trafficPerSecond: number;
  fault: Fault;
  /**
   * The share of requests both versions answer with a 5xx whatever the release (a throttled DynamoDB
   * both share): users' requests, the canary's and the post-traffic hook's checks. Default 0.
   */
  noiseShare?: number;
  seed: number;
  metricsNamespace: string;
  assumptions?: Partial<Assumptions>;
  onEvent?: (event: RehearsalEvent) => void;
  /** The live view's state, every 10 simulated seconds. */
  onState?: (state: DeployViewState) => void;
}

/** docs/rehearsal.md says where each default comes from. */
export function defaultAssumptions(metricsNamespace: string): Assumptions {
  return {
    ingestionDelaySeconds: {
      [metricsNamespace]: 10,
      'AWS/Lambda': 60,
      'AWS/ApiGateway': 60,
      CloudWatchSynthetics: 10,
      // The judge's verdicts come by PutMetricData, not through the logs: readable sooner.
      [verdictNamespace(metricsNamespace)]: 2,
    },
    alarmReactionSeconds: 5,
    nominalLatencyMs: 20,
    hookSeconds: 5,
  };
}

/** The timeline's step, and the evaluation cadence of high-resolution alarms. */
const TICK_MS = 10_000;
/** CloudWatch evaluates alarms on its own minute; a deployment starts at any second of it. */
const MINUTE_MS = 60_000;
/** After every group has ended, the timeline goes on this long for the report. */
const TAIL_MS = 30_000;
/** No deployment config takes longer; a bound against a plan that never ends. */
const LIMIT_MS = 3 * 3_600_000;

export function simulate(
  plan: RehearsalPlan,
  calibration: Calibration,
  options: SimulationOptions,
): RehearsalSummary {
  const defaults = defaultAssumptions(options.metricsNamespace);
  // A delay given for one namespace keeps the others' defaults (`--ingestion-delay` names only ours).
  const assumptions = {
    ...defaults,
    ...options.assumptions,
    ingestionDelaySeconds: {
      ...defaults.ingestionDelaySeconds,
      ...options.assumptions?.ingestionDelaySeconds,
    },
  };
  const clock = new VirtualClock();
  const random = new Random(options.seed);
  const noiseShare = options.noiseShare ?? 0;
  // Whole seconds, as CloudWatch's 1-second buckets are: the clock counts from the deployment's start,
  // the store and the alarms from CloudWatch's minute, `startMs` earlier.
  const startMs = random.below(MINUTE_MS / 1000) * 1000;
  const store = new MetricStore((namespace) => (assumptions.ingestionDelaySeconds[namespace] ?? 0) * 1000);
  const traffic = new TrafficSimulator({
    plan,
    calibration,
    fault: options.fault,
    random,
    store,
    metricsNamespace: options.metricsNamespace,
    nominalLatencyMs: assumptions.nominalLatencyMs,
    noiseShare,
    startMs,
  });
  const recorder = new Recorder(plan, clock, options.onEvent);

  let stackFailedAt: number | undefined;
  let firstFailure: FunctionDeployment | undefined;
  const deployments: FunctionDeployment[] = plan.functions.map(
    (fn) =>
      new FunctionDeployment(fn, {
        clock,
        steps: plan.steps,
        hookMs: assumptions.hookSeconds * 1000,
        preTrafficFailures: (target) => [
          ...(calibration.preTraffic[target.key] ?? []),
          ...noisyPreTrafficChecks(target),
        ],
        // AfterAllowTraffic also reads the judge's verdicts (delivery/judge/hooks.ts): one found in the
        // last looks fails the deployment before the alarm could.
        postTrafficFailures: (target) => [
          ...failedChecks(traffic, calibration, [target], () => 'candidate', clock.now()),
          ...(judges.get(target)?.reason
            ? ['the judge found the new version worse than the one it replaces']
            : []),
        ],
        note: (kind, message) => recorder.emit(kind, message),
        shifting: (deployment) => startJudge(deployment),
        failed: (failing, reason) => {
          if (stackFailedAt !== undefined) return;
          stackFailedAt = clock.now();
          firstFailure = failing;
          for (const other of deployments) other.rollBackWithStack(`${failing.fn.key}: ${reason}`);
          recorder.emit('phase', 'the stack update fails: CloudFormation rolls every function back');
        },
      }),
  );
  const active = () => deployments.some((deployment) => deployment.inProgress);

  // The pre-traffic hook invokes the candidate directly, so the shared noise reaches it too: a check
  // fails on it only when all 3 attempts answer 5xx (delivery/smoke-checks.ts, judgeCheck).
  function noisyPreTrafficChecks(target: RehearsedFunction): string[] {
    const checks = calibration.behaviour.candidate[target.key]?.checks ?? [];
    return checks.flatMap((check) =>
      random.chance(noiseShare ** 3) ? [`${check.name}: 5xx on 3 of 3 attempts (shared noise)`] : [],
    );
  }

  // Each function's judge, started when its traffic starts to shift (as the pre-traffic hook starts it),
  // looking every 10 s until its deployment ends and publishing each verdict for its alarm.
  const judges = new Map<RehearsedFunction, RehearsedJudge>();
  function startJudge(deployment: FunctionDeployment) {
    const { fn } = deployment;
    const judge = new RehearsedJudge(
      {
        deploymentId: `rehearsal-${fn.key}`,
        functionName: fn.name,
        alias: plan.alias,
        baselineVersion: VERSION_IDS.baseline,
        candidateVersion: VERSION_IDS.candidate,
        startedAt: startMs,
      },
      options.metricsNamespace,
      store,
    );
    judges.set(fn, judge);
    if (plan.canaryStartedByJudges) canary.start(clock.now(), active);
    const verdict = { FunctionName: fn.name };
    clock.every(
      TICK_MS,
      clock.now(),
      () => {
        const at = clock.now() + startMs;
        const known = judge.reason !== undefined;
        const worse = judge.look(at);
        if (worse && !known)
          recorder.emit('phase', `${fn.key}: the judge finds the candidate worse (${judge.reason})`);
        store.put(
          verdictNamespace(options.metricsNamespace),
          VERDICT_METRIC.name,
          verdict,
          worse ? 1 : 0,
          at,
        );
      },
      () => deployment.inProgress,
    );
  }
  const weightOf = (fn: RehearsedFunction) =>
    deployments.find((deployment) => deployment.fn === fn)?.weight ?? 0;

  // User traffic, second by second.
  const perFunction = options.trafficPerSecond / Math.max(1, plan.functions.length);
  clock.every(1_000, 0, () => {
    for (const deployment of deployments) {
      const count = random.poisson(perFunction);
      const candidate = random.binomial(count, deployment.weight);
      const at = clock.now();
      recorder.add(
        deployment.fn,
        'baseline',
        traffic.serve(deployment.fn, 'baseline', count - candidate, at),
        active(),
      );
      recorder.add(
        deployment.fn,
        'candidate',
        traffic.serve(deployment.fn, 'candidate', candidate, at),
        active(),
      );
    }
  });

  // The Synthetics canary: started by the judges, or on its own schedule from the start.
  const canary = canaryRuns({
    plan,
    clock,
    store,
    random,
    traffic,
    calibration,
    recorder,
    weightOf,
    startMs,
  });
  if (!plan.canaryStartedByJudges) canary.start(0);

  // CloudWatch evaluates each alarm on its cadence, on its own clock; CodeDeploy stops a group whose
  // alarm fires. Scheduled before the timeline, so a point taken at the same moment shows the result.
  const states = new Map<string, AlarmState>(plan.alarms.map((alarm) => [alarm.name, 'OK']));
  clock.every(TICK_MS, TICK_MS - (startMs % TICK_MS), () => {
    const now = clock.now();
    const cloudWatchNow = now + startMs;
    for (const alarm of plan.alarms) {
      if (cloudWatchNow % evaluationIntervalMs(alarm) !== 0) continue;
      const state = alarmState(store, alarm, cloudWatchNow);
      const previous = states.get(alarm.name) as AlarmState;
      if (state === previous) continue;
      states.set(alarm.name, state);
      recorder.transition(alarm.name, previous, state);
      if (state !== 'ALARM') continue;
      for (const deployment of deployments.filter((candidate) => candidate.fn.alarms.includes(alarm.name))) {
        clock.at(now + assumptions.alarmReactionSeconds * 1000, () =>
          deployment.fail('rolled_back', `${alarm.name} in ALARM`),
        );
      }
    }
  });

  // The timeline, every 10 s of the deployment's own time.
  clock.every(TICK_MS, TICK_MS, () => {
    const now = clock.now();
    recorder.tick(deployments, states);
    if (options.onState) options.onState(recorder.viewState(deployments, states, plan.configName));
    if (!active()) clock.at(now + TAIL_MS, () => clock.stop());
  });

  for (const deployment of deployments) deployment.start();
  recorder.tick(deployments, states);
  clock.run(LIMIT_MS);

  const outcome: Outcome =
    stackFailedAt === undefined
      ? 'promoted'
      : firstFailure?.outcome === 'hook_failed'
        ? 'hook_failed'
        : 'rolled_back';
  const affectedAt = recorder.firstAffectedMs;
  return {
    outcome,
    stack: stackFailedAt === undefined ? 'UPDATE_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE',
    config: plan.configName,
    fault: describeFault(options.fault),
    trafficPerSecond: options.trafficPerSecond,
    noiseShare,
    seed: options.seed,
    startSecondOfMinute: startMs / 1000,
    assumptions,
    functions: recorder.functionSummaries(deployments),
    requests: recorder.totals(),
    timeToRollbackSeconds:
      stackFailedAt !== undefined && affectedAt !== undefined && outcome === 'rolled_back'
        ? Math.max(0, stackFailedAt - affectedAt) / 1000
        : null,
    maxCandidateShare: recorder.maxCandidateShare,
    hookFailures: deployments.flatMap((deployment) =>
      /^(Before|After)AllowTraffic failed/.test(deployment.reason ?? '')
        ? [`${deployment.fn.key}: ${deployment.reason}`]
        : [],
    ),
    alarms: plan.alarms.map((alarm) => ({
      name: alarm.name,
      transitions: recorder.transitionsOf(alarm.name),
    })),
    notSimulated: plan.notSimulated,
    timeline: recorder.timeline,
    events: recorder.events,
    measured: { latencyMs: recorder.measuredLatency(calibration) },
  };
}
