import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLOURS, FUNCTION_COLOURS } from '../../ops/rehearsal/charts';
import { WRONG_CLASSES } from '../../ops/rehearsal/envelope-heatmap';
import { renderReport } from '../../ops/rehearsal/report';
import { envelopeCells, rolledBackSummary } from '../support/summary-fixture';

// The report as a person sees it: rendered by Debian's Chromium, headless, and the picture checked,
// the whole page and each chart on its own.
// .ci/run passes the GitHub runner's Chrome as CHROMIUM; elsewhere Debian's Chromium.
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(`${CHROMIUM} is missing; .ci/run installs Debian's chromium.`);
if (!available)
  console.warn(`Skipping the report screenshot: ${CHROMIUM} is not installed (apt-get install chromium).`);

/** Each chart gets a slot this tall in the page of charts, so its pixels are rows [i·SLOT, (i+1)·SLOT). */
const SLOT = 500;
const FIGURES = ['share', 'failures', 'p99', 'alarms', 'envelope'] as const;

function screenshot(dir: string, name: string, html: string, height: number): PNG {
  writeFileSync(join(dir, `${name}.html`), html);
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
      `--user-data-dir=${join(dir, `profile-${name}`)}`,
      `--window-size=1000,${height}`,
      `--screenshot=${join(dir, `${name}.png`)}`,
      `file://${join(dir, `${name}.html`)}`,
    ],
    { encoding: 'utf8', timeout: 50_000 },
  );
  expect(existsSync(join(dir, `${name}.png`)), result.stderr).toBe(true);
  return PNG.sync.read(readFileSync(join(dir, `${name}.png`)));
}

/** Rows [top, bottom) of a screenshot, e.g. one chart's slot. */
interface Region {
  png: PNG;
  top: number;
  bottom: number;
}
const whole = (png: PNG): Region => ({ png, top: 0, bottom: png.height });

const rgb = (hex: string) =>
  [1, 3, 5].map((offset) => Number.parseInt(hex.slice(offset, offset + 2), 16)) as [number, number, number];

/** The pixels within `tolerance` of an #rrggbb colour, as [x, y] with y counted in the region. */
function pixelsNear({ png, top, bottom }: Region, hex: string, tolerance = 40): [number, number][] {
  const [r, g, b] = rgb(hex);
  const found: [number, number][] = [];
  for (let y = top; y < bottom; y++) {
    for (let x = 0; x < png.width; x++) {
      const index = 4 * (y * png.width + x);
      const distance =
        Math.abs((png.data[index] ?? 0) - r) +
        Math.abs((png.data[index + 1] ?? 0) - g) +
        Math.abs((png.data[index + 2] ?? 0) - b);
      if (distance < tolerance) found.push([x, y - top]);
    }
  }
  return found;
}

/** Columns holding at least `least` pixels of a colour: the vertical strokes of a line. */
function columnsWith(region: Region, hex: string, least: number): number[] {
  const counts = new Map<number, number>();
  for (const [x] of pixelsNear(region, hex)) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].filter(([, count]) => count >= least).map(([x]) => x);
}

/** Bands of rows holding a colour, apart by more than `gap` rows: one per lane drawn in it. */
function bandsOf(region: Region, hex: string, gap: number): number {
  const rows = [...new Set(pixelsNear(region, hex).map(([, y]) => y))].sort((a, b) => a - b);
  return rows.filter((row, index) => index === 0 || row - (rows[index - 1] ?? 0) > gap).length;
}

let dir: string;
let page: PNG;
let charts: Record<(typeof FIGURES)[number], Region>;

