/**
 * The Synthetics canary runs when it is told to: its schedule is "run once when started" (rate(0
 * minute), delivery/template/synthetics.ts), and the judge starts it every PROBE_EVERY_MS while it
 * watches a deployment (and, where the stage asks for it, once when the idle schedule wakes it). A
 * canary that ran every minute all month cost $52 of prod's $65; probing only while a deployment is in
 * flight keeps the minute-by-minute checks where they decide something (docs/operating.md, cost).
 *
 * Several functions deploy at once, each with its own judge; they share the one canary. A judge skips
 * its probe when any run started within the last PROBE_EVERY_MS (GetCanary's Timeline.LastStarted), and
 * StartCanary refuses with ConflictException while a run is still starting or running, so the stage
 * gets about one run a minute however many judges are watching.
 */

/**
 * The canary's schedule: "rate(0 minute) … causes the canary to run only once when it is started"
 * (CloudFormation, AWS::Synthetics::Canary Schedule), after which it is STOPPED and may be started again.
 */
export const RUN_ONCE_SCHEDULE = 'rate(0 minute)';

/** How often a deployment in flight is probed: the canary's old prod schedule, rate(1 minute). */
export const PROBE_EVERY_MS = 60_000;
/**
 * A run that started this much sooner than a full period ago still counts as this minute's: judges'
 * looks drift by a few seconds, and a probe skipped by a hair would leave the minute without one.
 */
const DRIFT_MS = 5_000;

export interface CanaryPorts {
  /** When the canary's latest run started (epoch ms), undefined when it never ran. */
  lastStarted(): Promise<number | undefined>;
  /** Starts one run; 'busy' when the canary is already starting or running (ConflictException). */
  start(): Promise<'started' | 'busy'>;
}

export type ProbeOutcome = 'started' | 'busy' | 'recent';

/** Starts a run of the canary unless one started within the last minute or one is running. */
export async function probeCanary(canary: CanaryPorts, now: number): Promise<ProbeOutcome> {
  const last = await canary.lastStarted();
  if (last !== undefined && now - last < PROBE_EVERY_MS - DRIFT_MS) return 'recent';
  return canary.start();
}

/** The event of the stage's idle schedule (delivery/template/idle-probe.ts): one probe, then return. */
export const IDLE_PROBE_EVENT = { probe: 'idle' } as const;

export function isIdleProbe(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as Record<string, unknown>).probe === IDLE_PROBE_EVENT.probe
  );
}
