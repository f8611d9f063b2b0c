import { spawn } from 'node:child_process';
import { once } from 'node:events';

export interface ShellResult {
  /** The exit code, or the signal that ended the command. */
  code: number | string;
  stdout: string;
  stderr: string;
}

/**
 * A command in bash as a reader's shell runs it: `failglob` refuses an unquoted `?`, `*` or `[` that
 * matches no file, as zsh (macOS's shell) does, and the environment holds nothing of the tests' own,
 * only PATH, HOME, LANG and `env`. The command leads a process group of its own.
 */
function start(command: string, cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn('bash', ['-O', 'failglob', '-o', 'pipefail', '-c', command], {
    cwd,
    detached: true,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG ?? 'C.UTF-8', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => {
    output.stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output.stderr += chunk;
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // The group is already gone.
    }
  };
  const ended = once(child, 'exit').then(([code, signal]): ShellResult => {
    // Nothing the command started (an esbuild service, a build's worker) outlives it.
    signalGroup('SIGKILL');
    return { code: code ?? signal, ...output };
  });
  return { signalGroup, ended, exited: () => child.exitCode !== null || child.signalCode !== null };
}

/** Runs a command to its end, killed with all it started after `timeoutMs`. */
export async function runAsReader(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ShellResult> {
  const shell = start(command, cwd, env);
  const timer = setTimeout(() => shell.signalGroup('SIGKILL'), timeoutMs);
  return shell.ended.finally(() => clearTimeout(timer));
}

/**
 * Runs a command that serves until stopped (`npm start`): waits until `ready` holds, then presses
 * Ctrl-C (SIGINT to its process group) and waits for it to end. A command that ends by itself, or is
 * not ready within `timeoutMs`, ends with what it printed so far.
 */
export async function serveAsReader(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<ShellResult & { wasReady: boolean }> {
  const shell = start(command, cwd, env);
  const deadline = Date.now() + timeoutMs;
  let wasReady = false;
  while (!shell.exited() && Date.now() < deadline && !wasReady) {
    wasReady = await ready().catch(() => false);
    if (!wasReady) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  shell.signalGroup('SIGINT');
  const timer = setTimeout(() => shell.signalGroup('SIGKILL'), 30_000);
  return { ...(await shell.ended.finally(() => clearTimeout(timer))), wasReady };
}
