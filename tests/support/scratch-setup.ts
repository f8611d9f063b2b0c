import type { TestProject } from 'vitest/node';
import { containTempFiles, removeTempFolder } from '../../local/temp-folder';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder that lives as long as this test run: what one file builds there, the next may reuse. */
    runScratch: string;
  }
}

export default function setup(project: TestProject) {
  const previousTmpdir = process.env.TMPDIR;
  // Also the temp directory of the test files' processes and of what they start (they inherit it): a
  // folder a test forgot, or `sls package` interrupted by Ctrl-C, goes with the run.
  const runScratch = containTempFiles('canary-api-run-');
  project.provide('runScratch', runScratch);
  return () => {
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
    removeTempFolder(runScratch);
  };
}
