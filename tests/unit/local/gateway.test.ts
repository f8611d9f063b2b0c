import type { ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  gateway,
  handlerAnswer,
  problemOf,
  raw,
  stopLastStarted,
  upstream,
} from '../../support/local-gateway';

describe('the local gateway', () => {
  it('passes what a handler answers through unchanged, errors included', async () => {
    const { url } = await gateway(await upstream(handlerAnswer));
    const ok = await fetch(`${url}/hits/a?x=1`, { method: 'POST', body: 'abc' });
    expect([ok.status, ok.headers.get('x-seen-length'), await ok.json()]).toEqual([
      200,
      '3',
      { method: 'POST', url: '/hits/a?x=1' },
    ]);
    const missing = await fetch(`${url}/missing`);
    expect([missing.status, missing.headers.get('content-type')]).toEqual([404, 'application/json']);
  });

  it.each([
    [400, '{"statusCode":400,"error":"Bad Request"}', 'gateway-rejected', undefined],
    [502, '', 'gateway-error', undefined],
    [504, '', 'gateway-timeout', 504],
    [413, '{"statusCode":413}', 'body-too-large', 413],
  ])('turns a %i that no handler wrote into the gateway problem', async (status, body, slug, member) => {
    const { url } = await gateway(
      await upstream((_, response) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body);
      }),
    );
    const answer = await fetch(`${url}/x`);
    expect(answer.status).toBe(status);
    const problem = await problemOf(answer);
    expect([problem.type, problem.status]).toEqual([`tag:canary-api,2026:problems/${slug}`, member]);
  });

  it('refuses a body over the limit with 413, declared or streamed, without forwarding it', async () => {
    let forwarded = 0;
    const { url } = await gateway(
      await upstream((request, response) => {
        forwarded++;
        handlerAnswer(request, response);
      }),
      { maxBodyBytes: 100 },
    );
    const declared = await fetch(`${url}/echo`, { method: 'POST', body: 'x'.repeat(101) });
    const streamed = await fetch(`${url}/echo`, {
      method: 'POST',
      body: new Blob(['x'.repeat(60), 'y'.repeat(60)]).stream(),
      duplex: 'half',
    } as RequestInit);
    for (const answer of [declared, streamed]) {
      expect(answer.status).toBe(413);
      expect((await problemOf(answer)).type).toBe('tag:canary-api,2026:problems/body-too-large');
    }
    const fits = await fetch(`${url}/echo`, { method: 'POST', body: 'x'.repeat(100) });
    expect([fits.status, forwarded]).toEqual([200, 1]);
  });

  it('refuses headers over the limit with a 431 problem', async () => {
    const { url } = await gateway(await upstream(handlerAnswer), { maxHeaderBytes: 1024 });
    const answer = await fetch(`${url}/hello`, { headers: { 'x-big': 'a'.repeat(2000) } });
    expect(answer.status).toBe(431);
    expect((await problemOf(answer)).type).toBe('tag:canary-api,2026:problems/headers-too-large');
  });

  it('answers a request it cannot parse, and CONNECT, with a 400 problem', async () => {
    const { url } = await gateway(await upstream(handlerAnswer));
    const port = Number(new URL(url).port);
    for (const request of [
      'NOT HTTP AT ALL\r\n\r\n',
      'CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n',
    ]) {
      const answer = await raw(port, request);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('content-type: application/problem+json');
      expect(answer).toContain('x-function-version: gateway');
      expect(answer).toContain('"type":"tag:canary-api,2026:problems/gateway-rejected"');
    }
  });

  it('runs at most maxInFlight requests at once, queues the rest, and answers 429 beyond the queue', async () => {
    const held: ServerResponse[] = [];
    let peak = 0;
    const { url } = await gateway(
      await upstream((request, response) => {
        held.push(response);
        peak = Math.max(peak, held.filter((r) => !r.writableEnded).length);
        request.resume();
      }),
      { maxInFlight: 2, maxWaiting: 2 },
    );
    const answers = Array.from({ length: 4 }, () => fetch(`${url}/hits/x`, { method: 'POST' }));
    while (held.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const refused = await fetch(`${url}/hits/x`, { method: 'POST' });
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '1']);
    expect((await problemOf(refused)).status).toBe(429);
    let released = 0;
    while (released < 4) {
      const next = held[released];
      if (!next) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      next.writeHead(200, { 'x-function-version': '1' }).end('{}');
      released++;
    }
    expect((await Promise.all(answers)).map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(peak).toBe(2);
  });

  it('skips a queued request whose client gave up before its turn', async () => {
    const held: ServerResponse[] = [];
    const seen: string[] = [];
    const local = await gateway(
      await upstream((request, response) => {
        seen.push(request.url ?? '');
        held.push(response);
        request.resume();
      }),
      { maxInFlight: 1 },
    );
    const until = async (done: () => boolean | Promise<boolean>) => {
      while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const first = fetch(`${local.url}/first`);
    await until(() => held.length === 1);
    const client = new AbortController();
    const abandoned = fetch(`${local.url}/abandoned`, { signal: client.signal }).catch(() => 'aborted');
    const last = fetch(`${local.url}/last`);
    // Both wait behind /first; then one of them leaves, and the gateway sees its connection go.
    await until(async () => (await local.connections()) === 3);
    client.abort();
    expect(await abandoned).toBe('aborted');
    await until(async () => (await local.connections()) === 2);
    held[0]?.writeHead(200, { 'x-function-version': '1' }).end('{}');
    await until(() => held.length === 2);
    held[1]?.writeHead(200, { 'x-function-version': '1' }).end('{}');
    expect([(await first).status, (await last).status]).toEqual([200, 200]);
    expect(seen).toEqual(['/first', '/last']);
  });

  it('frees the turn of a client that leaves halfway through its body', async () => {
    const seen: string[] = [];
    const local = await gateway(
      await upstream((request, response) => {
        seen.push(request.url ?? '');
        handlerAnswer(request, response);
      }),
      { maxInFlight: 1 },
    );
    const socket = connect(Number(new URL(local.url).port), '127.0.0.1');
    socket.write('POST /half HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b');
    while ((await local.connections()) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    socket.destroy();
    // With the turn still held, this would wait for ever; the test's timeout would say so.
    expect((await fetch(`${local.url}/next`)).status).toBe(200);
    expect(seen).toEqual(['/next']);
  });

  it('sends a request again once when the kept-alive connection it reused was closed under it', async () => {
    const requestsOnSocket = new Map<unknown, number>();
    let received = 0;
    const { url } = await gateway(
      await upstream((request, response) => {
        received++;
        const count = (requestsOnSocket.get(request.socket) ?? 0) + 1;
        requestsOnSocket.set(request.socket, count);
        if (count === 2) request.socket.destroy();
        else handlerAnswer(request, response);
      }),
      { maxInFlight: 1 },
    );
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await fetch(`${url}/hello`)).status);
    expect(statuses).toEqual([200, 200, 200]);
    // The 2nd and 3rd requests each met a reused connection that closed, and went again on a new one.
    expect(received).toBe(5);
  });

  it('answers 504 when the function never answers, and 502 when nothing listens upstream', async () => {
    const silent = await gateway(await upstream(() => {}), { timeoutMs: 50 });
    const timedOut = await fetch(`${silent.url}/hello`);
    expect([timedOut.status, (await problemOf(timedOut)).type]).toEqual([
      504,
      'tag:canary-api,2026:problems/gateway-timeout',
    ]);
    const closedPort = await upstream(() => {});
    await stopLastStarted();
    const orphan = await gateway(closedPort);
    const down = await fetch(`${orphan.url}/hello`);
    expect([down.status, (await problemOf(down)).type]).toEqual([
      502,
      'tag:canary-api,2026:problems/gateway-error',
    ]);
  });
});
