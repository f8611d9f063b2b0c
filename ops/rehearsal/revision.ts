import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Revision } from './summary';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The commit a build came from, for the report to name: `ref`'s, or for the working tree (no ref) HEAD's
 * and whether anything was not committed, untracked files included, since those were built too.
 */
export function revisionOf(ref: string | undefined, repository = root): Revision {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', repository, ...args], { encoding: 'utf8' }).trim();
  if (ref !== undefined)
    return { ref, commit: git('rev-parse', '--verify', `${ref}^{commit}`), uncommittedChanges: false };
  return {
    ref: 'working tree',
    commit: git('rev-parse', '--verify', 'HEAD^{commit}'),
    uncommittedChanges: git('status', '--porcelain').length > 0,
  };
}
