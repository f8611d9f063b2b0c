import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROUTES } from '../../lib/routes';
import { openapi } from '../support/contract';

interface HttpEvent {
  http: { method: string; path: string };
}
const service: { functions: Record<string, { events: HttpEvent[] }> } = parse(
  readFileSync('serverless.yml', 'utf8'),
  {
    logLevel: 'silent',
  },
);

function routesOf(functionNames: string[]) {
  const routes: Record<string, string[]> = {};
  for (const name of functionNames) {
    for (const { http } of service.functions[name]?.events ?? []) {
      const path = `/${http.path.replace(/^\//, '')}`;
      routes[path] = [...(routes[path] ?? []), http.method.toUpperCase()].sort();
    }
  }
  return routes;
}

const sorted = (routes: Readonly<Record<string, readonly string[]>>) =>
  Object.fromEntries(Object.entries(routes).map(([path, methods]) => [path, [...methods].sort()]));

describe('the routes', () => {
  it('in serverless.yml are exactly those of lib/routes.ts', () => {
    const endpoints = Object.keys(service.functions).filter(
      (name) => name !== 'fallback' && !name.endsWith('Traffic'),
    );
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
    expect(routesOf(['fallback'])).toEqual(expected);
  });
});
