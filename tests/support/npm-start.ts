import { freePort, groupAlive, isListening, startGroup, waitFor } from './processes';

export interface RunningApi {
  url: string;
  port: number;
  /** The process `npm start` runs (package.json's start script), leader of its own process group. */
  pid: number;
  output(): string;
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

const START = [process.execPath, '--import', 'tsx', 'local/start.ts'];

/**
 * `npm start` as package.json runs it, on free ports, ready once /health answers. Without npm itself;
 * with `underShell`, under a shell that waits for it, as npm's script shell does (pid is the shell's).
 */
export async function startApi(env: NodeJS.ProcessEnv = {}, underShell = false): Promise<RunningApi> {
  const port = await freePort();
  // `& wait` keeps the shell as the parent: a lone command may be exec'd in the shell's place.
  const [command, ...args] = underShell ? ['sh', '-c', '"$@" & wait', 'sh', ...START] : START;
  const { child, output } = startGroup(command as string, args, {
    PORT: String(port),
    DYNAMODB_PORT: String(await freePort()),
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/health`)).ok, child, output);
  const pid = child.pid as number;
  return {
    url,
    port,
    pid,
    output,
    stop: async (signal = 'SIGINT') => {
      if (groupAlive(pid)) process.kill(-pid, signal);
      if (!(await eventually(() => !groupAlive(pid)))) process.kill(-pid, 'SIGKILL');
      await eventually(async () => !(await isListening(port)));
    },
  };
}
