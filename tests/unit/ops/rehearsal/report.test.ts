import { beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../../../ops/rehearsal/report';
import { rolledBackSummary } from '../../../support/summary-fixture';

let html: string;
beforeAll(async () => {
  const cell = { runs: 200, medianFailedRequests: 12 };
  html = await renderReport(rolledBackSummary(), [
    {
      ...cell,
      trafficPerSecond: 10,
      errorShare: 0.5,
      noiseShare: 0,
      rolledBack: 200,
      promoted: 0,
      medianSecondsToRollback: 41.6,
      p95SecondsToRollback: 56,
    },
    {
      ...cell,
      trafficPerSecond: 1,
      errorShare: 0.05,
      noiseShare: 0,
      rolledBack: 4,
      promoted: 196,
      medianSecondsToRollback: 229,
      p95SecondsToRollback: 280,
    },
    {
      ...cell,
      trafficPerSecond: 10,
      errorShare: 0,
      noiseShare: 0.05,
      rolledBack: 1,
      promoted: 199,
      medianSecondsToRollback: null,
      p95SecondsToRollback: null,
    },
  ]);
});

describe('the rehearsal report', () => {
  it('is one self-contained page: no script, no external resource', () => {
    expect(html).toMatch(/^<!doctype html>/);
    // An SVG gradient refers to itself (url(#…)); nothing may point outside the page.
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\((?!#)/i);
    expect(html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]+"/g, '')).not.toMatch(/https?:\/\//);
  });

  it('charts the shares, failures and p99 over time, the alarms in ALARM, and the envelope', () => {
    expect(html.match(/<svg /g)).toHaveLength(5);
    for (const title of [
      "Candidate's share of each function's traffic (%)",
      'Failed requests per version (%)',
      'p99 duration (ms)',
      'Alarms in ALARM',
      'Detection envelope',
    ]) {
      expect(html).toContain(title);
    }
    expect(html).toContain('canary-api-prod-hits-judge</text>');
    expect(html).not.toContain('canary-api-prod-api-5xx</text>');
    // Phase lines carry labels.
    expect(html).toContain('>10%</text>');
  });

  it('draws the envelope as a heatmap of the table’s figures, rows by candidate and noise', () => {
    const heatmap = html.slice(html.indexOf('<h2>Detection envelope</h2>'));
    expect(heatmap).toMatch(/^<h2>Detection envelope<\/h2>\s*<svg /);
    expect(heatmap).toContain('ended as it should');
    for (const label of [
      '>100 % · 42 s · p95 56 s</text>',
      '>2.0 % · 229 s · p95 280 s</text>',
      '>0.5 % rolled back</text>',
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
