import { describe, expect, it } from 'vitest';
import { isWorse, MINIMUM_EFFECT, probabilityWorse } from '../../../../delivery/judge/statistic';
import { Random } from '../../../../ops/rehearsal/random';

/**
 * Hand-computed cases. A baseline of 10⁹ requests is as good as a known rate p, so the statistic is
 * 1 − F(max(2p, p + 0.01)) for the candidate's posterior F, which has a closed form for the two
 * Jeffreys posteriors below:
 *   no requests, Beta(½, ½):      F(x) = (2/π)·asin(√x)
 *   one 5xx of one, Beta(3/2, ½): F(x) = (2/π)·(asin(√x) − √(x(1 − x)))
 */
const known = (rate: number) => ({ requests: 1e9, errors: Math.round(rate * 1e9) });
const arcsine = (x: number) => (2 / Math.PI) * Math.asin(Math.sqrt(x));
const oneOfOne = (x: number) => (2 / Math.PI) * (Math.asin(Math.sqrt(x)) - Math.sqrt(x * (1 - x)));

describe('probabilityWorse', () => {
  it.each([
    ['no candidate requests, clean baseline', { requests: 0, errors: 0 }, 0, 1 - arcsine(0.01), 0.936231],
    ['one 5xx of one, clean baseline', { requests: 1, errors: 1 }, 0, 1 - oneOfOne(0.01), 0.999574],
    ['no candidate requests, baseline at 10 %', { requests: 0, errors: 0 }, 0.1, 1 - arcsine(0.2), 0.704833],
    ['one 5xx of one, baseline at 10 %', { requests: 1, errors: 1 }, 0.1, 1 - oneOfOne(0.2), 0.959481],
  ])('%s', (_, candidate, baselineRate, formula, byHand) => {
    expect(formula).toBeCloseTo(byHand, 6);
    const statistic = probabilityWorse(candidate, known(baselineRate));
    // A lower bound by construction, and a close one.
    expect(statistic).toBeLessThanOrEqual(formula + 1e-9);
    expect(statistic).toBeGreaterThan(formula - 1e-4);
  });

  it('switches from the relative to the absolute margin where 2p = p + 1 point', () => {
    // Below a 1 % baseline the candidate must be 1 point worse; above it, twice as bad.
    expect(probabilityWorse({ requests: 0, errors: 0 }, known(0.005))).toBeCloseTo(1 - arcsine(0.015), 4);
    expect(probabilityWorse({ requests: 0, errors: 0 }, known(0.03))).toBeCloseTo(1 - arcsine(0.06), 4);
  });

  it('agrees with a Monte Carlo of both posteriors when both rates are uncertain', () => {
    // Independent of the code under test: Beta draws as Gamma ratios (Marsaglia and Tsang, "A simple
    // method for generating gamma variables", ACM TOMS 2000), with the boost for shapes below 1.
    const random = new Random(2022);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    const gamma = (shape: number): number => {
      if (shape < 1) return gamma(shape + 1) * random.next() ** (1 / shape);
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        const z = normal();
        const v = (1 + c * z) ** 3;
        if (v > 0 && Math.log(1 - random.next()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
      }
    };
    const beta = (a: number, b: number) => {
      const x = gamma(a);
      return x / (x + gamma(b));
    };
    const draws = 50_000;
    for (const [candidate, baseline] of [
      [
        { requests: 20, errors: 6 },
        { requests: 200, errors: 4 },
      ],
      [
        { requests: 60, errors: 5 },
        { requests: 500, errors: 25 },
      ],
      [
        { requests: 8, errors: 0 },
        { requests: 80, errors: 3 },
      ],
    ] as const) {
      let worse = 0;
      for (let draw = 0; draw < draws; draw++) {
        const p = beta(baseline.errors + 0.5, baseline.requests - baseline.errors + 0.5);
        const q = beta(candidate.errors + 0.5, candidate.requests - candidate.errors + 0.5);
        if (q >= Math.max(2 * p, p + 0.01)) worse++;
      }
      const share = worse / draws;
      const standardError = Math.sqrt((share * (1 - share)) / draws);
      expect(Math.abs(probabilityWorse(candidate, baseline) - share)).toBeLessThan(5 * standardError + 1e-3);
    }
  });

  it('grows with the candidate’s errors and shrinks with the baseline’s', () => {
    const baseline = { requests: 900, errors: 9 };
    const byCandidate = [0, 1, 2, 4, 8, 16].map((errors) =>
      probabilityWorse({ requests: 100, errors }, baseline),
    );
    expect(byCandidate).toEqual([...byCandidate].sort((a, b) => a - b));
    const byBaseline = [0, 9, 27, 81].map((errors) =>
      probabilityWorse({ requests: 100, errors: 8 }, { requests: 900, errors }),
    );
    expect(byBaseline).toEqual([...byBaseline].sort((a, b) => b - a));
  });

  it('refuses counts that cannot be', () => {
    expect(() => probabilityWorse({ requests: 3, errors: 4 }, known(0))).toThrow(RangeError);
    expect(() => probabilityWorse({ requests: 3, errors: 0.5 }, known(0))).toThrow(RangeError);
    expect(() => probabilityWorse({ requests: 3, errors: 1 }, { requests: -1, errors: 0 })).toThrow(
      RangeError,
    );
  });

  it('states the minimum effect the issue asks for', () => {
    expect(MINIMUM_EFFECT).toEqual({ ratio: 2, points: 0.01 });
  });
});

describe('isWorse', () => {
  it('answers exactly what probabilityWorse ≥ threshold answers, also where its shortcuts apply', () => {
    const random = new Random(18);
    for (let trial = 0; trial < 200; trial++) {
      const baselineRequests = Math.floor(random.next() * 5000);
      const baselineErrors = Math.floor(random.next() * random.next() * 0.1 * baselineRequests);
      const candidateRequests = Math.floor(random.next() * 600);
      const candidateErrors = Math.floor(random.next() * random.next() * candidateRequests);
      const candidate = { requests: candidateRequests, errors: candidateErrors };
      const baseline = { requests: baselineRequests, errors: baselineErrors };
      for (const threshold of [0.9, 0.999]) {
        expect(isWorse(candidate, baseline, threshold)).toBe(
          probabilityWorse(candidate, baseline) >= threshold,
        );
      }
    }
  });
});
