import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, READY_LINE, type RunningApi, startApi } from '../support/npm-start';
import { isListening } from '../support/processes';
import { type ScratchClone, scratchClone } from '../support/scratch-clone';

// What `npm start` tells its user: its address once (and only once) a request would be served, as its
// last line, and the functions reloaded when their code is saved.
const HELLO = { message: 'Hello, world!' };
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

interface Start {
  api: RunningApi;
  /** Status and body of a request sent as soon as the port accepted a connection. */
  early: [number, unknown];
  /** Of one sent the instant the address was printed. */
  first: [number, unknown];
}

const hello = async (url: string): Promise<[number, unknown]> => {
  const answer = await fetch(`${url}/hello`);
  return [answer.status, await answer.json()];
};

describe('npm start says it is ready only when it is', () => {
  const starts: Start[] = [];

  beforeAll(async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const api = await startApi({}, false, { ready: false });
      try {
        // The gateway listens seconds before serverless-offline does: this request must wait, not fail.
        const early = eventually(() => isListening(api.port), 120_000).then(() => hello(api.url));
        const first = api.printed(READY_LINE).then(() => hello(api.url));
        starts.push({ api, early: await early, first: await first });
      } finally {
        await api.stop();
      }
    }
  }, 400_000);

  it('serves the first request sent the instant it prints its address, three starts in a row', () => {
    expect(starts.map(({ first }) => first)).toEqual(starts.map(() => [200, HELLO]));
  });

  it('holds a request sent before it is ready until the functions answer it', () => {
    expect(starts.map(({ early }) => early)).toEqual(starts.map(() => [200, HELLO]));
  });

  it("prints the address users call as its last line, and none of serverless-offline's own", () => {
    for (const { api } of starts) {
      expect(lastLine(api.stdout()), api.output()).toBe(`API on http://localhost:${api.port}`);
      const dynamodb = /Embedded DynamoDB on (http:\/\/127\.0\.0\.1:\d+)/.exec(api.output())?.[1];
      const urls = new Set(api.output().match(/https?:\/\/[^\s/)]+/g));
      expect(urls).toEqual(new Set([`http://localhost:${api.port}`, dynamodb]));
      expect(api.output()).not.toMatch(/Server ready|[┌│└]|Function names exposed/);
    }
  });
});

describe('npm start reloads the functions when their code is saved', () => {
  let clone: ScratchClone;
  let api: RunningApi;
  let greeting: string;
  let original: string;

  beforeAll(async () => {
    clone = scratchClone();
    greeting = join(clone.dir, 'lib/greeting.ts');
    original = readFileSync(greeting, 'utf8');
    api = await startApi({}, false, { root: clone.dir });
  });
  afterAll(async () => {
    await api?.stop();
    clone?.remove();
  });

  it('answers with the saved code without a restart, every request meanwhile a 200', async () => {
    expect(await (await fetch(`${api.url}/hello`)).json()).toEqual(HELLO);
    const answers: string[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const answer = await fetch(`${api.url}/hello`);
        answers.push(`${answer.status} ${((await answer.json()) as { message: string }).message}`);
      }
    })();
    writeFileSync(greeting, original.replace("'Hello, world!'", "'Howdy, world!'"));
    await api.printed(READY_LINE, 2);
    const first = await fetch(`${api.url}/hello`);
    polling = false;
    await poll;
    expect(await first.json()).toEqual({ message: 'Howdy, world!' });
    // Old answers until the change was seen, new ones after: never a failure, never the old code again.
    const firstNew = answers.indexOf('200 Howdy, world!');
    const [before, after] =
      firstNew < 0 ? [answers, []] : [answers.slice(0, firstNew), answers.slice(firstNew)];
    expect(
      before.filter((answer) => answer !== '200 Hello, world!'),
      answers.join('\n'),
    ).toEqual([]);
    expect(
      after.filter((answer) => answer !== '200 Howdy, world!'),
      answers.join('\n'),
    ).toEqual([]);
    expect(lastLine(api.stdout())).toBe(`API on http://localhost:${api.port}`);
  }, 180_000);

  it("shows a failed build's error, answers 502 until the next save, then serves the fixed code", async () => {
    writeFileSync(greeting, original.replace("return 'Hello, world!';", "return 'Hello, world!;"));
    await api.printed(/The functions did not start again/g);
    expect(api.output()).toMatch(/lib\/greeting\.ts:\d+:\d+: ERROR/);
    const broken = await fetch(`${api.url}/hello`);
    expect([broken.status, ((await broken.json()) as { type: string }).type]).toEqual([
      502,
      'tag:canary-api,2026:problems/gateway-error',
    ]);
    writeFileSync(greeting, original);
    await api.printed(READY_LINE, 3);
    expect(await (await fetch(`${api.url}/hello`)).json()).toEqual(HELLO);
  }, 180_000);
});
