import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileEndpoints } from '../../../../delivery/endpoints/compile';
import type { OpenApiDocument } from '../../../../delivery/endpoints/openapi';
import {
  serverlessFunctions,
  staleEndpoints,
  writeEndpoints,
} from '../../../../delivery/endpoints/serverless';

const example = { summary: 'answers', value: { ok: true } };
const operation = (key: string) => ({
  'x-function': key,
  responses: { '200': { content: { 'application/json': { examples: { one: example } } } } },
});
const document: OpenApiDocument = {
  paths: {
    '/things': { get: operation('things'), post: operation('things') },
    '/other': { get: operation('other') },
  },
};

let serviceDir: string;
/** Biome with this repository's settings, as `npx tsx delivery/endpoints/write.ts` runs it. */
const useBiome = () => {
  for (const file of ['biome.json', '.gitignore']) copyFileSync(file, join(serviceDir, file));
  symlinkSync(join(process.cwd(), 'node_modules'), join(serviceDir, 'node_modules'));
};
beforeEach(() => {
  serviceDir = mkdtempSync(join(tmpdir(), 'canary-api-endpoints-'));
  mkdirSync(join(serviceDir, 'functions'));
  mkdirSync(join(serviceDir, 'lib'));
  writeFileSync(join(serviceDir, 'openapi.yaml'), stringify(document));
  writeFileSync(join(serviceDir, 'lib/endpoints.json'), JSON.stringify(compileEndpoints(document)));
  for (const key of ['things', 'other']) writeFileSync(join(serviceDir, `functions/${key}.ts`), '');
});
afterEach(() => rmSync(serviceDir, { recursive: true, force: true }));

describe("serverless.yml's API functions", () => {
  it('come from the operations: one per x-function, with its http events, the alias and the least role', () => {
    expect(serverlessFunctions(serviceDir).functions).toEqual({
      things: {
        handler: 'functions/things.handler',
        role: 'StatelessFunctionRole',
        deploymentSettings: {},
        events: [{ http: { method: 'get', path: 'things' } }, { http: { method: 'post', path: 'things' } }],
      },
      other: {
        handler: 'functions/other.handler',
        role: 'StatelessFunctionRole',
        deploymentSettings: {},
        events: [{ http: { method: 'get', path: 'other' } }],
      },
    });
  });

  it('give the fallback ANY on the root, on every other path, and on each resource for its 405', () => {
    expect(serverlessFunctions(serviceDir).fallbackEvents).toEqual(
      ['/', '{proxy+}', 'things', 'other'].map((path) => ({ http: { method: 'any', path } })),
    );
  });

  it('compile lib/endpoints.json first when it lags behind openapi.yaml, and say so', () => {
    useBiome();
    writeFileSync(
      join(serviceDir, 'openapi.yaml'),
      stringify({ paths: { '/things': document.paths['/things'] } }),
    );
    expect(staleEndpoints(serviceDir)).toMatch(/lib\/endpoints.json is not what openapi.yaml declares/);
    const said: string[] = [];
    expect(
      Object.keys(
        serverlessFunctions(serviceDir, (line) => {
          said.push(line);
        }).functions,
      ),
    ).toEqual(['things']);
    expect(said).toEqual(['lib/endpoints.json: compiled again from openapi.yaml (commit it with it)']);
    expect(staleEndpoints(serviceDir)).toBeUndefined();
    serverlessFunctions(serviceDir, (line) => {
      said.push(line);
    });
    expect(said).toHaveLength(1);
  });

  it('are refused when lib/endpoints.json is missing', () => {
    rmSync(join(serviceDir, 'lib/endpoints.json'));
    expect(staleEndpoints(serviceDir)).toMatch(/is not what openapi.yaml declares/);
  });

  it('are refused when an x-function has no handler file', () => {
    rmSync(join(serviceDir, 'functions/other.ts'));
    expect(() => serverlessFunctions(serviceDir)).toThrow(
      'openapi.yaml: x-function other (GET /other) has no functions/other.ts',
    );
  });
});

describe('writeEndpoints', () => {
  it('compiles openapi.yaml into lib/endpoints.json as Biome formats it, and only when it lags', () => {
    useBiome();
    writeFileSync(
      join(serviceDir, 'openapi.yaml'),
      stringify({ paths: { '/things': document.paths['/things'] } }),
    );
    expect(writeEndpoints(serviceDir)).toBe(true);
    expect(staleEndpoints(serviceDir)).toBeUndefined();
    expect(readFileSync(join(serviceDir, 'lib/endpoints.json'), 'utf8')).toMatch(
      /^\{\n {2}"routes": \{ "\/things": \["GET", "POST"\] \},\n/,
    );
    expect(writeEndpoints(serviceDir)).toBe(false);
  });
});
