import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../../../local/node-script';
import { eventually } from '../../support/npm-start';

// Each child gets a temp directory (TMPDIR) of its own, empty: whatever is in it after the child ended
// was left behind by the child.
let scratch: string;
let childScript: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'canary-api-temp-folder-'));
  childScript = bundleForNode('tests/support/temp-folder-child.ts', scratch);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let runs = 0;
function start(ending: string) {
  const tmp = join(scratch, `tmp-${runs++}`);
  mkdirSync(tmp);
  const spawned = spawn(process.execPath, [childScript, ending], {
    detached: true,
    env: { PATH: process.env.PATH, TMPDIR: tmp },
  });
  let output = '';
  spawned.stdout.on('data', (chunk) => {
    output += chunk;
  });
  spawned.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return { tmp, child: spawned, output: () => output };
}

async function ended(child: ChildProcess) {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  return { code: child.exitCode, signal: child.signalCode };
}

async function ready(run: ReturnType<typeof start>) {
  while (!run.output().includes('ready')) await once(run.child.stdout as NodeJS.EventEmitter, 'data');
}

describe('tempFolder and containTempFiles', () => {
  it.each([
    ['return', 0],
    ['exit', 3],
    ['throw', 1],
  ])(
    'leave nothing in the temp directory when the process ends by %s (exit code %i)',
    async (ending, code) => {
      const run = start(ending);
      expect(await ended(run.child), run.output()).toEqual({ code, signal: null });
      expect(readdirSync(run.tmp)).toEqual([]);
    },
  );

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    'leave nothing when %s reaches the process group, and let the signal end the process as it would have',
    async (signal) => {
      const run = start('wait');
      await ready(run);
      expect(readdirSync(run.tmp)).toHaveLength(1);
      process.kill(-(run.child.pid as number), signal);
      expect(await ended(run.child)).toEqual({ code: null, signal });
      // A process of their own removes them, from a quarter of a second on.
      expect(await eventually(() => readdirSync(run.tmp).length === 0, 5_000)).toBe(true);
    },
  );

  it("leave the ending to the process's own SIGINT listener, and go when it exits", async () => {
    const run = start('wait-with-handler');
    await ready(run);
    process.kill(-(run.child.pid as number), 'SIGINT');
    expect(await ended(run.child)).toEqual({ code: 5, signal: null });
    // Once: the signal was not raised again, and the folders were there for the listener to use.
    expect(run.output().match(/left/g)).toEqual(['left']);
    expect(await eventually(() => readdirSync(run.tmp).length === 0, 5_000)).toBe(true);
  });
});
