/**
 * Whether the local gateway may forward, and where to: serverless-offline comes up seconds after the
 * gateway and goes down and up again when the code changes (local/functions-host.ts). Until it is up,
 * requests wait here, as they would for a Lambda cold start, instead of meeting a closed port (a 502).
 */
export class UpstreamGate {
  /** The port requests go to; null: nothing runs the functions; undefined: held, requests wait. */
  #upstream: number | null | undefined;
  readonly #waiting = new Set<() => void>();
  #forwarding = 0;
  readonly #drained = new Set<() => void>();

  constructor(upstream?: number) {
    this.#upstream = upstream;
  }

  /**
   * The port to forward to once the gate is open (null: nothing to forward to), or 'late' when
   * `deadline` (a performance.now() time) passes first. A port handed out is given back with `leave`.
   */
  async enter(deadline: number): Promise<number | null | 'late'> {
    while (this.#upstream === undefined) {
      if (!(await this.#opened(deadline))) return 'late';
    }
    if (this.#upstream !== null) this.#forwarding++;
    return this.#upstream;
  }

  /** A forwarded request is answered (or gone). */
  leave(): void {
    this.#forwarding--;
    if (this.#forwarding > 0) return;
    for (const resolve of this.#drained) resolve();
    this.#drained.clear();
  }

  /** Requests wait from now on; resolves once none is being forwarded, so the upstream can stop. */
  hold(): Promise<void> {
    this.#upstream = undefined;
    if (this.#forwarding === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.add(resolve));
  }

  /** Sends the waiting requests and those to come to `upstream` (null: answers them 502). */
  release(upstream: number | null): void {
    this.#upstream = upstream;
    for (const wake of this.#waiting) wake();
    this.#waiting.clear();
  }

  #opened(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#waiting.delete(wake);
        resolve(false);
      }, deadline - performance.now());
      this.#waiting.add(wake);
    });
  }
}
