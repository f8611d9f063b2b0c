import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceFunctions } from '../support/service-functions';

// One lifecycle per room: a top-level folder holds code that runs at one time in one place, and may
// import only the rooms below it. The README's map describes the same rooms.
const MAY_IMPORT: Record<string, readonly string[]> = {
  lib: [],
  delivery: ['lib'],
  functions: ['lib', 'delivery'],
  local: ['lib', 'delivery', 'functions'],
  ops: ['lib', 'delivery', 'local'],
  tests: ['lib', 'delivery', 'functions', 'local', 'ops'],
};

const sources = execFileSync('git', ['ls-files', '*.ts', '*.cjs', '*.mjs', '*.js'], { encoding: 'utf8' })
  .split('\n')
  .filter((file) => file.includes('/') && String(file.split('/')[0]) in MAY_IMPORT);
const roomOf = (file: string) => file.split('/')[0] as string;

/** The repository files a source imports (relative specifiers only: packages are not rooms). */
function importsOf(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const specifiers = [...code.matchAll(/(?:from\s+|import\(\s*|require\(\s*)'(\.{1,2}\/[^']+)'/g)];
  return specifiers.map(([, specifier]) => {
    const base = normalize(join(dirname(file), String(specifier)));
    return ['', '.ts', '.cjs', '.d.ts'].map((extension) => base + extension).find(existsSync) ?? base;
  });
}

describe('the rooms', () => {
  it.each(sources)('%s imports only from its own room and the rooms below it', (file) => {
    const room = roomOf(file);
    for (const target of importsOf(file)) {
      const allowed = [room, ...(MAY_IMPORT[room] ?? [])];
      expect(allowed, `${file} imports ${target}`).toContain(roomOf(target));
    }
  });

  it('ship nothing but lib/ in the API functions: their whole import graph stays in lib/', () => {
    const apiFunctions = Object.values(serviceFunctions())
      .filter((fn) => fn.deploymentSettings)
      .map((fn) => `${fn.handler.replace(/\.[^.]+$/, '')}.ts`);
    expect(apiFunctions.length).toBeGreaterThan(0);
    for (const entry of apiFunctions) {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        importsOf(file).forEach(visit);
      };
      visit(entry);
      const outside = [...seen].filter((file) => file !== entry && roomOf(file) !== 'lib');
      expect(outside, entry).toEqual([]);
    }
  });

  it('read process.env in one module of the Lambda code: lib/config.ts', () => {
    const readers = sources.filter(
      (file) =>
        ['lib', 'functions'].includes(roomOf(file)) &&
        /process\.env/.test(readFileSync(file, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')),
    );
    expect(readers).toEqual(['lib/config.ts']);
  });

  it('keep the AGPL IAM simulator (@cloud-copilot/iam-simulate) a test tool: only tests/ import it', () => {
    const importers = sources.filter((file) => /['"]@cloud-copilot\//.test(readFileSync(file, 'utf8')));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((file) => roomOf(file) !== 'tests')).toEqual([]);
    const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(Object.keys(manifest.dependencies)).not.toContain('@cloud-copilot/iam-simulate');
    expect(Object.keys(manifest.devDependencies)).toContain('@cloud-copilot/iam-simulate');
  });

  it('keep every source small, and anything untyped a thin entry', () => {
    const lines = (file: string) => readFileSync(file, 'utf8').split('\n').length;
    const tooLong = sources.filter((file) => lines(file) > 300);
    const thickJavaScript = sources.filter((file) => !file.endsWith('.ts') && lines(file) > 60);
    expect({ tooLong, thickJavaScript }).toEqual({ tooLong: [], thickJavaScript: [] });
  });
});
