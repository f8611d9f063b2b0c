import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagedFunctions, packageService } from '../../local/packaged-service';
import { tempFolder } from '../../local/temp-folder';
import type { Template } from './plan';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Build {
  /** Holds functions/<key>.cjs, as the Lambda runtime would see them. */
  codeDir: string;
  template: Template;
  environment: Record<string, string>;
}

const git = (...args: string[]) =>
  execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/**
 * What a build is made of: the stage, the installed dependencies and Node, and the commit, or for the
 * working tree every file a build reads (tracked and untracked, not ignored) with its content.
 */
export function sourceKey(stage: string, ref?: string): string {
  const hash = createHash('sha256').update(`${stage}\0${process.version}\0`);
  hash.update(readFileSync(join(root, 'package-lock.json')));
  if (ref !== undefined)
    return hash.update(`commit ${git('rev-parse', '--verify', `${ref}^{commit}`)}`).digest('hex');
  const files = git('ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0').sort();
  // Files only: a checkout may hold node_modules as a symlink, which git lists as untracked.
  const isFile = (path: string) => statSync(join(root, path), { throwIfNoEntry: false })?.isFile();
  for (const file of files.filter((path) => path && isFile(path))) {
    hash.update(`\0${file}\0`).update(readFileSync(join(root, file)));
  }
  return hash.digest('hex');
}

/**
 * The service at a git ref (or the working tree when ref is undefined), packaged as `sls deploy` would.
 * With `cacheDir` (REHEARSE_BUILD_CACHE), a build of the same sources (sourceKey) is packaged once and
 * reused: CI and the documentation's tests rehearse the same commits again and again.
 */
export async function buildService(stage: string, ref?: string, cacheDir?: string): Promise<Build> {
  if (cacheDir === undefined) return packageBuild(stage, ref);
  const cached = join(cacheDir, sourceKey(stage, ref));
  if (!existsSync(join(cached, 'build.json'))) {
    const build = await packageBuild(stage, ref);
    // Written aside and renamed into place, so a build is either whole or absent to a concurrent reader.
    const partial = `${cached}.${process.pid}.partial`;
    cpSync(build.codeDir, join(partial, 'code'), { recursive: true });
    writeFileSync(
      join(partial, 'build.json'),
      JSON.stringify({ template: build.template, environment: build.environment }),
    );
    try {
      renameSync(partial, cached);
    } catch {
      // Another rehearsal put the same build there first.
      rmSync(partial, { recursive: true, force: true });
    }
  }
  const { template, environment } = JSON.parse(readFileSync(join(cached, 'build.json'), 'utf8'));
  return { codeDir: join(cached, 'code'), template, environment };
}

async function packageBuild(stage: string, ref?: string): Promise<Build> {
  // Removed when the process ends (tempFolder): the versions' processes read `code` until then.
  const workDir = tempFolder('canary-api-rehearsal-');
  let serviceDir = root;
  if (ref !== undefined) {
    serviceDir = join(workDir, 'source');
    mkdirSync(serviceDir);
    const archive = execFileSync('git', ['-C', root, 'archive', '--format=tar', ref], {
      maxBuffer: 256 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', serviceDir], { input: archive });
    // The same installed dependencies: a ref with another lock file would need its own npm ci.
    symlinkSync(join(root, 'node_modules'), join(serviceDir, 'node_modules'));
  }
  const outDir = join(workDir, 'package');
  await packageService(outDir, stage, serviceDir);
  const codeDir = join(workDir, 'code');
  const functions = packagedFunctions(outDir);
  for (const fn of Object.values(functions)) {
    for (const [path, bytes] of Object.entries(fn.files)) {
      mkdirSync(dirname(join(codeDir, path)), { recursive: true });
      writeFileSync(join(codeDir, path), bytes);
    }
  }
  const template = JSON.parse(
    readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
  return { codeDir, template, environment: Object.values(functions)[0]?.environment ?? {} };
}

/** True when `ref` names a commit in this repository. */
export function isGitRef(ref: string): boolean {
  try {
    execFileSync('git', ['-C', root, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

export const hasGitRepository = () => existsSync(join(root, '.git'));
