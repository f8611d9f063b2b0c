import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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

/** The service at a git ref (or the working tree when ref is undefined), packaged as `sls deploy` would. */
export async function buildService(stage: string, ref?: string): Promise<Build> {
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
