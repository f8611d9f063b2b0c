import { describe, expect, it } from 'vitest';
import {
  alarmEpisodes,
  phaseLabel,
  shareSteps,
  timeEnd,
  windowSteps,
} from '../../../../ops/rehearsal/chart-series';
import { rolledBackSummary } from '../../../support/summary-fixture';

// The charts' data: what is drawn where. The fixture's timeline samples the shares at 10 s and 40 s; its
// events moved them at 5 s and 35 s.

describe('the charts’ series', () => {
  it('steps each share at the event that moved it, from the start to the end of the time axis', () => {
    const hits = shareSteps(rolledBackSummary()).filter((point) => point.series === 'hits');
    expect(hits.map((point) => [point.seconds, point.value])).toEqual([
      [0, 0],
      [5, 10],
      [35, 0],
      [60, 0],
    ]);
    expect(hits.map((point) => point.order)).toEqual([0, 1, 2, 3]);
  });

  it('draws a figure of a 10-second window over that window, and breaks where a window has none', () => {
    const summary = rolledBackSummary();
    const candidate = windowSteps(summary, 'candidate', (point) =>
      point.requests.candidate > 0 ? point.failed.candidate : undefined,
    );
    expect(candidate.map((point) => [point.seconds, point.value])).toEqual([
      [0, 3],
      [10, 3],
      [10, 3],
      [20, 3],
      [20, 3],
      [30, 3],
      [35, null],
      [45, null],
      [55, null],
    ]);
  });

  it('keeps every alarm that fired, however late, and none that only went to INSUFFICIENT_DATA', () => {
    expect(alarmEpisodes(rolledBackSummary())).toEqual([
      { alarm: 'canary-api-prod-hits-judge', from: 30, to: 50 },
      { alarm: 'canary-api-prod-hits-v2-errors', from: 60, to: 60 },
    ]);
  });

  it('ends an episode at the next state that is not ALARM, or at the end of the axis', () => {
    const summary = {
      ...rolledBackSummary(),
      alarms: [
        {
          name: 'a',
          transitions: [
            { simulatedSeconds: 10, from: 'OK' as const, to: 'ALARM' as const },
            { simulatedSeconds: 20, from: 'ALARM' as const, to: 'INSUFFICIENT_DATA' as const },
            { simulatedSeconds: 40, from: 'INSUFFICIENT_DATA' as const, to: 'ALARM' as const },
          ],
        },
      ],
    };
    expect(alarmEpisodes(summary)).toEqual([
      { alarm: 'a', from: 10, to: 20 },
      { alarm: 'a', from: 40, to: 60 },
    ]);
  });

  it('stretches the time axis to a transition after the last timeline point', () => {
    const summary = rolledBackSummary();
    expect(timeEnd(summary)).toBe(60);
    summary.alarms.push({ name: 'late', transitions: [{ simulatedSeconds: 64, from: 'OK', to: 'ALARM' }] });
    expect(timeEnd(summary)).toBe(64);
  });

  it('labels a phase line by what happened, without the function', () => {
    expect(phaseLabel('hits: candidate 10% of the traffic (step 1 of 2)')).toBe('10%');
    expect(phaseLabel('hits: the judge finds the candidate worse (5xx: …)')).toBe('judge: worse');
    expect(
      phaseLabel('hits: canary-api-prod-hits-judge in ALARM; all its traffic back on the baseline'),
    ).toBe('rollback');
    expect(phaseLabel('the stack update fails: CloudFormation rolls every function back')).toBe(
      'stack rollback',
    );
    expect(phaseLabel('hits: BeforeAllowTraffic, smoke checks against the candidate version')).toBe(
      'BeforeAllowTraffic',
    );
  });
});
