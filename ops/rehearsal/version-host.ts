/**
 * One Lambda version in its own process, so that baseline and candidate share no module state: it
 * loads the packaged bundles of one build and invokes them as the Lambda runtime does, behind a
 * loopback endpoint, POST /invoke/<function key> with an API Gateway event. Bundled for plain node
 * (local/node-script) and started by version-runtime.ts, which learns the port over IPC.
 *   argv: <folder holding functions/<key>.cjs> <version number> [crash-on-init]
 * crash-on-init makes every function fail its INIT, as a bundle that throws at load would: the
 * rehearsal's one fault that real requests see (the others are applied to simulated traffic).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Handler } from 'aws-lambda';
import { lambdaContext } from '../../local/lambda-context';

const [codeDir = '.', version = '1', fault] = process.argv.slice(2);
const handlers = new Map<string, Handler>();

function handlerFor(key: string): Handler {
  if (fault === 'crash-on-init') {
    throw Object.assign(new Error('injected crash on init'), { name: 'Runtime.InitError' });
  }
  const loaded = handlers.get(key) ?? (require(join(codeDir, 'functions', `${key}.cjs`)).handler as Handler);
  handlers.set(key, loaded);
  return loaded;
}

async function invoke(key: string, qualifier: string, event: unknown) {
  const started = performance.now();
  try {
    const context = lambdaContext({
      functionName: `${process.env.FUNCTION_NAME_PREFIX ?? ''}${key}`,
      version,
      qualifier,
      region: process.env.AWS_REGION,
    });
    const result = await handlerFor(key)(event, context, () => undefined);
    return { result, durationMs: performance.now() - started };
  } catch (error) {
    const { name = 'Error', message = String(error) } = error as Error;
    return { functionError: name, message, durationMs: performance.now() - started };
  }
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    const key = decodeURIComponent(String(request.url).replace(/^\/invoke\//, ''));
    const qualifier = String(request.headers['x-qualifier'] ?? version);
    const outcome = await invoke(key, qualifier, JSON.parse(Buffer.concat(chunks).toString()));
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(outcome));
  });
});

server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
