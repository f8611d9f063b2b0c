import { type FSWatcher, watch } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * What serverless-offline builds and configures the functions from: the folders their bundles are
 * made of (the rooms functions/ may import, tests/architecture/rooms.test.ts), serverless.yml, and
 * openapi.yaml, which declares the endpoints (delivery/endpoints). local/ is not among them: it is npm
 * start itself.
 */
export const SOURCE_FOLDERS = ['functions', 'lib', 'delivery'] as const;
export const SOURCE_FILES = ['serverless.yml', 'openapi.yaml'] as const;
/** Compiled from openapi.yaml while serverless-offline restarts: its change is that restart's own. */
const DERIVED = new Set(['lib/endpoints.json']);
/** Editors also write swap, backup and temporary files next to a source; those change nothing. */
const SOURCE = /\.(ts|cjs|mjs|js|json|ya?ml)$/;

/**
 * Calls `changed` with a changed source's path (relative to `root`) once sources have stopped
 * changing for `settleMs`: one save is often several events (write, rename, attributes), and a
 * checkout or a formatter touches many files at once. Returns a function that stops watching.
 */
export interface WatchOptions {
  settleMs?: number;
  warn?: (line: string) => void;
  /** node:fs's watch; tests hand in watchers whose failures they decide. */
  watchFolder?: typeof watch;
}

export function watchSources(
  root: string,
  changed: (file: string) => void,
  {
    settleMs = 200,
    warn = (line) => process.stderr.write(`${line}\n`),
    watchFolder = watch,
  }: WatchOptions = {},
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const seen = (file: string) => {
    if (!SOURCE.test(file) || DERIVED.has(file.split(sep).join('/'))) return;
    clearTimeout(timer);
    timer = setTimeout(() => changed(file), settleMs);
  };
  // A file watched by itself is lost when an editor saves by renaming a new file over it; its folder is not.
  const watchers: FSWatcher[] = [
    watchFolder(root, (_, name) => {
      if (name && (SOURCE_FILES as readonly string[]).includes(name)) seen(name);
    }),
    ...SOURCE_FOLDERS.map((folder) =>
      watchFolder(join(root, folder), { recursive: true }, (_, name) => {
        if (name) seen(join(folder, name));
      }),
    ),
  ];
  // A watched folder that goes away (a checkout, a rename) ends its watcher; npm start serves on.
  for (const [index, watcher] of watchers.entries()) {
    watcher.on('error', (error: NodeJS.ErrnoException) => {
      watcher.close();
      const what = index === 0 ? root : join(root, SOURCE_FOLDERS[index - 1] as string);
      warn(
        `No longer watching ${what} (${error.code ?? error.message}): restart npm start to reload on its changes.`,
      );
    });
  }
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}
