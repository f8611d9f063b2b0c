/**
 * The load benchmark's anchor: the API as `npm start` ran it before local/gateway.ts, serverless-offline
 * in its default mode (a worker thread per request in flight, no bound) on PORT, straight to clients,
 * with the embedded DynamoDB. Ends with its child on SIGTERM, and by itself when the bench that started
 * it is gone (an interrupted `npm run bench` leaves no server behind).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startEmbeddedDynamoDB } from '../embedded-dynamodb';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dynamodb = await startEmbeddedDynamoDB({ stage: 'dev' });
const offline = spawn(
  process.execPath,
  [
    // When this process ends in any way, SIGKILL included, the IPC channel closes and the child ends too.
    '--require',
    './local/exit-with-parent.cjs',
    'node_modules/osls/bin/serverless.js',
    'offline',
    'start',
    '--stage',
    'dev',
    '--host',
    '127.0.0.1',
    '--httpPort',
    String(process.env.PORT),
    '--lambdaPort',
    String(process.env.LAMBDA_PORT),
  ],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint },
  },
);
async function stop() {
  offline.kill('SIGTERM');
  await once(offline, 'exit');
  await dynamodb.close();
  process.exit(0);
}
process.once('SIGTERM', stop);
// Orphaned (the bench was interrupted or killed): nobody is left to stop us.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop();
}, 1_000).unref();
