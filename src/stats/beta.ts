/**
 * The regularised incomplete beta function I_x(a, b), by the continued fraction of Numerical Recipes
 * (Press et al., 3rd ed., §6.4, `betai`/`betacf`) evaluated with the modified Lentz method.
 *
 * The fraction converges quickly for x < (a + 1)/(a + b + 2); above that we use I_x(a, b) = 1 − I_{1−x}(b, a),
 * so the function value computed directly is always the smaller tail. Callers that know 1 − x more precisely
 * than by subtraction (Student's t does: 1 − ν/(ν + t²) = t²/(ν + t²)) pass it as `y`.
 */

import { EPSILON, logBeta, MAX_ITERATIONS, TINY } from "./gamma.ts";

/** The continued fraction for I_x(a, b) (Numerical Recipes `betacf`). */
function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    // Even step.
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) return h;
  }
  throw new Error(`incomplete beta fraction did not converge (a = ${a}, b = ${b}, x = ${x})`);
}

/**
 * I_x(a, b) given both x and y = 1 − x (pass y when it is known more accurately than 1 − x).
 * Requires a, b > 0 and 0 ≤ x ≤ 1.
 */
export function regularizedBetaWithComplement(x: number, y: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`regularizedBeta: a and b must be positive, got ${a}, ${b}`);
  if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1))
    throw new RangeError(`regularizedBeta: x must be in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (y === 0) return 1;
  // x^a y^b / (a B(a, b)) is the leading factor of both tails.
  const front = Math.exp(a * Math.log(x) + b * Math.log(y) - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a;
  return 1 - (front * betaFraction(b, a, y)) / b;
}

/** The regularised incomplete beta function I_x(a, b), the CDF of a Beta(a, b) variable at x. */
export function regularizedBeta(x: number, a: number, b: number): number {
  return regularizedBetaWithComplement(x, 1 - x, a, b);
}
