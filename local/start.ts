/**
 * `npm start`: the whole API on http://localhost:$PORT (default 3000) with an embedded DynamoDB.
 * Ctrl-C (or SIGTERM) stops serverless-offline first, then DynamoDB, and leaves no process behind.
 *   PORT           HTTP port of the API (default 3000)
 *   DYNAMODB_PORT  port of the embedded DynamoDB (default 8000, which `sls invoke local` expects)
 *   DATA_DIR       keep the counters in this directory between runs (default: in memory)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startEmbeddedDynamoDB } from './embedded-dynamodb';

// Lambda runs Node 24; the SDK's reminder that it will drop Node 20 in 2027 is only noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 3000);
const dynamodbPort = Number(process.env.DYNAMODB_PORT ?? 8000);

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

const dynamodb = await startEmbeddedDynamoDB({ port: dynamodbPort, dataDir: process.env.DATA_DIR }).catch(
  (error: NodeJS.ErrnoException) => {
    console.error(
      error.code === 'EADDRINUSE'
        ? `Port ${dynamodbPort} is taken; stop what uses it or set DYNAMODB_PORT to another port.`
        : `The embedded DynamoDB did not start: ${error.message}`,
    );
    process.exit(1);
  },
);
console.log(
  `Embedded DynamoDB on ${dynamodb.endpoint}, table ${dynamodb.tableName}${process.env.DATA_DIR ? ` in ${process.env.DATA_DIR}` : ' (in memory)'}`,
);

const offline = spawn(
  process.execPath,
  [
    'node_modules/osls/bin/serverless.js',
    'offline',
    'start',
    '--stage',
    'dev',
    '--httpPort',
    String(port),
    '--lambdaPort',
    String(await freePort()),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    },
  },
);

let stopping = false;
async function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  if (offline.exitCode === null && offline.signalCode === null) {
    offline.kill(signal);
    await once(offline, 'exit');
  }
  await dynamodb.close();
  process.exit(0);
}

process.on('SIGINT', stop);
process.on('SIGTERM', stop);
offline.on('exit', async (code) => {
  if (stopping) return;
  await dynamodb.close();
  process.exit(code ?? 1);
});