beforeAll(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), 'canary-api-report-'));
  const html = await renderReport(rolledBackSummary(), envelopeCells());
  page = screenshot(dir, 'report', html, 1800);
  // Each chart alone in a slot of the same page style: what is counted in it is that chart's.
  const style = /<style>[\s\S]*?<\/style>/.exec(html)?.[0] ?? '';
  const figures = FIGURES.map((id) => {
    const figure = new RegExp(`<figure id="${id}">[\\s\\S]*?</figure>`).exec(html)?.[0];
    expect(figure, id).toBeDefined();
    return `<div style="height:${SLOT}px;overflow:hidden">${figure}</div>`;
  });
  const shot = screenshot(
    dir,
    'charts',
    `<!doctype html><html><head><meta charset="utf-8">${style}</head><body style="margin:0 auto">${figures.join('')}</body></html>`,
    SLOT * FIGURES.length,
  );
  charts = Object.fromEntries(
    FIGURES.map((id, index) => [id, { png: shot, top: index * SLOT, bottom: (index + 1) * SLOT }]),
  ) as typeof charts;
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!available)('the rehearsal report in a browser', () => {
  it('draws the candidate, the baseline and the alarm in their colours', () => {
    expect([page.width, page.height]).toEqual([1000, 1800]);
    expect(pixelsNear(whole(page), COLOURS.candidate).length).toBeGreaterThan(200);
    expect(pixelsNear(whole(page), COLOURS.baseline).length).toBeGreaterThan(100);
    expect(pixelsNear(whole(page), COLOURS.alarm).length).toBeGreaterThan(300);
    expect(pixelsNear(whole(page), '#ffffff').length).toBeLessThan(page.width * page.height * 0.97);
  });

  it("draws each function's share in its own colour, none in the candidate's", () => {
    for (const colour of FUNCTION_COLOURS.slice(0, rolledBackSummary().functions.length))
      expect(pixelsNear(charts.share, colour).length, colour).toBeGreaterThan(400);
    expect(pixelsNear(charts.share, COLOURS.candidate).length).toBeLessThan(20);
  });

  it('draws each traffic step on the marker of the event that made it', () => {
    // Each function rises at 5 s and falls at 35 s: its vertical strokes, on the dashed phase rules.
    // (Its name, in its colour too, stands left of the plot, where the rule at 0 s is.)
    const rules = columnsWith(charts.share, COLOURS.phase, 8);
    for (const colour of FUNCTION_COLOURS.slice(0, 2)) {
      const steps = columnsWith(charts.share, colour, 5).filter((x) => x >= Math.min(...rules) - 1);
      expect(steps.length, colour).toBeGreaterThan(0);
      for (const x of steps)
        expect(Math.min(...rules.map((rule) => Math.abs(rule - x))), `x=${x}`).toBeLessThan(3);
    }
  });

  it("draws the p99 as the model's: dashed, in the model's grey", () => {
    const model = pixelsNear(charts.p99, COLOURS.model);
    expect(model.length).toBeGreaterThan(200);
    // Along its longest row the line breaks again and again: dashes.
    const rows = new Map<number, number[]>();
    for (const [x, y] of model) rows.set(y, [...(rows.get(y) ?? []), x]);
    const longest = [...rows.values()].sort((a, b) => b.length - a.length)[0] ?? [];
    const breaks = longest.filter((x, index) => index > 0 && x - (longest[index - 1] ?? 0) > 2).length;
    expect(breaks).toBeGreaterThan(10);
  });

  it('shows every alarm that fired, the one that fired at the very end too', () => {
    const fired = rolledBackSummary().alarms.filter((alarm) =>
      alarm.transitions.some((transition) => transition.to === 'ALARM'),
    );
    expect(fired).toHaveLength(2);
    expect(bandsOf(charts.alarms, COLOURS.alarm, 6)).toBe(fired.length);
  });

  it('colours the envelope by how bad: the cell where bad releases slip through the darkest', () => {
    // A cell is about 260 × 26 pixels, some of them its label's.
    const cells = (colour: string) => Math.round(pixelsNear(charts.envelope, colour, 8).length / 5_000);
    // 98 % and 25 % of bad releases promoted (1 request/s): the darkest.
    expect(cells(WRONG_CLASSES[3].colour)).toBe(2);
    // 5 % promoted at 10/s; 3 % of good releases rolled back at 1/s; the two cells with (almost) none wrong.
    expect(cells(WRONG_CLASSES[2].colour)).toBe(1);
    expect(cells(WRONG_CLASSES[1].colour)).toBe(1);
    // The palest is not the page's white: counted apart from it.
    expect(cells(WRONG_CLASSES[0].colour)).toBe(2);
  });
});
