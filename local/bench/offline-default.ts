/**
 * The load benchmark's anchor: the API as `npm start` ran it before local/gateway.ts, serverless-offline
 * in its default mode (a worker thread per request in flight, no bound) on PORT, straight to clients,
 * with the embedded DynamoDB. Ends with its child on SIGTERM.
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
  { cwd: root, stdio: 'ignore', env: { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint } },
);
process.once('SIGTERM', async () => {
  offline.kill('SIGTERM');
  await once(offline, 'exit');
  await dynamodb.close();
  process.exit(0);
});
