import { beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../../../ops/rehearsal/report';
import { rolledBackSummary } from '../../../support/summary-fixture';

let html: string;
beforeAll(async () => {
  html = await renderReport(rolledBackSummary(), [
    {
      fault: 'errors=0.5',
      trafficPerSecond: 10,
      runs: 5,
      caught: 5,
      caughtAtFull: 0,
      medianSeconds: 31,
      medianFailedRequests: 12,
    },
    {
      fault: 'errors=0.5',
      trafficPerSecond: 0.1,
      runs: 5,
      caught: 0,
      caughtAtFull: 0,
      medianSeconds: null,
      medianFailedRequests: 1,
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
    expect(html).toContain('canary-api-prod-hits-v2-fast-5xx</text>');
    expect(html).not.toContain('canary-api-prod-api-5xx</text>');
    // Phase lines carry labels; the envelope says what slipped through.
    expect(html).toContain('>10%</text>');
    expect(html).toContain('>slips</text>');
  });

  it('summarises the outcome, each group, the blast radius and the time to rollback', () => {
    expect(html).toContain('<span class="outcome">rolled back</span>');
    expect(html).toContain('<td>Candidate requests (failed)</td><td>15 (9)</td>');
    expect(html).toContain('<td>Time to rollback (simulated)</td><td>28.5 s</td>');
    expect(html).toContain(
      '<td>hello</td><td>rolled back by stack</td><td>hits: canary-api-prod-hits-v2-fast-5xx in ALARM</td><td>4 of 7</td>',
    );
  });

  it('escapes whatever the events say', () => {
    expect(html).toContain('hits: &lt;script&gt;alert(1)&lt;/script&gt; in ALARM');
  });
});
