import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const readme = readFileSync('README.md', 'utf8');
const skips: Record<string, { id: string }[]> = parse(readFileSync('serverless.yml', 'utf8'), {
  logLevel: 'silent',
}).custom.delivery.checkovSkips;

describe('the README', () => {
  it('lists every checkov check the templates skip', () => {
    const ids = [...new Set(Object.values(skips).flatMap((list) => list.map((skip) => skip.id)))];
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(readme, id).toMatch(new RegExp(`^\\| ${id} \\|`, 'm'));
  });

  it('shows the two commands a newcomer needs', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
