import { ResourceNotFoundException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { describe, expect, it, vi } from 'vitest';
import {
  type Invocation,
  judgeCheck,
  judgeVersion,
  RETRY_DELAYS_MS,
  realSleep,
  type Sleep,
  SMOKE_CHECKS,
  type SmokeCheck,
} from '../../../delivery/smoke-checks';

const health = SMOKE_CHECKS.health?.[0] as SmokeCheck;
const up = { status: 'UP', checks: { dynamodb: 'UP' } };

/** An answer of version 8, as the handlers give it. */
function answer(statusCode: number, body: unknown = up): Invocation {
  return {
    answer: {
      statusCode,
      headers: { 'content-type': 'application/json', 'x-function-version': '8' },
      body: JSON.stringify(body),
    },
  };
}

/** fetch's own failure when nothing listens: a TypeError whose cause carries the socket's code. */
const refusedConnection = () =>
  new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });

/** One attempt per outcome, in order: an Error is thrown, as a failed call would. */
function attempts(...outcomes: (Invocation | Error)[]) {
  return vi.fn(async (): Promise<Invocation> => {
    const next = outcomes.shift();
    if (!next) throw new Error('no more attempts were expected');
    if (next instanceof Error) throw next;
    return next;
  });
}

const noWait = () => vi.fn<Sleep>(async () => undefined);

