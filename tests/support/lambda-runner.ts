/**
 * Loads a handler the way the Lambda Node.js runtime does (file from the handler string, .js/.mjs/.cjs)
 * in this fresh process, calls it once with the event in $EVENT through the alias `live`, as version 3,
 * and prints the result as JSON. Bundled for plain node (local/node-script).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Handler } from 'aws-lambda';
import { lambdaContext } from '../../local/lambda-context';

async function invokeOnce() {
  const [codeDir = '.', handlerString = ''] = process.argv.slice(2);
  const dot = handlerString.lastIndexOf('.');
  const base = join(codeDir, handlerString.slice(0, dot));
  const file = ['.js', '.mjs', '.cjs'].map((extension) => base + extension).find(existsSync);
  if (!file) throw new Error(`no module for handler ${handlerString}`);
  const loaded = await import(pathToFileURL(file).href);
  const name = handlerString.slice(dot + 1);
  const handler: Handler = loaded[name] ?? loaded.default?.[name];
  const context = lambdaContext({
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    version: '3',
    qualifier: 'live',
    requestId: 'package-test',
  });
  const result = await handler(JSON.parse(String(process.env.EVENT)), context, () => undefined);
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
}

invokeOnce().catch((error) => {
  console.error(error);
  process.exit(1);
});
