import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import pLimit from 'p-limit';
import {
  GATEWAY_MAX_BODY_BYTES,
  GATEWAY_PROBLEMS,
  GATEWAY_TIMEOUT_MS,
  type GatewayProblem,
  gatewayProblemHead,
  gatewayProblemHeaders,
} from '../delivery/gateway-problems';
import { forwardedHeaders, HOP_BY_HOP } from './gateway-headers';
import { UpstreamGate } from './upstream-gate';

/**
 * `npm start`'s front door, standing where API Gateway stands on AWS: serverless-offline behind it
 * runs the handlers; this gateway bounds how many it runs at once (the rest wait their turn, as
 * requests queue for Lambda concurrency), enforces API Gateway's body limit and timeout, and answers
 * every refusal of its own, or of serverless-offline's HTTP layer, with the problem documents the
 * deployed gateway answers (delivery/gateway-problems.ts). What a handler answers passes unchanged.
 * While serverless-offline starts or restarts, requests wait for it (`hold`, `release`).
 */
export interface GatewayOptions {
  /** Where serverless-offline listens; without it, requests wait for `release`. */
  upstreamPort?: number;
  port: number;
  host?: string;
  /** Requests handed to serverless-offline at once. */
  maxInFlight?: number;
  /** Requests allowed to wait for a turn; one more is answered 429, like a throttled stage. */
  maxWaiting?: number;
  maxBodyBytes?: number;
  /** API Gateway refuses requests whose headers exceed 10 KB (its quota page); 431 here. */
  maxHeaderBytes?: number;
  /** From a request's arrival to its answer, as API Gateway's 29 s integration limit. */
  timeoutMs?: number;
  /** How long a client may take to send its body once its headers are in; then 408. */
  bodyTimeoutMs?: number;
  /** Requests whose bodies are still arriving, at most; one more is answered 429. */
  maxReading?: number;
  /** Whether serverless.yml configures CORS on an endpoint; otherwise `Origin` is not forwarded. */
  cors?: boolean;
}

export interface LocalGateway {
  url: string;
  /** Client connections open right now (Node's server.getConnections). */
  connections(): Promise<number>;
  /** Requests whose bodies are still arriving. */
  reading(): number;
  /** Requests wait from now on (their time limit still running); resolves once none is being forwarded. */
  hold(): Promise<void>;
  /** Forwards the waiting requests and those to come to this port; null answers them 502. */
  release(upstreamPort: number | null): void;
  close(): Promise<void>;
}

/**
 * Refusals API Gateway makes before any gateway response we could shape (its front end reads and
 * checks the whole request first); the local gateway answers them as problems too.
 */
const EARLY_REFUSALS = {
  HEADERS_TOO_LARGE: {
    status: 431,
    slug: 'headers-too-large',
    title: 'Request Header Fields Too Large',
    detail: 'The request headers exceed the gateway limit of 10 KB.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    slug: 'request-timeout',
    title: 'Request Timeout',
    detail: 'The request did not arrive in time: send its headers and body without pausing.',
  },
  EXPECTATION_FAILED: {
    status: 417,
    slug: 'expectation-failed',
    title: 'Expectation Failed',
    detail: 'The only expectation this API meets is Expect: 100-continue.',
  },
  MISSING_HOST: {
    status: 400,
    slug: 'missing-host',
    title: 'Bad Request',
    detail: 'An HTTP/1.1 request needs a Host header.',
  },
} as const satisfies Record<string, GatewayProblem>;

function problemBody(problem: GatewayProblem, requestId: string): string {
  return JSON.stringify({ ...gatewayProblemHead(problem), detail: problem.detail, requestId });
}

function sendProblem(response: ServerResponse, status: number, problem: GatewayProblem) {
  if (response.headersSent) return response.destroy();
  const requestId = randomUUID();
  response.writeHead(status, { ...gatewayProblemHeaders(problem), 'x-amzn-requestid': requestId });
  response.end(problemBody(problem, requestId));
}

