import type { ServerResponse } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { gateway, handlerAnswer, problemOf, upstream } from '../../support/local-gateway';

// While serverless-offline starts or reloads, the gateway holds requests instead of refusing them.
const PROBLEMS = 'tag:canary-api,2026:problems';

describe('the local gateway while serverless-offline is not up', () => {
  it('holds a request that arrives before serverless-offline is up and forwards it once it is', async () => {
    const local = await gateway(undefined);
    const answer = fetch(`${local.url}/hello`);
    await vi.waitFor(async () => expect(await local.connections()).toBe(1));
    local.release(await upstream(handlerAnswer));
    // Had the gateway answered before the release, it would have had nowhere to send it: a 502.
    expect([(await answer).status, await (await answer).json()]).toEqual([
      200,
      { method: 'GET', url: '/hello' },
    ]);
  });

  it('answers 502 while nothing runs the functions (a reload that failed)', async () => {
    const local = await gateway(undefined);
    local.release(null);
    const answer = await fetch(`${local.url}/hello`);
    expect([answer.status, (await problemOf(answer)).type]).toEqual([502, `${PROBLEMS}/gateway-error`]);
  });

  it("answers 504 when serverless-offline is not up within the request's time limit", async () => {
    const local = await gateway(undefined, { timeoutMs: 50 });
    const answer = await fetch(`${local.url}/hello`);
    expect([answer.status, (await problemOf(answer)).type]).toEqual([504, `${PROBLEMS}/gateway-timeout`]);
  });

  it('lets requests being forwarded finish before hold resolves, and sends later ones to the next upstream', async () => {
    const pending: ServerResponse[] = [];
    const old = await upstream((_, response) => pending.push(response));
    const local = await gateway(old);
    const first = fetch(`${local.url}/slow`);
    await vi.waitFor(() => expect(pending).toHaveLength(1));
    let held = false;
    const holding = local.hold().then(() => {
      held = true;
    });
    const second = fetch(`${local.url}/later`);
    await vi.waitFor(async () => expect(await local.connections()).toBe(2));
    expect([held, pending.length]).toEqual([false, 1]);
    pending[0]?.writeHead(200, { 'x-function-version': '$LATEST' }).end('old');
    await holding;
    expect(await (await first).text()).toBe('old');
    local.release(await upstream(handlerAnswer));
    expect(await (await second).json()).toEqual({ method: 'GET', url: '/later' });
    expect(pending).toHaveLength(1);
  });
});
