import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkWholeApi, type Sleep, SMOKE_CHECKS } from '../../../delivery/smoke-checks';
import { handler, runCanary } from '../../../delivery/synthetics-canary';

// A stand-in for the deployed API: answers every smoke check correctly unless told otherwise.
type Misbehaviour = 'none' | 'wrong-greeting' | 'no-version' | 'hang';
let misbehaviour: Misbehaviour = 'none';
/** Statuses /health answers first, in order, before it is UP again: a shared 5xx, or an outage. */
let healthFirst: number[] = [];
let server: Server;
let requested: string[] = [];
/** The canary's waits between attempts, answered at once: no test waits out a retry. */
let sleep = vi.fn<Sleep>(async () => undefined);
const apiUrl = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;

const answers: Record<string, { status: number; body: unknown }> = {
  '/hello': { status: 200, body: { message: 'Hello, canary!' } },
  '/echo': { status: 200, body: { data: '!DLROW ,OLLEH' } },
  '/hits/smoke-test': { status: 200, body: { counter: 'smoke-test', hits: 3 } },
  '/health': { status: 200, body: { status: 'UP', version: '1.0.0', checks: { dynamodb: 'UP' } } },
  '/smoke-test/missing': { status: 404, body: { type: 'x', title: 'Not Found', status: 404, detail: 'x' } },
};

beforeAll(async () => {
  server = createServer((request, response) => {
    if (misbehaviour === 'hang') return;
    const path = new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/prod/, '');
    requested.push(`${request.method} ${path}`);
    const failing = path === '/health' ? healthFirst.shift() : undefined;
    const answer = failing
      ? { status: failing, body: { status: failing } }
      : (answers[path] ?? { status: 500, body: {} });
    const body = path === '/hello' && misbehaviour === 'wrong-greeting' ? { message: 'Hi' } : answer.body;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (misbehaviour !== 'no-version') headers['x-function-version'] = '12';
    response.writeHead(answer.status, headers).end(JSON.stringify(body));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  misbehaviour = 'none';
  requested = [];
  healthFirst = [];
  sleep = vi.fn<Sleep>(async () => undefined);
  vi.stubEnv('API_URL', apiUrl());
});

describe('the Synthetics canary', () => {
  it('passes when every endpoint answers its smoke checks', async () => {
    await expect(handler()).resolves.toBe('all checks passed');
    const checked = Object.values(SMOKE_CHECKS)
      .flat()
      .map((check) => `${check.request.method ?? 'GET'} ${check.request.path ?? check.request.resource}`);
    expect(requested).toEqual(checked);
  });

  it('fails the run, naming the check, when an answer is wrong, without asking again', async () => {
    misbehaviour = 'wrong-greeting';
    await expect(runCanary(sleep)).rejects.toThrow(
      /1 check\(s\) failed: GET \/hello\?name=canary greets by name: body .* lacks/,
    );
    expect(requested.filter((request) => request === 'GET /hello')).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('passes when a check answers 503 twice and then right, waiting 1 s then 2 s', async () => {
    healthFirst = [503, 503];
    await expect(runCanary(sleep)).resolves.toBe('all checks passed');
    expect(requested.filter((request) => request === 'GET /health')).toHaveLength(3);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1_000, 2_000]);
  });

  it('fails the run when a check answers 5xx on 3 of 3 attempts, saying what each answered', async () => {
    healthFirst = [503, 500, 503];
    await expect(runCanary(sleep)).rejects.toThrow(
      /^1 check\(s\) failed: GET \/health is UP: 5xx on 3 of 3 attempts \(503, 500, 503\)$/,
    );
  });

  it('stops asking once its budget runs out while it waits, and fails every check left', async () => {
    healthFirst = [503, 503, 503];
    const budget = new AbortController();
    const outOfTime = vi.fn<Sleep>(async () => {
      budget.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      throw budget.signal.reason;
    });
    const failures = await checkWholeApi(apiUrl(), budget.signal, outOfTime);
    expect(failures).toEqual([
      'GET /health is UP: did not finish in time after 1 of 3 attempts (503)',
      'GET /smoke-test/missing is a 404 problem: did not finish in time',
    ]);
    expect(requested.filter((request) => request === 'GET /health')).toHaveLength(1);
    expect(requested).not.toContain('GET /smoke-test/missing');
  });

  it('fails when answers do not say which version served them', async () => {
    misbehaviour = 'no-version';
    await expect(runCanary(sleep)).rejects.toThrow(/no x-function-version header/);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('fails within its time budget when the API hangs', async () => {
    misbehaviour = 'hang';
    vi.stubEnv('CHECK_BUDGET_MS', '500');
    // The API never answers: only the budget can end the run.
    await expect(handler()).rejects.toThrow(/6 check\(s\) failed: .*did not finish in time/);
  });

  it('refuses a budget its 50-second run timeout could not hold', async () => {
    vi.stubEnv('CHECK_BUDGET_MS', '60000');
    await expect(handler()).rejects.toThrow(/CHECK_BUDGET_MS must be between 1 and 45000 ms/);
    expect(requested).toEqual([]);
  });

  it('fails loudly without an API_URL', async () => {
    vi.stubEnv('API_URL', '');
    await expect(handler()).rejects.toThrow(/API_URL is not set/);
  });
});
