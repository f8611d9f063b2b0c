import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type DocCommand, documents, runsHere, shellBlocks } from '../support/doc-commands';
import { type RunningApi, startApi } from '../support/npm-start';
import { freePort } from '../support/processes';
import { runAsReader, serveAsReader } from '../support/reader-shell';
import { type ScratchClone, scratchClone } from '../support/scratch-clone';

// Every command of the README's and docs' shell blocks that needs no AWS, run as a reader types it
// (tests/support/doc-commands.ts says how blocks are marked and expected answers written). A document's
// commands run in order, in one scratch clone of this checkout, against one fresh `npm start` when
// they call the API or invoke a function that needs its DynamoDB; a command that serves until stopped
// (`npm start` itself) must answer on free ports and stop cleanly on Ctrl-C.

const COMMAND_TIMEOUT_MS = 240_000;
const { requiredBy } = parse(readFileSync('serverless.yml', 'utf8'), { logLevel: 'silent' }).custom
  .embeddedDynamoDB as { requiredBy: string[] };

// A command that serves until stopped: it runs on free ports until it answers, then gets a Ctrl-C.
const serves = (command: string) => /^(\w+=\S*\s+)*npm start$/.test(command);

const needsApi = (command: string) =>
  command.includes('localhost:3000') ||
  requiredBy.some((name) => new RegExp(`sls invoke local -f ${name}\\b`).test(command));

/**
 * The command as this test runs it. The only changes: the API's address is the started one; an
 * envelope is measured with 1 run a cell, not 200; a debugger's `--inspect-brk` becomes `--inspect` on
 * a free port, as no debugger will attach to let the process go on.
 */
function asRunHere(command: string, api: RunningApi | undefined) {
  let text = api ? command.replaceAll('localhost:3000', `127.0.0.1:${api.port}`) : command;
  if (/--envelope\b/.test(text) && !text.includes('--envelope-runs')) text += ' --envelope-runs 1';
  return text.replace(/--inspect-brk(=\S+)?/g, '--inspect=127.0.0.1:0');
}

// `npm run rehearse` answers with its verdict (0 promoted, 1 rolled back; docs/rehearsal.md): either
// is a rehearsal that ran. 2 is a usage or setup error.
const expectedCodes = (command: DocCommand) =>
  command.exitCode !== undefined
    ? [command.exitCode]
    : command.text.startsWith('npm run rehearse')
      ? [0, 1]
      : [0];

/** `npm start` and the like on free ports: it must answer /health, then stop cleanly on Ctrl-C. */
async function serveUntilReady(command: string) {
  const port = await freePort();
  const env = { ...temp, PORT: String(port), DYNAMODB_PORT: String(await freePort()) };
  const health = async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok;
  const result = await serveAsReader(command, scratch.dir, env, health, COMMAND_TIMEOUT_MS);
  expect(result.wasReady, `${command} never answered /health\n${result.stdout}${result.stderr}`).toBe(true);
  return result;
}

let scratch: ScratchClone;
// The commands' temp directory, removed with everything they leave in it (tests/e2e/temp-dirs.test.ts
// counts what they leave).
// The rehearsals there rebuild the same two commits each time: they share a build cache in it
// (REHEARSE_BUILD_CACHE, docs/rehearsal.md), as CI may.
let temp: { TMPDIR: string; REHEARSE_BUILD_CACHE: string };
beforeAll(() => {
  scratch = scratchClone();
  const dir = mkdtempSync(join(tmpdir(), 'canary-api-doc-commands-'));
  temp = { TMPDIR: dir, REHEARSE_BUILD_CACHE: join(dir, 'builds') };
});
afterAll(() => {
  scratch?.remove();
  if (temp) rmSync(temp.TMPDIR, { recursive: true, force: true });
});

const blocks = shellBlocks().filter(runsHere);

describe.each(documents().filter((file) => blocks.some((block) => block.file === file)))('%s', (file) => {
  const commands = blocks.filter((block) => block.file === file).flatMap((block) => block.commands);
  let api: RunningApi | undefined;
  let dynamodbPort: number;
  beforeAll(async () => {
    if (!commands.some((command) => needsApi(command.text))) return;
    dynamodbPort = await freePort();
    api = await startApi({ DYNAMODB_PORT: String(dynamodbPort) });
  });
  afterAll(() => api?.stop());

  it.each(commands.map((command) => [`line ${command.line}: ${command.text}`, command] as const))(
    '%s',
    { timeout: COMMAND_TIMEOUT_MS + 30_000 },
    async (_, command) => {
      const text = asRunHere(command.text, api);
      const env = { ...temp, ...(api && { AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${dynamodbPort}` }) };
      const { code, stdout, stderr } = serves(text)
        ? await serveUntilReady(text)
        : await runAsReader(text, scratch.dir, env, COMMAND_TIMEOUT_MS);
      const story = `${text}\n--- exit ${code}; stdout:\n${stdout}\n--- stderr:\n${stderr}`;
      expect(expectedCodes(command), story).toContain(code);
      const lines = stdout.split('\n').map((line) => line.trim());
      let from = 0;
      for (const expected of command.expected) {
        const at = lines.indexOf(expected, from);
        expect(at, `expected the line ${expected} (in order)\n${story}`).toBeGreaterThanOrEqual(0);
        from = at + 1;
      }
      // What a reader would see and wonder about: the AWS SDK's Node version reminder, say.
      expect(`${stdout}${stderr}`, story).not.toMatch(/^\(node:\d+\) .*Warning/m);
    },
  );
});
