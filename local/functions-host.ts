import type { Say } from './dynamodb-process';
import type { LocalGateway } from './gateway';
import type { OfflineProcess } from './offline-process';

export interface FunctionsHostOptions {
  gateway: Pick<LocalGateway, 'hold' | 'release'>;
  /** Starts serverless-offline; resolves once it serves, rejects if it ends first. */
  startOffline: () => Promise<OfflineProcess>;
  /** Says where the API is: the last line printed once the functions serve, after each reload too. */
  announce: () => void;
  say: Say;
  /** serverless-offline ended without being asked to: npm start ends with it. */
  crashed: (code: number | null) => void;
}

/**
 * Keeps serverless-offline running the functions behind the gateway, and runs it afresh when their
 * code changes. In process mode it loads each bundle once and keeps it (serverless-offline's
 * `--reloadHandler` only reloads in worker threads, one new thread per request); a new
 * serverless-offline builds and loads everything anew. The gateway holds requests meanwhile, so none
 * meets a stopped or half-started serverless-offline: each waits and gets the new code's answer.
 */
export class FunctionsHost {
  readonly #options: FunctionsHostOptions;
  #current: OfflineProcess | undefined;
  /** The start or reload under way: one at a time. */
  #busy: Promise<void> | undefined;
  /** A change came in while a start or reload ran, which may have built the code from before it. */
  #changedSince: string | undefined;
  #closed = false;

  constructor(options: FunctionsHostOptions) {
    this.#options = options;
  }

  /** The first start; rejects (OfflineDidNotStart) if serverless-offline ends before it serves. */
  start(): Promise<void> {
    return this.#serially(async () => {
      this.#adopt(await this.#options.startOffline());
      this.#options.announce();
    });
  }

  /** `file` changed: serverless-offline is stopped and started again, after a start or reload under way. */
  reload(file: string): void {
    if (this.#closed) return;
    if (this.#busy) this.#changedSince = file;
    else void this.#serially(() => this.#restart(file));
  }

  /** Stops serverless-offline, after a start or reload under way has finished. */
  async close(signal?: NodeJS.Signals): Promise<void> {
    this.#closed = true;
    await this.#busy;
    await this.#current?.stop(signal);
  }

  #serially(task: () => Promise<void>): Promise<void> {
    const run = task().finally(() => {
      this.#busy = undefined;
      const next = this.#changedSince;
      this.#changedSince = undefined;
      if (next) this.reload(next);
    });
    this.#busy = run.catch(() => undefined);
    return run;
  }

  #adopt(offline: OfflineProcess) {
    this.#current = offline;
    this.#options.gateway.release(offline.port);
    void offline.exited.then((code) => {
      if (!offline.stopping()) this.#options.crashed(code);
    });
  }

  async #restart(file: string) {
    const { gateway, say } = this.#options;
    say.log(`${file} changed: reloading the functions; requests wait for them.`);
    const started = performance.now();
    await gateway.hold();
    await this.#current?.stop();
    this.#current = undefined;
    try {
      this.#adopt(await this.#options.startOffline());
    } catch (error) {
      gateway.release(null);
      if (this.#closed) return;
      say.error(
        `The functions did not start again: ${(error as Error).message} (its output is above). Requests get 502 until a change is saved.`,
      );
      return;
    }
    say.log(`Functions reloaded in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    this.#options.announce();
  }
}
