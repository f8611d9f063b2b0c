import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { freePort } from '../support/processes';

/**
 * `npx sls invoke local …` as a developer types it; resolves with the exit code and all output.
 * Stdin is /dev/null: osls reads the event from stdin whenever it is not a terminal.
 */
async function invokeLocal(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn('node_modules/.bin/sls', ['invoke', 'local', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const [code] = await once(child, 'exit');
  return { code, output };
}

const postToCounter = JSON.stringify({
  httpMethod: 'POST',
  resource: '/hits/{counter}',
  pathParameters: { counter: 'cli' },
});

describe('sls invoke local', () => {
  let dynamodb: EmbeddedDynamoDB;
  beforeAll(async () => {
    dynamodb = await startEmbeddedDynamoDB();
  });
  afterAll(() => dynamodb?.close());

  it('runs hello with no setup at all', async () => {
    const { code, output } = await invokeLocal(['-f', 'hello']);
    expect(code, output).toBe(0);
    expect(output).toContain('"statusCode": 200');
    expect(output).toContain('Hello, world!');
  });

  it('runs hits against the embedded DynamoDB that npm start runs', async () => {
    const { code, output } = await invokeLocal(['-f', 'hits', '-d', postToCounter], {
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    });
    expect(code, output).toBe(0);
    expect(output).toContain('{\\"counter\\":\\"cli\\",\\"hits\\":1}');
  });

  it('fails hits with one clear sentence, not a stack trace, when that DynamoDB is not running', async () => {
    const nothingThere = `http://127.0.0.1:${await freePort()}`;
    const { code, output } = await invokeLocal(['-f', 'hits', '-d', postToCounter], {
      AWS_ENDPOINT_URL_DYNAMODB: nothingThere,
    });
    expect(code).toBe(1);
    expect(output).toContain(
      `The hits function needs the embedded DynamoDB at ${nothingThere}, which is not running: start it with \`npm start\` in another terminal.`,
    );
    expect(output).not.toMatch(/^\s+at /m);
  });
});
