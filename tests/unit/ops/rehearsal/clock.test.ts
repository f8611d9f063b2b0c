import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../ops/rehearsal/clock';

describe('VirtualClock', () => {
  it('runs events in time order, ties in the order they were scheduled, jumping from one to the next', () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.at(300_000, () => seen.push(`b@${clock.now()}`));
    clock.at(5_000, () => seen.push(`a@${clock.now()}`));
    clock.at(300_000, () => seen.push(`c@${clock.now()}`));
    clock.run();
    expect(seen).toEqual(['a@5000', 'b@300000', 'c@300000']);
  });

  it('repeats an action on its interval while asked to, and stops when told', () => {
    const clock = new VirtualClock();
    const ticks: number[] = [];
    clock.every(10_000, 0, () => {
      ticks.push(clock.now());
      if (clock.now() === 30_000) clock.stop();
    });
    clock.run();
    expect(ticks).toEqual([0, 10_000, 20_000, 30_000]);
  });

  it('never schedules into the past, and runs no further than asked', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    clock.at(20_000, () => clock.at(1_000, () => seen.push(clock.now())));
    clock.at(90_000, () => seen.push(clock.now()));
    clock.run(60_000);
    expect(seen).toEqual([20_000]);
    expect(clock.now()).toBe(60_000);
  });
});
