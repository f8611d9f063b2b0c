import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileEndpoints } from '../../delivery/endpoints/compile';
import { readOpenApi } from '../../delivery/endpoints/openapi';
import { staleEndpoints, WRITE_COMMAND } from '../../delivery/endpoints/serverless';
import { checksFor } from '../../delivery/smoke-checks';
import { ROUTES } from '../../lib/routes';
import { exampleViolations, namedExampleCount, openapi } from '../support/contract';
import { type ServiceFunction, serviceFunctions } from '../support/service-functions';

// openapi.yaml is the one declaration of the endpoints (docs/adding-an-endpoint.md): everything here
// follows from it, and these tests say so for the routes, the functions and their checks.
const functions = serviceFunctions();
const NOT_ENDPOINTS = ['fallback', 'preTraffic', 'postTraffic', 'judge'];

function routesOf(fns: ServiceFunction[]) {
  const routes: Record<string, string[]> = {};
  for (const { http } of fns.flatMap((fn) => fn.events ?? [])) {
    const path = `/${http.path.replace(/^\//, '')}`;
    routes[path] = [...(routes[path] ?? []), http.method.toUpperCase()].sort();
  }
  return routes;
}

const sorted = (routes: Readonly<Record<string, readonly string[]>>) =>
  Object.fromEntries(Object.entries(routes).map(([path, methods]) => [path, [...methods].sort()]));

describe('the routes', () => {
  it('in lib/endpoints.json are what openapi.yaml declares', () => {
    expect(staleEndpoints(process.cwd()), `run ${WRITE_COMMAND}`).toBeUndefined();
  });

  it('in serverless.yml are exactly those of lib/routes.ts', () => {
    const endpoints = Object.entries(functions)
      .filter(([key]) => !NOT_ENDPOINTS.includes(key))
      .map(([, fn]) => fn);
    expect(routesOf(endpoints)).toEqual(sorted(ROUTES));
  });

  it('in openapi.yaml are exactly those of lib/routes.ts', () => {
    const documented = Object.fromEntries(
      Object.entries(openapi.paths).map(([path, item]) => [
        path,
        Object.keys(item)
          .filter((key) => ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'].includes(key))
          .map((method) => method.toUpperCase())
          .sort(),
      ]),
    );
    expect(documented).toEqual(sorted(ROUTES));
  });

  it('reach the fallback for every other method, and every other path', () => {
    const expected = Object.fromEntries(
      ['/', '/{proxy+}', ...Object.keys(ROUTES)].map((path) => [path, ['ANY']]),
    );
    expect(routesOf([functions.fallback as ServiceFunction])).toEqual(expected);
  });
});

describe('the functions openapi.yaml names', () => {
  const named = Object.keys(compileEndpoints(readOpenApi(process.cwd())).examples);

  it('each run their own handler file, through the alias, with at least one smoke check', () => {
    expect(named).toEqual(expect.arrayContaining(['hello', 'echo', 'hits', 'health']));
    for (const key of named) {
      expect(existsSync(`functions/${key}.ts`), key).toBe(true);
      expect(functions[key]).toMatchObject({ handler: `functions/${key}.handler`, deploymentSettings: {} });
      expect(checksFor(key).length, key).toBeGreaterThan(0);
    }
  });

  it('run with the roles serverless.yml gives them, and with the least one otherwise', () => {
    const declared: Record<string, string> = { hits: 'CounterFunctionRole', health: 'HealthFunctionRole' };
    for (const key of named) {
      expect(functions[key]?.role, key).toBe(declared[key] ?? 'StatelessFunctionRole');
    }
  });
});

describe('the examples of openapi.yaml', () => {
  it('each conform to their own schema: the smoke checks are made of them, and the docs show them', () => {
    expect(namedExampleCount()).toBeGreaterThanOrEqual(8);
    expect(exampleViolations()).toEqual([]);
  });
});
