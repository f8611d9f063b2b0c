import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, type watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SOURCE_FOLDERS, watchSources } from '../../../local/source-watch';

// A checkout in miniature: the watched folders, serverless.yml, and files beside them.
let root: string;
let stop: () => void = () => undefined;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'canary-api-watch-'));
  for (const folder of [...SOURCE_FOLDERS, 'docs', 'lib/deep'])
    mkdirSync(join(root, folder), { recursive: true });
  writeFileSync(join(root, 'serverless.yml'), 'service: x\n');
  writeFileSync(join(root, 'openapi.yaml'), 'paths: {}\n');
});
afterEach(() => {
  stop();
  rmSync(root, { recursive: true, force: true });
});

/** The first change reported after `act` runs. */
function nextChange(act: () => void): Promise<string> {
  return new Promise((resolve) => {
    stop = watchSources(root, resolve, { settleMs: 10 });
    act();
  });
}

describe('watching the sources of the functions', () => {
  it.each([
    ['a handler', 'functions/hello.ts'],
    ['a nested library file', 'lib/deep/greeting.ts'],
    ['a delivery module', 'delivery/gateway-problems.ts'],
    ['serverless.yml', 'serverless.yml'],
    ['the endpoints’ declaration', 'openapi.yaml'],
  ])('reports a change to %s by its path in the checkout', async (_, file) => {
    expect(await nextChange(() => writeFileSync(join(root, file), 'changed'))).toBe(file);
  });

  it("ignores an editor's swap file and files outside the sources, then reports the source saved after them", async () => {
    const change = nextChange(() => {
      writeFileSync(join(root, 'lib/.greeting.ts.swp'), 'x');
      writeFileSync(join(root, 'lib/greeting.ts~'), 'x');
      writeFileSync(join(root, 'docs/local.md'), 'x');
      writeFileSync(join(root, 'package.json'), '{}');
      writeFileSync(join(root, 'lib/greeting.ts'), 'x');
    });
    expect(await change).toBe('lib/greeting.ts');
  });

  it('ignores lib/endpoints.json, which the restart an openapi.yaml change causes compiles', async () => {
    const change = nextChange(() => {
      writeFileSync(join(root, 'lib/endpoints.json'), '{}');
      // Well past the 10 ms the watcher waits for sources to settle: a report would come first.
      setTimeout(() => writeFileSync(join(root, 'openapi.yaml'), 'paths: { /x: {} }\n'), 200);
    });
    expect(await change).toBe('openapi.yaml');
  });

  it('says so and watches the rest when a watcher fails (its folder removed under it)', async () => {
    const watchers: EventEmitter[] = [];
    const watchFolder = (() => {
      const watcher = Object.assign(new EventEmitter(), { close: () => watcher.removeAllListeners() });
      watchers.push(watcher);
      return watcher;
    }) as unknown as typeof watch;
    const warned: string[] = [];
    stop = watchSources(root, () => undefined, { warn: (line) => warned.push(line), watchFolder });
    // What Node's recursive watcher emits when it rescans a folder that is gone.
    const gone = Object.assign(new Error(`ENOENT: no such file or directory, scandir '${root}/delivery'`), {
      code: 'ENOENT',
    });
    const delivery = watchers[1 + SOURCE_FOLDERS.indexOf('delivery')] as EventEmitter;
    expect(() => delivery.emit('error', gone)).not.toThrow();
    expect(warned).toEqual([
      `No longer watching ${join(root, 'delivery')} (ENOENT): restart npm start to reload on its changes.`,
    ]);
    expect(watchers.filter((watcher) => watcher.listenerCount('error') > 0)).toHaveLength(
      SOURCE_FOLDERS.length,
    );
  });
});
