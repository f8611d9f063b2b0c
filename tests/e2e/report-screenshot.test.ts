import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { renderReport } from '../../ops/rehearsal/report';
import { rolledBackSummary } from '../support/summary-fixture';

// The report as a person sees it: rendered by Debian's Chromium, headless, and the picture checked.
// .ci/run passes the GitHub runner's Chrome as CHROMIUM; elsewhere Debian's Chromium.
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(`${CHROMIUM} is missing; .ci/run installs Debian's chromium.`);
if (!available)
  console.warn(`Skipping the report screenshot: ${CHROMIUM} is not installed (apt-get install chromium).`);

/** How many pixels are within a small distance of an #rrggbb colour. */
function pixelsNear(png: PNG, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((offset) => Number.parseInt(hex.slice(offset, offset + 2), 16)) as [
    number,
    number,
    number,
  ];
  let count = 0;
  for (let index = 0; index < png.data.length; index += 4) {
    const distance =
      Math.abs((png.data[index] ?? 0) - r) +
      Math.abs((png.data[index + 1] ?? 0) - g) +
      Math.abs((png.data[index + 2] ?? 0) - b);
    if (distance < 40) count++;
  }
  return count;
}

describe('the rehearsal report in a browser', () => {
  it.skipIf(!available)(
    'draws the candidate, the baseline and the alarm in their colours',
    { timeout: 60_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'canary-api-report-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(join(dir, 'report.html'), await renderReport(rolledBackSummary()));
      const result = spawnSync(
        CHROMIUM,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--user-data-dir=${join(dir, 'profile')}`,
          '--window-size=1000,1800',
          `--screenshot=${join(dir, 'report.png')}`,
          `file://${join(dir, 'report.html')}`,
        ],
        { encoding: 'utf8', timeout: 50_000 },
      );
      expect(existsSync(join(dir, 'report.png')), result.stderr).toBe(true);
      const png = PNG.sync.read(readFileSync(join(dir, 'report.png')));
      expect([png.width, png.height]).toEqual([1000, 1800]);
      expect(pixelsNear(png, '#dd6b20')).toBeGreaterThan(200);
      expect(pixelsNear(png, '#2b6cb0')).toBeGreaterThan(100);
      // The ALARM bar of the judge's alarm (the outcome badge uses another red).
      expect(pixelsNear(png, '#c53030')).toBeGreaterThan(300);
      expect(pixelsNear(png, '#ffffff')).toBeLessThan(png.width * png.height * 0.97);
    },
  );
});
