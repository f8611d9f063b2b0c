'use strict';
// One Lambda version in its own process, so baseline and candidate share no module state: it loads
// the packaged bundles of one build and invokes them like the Lambda runtime does, behind a loopback
// endpoint: POST /invoke/<function key> with an API Gateway event. Faults are the rehearsal
// harness's, injected here around the unchanged handlers (the production code has none):
//   FAULT=errors=<0..1>  that share of each function's invocations answers a 500 problem, as a broken
//                        handler would, evenly spread
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
// Injected latency is simulated time like everything else: the answer comes 1/speed as late in real
// time, and Duration (and what the caller waited) counts the full latency.
const speed = Number(process.env.REHEARSAL_SPEED ?? 1);
const simulatedExtraMs = latencyMs - latencyMs / speed;
const TIMEOUT_MS = 6000;
const handlers = new Map();
// Per function, errors=<share> fails exactly that share of invocations, evenly spread, so that a
// rehearsal's verdict does not depend on luck.
const errorCredit = new Map();

function injectError(key) {
  const credit = (errorCredit.get(key) ?? 0) + errorShare;
  errorCredit.set(key, credit >= 1 ? credit - 1 : credit);
  return credit >= 1;
}

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
    if (throughAlias && latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs / speed));
    if (throughAlias && errorShare > 0 && injectError(key)) {
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
    const qualifier = request.headers['x-qualifier'] ?? version;
    const outcome = await invoke(key, qualifier, JSON.parse(Buffer.concat(chunks).toString()));
    const extraMs = qualifier === 'live' ? simulatedExtraMs : 0;
    const durationMs = performance.now() - started + extraMs;
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ...outcome, durationMs, extraMs }));
  });
});

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
