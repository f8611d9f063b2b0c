import { describe, expect, it } from 'vitest';
import { markdownSummary } from '../../../../ops/rehearsal/markdown';
import { rolledBackSummary } from '../../../support/summary-fixture';

describe('the rehearsal summary for a pull request', () => {
  it('leads with the verdict and gives the figures a reviewer decides on', () => {
    const text = markdownSummary(rolledBackSummary(), 'Prod rehearsal');
    expect(text.split('\n')[0]).toBe(
      '## Prod rehearsal: ❌ rolled back: an alarm or the post-traffic hook stopped the release',
    );
    expect(text).toContain('| failed requests, candidate | ');
    expect(text).toContain('| time to rollback | ');
    expect(text).toContain('`canary-api-prod-hits-v2-fast-5xx`');
    expect(text).toContain('| hits | rolled back | canary-api-prod-hits-v2-fast-5xx in ALARM |');
    expect(text).toContain(
      '| hello | rolled back by stack | hits: canary-api-prod-hits-v2-fast-5xx in ALARM |',
    );
  });

  it('says so plainly when the release was promoted', () => {
    const promoted = {
      ...rolledBackSummary(),
      outcome: 'promoted' as const,
      timeToRollbackSeconds: null,
      alarms: [],
      notSimulated: [],
    };
    const text = markdownSummary(promoted);
    expect(text).toMatch(/^## Rehearsal: ✅ promoted/);
    expect(text).toContain('| time to rollback | – |');
    expect(text).toContain('| alarms that fired | none |');
    expect(text).not.toContain('Not simulated');
  });
});
