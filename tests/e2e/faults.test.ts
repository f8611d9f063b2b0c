import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { startDynamoDBGate } from '../support/dynamodb-gate';
import { eventually, type RunningApi, startApi } from '../support/npm-start';
import { freePort, groupAlive, isListening } from '../support/processes';

// Faults while `npm start` serves: DynamoDB going away and coming back, an answer lost on the way to
// the client, and the process killed outright. DynamoDB is started here (npm start's DYNAMODB_ENDPOINT)
// behind a gate that can hold its writes, so each fault happens at an exact point.

let dynamodbPort: number;
const dataDir = mkdtempSync(join(tmpdir(), 'canary-api-faults-'));
let dynamodb: EmbeddedDynamoDB;
let gate: Awaited<ReturnType<typeof startDynamoDBGate>>;
let api: RunningApi;

const startDynamoDB = () => startEmbeddedDynamoDB({ port: dynamodbPort, dataDir, stage: 'dev' });

beforeAll(async () => {
  dynamodbPort = await freePort();
  dynamodb = await startDynamoDB();
  gate = await startDynamoDBGate(dynamodb.endpoint, 'UpdateItem');
  gate.release();
  api = await startApi({ DYNAMODB_ENDPOINT: gate.endpoint });
});
afterAll(async () => {
  await api?.stop();
  await gate?.close();
  await dynamodb?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (path: string, init: RequestInit = {}) =>
  fetch(`${api.url}${path}`, { method: 'POST', ...init });
const get = (path: string) => fetch(`${api.url}${path}`);
const hitsOf = async (answer: Response) => ((await answer.json()) as { hits: number }).hits;

function expectNothingInternal(body: string) {
  expect(body).not.toMatch(/\bat .+:\d+:\d+|node_modules|ECONNRE|socket|Error:/);
}

describe('DynamoDB stopped while the API serves', () => {
  it('answers 503 from hits and health, then serves again once it is back, without a restart', async () => {
    expect(await hitsOf(await post('/hits/outage'))).toBe(1);
    await dynamodb.close();

    const health = await get('/health');
    const healthBody = await health.text();
    expect([health.status, JSON.parse(healthBody).status]).toEqual([503, 'DOWN']);
    expectNothingInternal(healthBody);
    for (const answer of [await post('/hits/outage'), await get('/hits/outage'), await get('/hits')]) {
      const body = await answer.text();
      expect([answer.status, answer.headers.get('retry-after')]).toEqual([503, '1']);
      expect(JSON.parse(body).type).toBe('tag:canary-api,2026:problems/service-unavailable');
      expectNothingInternal(body);
    }

    dynamodb = await startDynamoDB();
    expect((await get('/health')).status).toBe(200);
    expect(await hitsOf(await post('/hits/outage'))).toBe(2);
  });
});

describe("the embedded DynamoDB's process killed while npm start serves", () => {
  it('is a 503 from hits, never a refused connection, and is back with one clear line', async () => {
    const own = await startApi();
    try {
      const pid = Number(/Embedded DynamoDB on \S+ \(pid (\d+)\)/.exec(own.output())?.[1]);
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, 'SIGKILL');
      // The front door keeps answering: hits its 503 problem (or 200 once DynamoDB is back), never a refusal.
      const during = await fetch(`${own.url}/hits/back`);
      expect([503, 200]).toContain(during.status);
      if (during.status === 503)
        expect(((await during.json()) as { type: string }).type).toMatch(/service-unavailable$/);
      await eventually(() => /The embedded DynamoDB stopped \(SIGKILL\)/.test(own.output()));
      expect((await fetch(`${own.url}/hello`)).status).toBe(200);
      // Until it is back, hits answers its documented 503; then it serves again, without a restart.
      await eventually(async () => (await fetch(`${own.url}/hits/back`)).status === 200);
      expect(own.output()).toMatch(/restarting it \(its counters were in memory and are gone\)/);
      expect(own.output()).toMatch(/Embedded DynamoDB back on/);
    } finally {
      await own.stop();
    }
  });
});

describe('an answer lost on the way to the client', () => {
  it('is counted once when the client retries with its Idempotency-Key', async () => {
    const key = { 'idempotency-key': 'lost-answer-1' };
    gate.hold();
    const client = new AbortController();
    const first = post('/hits/lost', { headers: key, signal: client.signal });
    await eventually(() => gate.heldCount() === 1);
    // The increment has reached DynamoDB; the client gives up and never sees the answer.
    client.abort();
    await expect(first).rejects.toThrow(/abort/i);
    gate.release();

    // What a client does next: retry with the same key while it hears "still in progress" (409).
    let retry = await post('/hits/lost', { headers: key });
    while (retry.status === 409) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      retry = await post('/hits/lost', { headers: key });
    }
    expect([retry.status, await hitsOf(retry)]).toEqual([200, 1]);
    expect(await hitsOf(await get('/hits/lost'))).toBe(1);
  });
});

describe('npm start killed outright', () => {
  it('leaves nothing serving when its own process is SIGKILLed', async () => {
    process.kill(api.pid, 'SIGKILL');
    expect(await eventually(() => !groupAlive(api.pid))).toBe(true);
    expect(await isListening(api.port)).toBe(false);
  });

  it('stops itself when whoever started it (npm) is SIGKILLed', async () => {
    const orphan = await startApi({ DYNAMODB_ENDPOINT: dynamodb.endpoint }, true);
    process.kill(orphan.pid, 'SIGKILL');
    expect(await eventually(() => !groupAlive(orphan.pid)), orphan.output()).toBe(true);
    expect(await isListening(orphan.port)).toBe(false);
  });
});
