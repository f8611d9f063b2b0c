import { setTimeout as wait } from 'node:timers/promises';
import { examples } from '../lib/endpoints.json';
import { proxyEvent, type RequestSpec } from './api-gateway-event';

/** One request a release must answer as expected before (and after) it takes traffic. */
export interface SmokeCheck {
  name: string;
  request: RequestSpec;
  status: number;
  /** Members the JSON answer must contain, compared deeply. */
  body?: Record<string, unknown>;
}

/** The checks for each deployed function, by its key in serverless.yml. */
export const SMOKE_CHECKS: Readonly<Record<string, readonly SmokeCheck[]>> = {
  // Each endpoint's: the examples of its answers in openapi.yaml (compiled into lib/endpoints.json).
  ...examples,
  // The fallback serves no operation of openapi.yaml: its check is this template's own.
  fallback: [
    {
      name: 'GET /smoke-test/missing is a 404 problem',
      request: {
        resource: '/{proxy+}',
        path: '/smoke-test/missing',
        pathParameters: { proxy: 'smoke-test/missing' },
      },
      status: 404,
      body: { status: 404, title: 'Not Found' },
    },
  ],
};

/** A function's checks by its key in serverless.yml; one nobody wrote checks for must not slip through. */
export function checksFor(functionKey: string, deployedName = functionKey): readonly SmokeCheck[] {
  const checks = SMOKE_CHECKS[functionKey];
  if (!checks) {
    throw new Error(`there are no smoke checks for ${deployedName}; add them to delivery/smoke-checks.ts`);
  }
  return checks;
}

export interface ObservedAnswer {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body: string;
}

function contains(actual: unknown, expected: unknown): boolean {
  if (typeof expected !== 'object' || expected === null) return Object.is(actual, expected);
  if (typeof actual !== 'object' || actual === null) return false;
  return Object.entries(expected).every(([key, value]) =>
    contains((actual as Record<string, unknown>)[key], value),
  );
}

/**
 * What is wrong with an answer to a check, or undefined when nothing is. With `expectedVersion`, the
 * answer must come from that version; without, from any version that says which it is.
 */
export function verdict(
  check: SmokeCheck,
  answer: ObservedAnswer,
  expectedVersion?: string,
): string | undefined {
  const served = answer.headers['x-function-version'];
  if (!served) return `${check.name}: no x-function-version header`;
  if (expectedVersion !== undefined && served !== expectedVersion) {
    return `${check.name}: answered by version ${served}, expected ${expectedVersion}`;
  }
  if (answer.statusCode !== check.status)
    return `${check.name}: status ${answer.statusCode}, expected ${check.status}`;
  if (!check.body) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return `${check.name}: the body is not JSON`;
  }
  return contains(parsed, check.body)
    ? undefined
    : `${check.name}: body ${answer.body.slice(0, 200)} lacks ${JSON.stringify(check.body)}`;
}

