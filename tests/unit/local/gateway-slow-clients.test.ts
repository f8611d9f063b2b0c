import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { gateway, handlerAnswer, problemOf, raw, upstream } from '../../support/local-gateway';

// The local gateway against clients that are slow or odd at the HTTP level, which API Gateway's front
// end deals with before anything is invoked.
describe('the local gateway with slow and odd clients', () => {
  it('holds no turn for clients that send headers and then stall their bodies: they get 408, /hello is served', async () => {
    const seen: string[] = [];
    const local = await gateway(
      await upstream((request, response) => {
        seen.push(request.url ?? '');
        handlerAnswer(request, response);
      }),
      { maxInFlight: 1, bodyTimeoutMs: 2_000 },
    );
    const port = Number(new URL(local.url).port);
    const stalled = Array.from({ length: 64 }, () => {
      const socket = connect(port, '127.0.0.1');
      socket.write('POST /hits/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nten bytes.');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      return new Promise<string>((resolve) =>
        socket.on('close', () => resolve(Buffer.concat(chunks).toString())),
      );
    });
    while (local.reading() < 64) await new Promise((resolve) => setTimeout(resolve, 5));
    // With one turn and 64 requests waiting for their bodies, a body read inside the turn froze this.
    const hello = await fetch(`${local.url}/hello`);
    expect(hello.status).toBe(200);
    expect(seen).toEqual(['/hello']);
    for (const answer of await Promise.all(stalled)) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('content-type: application/problem+json');
      expect(answer).toContain('"type":"tag:canary-api,2026:problems/request-timeout"');
    }
    expect(seen).toEqual(['/hello']);
  });

  it('counts the integration limit from arrival: a body that took it all is answered 504, never forwarded', async () => {
    const seen: string[] = [];
    const local = await gateway(
      await upstream((request, response) => {
        seen.push(request.url ?? '');
        handlerAnswer(request, response);
      }),
      { timeoutMs: 100, bodyTimeoutMs: 5_000 },
    );
    const socket = connect(Number(new URL(local.url).port), '127.0.0.1');
    socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{');
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.end('}');
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 504 /);
    expect(seen).toEqual([]);
  });

  it('bounds the requests still sending their bodies: one more is answered 429', async () => {
    const local = await gateway(await upstream(handlerAnswer), { maxReading: 2, bodyTimeoutMs: 5_000 });
    const port = Number(new URL(local.url).port);
    const sockets = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    for (const socket of sockets) socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n');
    while (local.reading() < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const refused = await fetch(`${local.url}/echo`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(429);
    expect((await problemOf(refused)).status).toBe(429);
    for (const socket of sockets) socket.destroy();
  });

  it('answers what Node would refuse with an empty body as problems: no Host 400, an unknown Expect 417', async () => {
    const { url } = await gateway(await upstream(handlerAnswer));
    const port = Number(new URL(url).port);
    const noHost = await raw(port, 'GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(noHost).toMatch(/^HTTP\/1\.1 400 /);
    expect(noHost).toContain('"type":"tag:canary-api,2026:problems/missing-host"');
    const expectation = await raw(
      port,
      'POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 999-foo\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    );
    expect(expectation).toMatch(/^HTTP\/1\.1 417 /);
    expect(expectation).toContain('"type":"tag:canary-api,2026:problems/expectation-failed"');
  });

  it('forwards a header sent twice as two headers, for the function to judge, as API Gateway does', async () => {
    let seen: string[] | undefined;
    const { url } = await gateway(
      await upstream((request, response) => {
        seen = request.headersDistinct['idempotency-key'];
        handlerAnswer(request, response);
      }),
    );
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const outgoing = request(`${url}/hits/x`, {
        method: 'POST',
        headers: { 'idempotency-key': ['a1', 'a2'] },
      });
      outgoing.on('response', (answer) => {
        answer.resume();
        resolve(answer.statusCode);
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(status).toBe(200);
    expect(seen).toEqual(['a1', 'a2']);
  });

  it('forwards no Range: the whole answer comes back with 200, as API Gateway returns it', async () => {
    let range: string | undefined = 'unseen';
    const { url } = await gateway(
      await upstream((request, response) => {
        range = request.headers.range;
        handlerAnswer(request, response);
      }),
    );
    const answer = await fetch(`${url}/hello`, { headers: { range: 'bytes=0-3' } });
    expect(answer.status).toBe(200);
    expect(range).toBeUndefined();
  });

  it('keeps Origin from serverless-offline unless CORS is configured: no CORS answer API Gateway would not give', async () => {
    const origins: (string | undefined)[] = [];
    const seen = await upstream((request, response) => {
      origins.push(request.headers.origin);
      handlerAnswer(request, response);
    });
    const withoutCors = await gateway(seen);
    const withCors = await gateway(seen, { cors: true });
    for (const { url } of [withoutCors, withCors])
      await fetch(`${url}/hello`, { headers: { origin: 'https://elsewhere.example' } });
    expect(origins).toEqual([undefined, 'https://elsewhere.example']);
  });
});
