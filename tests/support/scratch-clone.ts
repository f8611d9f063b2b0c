import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchClone {
  dir: string;
  remove(): void;
}

const git = (args: string[], cwd = '.') =>
  execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/**
 * A clone of this checkout that commands may write in (reports, summaries, `.esbuild/`): every ref and
 * commit of the repository (so `HEAD~1` or a branch name resolves as it does here), HEAD where it is
 * here, the working tree's files as they are now (tracked and untracked, not ignored) and the same
 * node_modules. Git state of this checkout is only read.
 */
export function scratchClone(root = process.cwd()): ScratchClone {
  const dir = mkdtempSync(join(tmpdir(), 'canary-api-scratch-'));
  const gitDir = join(dir, '.git');
  git(['clone', '--quiet', '--mirror', root, gitDir]);
  git(['--git-dir', gitDir, 'config', 'core.bare', 'false']);
  git(['--git-dir', gitDir, 'update-ref', '--no-deref', 'HEAD', git(['rev-parse', 'HEAD'], root).trim()]);
  const files = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root).split('\0');
  for (const file of files.filter((path) => path && existsSync(join(root, path))))
    cpSync(join(root, file), join(dir, file), { preserveTimestamps: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
