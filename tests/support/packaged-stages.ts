import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { packageService } from '../../local/packaged-service';

/**
 * The file of a stage's template exactly as `sls deploy --stage <stage>` would send it. Packaging
 * takes seconds per stage, and the stage and deployer tests read the same templates, so each (stage,
 * params) is packaged once per test run into the run's scratch folder (the toolchain project runs its
 * files one at a time, so no two files package the same stage at once).
 */
export async function packagedStage(stage: string, params: Record<string, string> = {}): Promise<string> {
  const name = [stage, ...Object.entries(params).map(([key, value]) => `${key}=${value}`)].join(',');
  const outDir = join(inject('runScratch'), `stage-${name}`);
  const done = join(outDir, '.packaged');
  if (!existsSync(done)) {
    await packageService(outDir, stage, process.cwd(), params);
    writeFileSync(done, '');
  }
  return join(outDir, 'cloudformation-template-update-stack.json');
}
