import betainc from '@stdlib/math-base-special-betainc';

/**
 * The judge's statistic: how sure we are, from the requests both versions served since the deployment
 * started, that the candidate's 5xx rate is worse than the baseline's by at least the minimum effect.
 * Each version's rate gets a Beta posterior (Jeffreys' prior, Beta(½, ½)); the judge acts when the
 * posterior probability of "candidate ≥ max(ratio × baseline, baseline + points)" reaches a threshold
 * that a seeded Monte Carlo over shared noise and traffic keeps under the false-rollback budget.
 * docs/judge.md gives the reasoning, the alternatives measured and the references.
 */

/** One version's answers since the deployment started. */
export interface Counts {
  requests: number;
  /** Of which 5xx. */
  errors: number;
}

/** How much worse the candidate must be before the judge acts: both conditions at once. */
export interface MinimumEffect {
  /** The candidate's rate must be at least this many times the baseline's (2 = twice). */
  ratio: number;
  /** … and at least this much above it, as a share (0.01 = one percentage point). */
  points: number;
}

export const MINIMUM_EFFECT: MinimumEffect = { ratio: 2, points: 0.01 };

/** Jeffreys' prior for a binomial proportion: invariant, and the usual reference prior. */
const PRIOR = { errors: 0.5, successes: 0.5 };
/** The integral over the baseline's rate starts with this many cells and splits the worst until it is settled. */
const FIRST_CELLS = 32;
const MAX_ROUNDS = 16;
/** The baseline's posterior mass above the cells: at most this, and it counts as "not worse". */
const UPPER_TAIL = 1e-9;
/**
 * Splitting stops once the bounds are this close, or after MAX_ROUNDS rounds; probabilityWorse answers
 * the lower bound, never above the exact posterior probability.
 */
const TOLERANCE = 1e-6;

interface Beta {
  a: number;
  b: number;
}

const posterior = ({ requests, errors }: Counts): Beta => {
  if (!(Number.isInteger(requests) && Number.isInteger(errors) && errors >= 0 && errors <= requests))
    throw new RangeError(`counts must be whole numbers with 0 ≤ errors ≤ requests: ${errors}/${requests}`);
  return { a: PRIOR.errors + errors, b: PRIOR.successes + requests - errors };
};

/** P(rate ≤ x) under a Beta(a, b) posterior. */
const cdf = (x: number, { a, b }: Beta) => (x <= 0 ? 0 : x >= 1 ? 1 : betainc(x, a, b));

/** The smallest candidate rate that counts as worse than a baseline rate `p`. */
const worseFrom = (p: number, { ratio, points }: MinimumEffect) =>
  Math.min(1, Math.max(ratio * p, p + points));

/** Bounds on P(candidate is worse by the minimum effect): the exact posterior probability lies between. */
export interface Bounds {
  lower: number;
  upper: number;
}

interface Cell {
  left: number;
  right: number;
  /** The baseline's posterior mass in the cell. */
  mass: number;
  /** P(candidate not worse) if the baseline's rate were the cell's left or right edge. */
  atLeft: number;
  atRight: number;
}

/**
 * P(not worse) = ∫ f_baseline(p) · F_candidate(worseFrom(p)) dp. The integrand's second factor grows
 * with p, so over a cell it lies between its values at the cell's edges: summing both gives a lower and
 * an upper bound, whatever the shapes. Cells span ±40 posterior standard deviations of the baseline's
 * rate, widened until at most 1e-9 of its mass lies above; the mass outside is bounded the same way.
 * The cells whose bounds are furthest apart are split until `settled` says the answer is known or the
 * gap is below TOLERANCE.
 */
export function worseBounds(
  candidate: Counts,
  baseline: Counts,
  effect: MinimumEffect = MINIMUM_EFFECT,
  settled: (bounds: Bounds) => boolean = () => false,
): Bounds {
  const c = posterior(candidate);
  const b = posterior(baseline);
  const notWorseAt = (p: number) => cdf(worseFrom(p, effect), c);
  // No baseline rate can make a candidate rate below `effect.points` worse.
  const ceiling = 1 - cdf(effect.points, c);
  if (ceiling === 0) return { lower: 0, upper: 0 };
  const low = Math.max(0, mean(b) - 40 * spread(b));
  let high = Math.min(1, mean(b) + 40 * spread(b));
  while (high < 1 && 1 - cdf(high, b) > UPPER_TAIL) high = Math.min(1, high * 2);
  const below = cdf(low, b);
  const above = 1 - cdf(high, b);
  const cell = (left: number, right: number, massLeft: number, atLeft: number): Cell => {
    const massRight = cdf(right, b);
    return { left, right, mass: massRight - massLeft, atLeft, atRight: notWorseAt(right) };
  };
  let cells: Cell[] = [];
  let mass = below;
  let at = notWorseAt(low);
  for (let index = 1; index <= FIRST_CELLS; index++) {
    const next = cell(cells.at(-1)?.right ?? low, low + ((high - low) * index) / FIRST_CELLS, mass, at);
    cells.push(next);
    mass += next.mass;
    at = next.atRight;
  }
  const outside = {
    least: below * notWorseAt(0) + above * notWorseAt(high),
    most: below * notWorseAt(low) + above,
  };
  for (let round = 0; ; round++) {
    let least = outside.least;
    let most = outside.most;
    for (const { mass: m, atLeft, atRight } of cells) {
      least += m * atLeft;
      most += m * atRight;
    }
    const bounds = { lower: Math.max(0, 1 - most), upper: Math.min(ceiling, 1 - least) };
    if (round === MAX_ROUNDS || bounds.upper - bounds.lower <= TOLERANCE || settled(bounds)) return bounds;
    const gap = (most - least) / cells.length;
    cells = cells.flatMap((whole) => {
      if (whole.mass * (whole.atRight - whole.atLeft) < gap) return [whole];
      const middle = (whole.left + whole.right) / 2;
      const massLeft = cdf(whole.left, b);
      const first = cell(whole.left, middle, massLeft, whole.atLeft);
      const second = cell(middle, whole.right, massLeft + first.mass, first.atRight);
      return [first, second];
    });
  }
}

/** P(candidate is worse by the minimum effect), from below: never above the exact value, and as a rule within TOLERANCE of it. */
export function probabilityWorse(
  candidate: Counts,
  baseline: Counts,
  effect: MinimumEffect = MINIMUM_EFFECT,
): number {
  return worseBounds(candidate, baseline, effect).lower;
}

const mean = ({ a, b }: Beta) => a / (a + b);
const spread = ({ a, b }: Beta) => Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));

/**
 * Whether probabilityWorse reaches `threshold`, answered cheaply when an upper bound already says no:
 * the candidate alone rarely exceeds `points` (one incomplete beta), and for any baseline rate q,
 * P(worse) ≤ P(baseline < q) + P(candidate ≥ worseFrom(q)). The judge asks this at every look, for
 * every function, and most looks of a healthy deployment end at the first test.
 */
export function isWorse(
  candidate: Counts,
  baseline: Counts,
  threshold: number,
  effect: MinimumEffect = MINIMUM_EFFECT,
): boolean {
  const c = posterior(candidate);
  const b = posterior(baseline);
  if (1 - cdf(effect.points, c) < threshold) return false;
  const q = Math.max(0, mean(b) - 6 * spread(b));
  if (cdf(q, b) + 1 - cdf(worseFrom(q, effect), c) < threshold) return false;
  const settled = ({ lower, upper }: Bounds) => lower >= threshold || upper < threshold;
  return worseBounds(candidate, baseline, effect, settled).lower >= threshold;
}
