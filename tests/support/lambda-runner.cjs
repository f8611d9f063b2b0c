'use strict';
// Loads a handler the way the Lambda Node.js runtime does (file from the handler string, .js/.mjs/.cjs)
// in this fresh process, calls it once with the event in $EVENT and prints the result as JSON.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

async function main() {
  const [codeDir, handlerString] = process.argv.slice(2);
  const dot = handlerString.lastIndexOf('.');
  const base = join(codeDir, handlerString.slice(0, dot));
  const file = ['.js', '.mjs', '.cjs'].map((extension) => base + extension).find(existsSync);
  if (!file) throw new Error(`no module for handler ${handlerString}`);
  const module = await import(pathToFileURL(file).href);
  const handler = module[handlerString.slice(dot + 1)] ?? module.default?.[handlerString.slice(dot + 1)];
  const deadline = Date.now() + 6000;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '3',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}:live`,
    awsRequestId: 'package-test',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  const result = await handler(JSON.parse(process.env.EVENT), context);
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
