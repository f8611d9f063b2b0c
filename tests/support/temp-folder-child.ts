/**
 * A process that takes temporary folders through local/temp-folder.ts, then ends the way argv[2] says:
 *   return | exit (code 3) | throw | wait (for a signal) | wait-with-handler (its own SIGINT listener
 *   ends it, with code 5, 100 ms after the signal; it prints `left` when the folders were still there).
 * Prints `ready` once its folders exist. Bundled for plain node (local/node-script), without tsx.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containTempFiles, tempFolder } from '../../local/temp-folder';

const ending = process.argv[2];
const contained = containTempFiles('contained-');
writeFileSync(join(tempFolder('held-'), 'data'), 'x');
// What `sls package` interrupted by Ctrl-C leaves: a folder of a child's in the temp directory it inherited.
execFileSync(process.execPath, [
  '-e',
  "require('node:fs').mkdirSync(require('node:path').join(require('node:os').tmpdir(), 'left-by-a-child'))",
]);

if (ending === 'exit') process.exit(3);
if (ending === 'throw') throw new Error('failed on purpose');
if (ending === 'wait-with-handler') {
  process.on('SIGINT', () => {
    if (existsSync(contained)) process.stdout.write('left\n');
    setTimeout(() => process.exit(5), 100);
  });
}
if (ending?.startsWith('wait')) setInterval(() => undefined, 1_000);
process.stdout.write('ready\n');
