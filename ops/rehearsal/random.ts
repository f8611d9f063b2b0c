import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { mersenne } from 'pure-rand/generator/mersenne';

/**
 * The rehearsal's only source of chance: one seeded generator (pure-rand's Mersenne Twister, whose seeding mixes even small seeds well), so that the same seed
 * gives the same rehearsal on any machine, however loaded.
 */
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

  /**
   * A Poisson count with mean λ: the number of requests arriving in an interval when they arrive
   * independently at a constant rate. Knuth's product method for small means; above 30 the normal
   * approximation (continuity-corrected), whose error there is far below the alarms' resolution.
   */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) {
      const normal = Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
    }
    const limit = Math.exp(-mean);
    let count = -1;
    for (let product = 1; product > limit; product *= this.next()) count++;
    return count;
  }

  /** How many of n trials succeed with probability p each. */
  binomial(n: number, p: number): number {
    if (p <= 0 || n <= 0) return 0;
    if (p >= 1) return n;
    if (n > 60) {
      const mean = n * p;
      const spread = Math.sqrt(n * p * (1 - p));
      const normal = Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
      return Math.min(n, Math.max(0, Math.round(mean + spread * normal)));
    }
    let count = 0;
    for (let trial = 0; trial < n; trial++) if (this.next() < p) count++;
    return count;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('cannot pick from an empty list');
    return item;
  }
}
