import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWholeApi } from '../../delivery/smoke-checks';
import { contractViolations } from '../support/contract';
import { eventually } from '../support/npm-start';
import { freePort, groupAlive, isListening, startGroup, waitFor } from '../support/processes';

// `npm start` exactly as a newcomer runs it (minus npm itself), on free ports, checked against openapi.yaml.
let port: number;
let dynamodbPort: number;
let server: ReturnType<typeof startGroup>;

beforeAll(async () => {
  [port, dynamodbPort] = [await freePort(), await freePort()];
  server = startGroup(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    PORT: String(port),
    DYNAMODB_PORT: String(dynamodbPort),
  });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, server.child, server.output);
});

afterAll(() => {
  if (server?.child.pid && groupAlive(server.child.pid)) process.kill(-server.child.pid, 'SIGKILL');
});

interface Call {
  method: string;
  path: string;
  template: string | undefined;
  headers?: Record<string, string>;
  body?: string;
}

async function call({ method, path, template, headers, body }: Call) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, body });
  const observed = {
    method,
    template,
    status: response.status,
    headers: response.headers,
    body: await response.text(),
  };
  expect(contractViolations(observed), `${method} ${path}`).toEqual([]);
  return observed;
}

const json = { 'content-type': 'application/json' };

describe('npm start serves the API at the root, as openapi.yaml describes', () => {
  it.each<[string, Call, number]>([
    ['a greeting', { method: 'GET', path: '/hello', template: '/hello' }, 200],
    ['a named greeting', { method: 'GET', path: '/hello?name=Zo%C3%AB', template: '/hello' }, 200],
    [
      'a control character in the name',
      { method: 'GET', path: '/hello?name=a%0Ab', template: '/hello' },
      400,
    ],
    [
      'a JSON echo',
      { method: 'POST', path: '/echo', template: '/echo', headers: json, body: '{"a":1}' },
      200,
    ],
    [
      'a text echo',
      {
        method: 'POST',
        path: '/echo',
        template: '/echo',
        headers: { 'content-type': 'text/plain' },
        body: 'hi',
      },
      200,
    ],
    [
      'a shout',
      {
        method: 'POST',
        path: '/echo?transform=shout',
        template: '/echo',
        headers: json,
        body: '{"data":"hello, world!"}',
      },
      200,
    ],
    [
      'malformed JSON',
      { method: 'POST', path: '/echo', template: '/echo', headers: json, body: '{"a":' },
      400,
    ],
    [
      'a body over 64 KiB',
      { method: 'POST', path: '/echo', template: '/echo', headers: json, body: `"${'a'.repeat(65_536)}"` },
      413,
    ],
    [
      'an unsupported type',
      {
        method: 'POST',
        path: '/echo',
        template: '/echo',
        headers: { 'content-type': 'image/png' },
        body: 'x',
      },
      415,
    ],
    ['an increment', { method: 'POST', path: '/hits/e2e', template: '/hits/{counter}' }, 200],
    ['a read', { method: 'GET', path: '/hits/e2e', template: '/hits/{counter}' }, 200],
    ['a bad counter name', { method: 'POST', path: '/hits/bad%20name', template: '/hits/{counter}' }, 400],
    ['the classic counter', { method: 'GET', path: '/hits', template: '/hits' }, 200],
    ['health', { method: 'GET', path: '/health', template: '/health' }, 200],
    ['an unknown path', { method: 'GET', path: '/nothing/here', template: undefined }, 404],
    ['the root', { method: 'GET', path: '/', template: undefined }, 404],
    ['POST /hello', { method: 'POST', path: '/hello', template: undefined }, 405],
    ['GET /echo', { method: 'GET', path: '/echo', template: undefined }, 405],
    ['DELETE /hits/x', { method: 'DELETE', path: '/hits/x', template: undefined }, 405],
    ['PUT /health', { method: 'PUT', path: '/health', template: undefined }, 405],
  ])('answers %s with the documented status', async (_, request, status) => {
    expect((await call(request)).status).toBe(status);
  });

  it('echoes the shout of the original service', async () => {
    const answer = await call({
      method: 'POST',
      path: '/echo?transform=shout',
      template: '/echo',
      headers: json,
      body: '{"data": "hello, world!"}',
    });
    expect(JSON.parse(answer.body)).toEqual({ data: '!DLROW ,OLLEH' });
  });

  it.each([['"a JSON string"'], ['false'], ['0'], ['null'], ['{ "spaced" :  [1, 2] }\n']])(
    'echoes the JSON body %j exactly as API Gateway would pass it',
    async (body) => {
      const answer = await call({ method: 'POST', path: '/echo', template: '/echo', headers: json, body });
      expect([answer.status, answer.body]).toEqual([200, body]);
    },
  );

  it('replays an Idempotency-Key over HTTP', async () => {
    const post = () =>
      call({
        method: 'POST',
        path: '/hits/keyed',
        template: '/hits/{counter}',
        headers: { 'Idempotency-Key': 'k1' },
      });
    const [first, second] = [await post(), await post()];
    expect(second.body).toBe(first.body);
    expect(
      JSON.parse((await call({ method: 'GET', path: '/hits/keyed', template: '/hits/{counter}' })).body).hits,
    ).toBe(1);
  });

  it.each([
    ['deep nesting', `${'['.repeat(30_000)}${']'.repeat(30_000)}`],
    ['a huge number', `{"data":"x","n":1${'0'.repeat(5_000)}}`],
    ['__proto__ keys', '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"data":"x"}'],
    ['lone surrogates and odd unicode', '{"data":"\\ud800\\u0000\\u202e\\ufeff🦊"}'],
  ])('never answers hostile JSON (%s) with a 5xx', async (_, body) => {
    for (const transform of ['', '?transform=shout']) {
      const answer = await call({
        method: 'POST',
        path: `/echo${transform}`,
        template: '/echo',
        headers: json,
        body,
      });
      expect(answer.status).toBeLessThan(500);
    }
  });
});

describe('the Synthetics canary checks', () => {
  it('pass against npm start, as they run against a stage each minute', async () => {
    expect(await checkWholeApi(`http://127.0.0.1:${port}`)).toEqual([]);
  });
});

describe('stopping npm start', () => {
  it('Ctrl-C stops the API and the embedded DynamoDB and leaves no process behind', async () => {
    const pgid = server.child.pid as number;
    process.kill(-pgid, 'SIGINT');
    const deadline = Date.now() + 15_000;
    while (groupAlive(pgid) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(groupAlive(pgid), server.output()).toBe(false);
    expect(await isListening(port)).toBe(false);
    expect(await isListening(dynamodbPort)).toBe(false);
  });
});

describe('npm start through npm', () => {
  it("stops everything when only npm's own process gets SIGINT: the script execs node in its shell's place", async () => {
    const [apiPort, dbPort] = [await freePort(), await freePort()];
    const npm = startGroup('npm', ['start', '--silent'], {
      PORT: String(apiPort),
      DYNAMODB_PORT: String(dbPort),
    });
    const pid = npm.child.pid as number;
    try {
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${apiPort}/health`)).ok,
        npm.child,
        npm.output,
      );
      // As a supervisor or an IDE stops it: a signal to npm's pid, not to its process group.
      process.kill(pid, 'SIGINT');
      expect(await eventually(() => !groupAlive(pid)), npm.output()).toBe(true);
      expect(await isListening(apiPort)).toBe(false);
      expect(await isListening(dbPort)).toBe(false);
    } finally {
      if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    }
  }, 60_000);
});
