'use strict';
// One Lambda version in its own process, so baseline and candidate share no module state: it loads
// the packaged bundles of one build and invokes them like the Lambda runtime does, behind a loopback
// endpoint: POST /invoke/<function key> with an API Gateway event. Faults are the rehearsal
// harness's, injected here around the unchanged handlers (the production code has none):
//   FAULT=errors=<0..1>  that share of invocations answers a 500 problem, as a broken handler would
//   FAULT=latency=<ms>   every invocation waits that long first
//   FAULT=crash-on-init  every function fails its INIT, as a bundle that throws at load would
// errors and latency model bugs that only real traffic triggers: they hit invocations through the
// alias, not the pre-traffic hook's direct calls of the version (which would stop them first).
// argv: <folder holding functions/<key>.cjs> <version> ; the parent learns the port over IPC.
const { createServer } = require('node:http');
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const [codeDir, version] = process.argv.slice(2);
const fault = process.env.FAULT ?? 'none';
const errorShare = fault.startsWith('errors=') ? Number(fault.slice('errors='.length)) : 0;
const latencyMs = fault.startsWith('latency=') ? Number(fault.slice('latency='.length)) : 0;
const TIMEOUT_MS = 6000;
const handlers = new Map();

function handlerFor(key) {
  if (fault === 'crash-on-init')
    throw Object.assign(new Error('injected crash on init'), { name: 'Runtime.InitError' });
  if (!handlers.has(key)) handlers.set(key, require(path.join(codeDir, 'functions', `${key}.cjs`)).handler);
  return handlers.get(key);
}

async function invoke(key, qualifier, event) {
  const functionName = `${process.env.FUNCTION_NAME_PREFIX}${key}`;
  const started = Date.now();
  const context = {
    functionName,
    functionVersion: version,
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${functionName}:${qualifier}`,
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => TIMEOUT_MS - (Date.now() - started),
  };
  try {
    const handler = handlerFor(key);
    const throughAlias = qualifier === 'live';
    if (throughAlias && latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (throughAlias && errorShare > 0 && Math.random() < errorShare) {
      const body = {
        type: 'tag:canary-api,2026:problems/internal-error',
        title: 'Internal Server Error',
        status: 500,
        detail: 'Injected by the rehearsal.',
      };
      return {
        result: {
          statusCode: 500,
          headers: { 'content-type': 'application/problem+json', 'x-function-version': version },
          body: JSON.stringify(body),
        },
      };
    }
    return { result: await handler(event, context) };
  } catch (error) {
    return { functionError: error.name || 'Error', message: String(error.message) };
  }
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    const key = decodeURIComponent(request.url.replace(/^\/invoke\//, ''));
    // Measured like Lambda's Duration: the invocation, not the trip to this process.
    const started = performance.now();
    const outcome = await invoke(
      key,
      request.headers['x-qualifier'] ?? version,
      JSON.parse(Buffer.concat(chunks).toString()),
    );
    const durationMs = performance.now() - started;
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ...outcome, durationMs }));
  });
});

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
