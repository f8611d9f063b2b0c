import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SMOKE_CHECKS } from '../../../delivery/smoke-checks';
import { handler } from '../../../delivery/synthetics-canary';

// A stand-in for the deployed API: answers every smoke check correctly unless told otherwise.
type Misbehaviour = 'none' | 'wrong-greeting' | 'no-version' | 'hang';
let misbehaviour: Misbehaviour = 'none';
let server: Server;
let requested: string[] = [];

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
    const answer = answers[path] ?? { status: 500, body: {} };
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
  vi.stubEnv('API_URL', `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`);
});

describe('the Synthetics canary', () => {
  it('passes when every endpoint answers its smoke checks', async () => {
    await expect(handler()).resolves.toBe('all checks passed');
    const checked = Object.values(SMOKE_CHECKS)
      .flat()
      .map((check) => `${check.request.method ?? 'GET'} ${check.request.path ?? check.request.resource}`);
    expect(requested).toEqual(checked);
  });

  it('fails the run, naming the check, when an answer is wrong', async () => {
    misbehaviour = 'wrong-greeting';
    await expect(handler()).rejects.toThrow(
      /1 check\(s\) failed: GET \/hello\?name=canary greets by name: body .* lacks/,
    );
  });

  it('fails when answers do not say which version served them', async () => {
    misbehaviour = 'no-version';
    await expect(handler()).rejects.toThrow(/no x-function-version header/);
  });

  it('fails within its time budget when the API hangs', async () => {
    misbehaviour = 'hang';
    vi.stubEnv('CHECK_BUDGET_MS', '500');
    // The API never answers: only the budget can end the run.
    await expect(handler()).rejects.toThrow(/check\(s\) failed/);
  });

  it('fails loudly without an API_URL', async () => {
    vi.stubEnv('API_URL', '');
    await expect(handler()).rejects.toThrow(/API_URL is not set/);
  });
});