describe('the smoke-check rule', () => {
  it('passes a check answered 503, 503, 200 after 3 attempts, waiting 1 s then 2 s', async () => {
    const attempt = attempts(answer(503), answer(503), answer(200));
    const sleep = noWait();
    expect(await judgeCheck(health, attempt, '8', { sleep })).toBeUndefined();
    expect(attempt).toHaveBeenCalledTimes(3);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1_000, 2_000]);
    expect(RETRY_DELAYS_MS).toEqual([1_000, 2_000]);
  });

  it('fails a check answered 5xx on 3 of 3 attempts, saying what each answered', async () => {
    const attempt = attempts(answer(503), answer(503), answer(500));
    const sleep = noWait();
    expect(await judgeCheck(health, attempt, '8', { sleep })).toBe(
      'GET /health is UP: 5xx on 3 of 3 attempts (503, 503, 500)',
    );
    expect(attempt).toHaveBeenCalledTimes(3);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('passes a check answered right at once after 1 attempt, without waiting', async () => {
    const attempt = attempts(answer(200));
    const sleep = noWait();
    expect(await judgeCheck(health, attempt, '8', { sleep })).toBeUndefined();
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('fails a 404 where 200 is expected after 1 attempt: a wrong answer is a defect, not noise', async () => {
    const attempt = attempts(answer(404), answer(200));
    const sleep = noWait();
    expect(await judgeCheck(health, attempt, '8', { sleep })).toBe(
      'GET /health is UP: status 404, expected 200',
    );
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('fails a wrong body or another version at once, even with status 200', async () => {
    expect(
      await judgeCheck(health, attempts(answer(200, { status: 'DOWN' })), '8', { sleep: noWait() }),
    ).toMatch(/body .* lacks/);
    expect(await judgeCheck(health, attempts(answer(200)), '9', { sleep: noWait() })).toBe(
      'GET /health is UP: answered by version 8, expected 9',
    );
  });

  it('fails a wrong answer after a 5xx at once, naming the attempt and what came before', async () => {
    const attempt = attempts(answer(503), answer(404), answer(200));
    expect(await judgeCheck(health, attempt, '8', { sleep: noWait() })).toBe(
      'GET /health is UP: status 404, expected 200 (attempt 2 of 3, after 503)',
    );
    expect(attempt).toHaveBeenCalledTimes(2);
  });

  it('fails a function error after 1 invocation: a crash is never noise', async () => {
    const attempt = attempts(
      { functionError: 'Unhandled', detail: '{"errorType":"TypeError"}' },
      answer(200),
    );
    const sleep = noWait();
    expect(await judgeCheck(health, attempt, '8', { sleep })).toBe(
      'GET /health is UP: version 8 failed (Unhandled): {"errorType":"TypeError"}',
    );
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('counts a network error like a 5xx: tried again, and failing only on 3 of 3', async () => {
    expect(
      await judgeCheck(health, attempts(refusedConnection(), answer(502), answer(200)), '8', {
        sleep: noWait(),
      }),
    ).toBeUndefined();
    const attempt = attempts(refusedConnection(), answer(503), refusedConnection());
    expect(await judgeCheck(health, attempt, '8', { sleep: noWait() })).toBe(
      'GET /health is UP: 5xx or no answer on 3 of 3 attempts (no answer: TypeError: fetch failed (ECONNREFUSED), ' +
        '503, no answer: TypeError: fetch failed (ECONNREFUSED))',
    );
  });

  it('tries a throttled AWS call again, but lets a refusal (no such function) stop the checks at once', async () => {
    const throttled = new TooManyRequestsException({
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 429 },
    });
    expect(
      await judgeCheck(health, attempts(throttled, answer(200)), '8', { sleep: noWait() }),
    ).toBeUndefined();
    const missing = new ResourceNotFoundException({
      message: 'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:canary-api-prod-health:8',
      $metadata: { httpStatusCode: 404 },
    });
    const attempt = attempts(missing, answer(200));
    await expect(judgeCheck(health, attempt, '8', { sleep: noWait() })).rejects.toBe(missing);
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('stops trying once the deadline aborts during a wait: the check did not finish in time', async () => {
    const deadline = new AbortController();
    const attempt = attempts(answer(503), answer(200));
    // The deadline passes while the check waits, and the wait ends as real timers end it: rejected.
    const sleep = vi.fn<Sleep>(async () => {
      deadline.abort(new DOMException('deadline', 'TimeoutError'));
      throw deadline.signal.reason;
    });
    expect(await judgeCheck(health, attempt, '8', { signal: deadline.signal, sleep })).toBe(
      'GET /health is UP: did not finish in time after 1 of 3 attempts (503)',
    );
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('makes no further attempt after the deadline, even when a wait ignores it', async () => {
    const deadline = new AbortController();
    const attempt = attempts(answer(503), answer(200));
    const sleep = vi.fn<Sleep>(async () => deadline.abort());
    expect(await judgeCheck(health, attempt, '8', { signal: deadline.signal, sleep })).toMatch(
      /did not finish in time after 1 of 3/,
    );
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('counts a call cut off by the deadline as unfinished, and makes none once it has passed', async () => {
    const deadline = new AbortController();
    const cutOff = vi.fn(async (): Promise<Invocation> => {
      deadline.abort();
      throw new DOMException('This operation was aborted', 'AbortError');
    });
    expect(await judgeCheck(health, cutOff, '8', { signal: deadline.signal, sleep: noWait() })).toBe(
      'GET /health is UP: did not finish in time',
    );
    const attempt = attempts(answer(200));
    expect(await judgeCheck(health, attempt, '8', { signal: deadline.signal })).toMatch(
      /did not finish in time/,
    );
    expect(attempt).not.toHaveBeenCalled();
  });

  it('judges a 5xx a check asks for like any answer, without trying again', async () => {
    const down: SmokeCheck = { name: 'GET /health is DOWN', request: { resource: '/health' }, status: 503 };
    const attempt = attempts(answer(503));
    expect(await judgeCheck(down, attempt, '8', { sleep: noWait() })).toBeUndefined();
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('ends a real wait as soon as the deadline aborts, so no hook outlives its deadline', async () => {
    const deadline = new AbortController();
    const waiting = realSleep(60_000, deadline.signal);
    deadline.abort();
    // Were the timer left running, this would wait a minute and the test time out.
    await expect(waiting).rejects.toThrow(/aborted/);
  });
});

describe('judgeVersion', () => {
  it('sends each of the function’s checks as an API Gateway event, retrying each on its own', async () => {
    const invoke = vi
      .fn<(event: unknown) => Promise<Invocation>>()
      .mockResolvedValueOnce(answer(503))
      .mockResolvedValueOnce(answer(200, { counter: 'smoke-test', hits: 1 }))
      .mockResolvedValueOnce(answer(200, { counter: 'smoke-test', hits: 1 }));
    const sleep = noWait();
    expect(await judgeVersion('hits', 'canary-api-prod-hits', '8', invoke, { sleep })).toEqual([]);
    expect(invoke.mock.calls.map(([event]) => (event as { httpMethod: string }).httpMethod)).toEqual([
      'POST',
      'POST',
      'GET',
    ]);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1_000]);
  });

  it('rejects, for the caller to report, a function nobody wrote checks for', async () => {
    await expect(judgeVersion('brandNew', 'canary-api-prod-brandNew', '8', vi.fn())).rejects.toThrow(
      /no smoke checks for canary-api-prod-brandNew; add them to delivery\/smoke-checks.ts/,
    );
  });
});
