import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { revisionOf } from '../../../../ops/rehearsal/revision';

// What the outputs name as compared: a scratch repository with two commits, so the answers are known.

let repository: string;
let first: string;
let second: string;
const git = (...args: string[]) =>
  execFileSync('git', ['-C', repository, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    encoding: 'utf8',
  }).trim();

beforeAll(() => {
  repository = mkdtempSync(join(tmpdir(), 'canary-api-revision-'));
  git('init', '-q');
  writeFileSync(join(repository, 'a.txt'), 'one\n');
  git('add', 'a.txt');
  git('commit', '-q', '-m', 'one');
  first = git('rev-parse', 'HEAD');
  writeFileSync(join(repository, 'a.txt'), 'two\n');
  git('commit', '-q', '-am', 'two');
  second = git('rev-parse', 'HEAD');
  return () => rmSync(repository, { recursive: true, force: true });
});

describe('revisionOf', () => {
  it('resolves a ref to its full commit', () => {
    expect(revisionOf('HEAD~1', repository)).toEqual({
      ref: 'HEAD~1',
      commit: first,
      uncommittedChanges: false,
    });
    expect(first).not.toBe(second);
  });

  it("names the working tree by HEAD's commit and says whether anything was not committed", () => {
    expect(revisionOf(undefined, repository)).toEqual({
      ref: 'working tree',
      commit: second,
      uncommittedChanges: false,
    });
    writeFileSync(join(repository, 'new.txt'), 'untracked, and built all the same\n');
    onTestFinished(() => rmSync(join(repository, 'new.txt')));
    expect(revisionOf(undefined, repository).uncommittedChanges).toBe(true);
  });
});
