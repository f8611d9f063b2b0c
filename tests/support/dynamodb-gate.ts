import { once } from 'node:events';
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of a real DynamoDB endpoint that holds every request of one operation
 * (the X-Amz-Target suffix, e.g. `UpdateItem`) until released, so a test can keep a request in flight
 * at an exact point while others run. After the release everything passes, until `hold` is called.
 * `loseAnswers(n)` lets the next n requests of the operation reach DynamoDB and be applied, and drops
 * their answers: the client sees its connection close, as after a network fault or a stall.
 */
export async function startDynamoDBGate(target: string, heldOperation: string) {
  const held: (() => void)[] = [];
  let open = false;
  let answersToLose = 0;
  const server = createServer((incoming, outgoing) => {
    const send = (loseAnswer = false) => {
      const upstream = forward(`${target}${incoming.url}`, {
        method: incoming.method,
        headers: incoming.headers,
      });
      // DynamoDB stopped: the client sees its connection drop, as it would without the gate.
      upstream.on('error', () => outgoing.socket?.destroy());
      upstream.on('response', (answer) => {
        if (loseAnswer) {
          answer.resume();
          answer.once('end', () => outgoing.socket?.destroy());
          return;
        }
        outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(outgoing);
      });
      incoming.pipe(upstream);
    };
    const operation = String(incoming.headers['x-amz-target']).split('.').pop();
    if (operation === heldOperation && answersToLose > 0) {
      answersToLose--;
      send(true);
    } else if (operation === heldOperation && !open) held.push(() => send());
    else send();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    heldCount: () => held.length,
    release: () => {
      open = true;
      for (const send of held.splice(0)) send();
    },
    /** The next `count` requests of the operation are applied and their answers lost. */
    loseAnswers: (count: number) => {
      answersToLose = count;
    },
    /** Holds the operation again from now on. */
    hold: () => {
      open = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
