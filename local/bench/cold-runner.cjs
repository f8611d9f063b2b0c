'use strict';
// One cold start in this fresh process: load a module (a Lambda bundle or an empty one), then, for a
// bundle, serve one event. Reports milliseconds since the process started (performance.now()), so the
// figures include Node's own start-up, as a Lambda INIT does.
const { performance } = require('node:perf_hooks');

async function main() {
  const [file, handlerName] = process.argv.slice(2);
  const module = require(file);
  const loaded = performance.now();
  let answered = loaded;
  if (handlerName) {
    const deadline = Date.now() + 6000;
    await module[handlerName](JSON.parse(process.env.EVENT), {
      functionName: 'bench',
      functionVersion: '1',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bench:live',
      awsRequestId: 'bench',
      getRemainingTimeInMillis: () => deadline - Date.now(),
    });
    answered = performance.now();
  }
  process.send({ loaded, answered });
}

main();
