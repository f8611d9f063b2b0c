import { basename, join } from 'node:path';
import { buildSync } from 'esbuild';

/**
 * Bundles a TypeScript entry into one CommonJS file that a plain `node` child process runs, without
 * the tsx loader: a child that loads Lambda bundles then runs them as Lambda's Node would, and a
 * cold-start measurement counts nothing of ours but the few lines of the entry. Returns its path.
 */
export function bundleForNode(entry: string, outDir: string): string {
  const outfile = join(outDir, `${basename(entry, '.ts')}.cjs`);
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  return outfile;
}
