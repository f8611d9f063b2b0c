import { execFileSync, spawnSync } from 'node:child_process';

/**
 * A command-line validator's path, or undefined with a printed reason; under CI=true a missing one is
 * an error, never a skip (.ci/run installs each: pip for cfn-lint, checkov and schemathesis, go for
 * actionlint).
 */
export function validator(
  command: string,
  install = `pip install -r requirements-ci.txt`,
): string | undefined {
  const found =
    spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim() || undefined;
  if (!found && process.env.CI) throw new Error(`${command} is not installed; .ci/run installs it.`);
  if (!found) console.warn(`Skipping the ${command} checks: ${command} is not installed (${install}).`);
  return found;
}

/** checkov's verdict on one CloudFormation file: counts, and each failed check as `<id> <resource>`. */
export function checkovVerdict(checkov: string, file: string) {
  const output = execFileSync(
    checkov,
    // --skip-download: no Prisma Cloud guideline look-ups; the checks themselves ship with checkov.
    [
      '-f',
      file,
      '--framework',
      'cloudformation',
      '--output',
      'json',
      '--quiet',
      '--soft-fail',
      '--skip-download',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const { summary, results } = JSON.parse(output) as {
    summary: { passed: number; failed: number };
    results?: { failed_checks?: { check_id: string; resource: string }[] };
  };
  return {
    passed: summary.passed,
    failed: (results?.failed_checks ?? []).map((check) => `${check.check_id} ${check.resource}`),
  };
}

/** cfn-lint's verdict on CloudFormation files: its exit status and everything it printed (nothing when clean). */
export function cfnLintVerdict(cfnLint: string, files: readonly string[]) {
  const result = spawnSync(cfnLint, files, { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}
