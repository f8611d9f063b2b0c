import { spawnSync } from 'node:child_process';

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