/** Writes a problem straight to a socket that never became a request (unparsable, or CONNECT). */
function refuse(socket: Socket, status: number, problem: GatewayProblem) {
  if (!socket.writable) return socket.destroy();
  const body = problemBody(problem, randomUUID());
  const headers = Object.entries(gatewayProblemHeaders(problem)).map(
    ([name, value]) => `${name}: ${value}\r\n`,
  );
  socket.end(
    `HTTP/1.1 ${status} ${problem.title}\r\n${headers.join('')}` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** A request Node's parser refuses never reaches the router: this writes its answer (headers that never end: 408). */
function refuseUnparsable(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'HPE_HEADER_OVERFLOW') refuse(socket, 431, EARLY_REFUSALS.HEADERS_TOO_LARGE);
  else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') refuse(socket, 408, EARLY_REFUSALS.REQUEST_TIMEOUT);
  else refuse(socket, 400, GATEWAY_PROBLEMS.DEFAULT_4XX);
}

/**
 * Reads the whole body, as API Gateway does before it invokes anything: `too-large` past `limit`
 * bytes (Node discards the rest), `slow` when it has not all arrived within `timeoutMs`, `gone` when
 * the client left first. The body is read before the request takes a turn, so none of these holds one.
 */
function readBody(
  incoming: IncomingMessage,
  limit: number,
  timeoutMs: number,
): Promise<Buffer | 'too-large' | 'slow' | 'gone'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => resolve('slow'), timeoutMs);
    const settle = (outcome: Buffer | 'too-large' | 'slow' | 'gone') => {
      clearTimeout(timer);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return chunks.push(chunk);
      incoming.off('data', onData);
      settle('too-large');
    };
    incoming.on('data', onData);
    incoming.once('end', () => settle(Buffer.concat(chunks)));
    incoming.once('close', () => settle(incoming.complete ? Buffer.concat(chunks) : 'gone'));
  });
}

/** Which gateway problem stands for an error answer the handler did not write. */
function problemForUpstream(status: number): GatewayProblem {
  if (status === 413) return GATEWAY_PROBLEMS.REQUEST_TOO_LARGE;
  if (status === 504) return GATEWAY_PROBLEMS.INTEGRATION_TIMEOUT;
  return status < 500 ? GATEWAY_PROBLEMS.DEFAULT_4XX : GATEWAY_PROBLEMS.DEFAULT_5XX;
}

