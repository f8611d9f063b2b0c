/**
 * One cold start in this fresh process: load a module (a Lambda bundle or an empty one), then, for a
 * bundle, serve one event. Reports milliseconds since the process started (performance.now()), so the
 * figures include Node's own start-up, as a Lambda INIT does. Bundled for plain node (local/node-script).
 */
import type { Handler } from 'aws-lambda';
import { lambdaContext } from '../lambda-context';

async function coldStart() {
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
