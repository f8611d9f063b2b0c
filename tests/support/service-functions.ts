import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
/** osls's own merge of a `functions:` list (deep for objects, by index for arrays). */
const mergePlainObjects: (target: object, ...sources: object[]) => Record<string, ServiceFunction> =
  require('osls/lib/utils/merge-plain-objects.js');

export interface ServiceFunction {
  handler: string;
  role?: string;
  deploymentSettings?: object;
  events?: { http: { method: string; path: string } }[];
}

/** `${file(./x.cjs):address}`, the only variable of serverless.yml's functions that decides their shape. */
const FILE_VARIABLE = /^\$\{file\((\.\/[^)]+\.cjs)\):(\w+)\}$/;

function resolveFiles(value: unknown, serviceDir: string): unknown {
  if (typeof value === 'string') {
    const [, file, address] = FILE_VARIABLE.exec(value) ?? [];
    if (!file || !address) return value;
    return require(join(serviceDir, file))()[address];
  }
  if (Array.isArray(value)) return value.map((item) => resolveFiles(item, serviceDir));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveFiles(item, serviceDir)]),
    );
  }
  return value;
}

/**
 * serverless.yml's functions as osls sees them once its `${file(…)}` variables are resolved and the
 * list is merged: the API functions derived from openapi.yaml, then what serverless.yml adds. Faster
 * than `sls print`, for tests that read the functions without packaging.
 */
export function serviceFunctions(serviceDir = process.cwd()): Record<string, ServiceFunction> {
  const service = parse(readFileSync(join(serviceDir, 'serverless.yml'), 'utf8'), { logLevel: 'silent' });
  const functions = resolveFiles(service.functions, serviceDir);
  return Array.isArray(functions)
    ? mergePlainObjects({}, ...functions)
    : (functions as Record<string, ServiceFunction>);
}
