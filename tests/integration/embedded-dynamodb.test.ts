import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { handlersAgainst, increment, read } from '../support/local-api';

const dataDir = mkdtempSync(join(tmpdir(), 'canary-api-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the embedded DynamoDB of npm start', () => {
  it('keeps counters across restarts when given a data directory (DATA_DIR)', async () => {
    const first = await startEmbeddedDynamoDB({ stage: 'test', dataDir });
    await increment((await handlersAgainst(first.endpoint)).hits, 'kept');
    await first.close();

    const second = await startEmbeddedDynamoDB({ stage: 'test', dataDir });
    try {
      expect(await read((await handlersAgainst(second.endpoint)).hits, 'kept')).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('starts empty without one', async () => {
    const fresh = await startEmbeddedDynamoDB({ stage: 'test' });
    try {
      expect(await read((await handlersAgainst(fresh.endpoint)).hits, 'kept')).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
