/**
 * `npm start`: the whole API on http://localhost:$PORT (default 3000) with an embedded DynamoDB.
 * Requests go through a local gateway (local/gateway.ts) to serverless-offline, which runs the handlers
 * in its own process (docs/local.md says what that gives up against Lambda). Ctrl-C (or SIGTERM) stops
 * everything; if this process is killed outright, serverless-offline ends with it, and if whoever
 * started it is killed, it stops itself.
 *   PORT               HTTP port of the API (default 3000)
 *   DYNAMODB_PORT      port of the embedded DynamoDB (default 8000, which `sls invoke local` expects)
 *   DATA_DIR           keep the counters in this directory between runs (default: in memory)
 *   DYNAMODB_ENDPOINT  use this DynamoDB (with the table created) instead of starting one
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { superviseDynamoDB } from './dynamodb-process';
import { freePort } from './free-port';
import { startGateway } from './gateway';
import { configuresCors } from './service-config';

// Lambda runs Node 24; the SDK's reminder that it will drop Node 20 in 2027 is only noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 3000);
const dynamodbPort = Number(process.env.DYNAMODB_PORT ?? 8000);

async function embeddedDynamoDB() {
  const options = { port: dynamodbPort, dataDir: process.env.DATA_DIR };
  const dynamodb = await superviseDynamoDB(options, console).catch((error: NodeJS.ErrnoException) => {
    console.error(
      error.code === 'EADDRINUSE'
        ? `Port ${dynamodbPort} is taken; stop what uses it or set DYNAMODB_PORT to another port.`
        : error.message,
    );
    process.exit(1);
  });
  const { endpoint, tableName, child } = dynamodb.first;
  console.log(
    `Embedded DynamoDB on ${endpoint} (pid ${child.pid}), table ${tableName}${options.dataDir ? ` in ${options.dataDir}` : ' (in memory)'}`,
  );
  return dynamodb;
}

const external = process.env.DYNAMODB_ENDPOINT;
const dynamodb = external ? undefined : await embeddedDynamoDB();
const offlinePort = await freePort();
const offline = spawn(
  process.execPath,
  [
    '--require',
    './local/exit-with-parent.cjs',
    'node_modules/osls/bin/serverless.js',
    'offline',
    'start',
    '--stage',
    'dev',
    '--useInProcess',
    '--host',
    '127.0.0.1',
    '--httpPort',
    String(offlinePort),
    '--lambdaPort',
    String(await freePort()),
  ],
  {
    cwd: root,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: external ?? dynamodb?.first.endpoint },
  },
);
const cors = configuresCors(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8'));
const gateway = await startGateway({ port, upstreamPort: offlinePort, cors }).catch(
  (error: NodeJS.ErrnoException) => {
    console.error(error.code === 'EADDRINUSE' ? `Port ${port} is taken; set PORT to another port.` : error);
    offline.kill();
    process.exit(1);
  },
);
console.log(`API on http://localhost:${port} (serverless-offline behind it on port ${offlinePort})`);

let stopping = false;
async function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  await gateway.close();
  if (offline.exitCode === null && offline.signalCode === null) {
    offline.kill(signal);
    await once(offline, 'exit');
  }
  await dynamodb?.close();
  process.exit(0);
}

process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Orphaned (whoever started us was killed outright): nobody is left to press Ctrl-C, so stop now.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop('SIGTERM');
}, 1_000).unref();
offline.on('exit', async (code) => {
  if (stopping) return;
  await gateway.close();
  await dynamodb?.close();
  process.exit(code ?? 1);
});
