import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  name?: string;
  version: string;
}
const lock: { packages: Record<string, LockEntry> } = JSON.parse(readFileSync('package-lock.json', 'utf8'));

describe('package-lock.json', () => {
  it('installs osls wherever a plugin asks for `serverless`', () => {
    const serverless = Object.entries(lock.packages).filter(([path]) =>
      /(^|\/)node_modules\/serverless$/.test(path),
    );
    expect(serverless.length).toBeGreaterThan(0);
    for (const [path, entry] of serverless)
      expect({ path, name: entry.name }).toEqual({ path, name: 'osls' });
  });

  it('holds no serverless v4 package, which needs a login and downloads a binary', () => {
    const realServerless = Object.entries(lock.packages).filter(
      ([path, entry]) =>
        path.endsWith('node_modules/serverless') &&
        entry.name === undefined &&
        entry.version.startsWith('4.'),
    );
    expect(realServerless).toEqual([]);
  });
});
