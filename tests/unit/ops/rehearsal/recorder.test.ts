import { describe, expect, it } from 'vitest';
import { simulate } from '../../../../ops/rehearsal/engine';
import { TEST_NAMESPACE, testCalibration, testPlan } from '../../../support/rehearsal-plan';

// The recorder stamps each change of the alias weights on the event that made it, so the report can
// draw a step where it happened rather than at the next 10-second timeline point.

const rehearse = (fault: Parameters<typeof simulate>[2]['fault']) =>
  simulate(testPlan(), testCalibration(), {
    trafficPerSecond: 50,
    fault,
    seed: 1,
    metricsNamespace: TEST_NAMESPACE,
  });

describe('the recorder', () => {
  it('gives every event that moved the weights the weights it left, at its own second', () => {
    const summary = rehearse({ kind: 'none' });
    const moves = summary.events
      .filter((event) => event.weights)
      .map((event) => [event.simulatedSeconds, event.weights]);
    // Hooks take 5 s, then 10 % for 5 minutes, then 100 %, one function after the other at each moment.
    expect(moves).toEqual([
      [5, { hello: 0.1, hits: 0 }],
      [5, { hello: 0.1, hits: 0.1 }],
      [305, { hello: 1, hits: 0.1 }],
      [305, { hello: 1, hits: 1 }],
    ]);
    // The timeline, sampled every 10 s, sees the first step only at 10 s.
    expect(summary.timeline.find((point) => (point.weights.hello ?? 0) > 0)?.simulatedSeconds).toBe(10);
  });

  it('stamps the return to the baseline on the rollback that made it', () => {
    const summary = rehearse({ kind: 'errors', share: 0.5 });
    const back = summary.events.filter((event) => event.weights && event.simulatedSeconds > 5);
    expect(back.at(-1)?.weights).toEqual({ hello: 0, hits: 0 });
    expect(back.at(-1)?.message).toBe('the stack update fails: CloudFormation rolls every function back');
    // Events that leave the weights as they were carry none.
    expect(summary.events.filter((event) => event.kind === 'alarm').every((event) => !event.weights)).toBe(
      true,
    );
  });
});
