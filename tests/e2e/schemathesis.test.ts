import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../support/npm-start';

// schemathesis generates requests from openapi.yaml (every check, its stateful phase following the
// links between operations) and fails on any answer the contract does not allow: a tool we did not
// write, with its own idea of what valid and invalid input is. Settings: schemathesis.toml.

const MIN_CASES = 1_000;
const installed = spawnSync('st', ['--version'], { encoding: 'utf8' }).status === 0;
if (!installed) {
  const why = 'schemathesis is not installed (pip install -r requirements-ci.txt)';
  if (process.env.CI) throw new Error(`${why}; .ci/run installs it.`);
  console.warn(`Skipping the schemathesis run: ${why}.`);
}

let api: RunningApi;
beforeAll(async () => {
  if (installed) api = await startApi();
});
afterAll(() => api?.stop());

describe.runIf(installed)('schemathesis against npm start', () => {
  it(`finds no failure in at least ${MIN_CASES} generated cases and the stateful phase`, async () => {
    const run = spawn(
      'st',
      [
        'run',
        'openapi.yaml',
        `--url=${api.url}`,
        '--checks=all',
        '--phases=examples,coverage,fuzzing,stateful',
        '--max-examples=120',
        // A fixed seed: the same cases on every run, so a red CI is reproducible with this command.
        '--seed=1',
        // One worker: with two, CPython 3.11's ast module can fail inside hypothesis (seen with --seed=7).
        '--workers=1',
        '--request-timeout=30',
        '--no-color',
      ],
      // Bounded: a run that has not finished in five minutes is killed and fails below.
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 },
    );
    let output = '';
    run.stdout.on('data', (chunk) => {
      output += chunk;
    });
    run.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const [code] = await once(run, 'exit');
    expect(code, output).toBe(0);
    expect(output).toMatch(/Stateful[\s\S]*Scenarios:\s+[1-9]/);
    const generated = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
    expect(generated, output).toBeGreaterThanOrEqual(MIN_CASES);
  }, 360_000);
});