export async function startGateway(options: GatewayOptions): Promise<LocalGateway> {
  const maxBodyBytes = options.maxBodyBytes ?? GATEWAY_MAX_BODY_BYTES;
  const maxWaiting = options.maxWaiting ?? 10_000;
  const timeoutMs = options.timeoutMs ?? GATEWAY_TIMEOUT_MS;
  const maxInFlight = options.maxInFlight ?? 32;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
  const maxReading = options.maxReading ?? 1_000;
  let reading = 0;
  const turns = pLimit(maxInFlight);
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
  const gate = new UpstreamGate(options.upstreamPort);

  /** Forwards the request; the integration limit counts from its arrival, not from its turn. */
  function forward(
    upstreamPort: number,
    incoming: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
    deadline: number,
    retried = false,
  ): Promise<void> {
    return new Promise((resolve) => {
      const upstream = request({
        host: '127.0.0.1',
        port: upstreamPort,
        method: incoming.method,
        path: incoming.url,
        headers: forwardedHeaders(incoming, body, options.cors ?? false),
        agent,
      });
      const timer = setTimeout(() => {
        upstream.destroy();
        sendProblem(response, 504, GATEWAY_PROBLEMS.INTEGRATION_TIMEOUT);
      }, deadline - performance.now());
      upstream.once('close', () => clearTimeout(timer));
      upstream.once('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection serverless-offline closed just as it was reused: the request never
        // reached it, so it is sent once more on a new one (the retry Node's http docs describe).
        if (!retried && upstream.reusedSocket && error.code === 'ECONNRESET') {
          return resolve(forward(upstreamPort, incoming, response, body, deadline, true));
        }
        sendProblem(response, 502, GATEWAY_PROBLEMS.DEFAULT_5XX);
      });
      upstream.once('response', (answer) => {
        const status = answer.statusCode ?? 502;
        // Every answer of ours carries x-function-version; an error without it is serverless-offline's.
        if (status >= 400 && answer.headers['x-function-version'] === undefined) {
          answer.resume();
          return sendProblem(response, status, problemForUpstream(status));
        }
        const headers = { ...answer.headers };
        for (const name of HOP_BY_HOP) delete headers[name];
        response.writeHead(status, headers);
        answer.pipe(response);
      });
      // The turn ends when serverless-offline is done, even if the client left before its answer.
      upstream.once('close', resolve);
      upstream.end(body);
    });
  }

  // Node answers a missing Host itself, with an empty body; the handler answers it as a problem.
  const server = createServer(
    { maxHeaderSize: options.maxHeaderBytes ?? 10_240, requireHostHeader: false },
    async (incoming, response) => {
      const deadline = performance.now() + timeoutMs;
      if (incoming.headers.host === undefined) return sendProblem(response, 400, EARLY_REFUSALS.MISSING_HOST);
      if (Number(incoming.headers['content-length'] ?? 0) > maxBodyBytes) {
        return sendProblem(response, 413, GATEWAY_PROBLEMS.REQUEST_TOO_LARGE);
      }
      if (reading >= maxReading) return sendProblem(response, 429, GATEWAY_PROBLEMS.THROTTLED);
      reading++;
      const body = await readBody(incoming, maxBodyBytes, bodyTimeoutMs).finally(() => reading--);
      if (body === 'gone') return;
      if (body === 'too-large') return sendProblem(response, 413, GATEWAY_PROBLEMS.REQUEST_TOO_LARGE);
      if (body === 'slow') {
        response.shouldKeepAlive = false;
        return sendProblem(response, 408, EARLY_REFUSALS.REQUEST_TIMEOUT);
      }
      if (turns.pendingCount >= maxWaiting) return sendProblem(response, 429, GATEWAY_PROBLEMS.THROTTLED);
      await turns(async () => {
        // A client that gave up while it waited has no one to answer: its turn goes to the next.
        if (incoming.socket.destroyed) return;
        if (performance.now() >= deadline)
          return sendProblem(response, 504, GATEWAY_PROBLEMS.INTEGRATION_TIMEOUT);
        const upstreamPort = await gate.enter(deadline);
        if (upstreamPort === 'late') return sendProblem(response, 504, GATEWAY_PROBLEMS.INTEGRATION_TIMEOUT);
        if (upstreamPort === null) return sendProblem(response, 502, GATEWAY_PROBLEMS.DEFAULT_5XX);
        await forward(upstreamPort, incoming, response, body, deadline).finally(() => gate.leave());
      });
    },
  );
  server.on('clientError', refuseUnparsable);
  // Node would answer any expectation but 100-continue with an empty 417.
  server.on('checkExpectation', (_request, response: ServerResponse) =>
    sendProblem(response, 417, EARLY_REFUSALS.EXPECTATION_FAILED),
  );
  // A tunnel is no method of this API; Node hands CONNECT over as a bare socket.
  server.on('connect', (_request, socket: Socket) => refuse(socket, 400, GATEWAY_PROBLEMS.DEFAULT_4XX));
  server.listen(options.port, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () =>
      new Promise((resolve, reject) =>
        server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      ),
    reading: () => reading,
    // Idle kept-alive connections would hold a stopping serverless-offline open for its 5 s grace period.
    hold: () => gate.hold().then(() => agent.destroy()),
    release: (upstreamPort) => gate.release(upstreamPort),
    close: () =>
      new Promise<void>((resolve) => {
        // Requests still waiting for serverless-offline have no one left to answer them.
        gate.release(null);
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
