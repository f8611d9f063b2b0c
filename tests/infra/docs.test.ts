import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DOCS = [
  'README.md',
  ...readdirSync('docs')
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name)),
];
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
    const block = /## The two commands\s+```sh\n([\s\S]*?)```/.exec(text('README.md'))?.[1] ?? '';
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
