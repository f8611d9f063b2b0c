import { describe, expect, it } from 'vitest';
import { Random } from '../../../../ops/rehearsal/random';

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const variance = (values: number[]) => {
  const m = mean(values);
  return mean(values.map((value) => (value - m) ** 2));
};

describe('Random', () => {
  it('repeats itself for the same seed, and not for another', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, () => new Random(seed).next());
    const sequence = (seed: number) => {
      const random = new Random(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(sequence(3)).toEqual(sequence(3));
    expect(sequence(3)).not.toEqual(sequence(4));
    expect(new Set(draw(3)).size).toBe(1);
  });

  it('draws Poisson counts with the right mean and variance, small and large', () => {
    const random = new Random(1);
    for (const lambda of [0.5, 4, 200]) {
      const counts = Array.from({ length: 20_000 }, () => random.poisson(lambda));
      expect(mean(counts)).toBeCloseTo(lambda, lambda > 10 ? 0 : 1);
      expect(variance(counts) / lambda).toBeGreaterThan(0.9);
      expect(variance(counts) / lambda).toBeLessThan(1.1);
    }
    expect(random.poisson(0)).toBe(0);
  });

  it('draws binomial counts within bounds and at the right mean', () => {
    const random = new Random(2);
    const counts = Array.from({ length: 5_000 }, () => random.binomial(20, 0.1));
    expect(mean(counts)).toBeCloseTo(2, 1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(20);
    expect([random.binomial(7, 0), random.binomial(7, 1), random.binomial(0, 0.5)]).toEqual([0, 7, 0]);
    const large = Array.from({ length: 2_000 }, () => random.binomial(1_000, 0.3));
    expect(mean(large) / 300).toBeCloseTo(1, 1);
  });
});
