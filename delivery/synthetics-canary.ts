/**
 * The CloudWatch Synthetics canary (runtime syn-nodejs-3.1, no browser): every minute it runs every
 * function's smoke checks through the stage's public URL. A thrown error fails the run, which drops
 * SuccessPercent and fires the alarm wired into every deployment group. It is a separate program from
 * the functions, so it reads its settings itself: API_URL and, optionally, CHECK_BUDGET_MS (default
 * 30 s, well inside the canary's 50-second run timeout).
 */
import { checkWholeApi } from './smoke-checks';

export async function handler(): Promise<string> {
  const baseUrl = process.env.API_URL;
  if (!baseUrl) throw new Error('API_URL is not set on the canary');
  const budgetMs = Number(process.env.CHECK_BUDGET_MS ?? 30_000);
  const failures = await checkWholeApi(baseUrl, AbortSignal.timeout(budgetMs));
  if (failures.length > 0) throw new Error(`${failures.length} check(s) failed: ${failures.join(' | ')}`);
  return 'all checks passed';
}
