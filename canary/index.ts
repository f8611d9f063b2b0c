/**
 * The CloudWatch Synthetics canary (runtime syn-nodejs-3.1, no browser): every minute it runs every
 * function's smoke checks through the stage's public URL. A thrown error fails the run, which drops
 * SuccessPercent and fires the alarm wired into every deployment group. It is a separate program from
 * the functions, so it reads its one setting itself.
 */
import { checkWholeApi } from '../lib/smoke-checks';

export async function handler(): Promise<string> {
  const baseUrl = process.env.API_URL;
  if (!baseUrl) throw new Error('API_URL is not set on the canary');
  const failures = await checkWholeApi(baseUrl, AbortSignal.timeout(30_000));
  if (failures.length > 0) throw new Error(`${failures.length} check(s) failed: ${failures.join(' | ')}`);
  return 'all checks passed';
}
