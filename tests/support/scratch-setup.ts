import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder that lives as long as this test run: what one file builds there, the next may reuse. */
    runScratch: string;
  }
}

export default function setup(project: TestProject) {
  const runScratch = mkdtempSync(join(tmpdir(), 'canary-api-run-'));
  project.provide('runScratch', runScratch);
  return () => rmSync(runScratch, { recursive: true, force: true });
}
