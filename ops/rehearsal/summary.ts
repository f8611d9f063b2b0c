import type { Version } from './calibration';
import type { AlarmState } from './cloudwatch';
import type { RehearsalPlan } from './plan';

/** What one function's deployment group ended as. */
export type FunctionOutcome = 'promoted' | 'rolled_back' | 'hook_failed' | 'rolled_back_by_stack';
export type Outcome = 'promoted' | 'rolled_back' | 'hook_failed';

export interface RequestCounts {
  total: number;
  failed: number;
}

export interface FunctionSummary {
  key: string;
  outcome: FunctionOutcome;
  /** Why it did not promote: the alarm, the hook failure, or the other function that rolled back. */
  reason?: string;
  /** When its deployment ended, in simulated seconds. */
  endedAtSeconds: number;
  /** Its users' requests during the deployment, per version: the blast radius. */
  requests: Record<Version, RequestCounts>;
}

export interface TimelinePoint {
  simulatedSeconds: number;
  /** The candidate's share of each function's traffic. */
  weights: Record<string, number>;
  /** Requests and 5xx of the last 10 simulated seconds, per version. */
  requests: Record<Version, number>;
  failed: Record<Version, number>;
  /** p99 of the last 10 seconds' simulated durations. */
  p99Ms: number | undefined;
  alarmsInAlarm: string[];
}

export interface RehearsalEvent {
  simulatedSeconds: number;
  kind: 'phase' | 'weights' | 'alarm';
  message: string;
  /**
   * The candidate's share of each function's traffic right after this event, on the events that changed
   * it: the report draws each step at its moment, not at the next 10-second timeline point.
   */
  weights?: Record<string, number>;
}

/** The stated model parameters a rehearsal ran with (docs/rehearsal.md says why these defaults). */
export interface Assumptions {
  /** Seconds from a datapoint's timestamp until alarms can see it, per metric namespace. */
  ingestionDelaySeconds: Record<string, number>;
  /** Seconds from an alarm entering ALARM until CodeDeploy has moved the traffic back. */
  alarmReactionSeconds: number;
  /** Simulated duration of a request, before injected latency. */
  nominalLatencyMs: number;
  /** Simulated duration of each lifecycle hook. */
  hookSeconds: number;
}

export interface RehearsalSummary {
  outcome: Outcome;
  /** What CloudFormation ends the stack update as: one failed group rolls every function back. */
  stack: 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE';
  config: string;
  fault: string;
  /** Requests per second to the whole API during the deployment, spread evenly over its functions. */
  trafficPerSecond: number;
  /**
   * The share of requests both versions answered with a 5xx whatever the fault (a throttled
   * dependency). Optional, like `startSecondOfMinute`, only because summaries written before it lack it.
   */
  noiseShare?: number;
  seed: number;
  /**
   * The second of CloudWatch's minute at which the deployment started, drawn from the seed: where the
   * alarms' 10- and 60-second evaluations fall against the deployment's schedule. Times in the summary
   * count from the deployment's start, not from CloudWatch's minute.
   */
  startSecondOfMinute?: number;
  assumptions: Assumptions;
  functions: FunctionSummary[];
  requests: RequestCounts & { byVersion: Record<Version, RequestCounts> };
  /** From the first request the fault affected to the moment traffic was back on the baseline. */
  timeToRollbackSeconds: number | null;
  maxCandidateShare: number;
  hookFailures: string[];
  alarms: { name: string; transitions: { simulatedSeconds: number; from: AlarmState; to: AlarmState }[] }[];
  notSimulated: RehearsalPlan['notSimulated'];
  timeline: TimelinePoint[];
  /** Phases, weight changes and alarm transitions as they happened. */
  events: RehearsalEvent[];
  /** What this machine measured: depends on it, and never on a verdict. */
  measured: { latencyMs: Record<string, Record<Version, number>> };
}

/** One side of the comparison: the git ref asked for and the commit it was built from. */
export interface Revision {
  /** The ref given on the command line, or `working tree`. */
  ref: string;
  /** The full commit hash; for the working tree, HEAD's. */
  commit: string;
  /** The build also held changes not committed on top of `commit` (the working tree's). */
  uncommittedChanges: boolean;
}

/** What a rehearsal compared, so that its report, JSON and Markdown say it wherever they are read. */
export interface Compared {
  stage: string;
  baseline: Revision;
  candidate: Revision;
}

/** The engine's summary with what it compared: what the report, the JSON and the Markdown are made of. */
export type RehearsalRecord = Compared & RehearsalSummary;

/** Each alarm that entered ALARM, with the moments it did: what "fired" means in every output. */
export function firedAlarms(summary: RehearsalSummary): { name: string; at: number[] }[] {
  return summary.alarms.flatMap((alarm) => {
    const at = alarm.transitions.filter((t) => t.to === 'ALARM').map((t) => t.simulatedSeconds);
    return at.length > 0 ? [{ name: alarm.name, at }] : [];
  });
}

/** A revision as one line: the ref, its commit and whether uncommitted changes were built with it. */
export const revisionText = ({ ref, commit, uncommittedChanges }: Revision) =>
  `${ref} at ${commit}${uncommittedChanges ? ' with uncommitted changes' : ''}`;
