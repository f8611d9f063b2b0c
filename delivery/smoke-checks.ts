import { proxyEvent, type RequestSpec } from './api-gateway-event';

/** One request a release must answer as expected before (and after) it takes traffic. */
export interface SmokeCheck {
  name: string;
  request: RequestSpec;
  status: number;
  /** Members the JSON answer must contain, compared deeply. */
  body?: Record<string, unknown>;
}

/** Writes go to this counter only, so smoke checks never touch a counter that users read. */
export const SMOKE_TEST_COUNTER = 'smoke-test';

/** The checks for each deployed function, by its key in serverless.yml. */
export const SMOKE_CHECKS: Readonly<Record<string, readonly SmokeCheck[]>> = {
  hello: [
    {
      name: 'GET /hello?name=canary greets by name',
      request: { resource: '/hello', query: { name: 'canary' } },
      status: 200,
      body: { message: 'Hello, canary!' },
    },
  ],
  echo: [
    {
      name: 'POST /echo?transform=shout shouts',
      request: {
        method: 'POST',
        resource: '/echo',
        query: { transform: 'shout' },
        headers: { 'Content-Type': 'application/json' },
        body: '{"data":"hello, world!"}',
      },
      status: 200,
      body: { data: '!DLROW ,OLLEH' },
    },
  ],
  hits: [
    {
      name: `POST /hits/${SMOKE_TEST_COUNTER} counts`,
      request: {
        method: 'POST',
        resource: '/hits/{counter}',
        path: `/hits/${SMOKE_TEST_COUNTER}`,
        pathParameters: { counter: SMOKE_TEST_COUNTER },
      },
      status: 200,
      body: { counter: SMOKE_TEST_COUNTER },
    },
    {
      name: `GET /hits/${SMOKE_TEST_COUNTER} reads`,
      request: {
        resource: '/hits/{counter}',
        path: `/hits/${SMOKE_TEST_COUNTER}`,
        pathParameters: { counter: SMOKE_TEST_COUNTER },
      },
      status: 200,
      body: { counter: SMOKE_TEST_COUNTER },
    },
  ],
  health: [
    {
      name: 'GET /health is UP',
      request: { resource: '/health' },
      status: 200,
      body: { status: 'UP', checks: { dynamodb: 'UP' } },
    },
  ],
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
    throw new Error(`there are no smoke checks for ${deployedName}; add them to lib/smoke-checks.ts`);
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

/** Every function's checks through the public URL, as the Synthetics canary runs them each minute. */
export async function checkWholeApi(baseUrl: string, signal?: AbortSignal): Promise<string[]> {
  const failures: string[] = [];
  for (const check of Object.values(SMOKE_CHECKS).flat()) {
    const problem = await callApi(baseUrl, check, signal).then(
      (answer) => verdict(check, answer),
      (error: unknown) => `${check.name}: ${String(error)}`,
    );
    if (problem) failures.push(problem);
  }
  return failures;
}

/** What invoking a version directly gave: its answer, or the function error Lambda reported. */
export type Invocation = { answer: ObservedAnswer } | { functionError: string; detail: string };

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
): Promise<string[]> {
  const failures: string[] = [];
  for (const check of checksFor(functionKey, deployedName)) {
    const invocation = await invoke(proxyEvent(check.request));
    const problem =
      'answer' in invocation
        ? verdict(check, invocation.answer, version)
        : `${check.name}: version ${version} failed (${invocation.functionError}): ${invocation.detail.slice(0, 300)}`;
    if (problem) failures.push(problem);
  }
  return failures;
}
