/**
 * `npm start`: the whole API on http://localhost:$PORT (default 3000) with an embedded DynamoDB.
 * Requests go through a local gateway (local/gateway.ts) to serverless-offline, which runs the handlers
 * in its own process (docs/local.md says what that gives up against Lambda). The address is printed,
 * as the last line, once a request would be served; requests sent earlier wait. Saving a source
 * reloads the functions (local/functions-host.ts). Ctrl-C (or SIGTERM) stops everything; if this
 * process is killed outright, serverless-offline ends with it, and if whoever started it is killed,
 * it stops itself.
 *   PORT               HTTP port of the API (default 3000)
 *   DYNAMODB_PORT      port of the embedded DynamoDB (default 8000, which `sls invoke local` expects)
 *   DATA_DIR           keep the counters in this directory between runs (default: in memory)
 *   DYNAMODB_ENDPOINT  use this DynamoDB (with the table created) instead of starting one
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { superviseDynamoDB } from './dynamodb-process';
import { FunctionsHost } from './functions-host';
import { startGateway } from './gateway';
import { OfflineDidNotStart, startOffline } from './offline-process';
import { configuresCors } from './service-config';
import { SOURCE_FILES, SOURCE_FOLDERS, watchSources } from './source-watch';

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
const cors = configuresCors(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8'));
// Listening before serverless-offline is up: a request sent in the meantime waits instead of being refused.
const gateway = await startGateway({ port, cors }).catch(async (error: NodeJS.ErrnoException) => {
  console.error(error.code === 'EADDRINUSE' ? `Port ${port} is taken; set PORT to another port.` : error);
  await dynamodb?.close();
  process.exit(1);
});

let stopping = false;
async function stop(signal: NodeJS.Signals, code = 0) {
  if (stopping) return;
  stopping = true;
  stopWatching();
  await gateway.close();
  await host.close(signal);
  await dynamodb?.close();
  process.exit(code);
}

const host = new FunctionsHost({
  gateway,
  startOffline: () =>
    startOffline(root, { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: external ?? dynamodb?.first.endpoint }),
  announce: () => console.log(`API on http://localhost:${port}`),
  say: console,
  crashed: (code) => {
    console.error(`serverless-offline ended by itself (exit code ${code}); stopping.`);
    void stop('SIGTERM', code ?? 1);
  },
});
const watched = new Intl.ListFormat('en', { type: 'disjunction' }).format([
  ...SOURCE_FOLDERS.map((folder) => `${folder}/`),
  ...SOURCE_FILES,
]);
console.log(`Starting the functions (serverless-offline); saving a change in ${watched} reloads them.`);
const stopWatching = watchSources(root, (file) => host.reload(file));

// Node passes the signal's number too, which `stop` would take for an exit code.
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
// Orphaned (whoever started us was killed outright): nobody is left to press Ctrl-C, so stop now.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop('SIGTERM');
}, 1_000).unref();

await host.start().catch(async (error: unknown) => {
  if (!(error instanceof OfflineDidNotStart)) throw error;
  // Ctrl-C reaches serverless-offline too: it ended because we are stopping.
  if (stopping) return;
  console.error(`The functions did not start: ${error.message} (its output is above).`);
  await stop('SIGTERM', error.code ?? 1);
});
