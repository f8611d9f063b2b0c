import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { startDynamoDBGate } from '../support/dynamodb-gate';
import { apiEvent, bodyOf, lambdaContext, problemOf } from '../support/fixtures';
import { handlersAgainst, increment, read, startTestDynamoDB } from '../support/local-api';

let dynamodb: EmbeddedDynamoDB;
let handlers: Awaited<ReturnType<typeof handlersAgainst>>;

beforeAll(async () => {
  dynamodb = await startTestDynamoDB();
  handlers = await handlersAgainst(dynamodb.endpoint);
});
afterAll(() => dynamodb?.close());

describe('counters in DynamoDB (dynalite)', () => {
  it('returns 1 on the first increment and 0 for a counter never hit', async () => {
    expect(await read(handlers.hits, 'untouched')).toBe(0);
    expect(bodyOf(await increment(handlers.hits, 'first'))).toEqual({ counter: 'first', hits: 1 });
  });

  it('counts 500 parallel increments exactly, handing out every value 1..500 once', async () => {
    const answers = await Promise.all(Array.from({ length: 500 }, () => increment(handlers.hits, 'crowd')));
    expect(answers.every((answer) => answer.statusCode === 200)).toBe(true);
    const values = answers.map((answer) => Number(bodyOf(answer).hits)).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 500 }, (_, index) => index + 1));
    expect(await read(handlers.hits, 'crowd')).toBe(500);
  });

  it('GET /hits counts on the classic counter', async () => {
    const hit = () => handlers.hits(apiEvent({ resource: '/hits', path: '/hits' }), lambdaContext());
    await hit();
    expect(bodyOf(await hit())).toEqual({
      counter: 'default',
      hits: 2,
      message: 'Holla! we have hit 2 times',
    });
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for a repeated key and counts once', async () => {
    await increment(handlers.hits, 'paid');
    const first = await increment(handlers.hits, 'paid', 'order-17');
    const replays = [];
    for (let attempt = 0; attempt < 3; attempt++)
      replays.push(await increment(handlers.hits, 'paid', 'order-17'));
    expect(bodyOf(first)).toEqual({ counter: 'paid', hits: 2 });
    for (const replay of replays) expect(replay.body).toBe(first.body);
    expect(await read(handlers.hits, 'paid')).toBe(2);
  });

  it('refuses a key reused with another body with 422 and counts once; on another counter it is that counter’s request', async () => {
    await increment(handlers.hits, 'left', 'shared-key');
    const otherBody = await increment(handlers.hits, 'left', 'shared-key', '{"note":"second"}');
    expect(problemOf(otherBody)).toMatchObject({
      status: 422,
      type: 'tag:canary-api,2026:problems/idempotency-key-reused',
    });
    // Keys live on their counter's item, so that counting and recording the key are one write.
    const otherCounter = await increment(handlers.hits, 'right', 'shared-key');
    expect(bodyOf(otherCounter)).toEqual({ counter: 'right', hits: 1 });
    expect([await read(handlers.hits, 'left'), await read(handlers.hits, 'right')]).toEqual([1, 1]);
  });

  it('replays for the same key with the same body', async () => {
    const first = await increment(handlers.hits, 'bodied', 'key-bodied', 'same bytes');
    const again = await increment(handlers.hits, 'bodied', 'key-bodied', 'same bytes');
    expect([first.statusCode, again.body]).toEqual([200, first.body]);
    expect(await read(handlers.hits, 'bodied')).toBe(1);
  });

  it('counts once when 20 duplicates arrive together: every one answers the same value', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => increment(handlers.hits, 'race', 'same')),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(20).fill(200));
    for (const answer of answers) expect(bodyOf(answer).hits).toBe(1);
    expect(await read(handlers.hits, 'race')).toBe(1);
  });

  it('answers a duplicate that arrives while the first is still in flight with the same value, and counts once', async () => {
    const gate = await startDynamoDBGate(dynamodb.endpoint, 'UpdateItem');
    try {
      const gated = await handlersAgainst(gate.endpoint);
      await increment(handlers.hits, 'held');
      const first = increment(gated.hits, 'held', 'key-held');
      while (gate.heldCount() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const duplicate = increment(gated.hits, 'held', 'key-held');
      while (gate.heldCount() < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      gate.release();
      // Whichever write DynamoDB applies first counts; the other finds its key and replays.
      expect((await Promise.all([first, duplicate])).map((answer) => bodyOf(answer))).toEqual([
        { counter: 'held', hits: 2 },
        { counter: 'held', hits: 2 },
      ]);
    } finally {
      await gate.close();
    }
    expect(await read(handlers.hits, 'held')).toBe(2);
  });

  it('replays, never counts again, when the answer of the write that counted was lost', async () => {
    const gate = await startDynamoDBGate(dynamodb.endpoint, 'UpdateItem');
    try {
      // An earlier keyed hit opened this window, so the next write is the one that counts.
      await increment(handlers.hits, 'lost', 'key-earlier');
      gate.release();
      gate.loseAnswers(1);
      const gated = await handlersAgainst(gate.endpoint);
      const lost = await increment(gated.hits, 'lost', 'key-lost');
      expect(problemOf(lost)).toMatchObject({ status: 503 });
      // The write was applied: the retry with the same key finds it and answers its value.
      expect(await read(handlers.hits, 'lost')).toBe(2);
      expect(bodyOf(await increment(gated.hits, 'lost', 'key-lost'))).toEqual({ counter: 'lost', hits: 2 });
    } finally {
      await gate.close();
    }
    expect(await read(handlers.hits, 'lost')).toBe(2);
  });

  it('reports the health of the real table as UP', async () => {
    const result = await handlers.health(apiEvent({ resource: '/health' }), lambdaContext());
    expect([result.statusCode, bodyOf(result).checks]).toEqual([200, { dynamodb: 'UP' }]);
  });
});
