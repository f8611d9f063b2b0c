import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/npm-start';
import { groupAlive, startGroup, waitFor } from '../support/processes';

// Issue 19: what a rehearsal and `sls package` leave in the temp directory. Each command runs with a
// temp directory (TMPDIR) of its own that starts empty, so that nothing else on the machine moves the
// count. The rehearsal builds both versions from HEAD (git archive, then `sls package` each, as a pull
// request's baseline is built) whatever state the working tree is in; --traffic 1 keeps it short.

const run = promisify(execFile);
const REHEARSE = ['ops/cli/rehearse.ts', '--stage', 'prod', '--candidate', 'HEAD', '--traffic', '1'];
// tsx keeps one folder, tsx-<uid>, for its cache and sockets, and every later run reuses it.
const TSX_FOLDER = `tsx-${process.geteuid?.() ?? userInfo().username}`;

const scratch = mkdtempSync(join(tmpdir(), 'canary-api-temp-dirs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let runs = 0;
function emptyTmpdir(): string {
  const folder = join(scratch, `tmp-${runs++}`);
  mkdirSync(folder);
  return folder;
}
const leftovers = (folder: string) => readdirSync(folder).filter((entry) => entry !== TSX_FOLDER);

/** Whether a folder called `name` lies within `depth` levels below `folder` (links not followed). */
function holdsFolder(folder: string, name: string, depth: number): boolean {
  try {
    return readdirSync(folder, { withFileTypes: true }).some(
      (entry) =>
        entry.isDirectory() &&
        (entry.name === name || (depth > 0 && holdsFolder(join(folder, entry.name), name, depth - 1))),
    );
  } catch {
    return false; // removed while we looked
  }
}

describe('the temp directory', () => {
  it('holds nothing new after a rehearsal that built both versions', { timeout: 300_000 }, async () => {
    const tmp = emptyTmpdir();
    const { stdout } = await run(
      'node_modules/.bin/tsx',
      [...REHEARSE, '--report', join(scratch, 'a.html')],
      {
        env: { ...process.env, TMPDIR: tmp },
        timeout: 280_000,
      },
    );
    expect(stdout).toContain('building baseline HEAD and candidate HEAD for prod');
    expect(stdout).toContain('report:');
    expect(leftovers(tmp)).toEqual([]);
  });

  it('holds nothing new after `sls package` (serverless-esbuild stages each function in it)', {
    timeout: 300_000,
  }, async () => {
    const tmp = emptyTmpdir();
    await run('node_modules/.bin/sls', ['package', '--stage', 'dev', '--package', join(scratch, 'package')], {
      env: { ...process.env, TMPDIR: tmp },
      timeout: 280_000,
    });
    expect(readdirSync(join(scratch, 'package'))).toContain('hello.zip');
    expect(leftovers(tmp)).toEqual([]);
  });

  it('holds nothing new after Ctrl-C stops a rehearsal while `sls package` builds in it', {
    timeout: 300_000,
  }, async () => {
    const tmp = emptyTmpdir();
    const rehearsal = startGroup(
      'node_modules/.bin/tsx',
      [...REHEARSE, '--report', join(scratch, 'b.html')],
      {
        TMPDIR: tmp,
      },
    );
    const pgid = rehearsal.child.pid as number;
    try {
      // serverless-esbuild's build folder in a copy of the service: a build is under way in the temp directory.
      await waitFor(async () => holdsFolder(tmp, '.esbuild', 4), rehearsal.child, rehearsal.output, 240_000);
      process.kill(-pgid, 'SIGINT');
      expect(await eventually(() => !groupAlive(pgid), 30_000), rehearsal.output()).toBe(true);
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
    if (rehearsal.child.exitCode === null && rehearsal.child.signalCode === null)
      await once(rehearsal.child, 'exit');
    expect(rehearsal.output()).not.toContain('report:');
    expect(rehearsal.child.exitCode ?? rehearsal.child.signalCode).toBeOneOf([130, 'SIGINT']);
    // local/temp-folder.ts leaves the removal to a process of its own, which needs a moment.
    await eventually(() => leftovers(tmp).length === 0, 10_000);
    expect(leftovers(tmp)).toEqual([]);
  });
});
