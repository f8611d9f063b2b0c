import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  commandsOf,
  documents,
  fencedBlocks,
  MARKS,
  runBy,
  runsHere,
  SHELL_LANGUAGES,
  shellBlocks,
  splitComment,
} from '../support/doc-commands';

const DOCS = documents();
const text = (file: string) => readFileSync(file, 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function anchorsOf(file: string): Set<string> {
  const headings =
    text(file)
      .replace(/```[\s\S]*?```/g, '')
      .match(/^#{1,6} .+$/gm) ?? [];
  return new Set(headings.map((heading) => anchor(heading.replace(/^#+ /, ''))));
}

describe('the README', () => {
  it('opens with exactly the two commands a newcomer needs, and both exist', () => {
    const block = /## The two commands\s+```sh[^\n]*\n([\s\S]*?)```/.exec(text('README.md'))?.[1] ?? '';
    const commands = block
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm install && npm start', 'npm test']);
    const scripts = JSON.parse(text('package.json')).scripts;
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['start', 'test']));
  });

  it('maps every top-level folder of the repository', () => {
    const tracked = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n');
    const folders = new Set(
      tracked.filter((path) => /^[^.][^/]*\//.test(path)).map((path) => path.split('/')[0]),
    );
    const map = /## The map([\s\S]*?)\n## /.exec(text('README.md'))?.[1] ?? '';
    for (const folder of folders) expect(map, folder).toContain(`| \`${folder}/\` |`);
  });

  it('stays short enough to read top-down, with the depth in docs/', () => {
    expect(text('README.md').split('\n').length).toBeLessThanOrEqual(200);
  });
});

describe.each(DOCS)('the links of %s', (file) => {
  it('resolve to files in the repository and to headings that exist', () => {
    const links = [...text(file).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => String(match[1]));
    for (const link of links.filter((target) => !/^[a-z]+:/.test(target))) {
      const [path = '', fragment] = link.split('#');
      const target = path ? join(dirname(file), path) : file;
      expect(existsSync(target), `${file} → ${link}`).toBe(true);
      if (fragment) expect(anchorsOf(target), `${file} → ${link}`).toContain(fragment);
    }
  });
});

describe('docs/operating.md', () => {
  it('lists every checkov check the templates skip', () => {
    const skips: Record<string, { id: string }[]> = parse(text('serverless.yml'), { logLevel: 'silent' })
      .custom.delivery.checkovSkips;
    const ids = [...new Set(Object.values(skips).flatMap((list) => list.map((skip) => skip.id)))];
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(text('docs/operating.md'), id).toMatch(new RegExp(`^\\| ${id} \\|`, 'm'));
  });
});

// The marking tests/e2e/doc-commands.test.ts relies on (tests/support/doc-commands.ts): a block it
// does not run says why, and says it truthfully.
describe('the shell blocks of the README and docs', () => {
  const blocks = shellBlocks();
  // What only an AWS account answers: the aws CLI, osls commands that call AWS, npm run watch, a
  // deployed API's URL.
  const CALLS_AWS =
    /^aws\s|^npx sls (deploy|remove|info|logs|metrics|rollback)\b|^npm run watch\b|amazonaws\.com/;

  it('are marked to run here, as needing AWS, or as run by a file of the repository', () => {
    const files = ['ls-files', '--cached', '--others', '--exclude-standard'];
    const tracked = execFileSync('git', files, { encoding: 'utf8' }).split('\n');
    for (const block of blocks) {
      const where = `${block.file}:${block.line}`;
      for (const mark of block.marks) expect(MARKS, where).toContain(mark.replace(/=.*/, ''));
      const file = runBy(block);
      if (file !== undefined) expect(tracked, where).toContain(file);
    }
    expect(blocks.filter(runsHere).length).toBeGreaterThan(0);
  });

  it('mark as needing AWS only commands that call AWS', () => {
    for (const block of blocks.filter((one) => one.marks.includes('aws')))
      for (const command of block.commands)
        expect(command.text, `${command.file}:${command.line}`).toMatch(CALLS_AWS);
  });

  it('quote every ?, * and [ (zsh, the shell of macOS, refuses one that matches no file)', () => {
    for (const block of blocks)
      for (const command of block.commands)
        expect(splitComment(command.text).globs, `${command.file}:${command.line}`).toEqual([]);
  });

  it('leave no command in a block without a shell language, which nothing would run', () => {
    for (const file of DOCS)
      for (const block of fencedBlocks(text(file), file).filter((one) => !SHELL_LANGUAGES.has(one.language)))
        expect(block.body.join('\n'), `${file}:${block.line}`).not.toMatch(
          /^\s*(npm|npx|curl|aws|git|node|sls)\s/m,
        );
  });

  it('use every sample event of tests/events in a command that runs', () => {
    const commands = blocks.filter(runsHere).flatMap((block) => block.commands.map((one) => one.text));
    const events = readdirSync('tests/events').filter((name) => name.endsWith('.json'));
    expect(events.length).toBeGreaterThan(0);
    for (const event of events)
      expect(commands.join('\n'), event).toMatch(
        new RegExp(`-p tests/events/${event.replace('.', '\\.')}\\b`),
      );
  });
});

describe('reading a shell block', () => {
  it('joins continuation lines, takes comments below a command and JSON or `exits N` after it as its answer', () => {
    const [block] = fencedBlocks(
      [
        '   ```sh',
        '   # a prose comment before any command',
        '   curl -s \'localhost:3000/hello?name=Ada\'   # {"message":"Hello, Ada!"}',
        '   npm run rehearse -- \\',
        '     --fault errors=0.5                       # rolled back: exits 1',
        '   # rolled_back: 1754 requests',
        '',
        '   # not an answer: a blank line came first',
        '   curl -s localhost:3000/hits#fragment      # a #hash inside a word stays',
        '   ```',
      ].join('\n'),
      'doc.md',
    );
    expect(block?.language).toBe('sh');
    expect(commandsOf(block as NonNullable<typeof block>)).toEqual([
      {
        file: 'doc.md',
        line: 3,
        text: "curl -s 'localhost:3000/hello?name=Ada'",
        expected: ['{"message":"Hello, Ada!"}'],
      },
      {
        file: 'doc.md',
        line: 4,
        text: 'npm run rehearse -- --fault errors=0.5',
        expected: ['rolled_back: 1754 requests'],
        exitCode: 1,
      },
      { file: 'doc.md', line: 9, text: 'curl -s localhost:3000/hits#fragment', expected: [] },
    ]);
  });

  it('finds an unquoted glob character and ignores a quoted one', () => {
    expect(splitComment('curl -s localhost:3000/hello?name=Ada').globs).toEqual(['?']);
    expect(splitComment(`curl -s "localhost:3000/hello?name=Ada" -d '[1]' # why?`).globs).toEqual([]);
  });
});
