/**
 * The CloudWatch Synthetics canary (a syn-nodejs runtime, no browser): every minute it runs every
 * function's smoke checks through the stage's public URL. A thrown error fails the run, which drops
 * SuccessPercent and fires the stage's `synthetics-failed` alarm, which pages people. It is a separate program from
 * the functions, so it reads its settings itself: API_URL and, optionally, CHECK_BUDGET_MS (default
 * 30 s, well inside the canary's 50-second run timeout).
 *
 * Why the budget still holds with retries: each check may take 3 attempts and 1 s + 2 s of waiting,
 * and an attempt may last until API Gateway answers 5xx (the functions' 6 s timeout, the gateway's 29 s
 * integration timeout at most), so 6 checks unbounded could take 6 × (3 × 29 s + 3 s) = 540 s. The
 * budget's signal bounds every attempt (fetch and body) and every wait, so a run ends within the budget:
 * the checks not finished by then fail as "did not finish in time". An API answering 5xx at once still
 * gets its full verdict: 6 × 3 s of waiting = 18 s, plus 18 quick attempts.
 */
import { checkWholeApi, realSleep, type Sleep } from './smoke-checks';

/** What the budget may be at most: the run timeout, less time to report the failures. */
const MAX_BUDGET_MS = 45_000;

/** One canary run; `sleep` waits between a check's attempts (real timers unless a test drives them). */
export async function runCanary(sleep: Sleep = realSleep): Promise<string> {
  const baseUrl = process.env.API_URL;
  if (!baseUrl) throw new Error('API_URL is not set on the canary');
  const budgetMs = Number(process.env.CHECK_BUDGET_MS ?? 30_000);
  if (!(budgetMs > 0 && budgetMs <= MAX_BUDGET_MS)) {
    throw new Error(`CHECK_BUDGET_MS must be between 1 and ${MAX_BUDGET_MS} ms, not ${budgetMs}`);
  }
  const failures = await checkWholeApi(baseUrl, AbortSignal.timeout(budgetMs), sleep);
  if (failures.length > 0) throw new Error(`${failures.length} check(s) failed: ${failures.join(' | ')}`);
  return 'all checks passed';
}

/** The entry Synthetics calls: with no arguments of ours, so the sleep stays real. */
export const handler = (): Promise<string> => runCanary();
