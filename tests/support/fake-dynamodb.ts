import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers each request, by operation (the X-Amz-Target suffix, e.g. `UpdateItem`). */
export type Behaviour = (operation: string, attempt: number) => 'ok' | 'throttle' | 'server-error' | 'hang';

const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/** A scripted DynamoDB endpoint on loopback: real SDK requests, chosen failures, counted attempts. */
export async function startFakeDynamoDB() {
  let behaviour: Behaviour = () => 'ok';
  const attempts = new Map<string, number>();
  const hanging = new Set<ServerResponse>();

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const operation = String(request.headers['x-amz-target']).split('.').pop() ?? '';
    const attempt = (attempts.get(operation) ?? 0) + 1;
    attempts.set(operation, attempt);
    request.resume();
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    };
    switch (behaviour(operation, attempt)) {
      case 'hang':
        hanging.add(response);
        return;
      case 'throttle':
        return send(400, {
          __type: `${ERROR_PREFIX}ThrottlingException`,
          message: 'Rate of requests exceeds the allowed throughput.',
        });
      case 'server-error':
        return send(500, { __type: `${ERROR_PREFIX}InternalServerError`, message: 'Internal server error' });
      default:
        return send(200, operation === 'UpdateItem' ? { Attributes: { hits: { N: String(attempt) } } } : {});
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script(next: Behaviour) {
      behaviour = next;
      attempts.clear();
    },
    attempts: (operation: string) => attempts.get(operation) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
