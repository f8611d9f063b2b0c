import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KEY_ATTRIBUTE, TTL_ATTRIBUTE } from '../../lib/dynamodb';

const table = parse(readFileSync('serverless.yml', 'utf8'), { logLevel: 'silent' }).resources.Resources
  .CountersTable.Properties;

describe('the DynamoDB table in serverless.yml', () => {
  it('is keyed by the attribute lib/dynamodb.ts writes', () => {
    expect(table.KeySchema).toEqual([{ AttributeName: KEY_ATTRIBUTE, KeyType: 'HASH' }]);
    expect(table.AttributeDefinitions).toEqual([{ AttributeName: KEY_ATTRIBUTE, AttributeType: 'S' }]);
  });

  it('expires idempotency records by the attribute Powertools writes them with', () => {
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });

  it('is billed on demand, so a spike is not throttled by provisioned capacity', () => {
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
  });
});
