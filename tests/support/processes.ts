import { type ChildProcess, spawn } from 'node:child_process';

export { freePort, isListening } from '../../local/free-port';

/** Polls until `ready` holds, failing with the process's output if it exits or the time runs out. */
export async function waitFor(
  ready: () => Promise<boolean>,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 90_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`exited with ${child.exitCode} before it was ready:\n${output()}`);
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${output()}`);
}

/** True while any process of the group still exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a command in its own process group, as a terminal would, collecting its output. */
export function startGroup(command: string, args: string[], env: NodeJS.ProcessEnv) {
  let output = '';
  const child = spawn(command, args, {
    detached: true,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}
