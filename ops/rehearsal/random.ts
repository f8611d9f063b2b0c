import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { mersenne } from 'pure-rand/generator/mersenne';

/**
 * The rehearsal's only source of chance: one seeded generator (pure-rand's Mersenne Twister, whose
 * seeding mixes even small seeds well), so that the same seed gives the same rehearsal on any
 * machine, however loaded. Counts are drawn exactly, at a cost that does not grow with them: a
 * rehearsal at 1,000 requests/s draws a period's counts, never one request at a time.
 */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** log k! − Stirling's approximation of it, for k < 10 (Hörmann 1993, Table 1). */
const STIRLING_TAIL = [
  0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
  0.0138761288230707, 0.0118967099458917, 0.010411265261972, 0.00925546218271273, 0.00833056343336287,
];

/** What Stirling's approximation misses of log k!: tabled below 10, its series (error < 1e-10) above. */
function stirlingTail(k: number): number {
  const small = STIRLING_TAIL[k];
  if (small !== undefined) return small;
  const square = (k + 1) * (k + 1);
  return (1 / 12 - (1 / 360 - 1 / 1260 / square) / square) / (k + 1);
}

/** log k! for every whole k ≥ 0, to within 1e-10. */
export function logFactorial(k: number): number {
  return (k + 0.5) * Math.log(k + 1) - (k + 1) + HALF_LOG_TWO_PI + stirlingTail(k);
}

/** Below this mean, inversion (a few steps) is cheaper than a rejection method's setup. */
const INVERSION_BELOW = 10;

export class Random {
  readonly #generator;

  constructor(seed: number) {
    this.#generator = mersenne(seed);
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return uniformFloat64(this.#generator);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p >= 1 || (p > 0 && this.next() < p);
  }

  /** A whole number in [0, n), uniformly. */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * A Poisson count with mean λ: the number of requests arriving in an interval when they arrive
   * independently at a constant rate. Exact at every mean: inversion by sequential search below 10,
   * Hörmann's transformed rejection with squeeze (PTRS, 1993; numpy's method) above.
   */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean < INVERSION_BELOW) {
      let probability = Math.exp(-mean);
      let remaining = this.next();
      let count = 0;
      // Stops when the tail underflows too, so rounding can never leave it searching.
      while (remaining > probability && probability > 0) {
        remaining -= probability;
        count++;
        probability *= mean / count;
      }
      return count;
    }
    const root = Math.sqrt(mean);
    const logMean = Math.log(mean);
    const b = 0.931 + 2.53 * root;
    const a = -0.059 + 0.02483 * b;
    const logInverseAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
    const squeeze = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= squeeze) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      const accept = -mean + k * logMean - logFactorial(k);
      if (Math.log(v) + logInverseAlpha - Math.log(a / (us * us) + b) <= accept) return k;
    }
  }

  /**
   * How many of n trials succeed with probability p each. Exact at every size: inversion by
   * sequential search (Kachitvichyanukul & Schmeiser's BINV) while n·min(p, 1−p) < 10, Hörmann's
   * transformed rejection with squeeze (BTRS, 1993; TensorFlow's and PyTorch's method) above.
   */
  binomial(n: number, p: number): number {
    if (p <= 0 || n <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    const q = 1 - p;
    if (n * p < INVERSION_BELOW) {
      const first = Math.exp(n * Math.log1p(-p));
      // Past this many successes the remaining mass is below double precision: start afresh.
      const bound = Math.min(n, n * p + 10 * Math.sqrt(n * p * q + 1));
      let probability = first;
      let remaining = this.next();
      let count = 0;
      while (remaining > probability) {
        count++;
        if (count > bound) {
          count = 0;
          probability = first;
          remaining = this.next();
          continue;
        }
        remaining -= probability;
        probability *= ((n - count + 1) * p) / (count * q);
      }
      return count;
    }
    const spread = Math.sqrt(n * p * q);
    const b = 1.15 + 2.53 * spread;
    const a = -0.0873 + 0.0248 * b + 0.01 * p;
    const c = n * p + 0.5;
    const squeeze = 0.92 - 4.2 / b;
    const alpha = (2.83 + 5.1 / b) * spread;
    const mode = Math.floor((n + 1) * p);
    const logOdds = Math.log(p / q);
    const logModeTerms = logFactorial(mode) + logFactorial(n - mode);
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + c);
      if (k < 0 || k > n) continue;
      if (us >= 0.07 && v <= squeeze) return k;
      const accept = logModeTerms - logFactorial(k) - logFactorial(n - k) + (k - mode) * logOdds;
      if (Math.log((v * alpha) / (a / (us * us) + b)) <= accept) return k;
    }
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.below(items.length)];
    if (item === undefined) throw new Error('cannot pick from an empty list');
    return item;
  }
}
