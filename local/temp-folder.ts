/**
 * Temporary folders that leave with the process: on a normal end, process.exit, an uncaught error, and
 * Ctrl-C, SIGTERM or SIGHUP. Only SIGKILL leaves them behind.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const held = new Set<string>();
let hooked = false;

/** Removes a folder of tempFolder() now instead of when the process ends. */
export function removeTempFolder(folder: string): void {
  held.delete(folder);
  try {
    rmSync(folder, { recursive: true, force: true });
  } catch (error) {
    process.stderr.write(`could not remove ${folder}: ${(error as Error).message}\n`);
  }
}

function removeAll() {
  for (const folder of [...held].reverse()) removeTempFolder(folder);
}

// Removes the folders from 0.25 s to 2 s after it starts: the children that got the same Ctrl-C may
// write into them until they are gone.
const SWEEPER = `
const { rmSync } = require('node:fs');
let sweeps = 0;
const timer = setInterval(() => {
  for (const folder of process.argv.slice(1)) {
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch {
      // Written to meanwhile: the next sweep removes the rest.
    }
  }
  if (++sweeps === 8) clearInterval(timer);
}, 250);
`;

/** Leaves the removal to a process of its own, which outlives this one. */
function sweepLater() {
  if (held.size === 0) return;
  spawn(process.execPath, ['-e', SWEEPER, ...held], { detached: true, stdio: 'ignore', cwd: '/' }).unref();
  held.clear();
}

let interrupted = false;

function onExit() {
  // After a signal, the children that got it too may still be writing.
  if (interrupted) sweepLater();
  else removeAll();
}

function onSignal(signal: NodeJS.Signals) {
  interrupted = true;
  // Another listener (vitest, npm start's stop) decides how the process ends; onExit runs then.
  if (process.listenerCount(signal) > 1) return;
  for (const name of SIGNALS) process.off(name, onSignal);
  process.off('exit', onExit);
  // Not removed here: that would block the event loop, and tsx kills (SIGKILL) a child that does not
  // answer the signal it relays within 30 ms.
  sweepLater();
  // Ended by the signal, as without us, so that a shell or a parent sees an interrupted run.
  process.kill(process.pid, signal);
}

/** A new empty folder in the temp directory, named `<prefix>XXXXXX`, removed when the process ends. */
export function tempFolder(prefix: string): string {
  if (!hooked) {
    hooked = true;
    process.on('exit', onExit);
    for (const name of SIGNALS) process.on(name, onSignal);
  }
  const folder = mkdtempSync(join(tmpdir(), prefix));
  held.add(folder);
  return folder;
}

/**
 * Makes a new tempFolder() the temp directory (TMPDIR) of this process and of every child it starts
 * from now on, so that what a child leaves there goes too: serverless-esbuild's per-function staging
 * folders when `sls package` is interrupted, for one.
 */
export function containTempFiles(prefix: string): string {
  const folder = tempFolder(prefix);
  process.env.TMPDIR = folder;
  return folder;
}
