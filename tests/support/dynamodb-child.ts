import { startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';

// The embedded DynamoDB in a process of its own (tests/support/local-api.ts starts it): it tells its
// parent where it listens, and ends when the parent disconnects, however the parent ends.
const dynamodb = await startEmbeddedDynamoDB({ stage: process.argv[2] });
process.send?.({ endpoint: dynamodb.endpoint, tableName: dynamodb.tableName });
process.once('disconnect', () => dynamodb.close().finally(() => process.exit(0)));
