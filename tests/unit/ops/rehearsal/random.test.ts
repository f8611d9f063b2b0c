import { describe, expect, it } from 'vitest';
import { logFactorial, Random } from '../../../../ops/rehearsal/random';

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

  // The normal approximation these replaced was off where an alarm looks: a small share of many
  // requests (rounding and clipping at 0 raised its mean) and the tails. Each draw here is checked
  // against the exact probabilities, so an approximation would show.
  it.each([
    [180, 0.005],
    [20, 0.2],
    [200, 0.1],
    [5_000, 0.9],
    [100_000, 0.03],
  ])('draws Binomial(%i, %f) with its exact distribution, at any size', (n, p) => {
    const random = new Random(3);
    const draws = Array.from({ length: 20_000 }, () => random.binomial(n, p));
    const exact = (k: number) =>
      k > n
        ? 0
        : Math.exp(
            logFactorial(n) -
              logFactorial(k) -
              logFactorial(n - k) +
              k * Math.log(p) +
              (n - k) * Math.log1p(-p),
          );
    expectDistribution(draws, exact);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(n);
  });

  it.each([0.9, 9.9, 10, 40, 5_000])(
    'draws Poisson(%f) with its exact distribution, at any mean',
    (lambda) => {
      const random = new Random(4);
      const draws = Array.from({ length: 20_000 }, () => random.poisson(lambda));
      expectDistribution(draws, (k) => Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k)));
    },
  );

  it('computes log k! to 1e-10 at every k', () => {
    let exact = 0;
    for (let k = 0; k < 500; k++) {
      if (k > 0) exact += Math.log(k);
      expect(Math.abs(logFactorial(k) - exact)).toBeLessThan(1e-10 * Math.max(1, exact));
    }
  });
});

/**
 * Pearson's χ² of the draws against the exact probabilities, over the values expected at least 5
 * times: far below the 0.1 % critical value for a sample from the distribution (seeded, so fixed).
 */
function expectDistribution(draws: number[], probability: (k: number) => number) {
  const observed = new Map<number, number>();
  for (const draw of draws) observed.set(draw, (observed.get(draw) ?? 0) + 1);
  let chiSquare = 0;
  let cells = 0;
  const center = Math.round(mean(draws));
  const reach = Math.ceil(8 * Math.sqrt(variance(draws)) + 8);
  for (let k = Math.max(0, center - reach); k <= center + reach; k++) {
    const expected = draws.length * probability(k);
    if (expected < 5) continue;
    chiSquare += ((observed.get(k) ?? 0) - expected) ** 2 / expected;
    cells++;
  }
  expect(cells).toBeGreaterThan(1);
  // The 0.1 % critical value of χ² with ν degrees of freedom, by Wilson and Hilferty's approximation.
  const nu = cells - 1;
  const critical = nu * (1 - 2 / (9 * nu) + 3.09 * Math.sqrt(2 / (9 * nu))) ** 3;
  expect(chiSquare).toBeLessThan(critical);
}
