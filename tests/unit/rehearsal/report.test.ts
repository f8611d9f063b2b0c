import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../ops/rehearsal/report';
import { rolledBackSummary } from '../../support/summary-fixture';

describe('the rehearsal report', () => {
  const html = renderReport(rolledBackSummary());

  it('is one self-contained page: no script, no external resource', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('charts traffic share, failures and p99 over time, and the alarm states', () => {
    expect(html.match(/<svg /g)).toHaveLength(4);
    for (const title of [
      'Traffic share of the candidate (%)',
      'Failed requests per version (%)',
      'p99 latency seen by the probes (ms)',
      'Alarm states',
    ]) {
      expect(html).toContain(`<h2>${title}</h2>`);
    }
    expect(html).toContain('canary-api-prod-hits-v2-fast-5xx</text>');
    expect(html).not.toContain('canary-api-prod-api-5xx</text>');
  });

  it('summarises the outcome, the blast radius and the time to rollback', () => {
    expect(html).toContain('<span class="outcome">rolled back</span>');
    expect(html).toContain('<td>Candidate requests (failed)</td><td>15 (9)</td>');
    expect(html).toContain('<td>Time to rollback (simulated)</td><td>28.5 s</td>');
  });

  it('escapes whatever the events say', () => {
    expect(html).toContain('rollback: &lt;script&gt;alert(1)&lt;/script&gt; in ALARM');
  });
});
