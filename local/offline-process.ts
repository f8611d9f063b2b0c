import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, isListening } from './free-port';
import { bannerFilter, OFFLINE_BANNER, pipeLines } from './offline-output';

/** serverless-offline as `npm start` runs it: in process mode, on free loopback ports, behind the gateway. */
export interface OfflineProcess {
  /** Its HTTP port, where the gateway forwards. */
  port: number;
  pid: number;
  /** Resolves with its exit code (null when a signal ended it) once it has ended, for whatever reason. */
  exited: Promise<number | null>;
  /** Whether `stop` was called: its end was asked for. */
  stopping(): boolean;
  /** Ends it (SIGTERM lets it close its servers) and resolves once it has. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** serverless-offline ended before it listened: a build error, a bad serverless.yml (its output says). */
export class OfflineDidNotStart extends Error {
  constructor(readonly code: number | null) {
    super(`serverless-offline ended with exit code ${code} before it served`);
  }
}

/**
 * Starts serverless-offline in `root` and resolves once its HTTP port accepts connections: it
 * registers every route before it listens, so from then on a request is served. Rejects with
 * OfflineDidNotStart if it ends first. Its output goes to this process's, without its banner.
 */
export async function startOffline(root: string, env: NodeJS.ProcessEnv): Promise<OfflineProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      // When npm start ends in any way, SIGKILL included, the IPC channel closes and this child ends too.
      '--require',
      './local/exit-with-parent.cjs',
      // When osls fails (a build error), it ends instead of hanging on esbuild's process.
      '--require',
      './local/exit-on-failure.cjs',
      'node_modules/osls/bin/serverless.js',
      'offline',
      'start',
      '--stage',
      'dev',
      '--useInProcess',
      '--noSponsor',
      '--host',
      '127.0.0.1',
      '--httpPort',
      String(port),
      '--lambdaPort',
      String(await freePort()),
    ],
    { cwd: root, stdio: ['inherit', 'pipe', 'pipe', 'ipc'], env },
  );
  // Both are pipes (stdio above); Node types them as possibly absent.
  pipeLines(child.stdout as Readable, bannerFilter(OFFLINE_BANNER.stdout), process.stdout);
  pipeLines(child.stderr as Readable, bannerFilter(OFFLINE_BANNER.stderr), process.stderr);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  while (!(await isListening(port))) {
    if (ended) throw new OfflineDidNotStart(await exited);
    await sleep(50);
  }
  let stopping = false;
  return {
    port,
    pid: child.pid as number,
    exited,
    stopping: () => stopping,
    stop: async (signal = 'SIGTERM') => {
      stopping = true;
      if (!ended) child.kill(signal);
      await exited;
    },
  };
}
