import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { type JudgedDeployment, judgeQueries, LATENCY_PERIOD_SECONDS, observe } from './observe';
import { PROBE_EVERY_MS, type ProbeOutcome } from './probe';
import { JUDGE_SETTINGS, type JudgeSettings, verdictOf } from './verdict';

/**
 * The judge's loop over one function's deployment, with every effect behind a port so that tests and
 * the rehearsal drive it on their own clock. Every look it reads both versions' metrics since the
 * deployment started, decides, and publishes the verdict (0 or 1) that the deployment group's judge
 * alarm watches: CodeDeploy stays the one that rolls back. A verdict of "worse" stands until the
 * deployment ends. It fails safe: metrics it cannot read for FAIL_SAFE_LOOKS looks in a row publish
 * "worse"; a judge that stops publishing at all is caught by the post-traffic hook (deploy-hooks.ts).
 * Every PROBE_EVERY_MS it also has the Synthetics canary check the stage through its public URL; a
 * probe that fails is logged, never a verdict: the canary's own alarm pages people.
 */

export interface JudgePorts {
  now(): number;
  sleep(ms: number): Promise<void>;
  getMetricData(queries: MetricDataQuery[], start: Date, end: Date): Promise<MetricDataResult[]>;
  publish(deployment: JudgedDeployment, worse: boolean, at: number): Promise<void>;
  /** Whether CodeDeploy has finished the deployment (Succeeded, Failed or Stopped). */
  ended(deploymentId: string): Promise<boolean>;
  /** Starts a run of the stage's Synthetics canary unless one ran within the minute (probe.ts). */
  probe(at: number): Promise<ProbeOutcome>;
  /** Hands the rest of the deployment to a fresh invocation of the judge, before this one times out. */
  handOver(deployment: JudgedDeployment): Promise<void>;
  log(entry: Record<string, unknown>): void;
}

export interface JudgeRunOptions {
  metricsNamespace: string;
  /** Epoch ms by which this invocation must have handed over (its Lambda timeout, less a margin). */
  deadline: number;
  settings?: JudgeSettings;
}

/** How often the judge looks: the period of the EMF counts and of its own alarm. */
export const LOOK_EVERY_MS = 10_000;
/** 30 seconds without metrics is no longer a hiccup. */
export const FAIL_SAFE_LOOKS = 3;

export type JudgeOutcome = 'ended' | 'handed-over';

export async function runJudge(
  deployment: JudgedDeployment,
  ports: JudgePorts,
  { metricsNamespace, deadline, settings = JUDGE_SETTINGS }: JudgeRunOptions,
): Promise<JudgeOutcome> {
  const queries = judgeQueries(deployment, metricsNamespace);
  // From the minute the deployment started in: Lambda's minutes are whole, and the counts start at 0.
  const periodMs = LATENCY_PERIOD_SECONDS * 1000;
  const start = new Date(Math.floor(deployment.startedAt / periodMs) * periodMs);
  let worse: string | undefined;
  let unread = 0;
  let probedAt: number | undefined;
  const ended = () =>
    ports.ended(deployment.deploymentId).catch((error: unknown) => {
      ports.log({ deploymentId: deployment.deploymentId, judge: 'status unknown', error: String(error) });
      return false;
    });
  for (;;) {
    if (await ended()) {
      ports.log({ deploymentId: deployment.deploymentId, judge: 'ended', worse: worse ?? null });
      return 'ended';
    }
    const at = ports.now();
    // The probe runs beside the look and the wait, so a slow Synthetics API never delays a verdict.
    let probing: Promise<void> = Promise.resolve();
    if (probedAt === undefined || at - probedAt >= PROBE_EVERY_MS) {
      probedAt = at;
      probing = ports
        .probe(at)
        .catch((error: unknown) => `failed: ${String(error)}`)
        .then((outcome) => ports.log({ deploymentId: deployment.deploymentId, judge: 'probe', outcome }));
    }
    if (!worse) {
      try {
        const verdict = verdictOf(
          observe(await ports.getMetricData(queries, start, new Date(at))),
          at,
          settings,
        );
        unread = 0;
        if (verdict.worse) worse = verdict.reason;
      } catch (error) {
        unread++;
        ports.log({ deploymentId: deployment.deploymentId, judge: 'unread', error: String(error) });
        if (unread >= FAIL_SAFE_LOOKS)
          worse = `metrics unreadable for ${unread} looks in a row: failing safe`;
      }
      if (worse) ports.log({ deploymentId: deployment.deploymentId, judge: 'worse', reason: worse });
    }
    // A verdict that cannot be published is silence, which the post-traffic hook fails.
    await ports.publish(deployment, worse !== undefined, at).catch((error: unknown) => {
      ports.log({ deploymentId: deployment.deploymentId, judge: 'unpublished', error: String(error) });
    });
    if (ports.now() + LOOK_EVERY_MS >= deadline) {
      await probing;
      await ports.handOver(deployment);
      return 'handed-over';
    }
    await Promise.all([ports.sleep(LOOK_EVERY_MS), probing]);
  }
}
