/**
 * One cold start in this fresh process: load a module (a Lambda bundle or an empty one), then, for a
 * bundle, serve one event. Reports milliseconds since the process started (performance.now()), so the
 * figures include Node's own start-up, as a Lambda INIT does. Bundled for plain node (local/node-script).
 */
import type { Handler } from 'aws-lambda';
import { lambdaContext } from '../lambda-context';

/**
 * What Lambda's Node.js runtime has loaded before it requires a handler, so that neither the empty module
 * nor a bundle is charged for it: its RAPID client builds an `http.Agent`, and it requires net, util,
 * assert, fs and path (aws/aws-lambda-nodejs-runtime-interface-client@da5777a, src/index.mjs loads
 * RAPIDClient.js, ResponseStream.js, InvokeContext.js, LogPatch.js and UserFunction.js before
 * `UserFunction.load`).
 */
function loadAsLambdaRuntimeDoes() {
  for (const builtin of ['node:assert', 'node:fs', 'node:net', 'node:path', 'node:util']) require(builtin);
  const { Agent }: typeof import('node:http') = require('node:http');
  new Agent({ keepAlive: true, maxSockets: 1 }).destroy();
}

async function coldStart() {
  loadAsLambdaRuntimeDoes();
  const [file, handlerName] = process.argv.slice(2);
  const loadedModule: Record<string, Handler> = require(String(file));
  const loaded = performance.now();
  let answered = loaded;
  const handler = handlerName ? loadedModule[handlerName] : undefined;
  if (handler) {
    const context = lambdaContext({ functionName: 'bench', version: '1', qualifier: 'live' });
    await handler(JSON.parse(String(process.env.EVENT)), context, () => undefined);
    answered = performance.now();
  }
  process.send?.({ loaded, answered });
}

coldStart();
