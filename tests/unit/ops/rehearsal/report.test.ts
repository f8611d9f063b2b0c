import { beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../../../ops/rehearsal/report';
import { envelopeCells, rolledBackSummary } from '../../../support/summary-fixture';

let html: string;
beforeAll(async () => {
  html = await renderReport(rolledBackSummary(), envelopeCells());
});

/** The markup of one chart of the page. */
const figure = (id: string) => new RegExp(`<figure id="${id}">[\\s\\S]*?</figure>`).exec(html)?.[0] ?? '';

describe('the rehearsal report', () => {
  it('is one self-contained page: no script, no external resource', () => {
    expect(html).toMatch(/^<!doctype html>/);
    // An SVG gradient refers to itself (url(#…)); nothing may point outside the page.
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\((?!#)/i);
    expect(html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]+"/g, '')).not.toMatch(/https?:\/\//);
  });

  it('charts the shares, failures and p99 over time, the alarms that fired, and the envelope', () => {
    expect(html.match(/<svg /g)).toHaveLength(5);
    for (const [id, title] of [
      ['share', "Candidate's share of each function's traffic (%), one row per function"],
      ['failures', 'Failed requests per version (%), each 10-second window'],
      ['p99', "p99 duration (ms): the model's, not measured"],
      ['alarms', 'Alarms that fired'],
      ['envelope', 'Envelope: share rolled back'],
    ])
      expect(figure(id as string), id).toContain(title);
    // Phase lines carry labels, the judge's verdict and the rollback included.
    for (const label of ['10%', 'judge: worse', 'rollback'])
      expect(figure('failures')).toContain(`>${label}</text>`);
  });

  it('gives each function its own small chart, named, in its own colour', () => {
    const share = figure('share');
    expect(share).toContain('>hello</text>');
    expect(share).toContain('>hits</text>');
    expect(share).toMatch(/<text[^>]*fill="#6b46c1"[^>]*>hello<\/text>/);
    expect(share).toMatch(/<text[^>]*fill="#2c7a7b"[^>]*>hits<\/text>/);
    expect(share).not.toContain('#dd6b20');
  });

  it("says in the page that the p99 is the model's", () => {
    expect(figure('p99')).toContain(
      '<figcaption>Modelled, not measured: each request takes the model&#39;s 20 ms plus the injected latency.',
    );
  });

  it('shows every alarm that fired, and only those, named in its lane', () => {
    const alarms = figure('alarms');
    expect(alarms).toContain('>canary-api-prod-hits-judge</text>');
    expect(alarms).toContain('>canary-api-prod-hits-v2-errors</text>');
    // Quiet alarms that went to INSUFFICIENT_DATA, or never moved, did not fire: no empty lanes.
    expect(alarms).not.toContain('canary-api-prod-synthetics-failed');
    expect(alarms).not.toContain('canary-api-prod-api-5xx');
    expect(html).toContain(
      '<td>Alarms that fired</td><td>canary-api-prod-hits-judge (ALARM at t+30s); canary-api-prod-hits-v2-errors (ALARM at t+60s)</td>',
    );
  });

  it('says so when no alarm fired', async () => {
    const quiet = await renderReport({ ...rolledBackSummary(), alarms: [] });
    expect(quiet).not.toContain('<figure id="alarms">');
    expect(quiet).toContain('<p>No alarm fired.</p>');
    expect(quiet).toContain('<td>Alarms that fired</td><td>none</td>');
  });

  it('names the stage and the commits it compared', () => {
    expect(html).toContain('<title>Canary rehearsal of prod: rolled_back</title>');
    expect(html).toContain('<td>Stage</td><td>prod</td>');
    expect(html).toContain(`<td>Baseline</td><td>origin/main at ${'a'.repeat(40)}</td>`);
    expect(html).toContain(
      `<td>Candidate</td><td>working tree at ${'b'.repeat(40)} with uncommitted changes</td>`,
    );
  });

  it('draws the envelope as a heatmap of the table’s figures, rows by candidate and noise', () => {
    expect(html).toMatch(/<h2>Detection envelope<\/h2>\s*<figure id="envelope"><svg /);
    const heatmap = figure('envelope');
    expect(heatmap).toContain('ended wrong:');
    for (const label of [
      '>100 % · 42 s · p95 56 s</text>',
      '>2.0 % · 229 s · p95 280 s</text>',
      '>0.5 % rolled back</text>',
      '>75.0 % · 100 s · p95 200 s</text>',
    ])
      expect(heatmap).toContain(label);
    // Each cell is tied to its row in full (the axis itself cuts long labels at Vega's 180 px).
    for (const row of ['errors=0.5 noise=0', 'errors=0.05 noise=0', 'baseline outage, noise 0.05'])
      expect(heatmap).toContain(`the shared 5xx: ${row};`);
  });

  it('summarises the outcome, each group, the blast radius and the time to rollback', () => {
    expect(html).toContain('<span class="outcome">rolled back</span>');
    expect(html).toContain('<td>Candidate requests (failed)</td><td>15 (9)</td>');
    expect(html).toContain('<td>Time to rollback (simulated)</td><td>28.5 s</td>');
    expect(html).toContain(
      '<td>hello</td><td>rolled back by stack</td><td>hits: canary-api-prod-hits-judge in ALARM</td><td>4 of 7</td>',
    );
  });

  it('escapes whatever the events say', () => {
    expect(html).toContain('hits: &lt;script&gt;alert(1)&lt;/script&gt; in ALARM');
  });
});