/** Sends a check's request to a deployed (or local) API at `baseUrl`, e.g. https://…/prod. */
export async function callApi(
  baseUrl: string,
  check: SmokeCheck,
  signal?: AbortSignal,
): Promise<ObservedAnswer> {
  const { method = 'GET', path, resource = '/', query = {}, headers, body } = check.request;
  const url = new URL(`${baseUrl.replace(/\/$/, '')}${path ?? resource}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  const response = await fetch(url, { method, headers, body, signal });
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  };
}

/** What one attempt at a check gave: the answer, or the function error Lambda reported (a crash). */
export type Invocation = { answer: ObservedAnswer } | { functionError: string; detail: string };

/** Waits `ms`, rejecting as soon as `signal` aborts. Injected, so that tests never wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Real timers: what the hooks and the canary wait with between attempts. */
export const realSleep: Sleep = (ms, signal) => wait(ms, undefined, { signal });

export interface RetryOptions {
  /** The deadline of the whole run: once it aborts, no check is tried again. */
  signal?: AbortSignal;
  sleep?: Sleep;
}

/**
 * The waits before a 5xx check's 2nd and 3rd attempts. Both versions share the stage's background 5xx
 * rate (a DynamoDB throttle, a timeout): 0.1–0.5 % normally, 5 % in a partial outage. Failing on one
 * 5xx turned good releases into rollbacks; failing on 3 of 3 happens to a check at a 5 % rate with
 * probability 0.05³ = 1.25e-4. A bad release failing 50 % of requests then fails a check with only
 * 0.5³ = 0.125: telling bad releases from good ones is the judge's job (delivery/judge/, comparing both
 * versions' rates over all of the canary's traffic); the hooks catch broken ones, which crash, answer
 * wrong or answer 5xx every time. A non-5xx wrong answer and a function error are never noise.
 */
export const RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000];
const ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** A 5xx the check did not ask for: the shared noise above, worth another attempt. */
const isNoise = (check: SmokeCheck, status: number) =>
  status >= 500 && status <= 599 && status !== check.status;

/**
 * An AWS service refusing the call itself (access denied, no such function) would refuse every
 * attempt: the checks cannot run. Anything else thrown (a network error, a timeout, a throttle, the
 * service's own 5xx) is no answer, noise like a 5xx.
 */
function refused(error: unknown): boolean {
  const { $fault, $metadata } = (error ?? {}) as { $fault?: string; $metadata?: { httpStatusCode?: number } };
  return $fault === 'client' && $metadata?.httpStatusCode !== 429;
}

/**
 * The one rule by which both hooks and the canary judge a check; what is wrong, or undefined. `attempt`
 * makes one call, and throws when no answer came. A 5xx or no answer is tried again, after 1 s then 2 s,
 * and fails only on 3 of 3; any other wrong answer and a function error fail at once. Once `signal`
 * aborts, the check is not tried again and did not finish in time.
 */
export async function judgeCheck(
  check: SmokeCheck,
  attempt: () => Promise<Invocation>,
  expectedVersion: string | undefined,
  { signal, sleep = realSleep }: RetryOptions = {},
): Promise<string | undefined> {
  const seen: string[] = [];
  const late = () =>
    `${check.name}: did not finish in time` +
    (seen.length > 0 ? ` after ${seen.length} of ${ATTEMPTS} attempts (${seen.join(', ')})` : '');
  for (const delayMs of [0, ...RETRY_DELAYS_MS]) {
    if (delayMs > 0) await sleep(delayMs, signal).catch((error: unknown) => ignoreOnAbort(error, signal));
    if (signal?.aborted) return late();
    let outcome: Invocation;
    try {
      outcome = await attempt();
    } catch (error) {
      if (signal?.aborted) return late();
      if (refused(error)) throw error;
      const code = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
      seen.push(`no answer: ${String(error).slice(0, 120)}${code ? ` (${code})` : ''}`);
      continue;
    }
    if ('functionError' in outcome) {
      const who = expectedVersion === undefined ? 'the function' : `version ${expectedVersion}`;
      return `${check.name}: ${who} failed (${outcome.functionError}): ${outcome.detail.slice(0, 300)}`;
    }
    if (!isNoise(check, outcome.answer.statusCode)) {
      const problem = verdict(check, outcome.answer, expectedVersion);
      if (!problem || seen.length === 0) return problem;
      return `${problem} (attempt ${seen.length + 1} of ${ATTEMPTS}, after ${seen.join(', ')})`;
    }
    seen.push(String(outcome.answer.statusCode));
  }
  const what = seen.some((answer) => answer.startsWith('no answer')) ? '5xx or no answer' : '5xx';
  return `${check.name}: ${what} on ${ATTEMPTS} of ${ATTEMPTS} attempts (${seen.join(', ')})`;
}

/** A sleep cut short by the deadline is the deadline's to report; any other failure is a bug. */
function ignoreOnAbort(error: unknown, signal: AbortSignal | undefined): void {
  if (!signal?.aborted) throw error;
}

async function judgeEach(
  checks: readonly SmokeCheck[],
  attemptOf: (check: SmokeCheck) => Promise<Invocation>,
  expectedVersion: string | undefined,
  options: RetryOptions,
): Promise<string[]> {
  const failures: string[] = [];
  for (const check of checks) {
    const problem = await judgeCheck(check, () => attemptOf(check), expectedVersion, options);
    if (problem) failures.push(problem);
  }
  return failures;
}

/** Every function's checks through the public URL, as the Synthetics canary runs them each minute. */
export async function checkWholeApi(
  baseUrl: string,
  signal?: AbortSignal,
  sleep: Sleep = realSleep,
): Promise<string[]> {
  const attempt = async (check: SmokeCheck) => ({ answer: await callApi(baseUrl, check, signal) });
  return judgeEach(Object.values(SMOKE_CHECKS).flat(), attempt, undefined, { signal, sleep });
}

/**
 * BeforeAllowTraffic's verdict, shared by the pre-traffic hook (invoking through Lambda) and the
 * rehearsal (invoking its local runtime): each check sent to the version being deployed as an API
 * Gateway event, judged on its answer; the failures, none when the version may take traffic.
 */
export async function judgeVersion(
  functionKey: string,
  deployedName: string,
  version: string,
  invoke: (event: ReturnType<typeof proxyEvent>) => Promise<Invocation>,
  options: RetryOptions = {},
): Promise<string[]> {
  const attempt = (check: SmokeCheck) => invoke(proxyEvent(check.request));
  return judgeEach(checksFor(functionKey, deployedName), attempt, version, options);
}

/** AfterAllowTraffic's verdict: a function's checks through the public URL, each answered by `version`. */
export async function judgeThroughApi(
  baseUrl: string,
  functionKey: string,
  deployedName: string,
  version: string,
  options: RetryOptions = {},
): Promise<string[]> {
  const attempt = async (check: SmokeCheck) => ({ answer: await callApi(baseUrl, check, options.signal) });
  return judgeEach(checksFor(functionKey, deployedName), attempt, version, options);
}
