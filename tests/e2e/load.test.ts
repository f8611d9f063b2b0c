import { once } from 'node:events';
import { Agent, type IncomingMessage, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupRssBytes, watchGroupRss } from '../../local/process-group';
import { eventually, type RunningApi, startApi } from '../support/npm-start';

// A laptop load test against `npm start`: 1,000 increments of one counter fired at once, on loopback.
// It asserts what must hold whatever the machine's speed (every answer, every value, memory); how fast
// it goes is the load benchmark's business (npm run bench, docs/performance.md).

const CLIENTS = 1_000;
const GiB = 1024 ** 3;
let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api?.stop());

describe('npm start under 1,000 concurrent increments of one counter', () => {
  it('answers every one 200, hands out each value 1..1,000 once and stays within 1 GiB', async () => {
    const idle = groupRssBytes(api.pid);
    const memory = watchGroupRss(api.pid);
    // One connection per client, all opened at once, as a load tool does.
    const clients = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
    const increment = async () => {
      const outgoing = request(`${api.url}/hits/crowd`, { method: 'POST', agent: clients }).end();
      const [incoming] = (await once(outgoing, 'response')) as [IncomingMessage];
      let body = '';
      for await (const chunk of incoming) body += chunk;
      return { status: incoming.statusCode, body };
    };
    try {
      const answers = await Promise.all(Array.from({ length: CLIENTS }, increment));
      const failed = answers.filter((answer) => answer.status !== 200);
      expect(failed.length, failed[0]?.body).toBe(0);
      const values = answers.map((answer) => Number(JSON.parse(answer.body).hits)).sort((a, b) => a - b);
      expect(values).toEqual(Array.from({ length: CLIENTS }, (_, index) => index + 1));
      const final = (await (await fetch(`${api.url}/hits/crowd`)).json()) as { hits: number };
      expect(final.hits).toBe(CLIENTS);
    } finally {
      memory.stop();
      clients.destroy();
    }
    expect(memory.peak() / GiB, `peak RSS of the process group (idle: ${idle} bytes)`).toBeLessThan(1);
    // Back near idle within a minute: what a laptop gets back after the test.
    const nearIdle = idle + 256 * 1024 ** 2;
    expect(await eventually(() => groupRssBytes(api.pid) < nearIdle, 60_000)).toBe(true);
  }, 180_000);
});
