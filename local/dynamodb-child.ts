import { startEmbeddedDynamoDB } from './embedded-dynamodb';

// The embedded DynamoDB in a process of its own (local/dynamodb-process.ts starts it): it tells its
// parent where it listens, and ends when the parent disconnects, however the parent ends.
const options = JSON.parse(process.argv[2] ?? '{}');
const dynamodb = await startEmbeddedDynamoDB(options).catch((error: NodeJS.ErrnoException) => {
  process.send?.({ error: error.code ?? error.message });
  process.exit(1);
});
process.send?.({ endpoint: dynamodb.endpoint, tableName: dynamodb.tableName });
process.once('disconnect', () => dynamodb.close().finally(() => process.exit(0)));
// Ctrl-C reaches the whole process group; the parent stops this process itself, once it has stopped
// sending it requests, and a supervisor must not take the signal for a crash.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
