import { describe, expect, it } from 'vitest';
import type { RehearsalSummary } from '../../../../ops/rehearsal/summary';
import { verdictLine } from '../../../../ops/rehearsal/verdict-line';
import { rolledBackSummary } from '../../../support/summary-fixture';

// The one line a person reads first (the CLI's and the pull request's): it may never say less than
// the figures below it do.

/** The fixture promoted: both groups ended at 35 s, with the alarms given. */
function promoted(alarms: RehearsalSummary['alarms'] = [], failed = true): RehearsalSummary {
  const summary = rolledBackSummary();
  return {
    ...summary,
    outcome: 'promoted',
    stack: 'UPDATE_COMPLETE',
    timeToRollbackSeconds: null,
    functions: summary.functions.map(({ reason: _, ...fn }) => ({ ...fn, outcome: 'promoted' as const })),
    requests: failed
      ? summary.requests
      : {
          total: 330,
          failed: 0,
          byVersion: { baseline: { total: 315, failed: 0 }, candidate: { total: 15, failed: 0 } },
        },
    alarms,
  };
}
const firing = (name: string, simulatedSeconds: number) => ({
  name,
  transitions: [{ simulatedSeconds, from: 'OK' as const, to: 'ALARM' as const }],
});

describe('verdictLine', () => {
  it('says a promotion with failed requests failed how many, of which version', () => {
    expect(verdictLine(promoted())).toBe(
      '✅ promoted: every group finished and no alarm stopped it; 9 of 330 requests failed (candidate 9, baseline 0)',
    );
    expect(verdictLine(promoted([], false))).toBe(
      '✅ promoted: every group finished and no alarm stopped it; no request failed',
    );
  });

  it('reports an alarm in ALARM after every function had ended as firing after promotion', () => {
    const summary = promoted([
      firing('canary-api-prod-hits-v2-errors', 40),
      firing('canary-api-prod-hello-judge', 35),
      { name: 'canary-api-prod-hits-judge', transitions: [] },
    ]);
    expect(verdictLine(summary)).toBe(
      '✅ promoted: every group finished and no alarm stopped it; 9 of 330 requests failed (candidate 9, baseline 0); ⚠ after promotion canary-api-prod-hits-v2-errors fired',
    );
  });

  it('counts from the last function to end: an alarm while one group was still deploying is not after promotion', () => {
    const summary = promoted([firing('canary-api-prod-hits-v2-errors', 40)]);
    const [hello, hits] = summary.functions;
    if (!hello || !hits) throw new Error('the fixture has hello and hits');
    summary.functions = [
      { ...hello, endedAtSeconds: 35 },
      { ...hits, endedAtSeconds: 45 },
    ];
    expect(verdictLine(summary)).not.toContain('after promotion');
    summary.alarms = [firing('canary-api-prod-hits-v2-errors', 46)];
    expect(verdictLine(summary)).toMatch(/; ⚠ after promotion canary-api-prod-hits-v2-errors fired$/);
  });

  it('names the function that rolled back and why, not the one the stack took back with it', () => {
    // hello comes first in the fixture, rolled back by the stack because of hits.
    expect(verdictLine(rolledBackSummary())).toBe(
      '❌ rolled back: hits: canary-api-prod-hits-judge in ALARM; 9 of 330 requests failed (candidate 9, baseline 0)',
    );
  });

  it('says a failed pre-traffic hook stopped the release before any user request', () => {
    const summary: RehearsalSummary = {
      ...rolledBackSummary(),
      outcome: 'hook_failed',
      hookFailures: [
        'hits: BeforeAllowTraffic failed: GET /hits/x reads: version 2 failed (Runtime.InitError)',
      ],
    };
    expect(verdictLine(summary)).toBe(
      '❌ stopped before any user request: hits: BeforeAllowTraffic failed: GET /hits/x reads: version 2 failed (Runtime.InitError)',
    );
  });
});
