/**
 * Simulated time for the rehearsal: a discrete-event scheduler. Events run in time order (ties in the
 * order they were scheduled) and time jumps from one to the next, so a five-minute canary takes as long
 * as its events take to compute, and no result depends on how fast or busy the machine is.
 */
interface Scheduled {
  at: number;
  order: number;
  action: () => void;
}

export class VirtualClock {
  #now = 0;
  #order = 0;
  #queue: Scheduled[] = [];
  #stopped = false;

  /** Simulated milliseconds since the deployment started. */
  now(): number {
    return this.#now;
  }

  /** Runs `action` at simulated time `at` (never in the past). */
  at(at: number, action: () => void): void {
    const event = { at: Math.max(at, this.#now), order: this.#order++, action };
    const index = this.#queue.findIndex((other) => other.at > event.at);
    this.#queue.splice(index === -1 ? this.#queue.length : index, 0, event);
  }

  /** Runs `action` every `intervalMs`, first at `firstAt`, while `keepGoing` holds. */
  every(
    intervalMs: number,
    firstAt: number,
    action: () => void,
    keepGoing: () => boolean = () => true,
  ): void {
    const tick = (at: number) =>
      this.at(at, () => {
        if (!keepGoing()) return;
        action();
        tick(at + intervalMs);
      });
    tick(firstAt);
  }

  /** Processes events until none is left, `stop()` is called, or the next one is after `untilMs`. */
  run(untilMs = Number.POSITIVE_INFINITY): void {
    this.#stopped = false;
    while (!this.#stopped) {
      const next = this.#queue[0];
      if (!next || next.at > untilMs) break;
      this.#queue.shift();
      this.#now = next.at;
      next.action();
    }
    if (!this.#stopped && Number.isFinite(untilMs)) this.#now = Math.max(this.#now, untilMs);
  }

  stop(): void {
    this.#stopped = true;
  }
}
