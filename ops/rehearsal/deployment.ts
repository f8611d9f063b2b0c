import type { VirtualClock } from './clock';
import type { RehearsedFunction, TrafficStep } from './plan';
import type { FunctionOutcome } from './summary';

/**
 * One function's CodeDeploy deployment, on simulated time: BeforeAllowTraffic, the traffic steps of
 * its deployment config, AfterAllowTraffic, done. It fails when its hook does or an alarm of its own
 * group fires (rolled back), or when another group fails and CloudFormation rolls the stack back.
 */

export type Phase = 'BeforeAllowTraffic' | 'shifting' | 'AfterAllowTraffic' | 'done';

export interface DeploymentContext {
  clock: VirtualClock;
  steps: readonly TrafficStep[];
  hookMs: number;
  /** The pre-traffic hook's failures for a function (already judged against the real candidate). */
  preTrafficFailures: (fn: RehearsedFunction) => string[];
  /** The post-traffic hook's failures, judged at the moment it runs. */
  postTrafficFailures: (fn: RehearsedFunction) => string[];
  note: (kind: 'phase' | 'weights', message: string) => void;
  /** Called when traffic starts to shift, once BeforeAllowTraffic has passed: the judge starts then. */
  shifting?: (deployment: FunctionDeployment) => void;
  /** Called once when this deployment fails: CloudFormation then rolls back the other groups. */
  failed: (deployment: FunctionDeployment, reason: string) => void;
}

export class FunctionDeployment {
  phase: Phase = 'BeforeAllowTraffic';
  /** The candidate's share of the alias's traffic. */
  weight = 0;
  outcome: FunctionOutcome | undefined;
  reason: string | undefined;
  endedAtMs: number | undefined;
  /** When the next traffic shift happens and to what, while one is scheduled. */
  nextShift: { atMs: number; fromMs: number; weight: number } | undefined;

  constructor(
    readonly fn: RehearsedFunction,
    private readonly context: DeploymentContext,
  ) {}

  get inProgress(): boolean {
    return this.phase !== 'done';
  }

  start(): void {
    const { clock, hookMs } = this.context;
    if (!this.fn.preTrafficHook) {
      this.shift();
      return;
    }
    this.context.note(
      'phase',
      `${this.fn.key}: BeforeAllowTraffic, smoke checks against the candidate version`,
    );
    clock.at(clock.now() + hookMs, () => {
      if (!this.inProgress) return;
      const failures = this.context.preTrafficFailures(this.fn);
      if (failures.length > 0) this.fail('hook_failed', `BeforeAllowTraffic failed: ${failures[0]}`);
      else this.shift();
    });
  }

  private shift(): void {
    const { clock, steps } = this.context;
    this.phase = 'shifting';
    const start = clock.now();
    this.context.shifting?.(this);
    steps.forEach((step, index) => {
      clock.at(start + step.atSeconds * 1000, () => this.inProgress && this.moveTo(start, index));
    });
    // Scheduled after the last shift at the same moment, so it runs right after it, as CodeDeploy does.
    clock.at(
      start + (steps.at(-1)?.atSeconds ?? 0) * 1000,
      () => this.inProgress && this.afterAllowTraffic(),
    );
  }

  private moveTo(start: number, index: number): void {
    const { steps, clock } = this.context;
    this.weight = steps[index]?.candidateWeight ?? 1;
    const next = steps[index + 1];
    this.nextShift = next
      ? { atMs: start + next.atSeconds * 1000, fromMs: clock.now(), weight: next.candidateWeight }
      : undefined;
    this.context.note(
      'weights',
      `${this.fn.key}: candidate ${Math.round(this.weight * 100)}% of the traffic (step ${index + 1} of ${steps.length})`,
    );
  }

  private afterAllowTraffic(): void {
    const { clock, hookMs } = this.context;
    if (!this.fn.postTrafficHook) {
      this.finish('promoted');
      return;
    }
    this.phase = 'AfterAllowTraffic';
    this.context.note('phase', `${this.fn.key}: AfterAllowTraffic, smoke checks through the alias`);
    clock.at(clock.now() + hookMs, () => {
      if (!this.inProgress) return;
      const failures = this.context.postTrafficFailures(this.fn);
      if (failures.length > 0) this.fail('rolled_back', `AfterAllowTraffic failed: ${failures[0]}`);
      else this.finish('promoted');
    });
  }

  private finish(outcome: FunctionOutcome, reason?: string): void {
    this.phase = 'done';
    this.outcome = outcome;
    this.reason = reason;
    this.endedAtMs = this.context.clock.now();
    this.nextShift = undefined;
    if (outcome !== 'promoted') this.weight = 0;
  }

  /** This group's own failure: its traffic goes back to the baseline and the stack update fails. */
  fail(outcome: 'rolled_back' | 'hook_failed', reason: string): void {
    if (!this.inProgress) return;
    this.finish(outcome, reason);
    this.context.note('phase', `${this.fn.key}: ${reason}; all its traffic back on the baseline`);
    this.context.failed(this, reason);
  }

  /** CloudFormation's rollback of the stack: a group still deploying stops, a promoted one reverts. */
  rollBackWithStack(cause: string): void {
    if (this.outcome === 'rolled_back' || this.outcome === 'hook_failed') return;
    this.finish('rolled_back_by_stack', cause);
  }
}
