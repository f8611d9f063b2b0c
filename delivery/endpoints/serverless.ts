import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { compileEndpoints } from './compile';
import { readOpenApi, servedOperations } from './openapi';

/** Where the compiled endpoints live: lib/ imports the routes, delivery/ the checks (esbuild inlines both). */
export const ENDPOINTS_FILE = 'lib/endpoints.json';
/** How to bring it up to date after openapi.yaml changed. */
export const WRITE_COMMAND = 'npx tsx delivery/endpoints/write.ts';
/** The role of an API function that serverless.yml gives none: logs and traces, no data. */
const DEFAULT_ROLE = 'StatelessFunctionRole';

type HttpEvent = { http: { method: string; path: string } };
interface ApiFunction {
  handler: string;
  role: string;
  deploymentSettings: Record<string, never>;
  events: HttpEvent[];
}

const httpEvent = (method: string, path: string): HttpEvent => ({
  http: { method: method.toLowerCase(), path: path === '/' ? path : path.replace(/^\//, '') },
});

/** What lib/endpoints.json should hold, or what is wrong with it. */
export function staleEndpoints(serviceDir: string): string | undefined {
  const expected = compileEndpoints(readOpenApi(serviceDir));
  const file = join(serviceDir, ENDPOINTS_FILE);
  const actual: unknown = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  if (isDeepStrictEqual(actual, expected)) return undefined;
  return `${ENDPOINTS_FILE} is not what openapi.yaml declares; run \`${WRITE_COMMAND}\``;
}

/** Compiles openapi.yaml into lib/endpoints.json, formatted as Biome would; true when it changed. */
export function writeEndpoints(serviceDir: string): boolean {
  if (!staleEndpoints(serviceDir)) return false;
  const formatted = spawnSync(
    join(serviceDir, 'node_modules/.bin/biome'),
    ['format', `--stdin-file-path=${ENDPOINTS_FILE}`],
    { cwd: serviceDir, input: JSON.stringify(compileEndpoints(readOpenApi(serviceDir))), encoding: 'utf8' },
  );
  if (formatted.status !== 0)
    throw new Error(`biome could not format ${ENDPOINTS_FILE}: ${formatted.stderr}`);
  writeFileSync(join(serviceDir, ENDPOINTS_FILE), formatted.stdout);
  return true;
}

/**
 * serverless.yml's API functions, from openapi.yaml: each operation's x-function, served by
 * functions/<key>.ts with the http events of its operations, through the alias (deploymentSettings);
 * and the fallback's events, ANY on every resource. Every sls command resolves them (package, deploy,
 * offline under npm start, invoke local), so each compiles lib/endpoints.json first when openapi.yaml
 * changed: nobody has to remember to.
 */
export function serverlessFunctions(
  serviceDir: string,
  log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  },
) {
  if (writeEndpoints(serviceDir))
    log(`${ENDPOINTS_FILE}: compiled again from openapi.yaml (commit it with it)`);
  const document = readOpenApi(serviceDir);
  const functions: Record<string, ApiFunction> = {};
  for (const { functionKey, method, path } of servedOperations(document)) {
    if (!existsSync(join(serviceDir, 'functions', `${functionKey}.ts`))) {
      throw new Error(
        `openapi.yaml: x-function ${functionKey} (${method} ${path}) has no functions/${functionKey}.ts`,
      );
    }
    functions[functionKey] ??= {
      handler: `functions/${functionKey}.handler`,
      role: DEFAULT_ROLE,
      deploymentSettings: {},
      events: [],
    };
    functions[functionKey].events.push(httpEvent(method, path));
  }
  const paths = Object.keys(document.paths);
  const fallbackEvents = ['/', '/{proxy+}', ...paths].map((path) => httpEvent('ANY', path));
  return { functions, fallbackEvents };
}
