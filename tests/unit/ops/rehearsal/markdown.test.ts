import { describe, expect, it } from 'vitest';
import { markdownSummary } from '../../../../ops/rehearsal/markdown';
import { verdictLine } from '../../../../ops/rehearsal/verdict-line';
import { rolledBackSummary } from '../../../support/summary-fixture';

describe('the rehearsal summary for a pull request', () => {
  it('leads with the verdict line and gives the figures a reviewer decides on', () => {
    const text = markdownSummary(rolledBackSummary(), 'Prod rehearsal');
    expect(text.split('\n')[0]).toBe(
      '## Prod rehearsal: ❌ rolled back: hits: canary-api-prod-hits-judge in ALARM; 9 of 330 requests failed (candidate 9, baseline 0)',
    );
    expect(text.split('\n')[0]).toBe(`## Prod rehearsal: ${verdictLine(rolledBackSummary())}`);
    expect(text).toContain('| failed requests, candidate | 9 of 15 |');
    expect(text).toContain("| time to rollback | 28.5 s after the fault's first request |");
    expect(text).toContain(
      '| alarms that fired | `canary-api-prod-hits-judge` at t+30 s, `canary-api-prod-hits-v2-errors` at t+60 s |',
    );
    expect(text).toContain('| hits | rolled back | canary-api-prod-hits-judge in ALARM |');
    expect(text).toContain('| hello | rolled back by stack | hits: canary-api-prod-hits-judge in ALARM |');
  });

  it('names the stage and the commits it compared, so a pull request says what it judged', () => {
    const text = markdownSummary(rolledBackSummary());
    expect(text).toContain('| stage | prod |');
    expect(text).toContain(`| baseline | origin/main at ${'a'.repeat(40)} |`);
    expect(text).toContain(`| candidate | working tree at ${'b'.repeat(40)} with uncommitted changes |`);
  });

  it('says so plainly when the release was promoted, and still counts the failed requests', () => {
    const promoted = {
      ...rolledBackSummary(),
      outcome: 'promoted' as const,
      timeToRollbackSeconds: null,
      alarms: [],
      notSimulated: [],
    };
    const text = markdownSummary(promoted);
    expect(text.split('\n')[0]).toBe(
      '## Rehearsal: ✅ promoted: every group finished and no alarm stopped it; 9 of 330 requests failed (candidate 9, baseline 0)',
    );
    expect(text).toContain('| time to rollback | – |');
    expect(text).toContain('| alarms that fired | none |');
    expect(text).not.toContain('Not simulated');
  });

  it('names the alarms it could not simulate', () => {
    const summary = {
      ...rolledBackSummary(),
      notSimulated: [{ alarm: 'canary-api-prod-custom', reason: 'Custom Thing is not produced locally' }],
    };
    expect(markdownSummary(summary)).toContain('Not simulated: `canary-api-prod-custom`.');
  });
});
