import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { parse } from 'yaml';

const SERVERLESS_YML = fileURLToPath(new URL('../serverless.yml', import.meta.url));

interface TableProperties {
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
}

interface ServerlessYml {
  service: string;
  resources: { Resources: { CountersTable: { Properties: TableProperties } } };
}

/** The deployed table's name and key schema, read from serverless.yml so local and AWS cannot drift. */
export function tableDefinition(stage = 'dev') {
  // CloudFormation tags such as !GetAtt are irrelevant here; the parser keeps them as plain values.
  const service: ServerlessYml = parse(readFileSync(SERVERLESS_YML, 'utf8'), { logLevel: 'silent' });
  const { AttributeDefinitions, KeySchema } = service.resources.Resources.CountersTable.Properties;
  return { TableName: `${service.service}-${stage}`, AttributeDefinitions, KeySchema };
}

export interface EmbeddedDynamoDB {
  endpoint: string;
  tableName: string;
  close(): Promise<void>;
}

export interface EmbeddedDynamoDBOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** A directory that keeps the data between runs; in memory when omitted. */
  dataDir?: string;
  stage?: string;
}

/** Starts dynalite on loopback and creates the service's table in it (kept if it already exists). */
export async function startEmbeddedDynamoDB(
  options: EmbeddedDynamoDBOptions = {},
): Promise<EmbeddedDynamoDB> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.dataDir });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const table = tableDefinition(options.stage);
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(new CreateTableCommand({ ...table, BillingMode: 'PAY_PER_REQUEST' }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    tableName: table.TableName,
    // Requests already in flight finish first: dynalite throws if its store closes under one.
    close: () =>
      new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), 2_000);
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
