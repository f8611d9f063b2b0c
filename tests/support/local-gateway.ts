import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, expect } from 'vitest';
import { type GatewayOptions, type LocalGateway, startGateway } from '../../local/gateway';

// What the local gateway's tests share: a stand-in for serverless-offline, the gateway in front of it,
// both stopped after each test, and readers for the problem documents and raw answers.
export type Upstream = (request: IncomingMessage, response: ServerResponse) => void;

const stops: (() => Promise<void>)[] = [];
/** Stops what was started last (a stand-in upstream, to leave its port closed). */
export const stopLastStarted = () => stops.pop()?.();
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A stand-in for serverless-offline on a free loopback port. */
export async function upstream(handle: Upstream): Promise<number> {
  const server = createServer(handle).listen(0, '127.0.0.1');
  await once(server, 'listening');
  stops.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** The gateway in front of `upstreamPort`; with undefined, requests wait for its `release`. */
export async function gateway(
  upstreamPort: number | undefined,
  options: Partial<GatewayOptions> = {},
): Promise<LocalGateway> {
  const started = await startGateway({ port: 0, upstreamPort, ...options });
  stops.push(started.close);
  return started;
}

/** What a handler answers: always with x-function-version (lib/http.ts). */
export const handlerAnswer: Upstream = (request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    response.writeHead(request.url === '/missing' ? 404 : 200, {
      'content-type': 'application/json',
      'x-function-version': '$LATEST',
      'x-seen-length': String(Buffer.concat(chunks).length),
    });
    response.end(JSON.stringify({ method: request.method, url: request.url }));
  });
};

export interface Problem {
  type: string;
  status?: number;
  requestId: string;
}

export async function problemOf(response: Response): Promise<Problem> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.headers.get('x-function-version')).toBe('gateway');
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = (await response.json()) as Problem;
  expect(body.requestId).toEqual(expect.any(String));
  return body;
}

/** Sends raw bytes and returns the raw answer: for requests fetch refuses to make. */
export async function raw(port: number, bytes: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.end(bytes);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}
