import { join } from 'node:path';
import { freePort, groupAlive, isListening, startGroup } from './processes';

/** The line npm start prints, last, once a request would be served (after each reload too). */
export const READY_LINE = /^API on http:\/\/localhost:(\d+)$/gm;

export interface RunningApi {
  url: string;
  port: number;
  /** The process `npm start` runs (package.json's start script), leader of its own process group. */
  pid: number;
  /** Everything it printed, both streams. */
  output(): string;
  /** What it printed on stdout alone, in order. */
  stdout(): string;
  /**
   * Resolves once its output has matched `pattern` (a /g regex) `count` times, as soon as the chunk
   * that makes it so arrives; rejects if it ends first.
   */
  printed(pattern: RegExp, count?: number): Promise<void>;
  /** Sends the signal to the whole group, as a terminal's Ctrl-C does, and waits until none is left. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Polls `gone` until it holds; false if it still does not after `timeoutMs`. */
export async function eventually(gone: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await gone()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return gone();
}

/** Beyond this, a start that never prints its address fails with what it printed. */
const READY_WITHIN_MS = 120_000;

/**
 * `npm start` as package.json runs it, on free ports, from the checkout at `root`; unless `ready` is
 * false, once it has printed its address. Without npm itself; with `underShell`, under a shell that
 * waits for it, as npm's script shell does (pid is the shell's).
 */
export async function startApi(
  env: NodeJS.ProcessEnv = {},
  underShell = false,
  { root = '.', ready = true } = {},
): Promise<RunningApi> {
  const port = await freePort();
  const start = [process.execPath, '--import', 'tsx', join(root, 'local/start.ts')];
  // `& wait` keeps the shell as the parent: a lone command may be exec'd in the shell's place.
  const [command, ...args] = underShell ? ['sh', '-c', '"$@" & wait', 'sh', ...start] : start;
  const { child, output } = startGroup(command as string, args, {
    PORT: String(port),
    DYNAMODB_PORT: String(await freePort()),
    ...env,
  });
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  const pid = child.pid as number;
  const printed = (pattern: RegExp, count = 1) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if ((output().match(pattern) ?? []).length < count) return;
        settle();
        resolve();
      };
      const exited = () => {
        settle();
        reject(new Error(`npm start ended before it printed ${pattern}:\n${output()}`));
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`npm start did not print ${pattern} within ${READY_WITHIN_MS} ms:\n${output()}`));
      }, READY_WITHIN_MS);
      const settle = () => {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        child.stderr?.off('data', check);
        child.off('exit', exited);
      };
      // startGroup's own listeners come first: output() already holds the chunk when these run.
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      child.once('exit', exited);
      check();
    });
  const api: RunningApi = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    output,
    stdout: () => stdout,
    printed,
    stop: async (signal = 'SIGINT') => {
      if (groupAlive(pid)) process.kill(-pid, signal);
      if (!(await eventually(() => !groupAlive(pid)))) process.kill(-pid, 'SIGKILL');
      await eventually(async () => !(await isListening(port)));
    },
  };
  if (ready) {
    try {
      await printed(READY_LINE);
    } catch (error) {
      await api.stop();
      throw error;
    }
  }
  return api;
}
