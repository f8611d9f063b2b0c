import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DynamoDBProcess, startDynamoDBProcess } from '../../local/dynamodb-process';
import { Random } from '../../ops/rehearsal/random';
import { bodyOf } from '../support/fixtures';
import { handlersAgainst, increment, read, startTestDynamoDB, type TestDynamoDB } from '../support/local-api';
import { freePort } from '../support/processes';

// Exact under faults: a burst of keyed increments while DynamoDB, in a process of its own, is frozen at
// a seeded moment for a seeded time, longer or shorter than the SDK's 2-second request timeout. Every
// answer that is not a 200 is retried with its key until it is, as a client would. Whatever the timing
// did on this machine, each run must end with the counter equal to its number of distinct keys, and
// each key holding a value of its own.
const RUNS = Array.from({ length: 20 }, (_, index) => index + 1);
const KEYS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Answers that were not a 200 and were retried, over all runs: the faults did happen. */
let retried = 0;

let dynamodb: TestDynamoDB;
let handlers: Awaited<ReturnType<typeof import('../support/local-api').handlersAgainst>>;

beforeAll(async () => {
  dynamodb = await startTestDynamoDB();
  handlers = await handlersAgainst(dynamodb.endpoint);
  // Each 503 of a frozen DynamoDB is logged as our failure; the test reads the answers instead.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await dynamodb?.close();
});

async function untilCounted(
  counter: string,
  key: string,
  random: Random,
  hits = handlers.hits,
): Promise<number> {
  await sleep(random.next() * 200);
  for (let attempt = 1; attempt <= 100; attempt++) {
    const answer = await increment(hits, counter, key);
    if (answer.statusCode === 200) return Number(bodyOf(answer).hits);
    expect(answer.statusCode, `${key} attempt ${attempt}`).toBe(503);
    retried++;
    await sleep(50);
  }
  throw new Error(`${key} was never counted`);
}

describe('keyed increments while DynamoDB freezes and resumes', () => {
  it.each(RUNS)('count each key once (seed %i)', async (seed) => {
    const random = new Random(seed);
    const counter = `freeze-${seed}`;
    const burst = Promise.all(
      Array.from({ length: KEYS }, (_, index) => untilCounted(counter, `${counter}-key-${index}`, random)),
    );
    await sleep(random.next() * 250);
    dynamodb.pause();
    await sleep(200 + random.next() * 2_300);
    dynamodb.resume();
    const values = await burst;
    expect(await read(handlers.hits, counter)).toBe(KEYS);
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: KEYS }, (_, index) => index + 1));
  });

  it('did meet the faults: requests timed out against the frozen DynamoDB and were retried', () => {
    expect(retried).toBeGreaterThan(KEYS);
  });
});

describe('keyed increments while DynamoDB is killed and restarted on its data', () => {
  const KILLS = [101, 102, 103, 104, 105];
  const dataDir = mkdtempSync(join(tmpdir(), 'canary-api-kill-'));
  let port: number;
  let killed: DynamoDBProcess;
  let onKilled: Awaited<ReturnType<typeof handlersAgainst>>;

  beforeAll(async () => {
    port = await freePort();
    killed = await startDynamoDBProcess({ port, dataDir, stage: 'test' });
    onKilled = await handlersAgainst(killed.endpoint);
  });
  afterAll(async () => {
    await killed?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(KILLS)('count each key once though writes die with the process (seed %i)', async (seed) => {
    const random = new Random(seed);
    const counter = `kill-${seed}`;
    const burst = Promise.all(
      Array.from({ length: KEYS }, (_, index) =>
        untilCounted(counter, `${counter}-key-${index}`, random, onKilled.hits),
      ),
    );
    await sleep(random.next() * 250);
    killed.child.kill('SIGKILL');
    await sleep(random.next() * 1_000);
    killed = await startDynamoDBProcess({ port, dataDir, stage: 'test' });
    const values = await burst;
    expect(await read(onKilled.hits, counter)).toBe(KEYS);
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: KEYS }, (_, index) => index + 1));
  });
});
