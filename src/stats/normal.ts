/**
 * The standard normal distribution: density, Φ, its complement and its inverse.
 *
 * Φ comes from the complementary error function, Φ(x) = erfc(−x/√2) / 2, evaluated with W. J. Cody's rational
 * Chebyshev approximations ("Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969)
 * 631–638; the coefficients are those of netlib specfun CALERF). They hold about 1e-16 relative accuracy on
 * each of three intervals, so a lower tail such as Φ(−10) ≈ 7.6e-24 keeps its digits instead of becoming
 * 1 − Φ(10) = 0.
 *
 * Φ⁻¹ is M. J. Wichura's algorithm AS 241 (PPND16), "The percentage points of the normal distribution",
 * Applied Statistics 37 (1988) 477–484: rational approximations good to about 1e-16 relative, so no Newton or
 * Halley refinement is needed.
 *
 * The coefficients are written as the shortest decimals that round-trip to the same doubles as the published
 * 18–20 digit values (Biome's noPrecisionLoss rejects the longer spellings; the numbers are identical).
 */

const INV_SQRT_PI = 0.5641895835477563; // 1/√π
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)

/** Horner evaluation, highest power first. */
function poly(coefficients: readonly number[], x: number): number {
  let result = 0;
  for (const c of coefficients) result = result * x + c;
  return result;
}

// Cody (1969), erf on |x| ≤ 0.46875: erf(x) ≈ x·P(x²)/Q(x²).
const ERF_P = [
  0.18577770618460315, 3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694,
];
const ERF_Q = [1, 23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
// Cody (1969), erfc on 0.46875 < x ≤ 4: erfc(x) ≈ exp(−x²)·P(x)/Q(x).
const ERFC_P = [
  2.1531153547440383e-8, 0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001,
  881.952221241769, 1712.0476126340707, 2051.0783778260716, 1230.3393547979972,
];
const ERFC_Q = [
  1, 15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
// Cody (1969), erfc on x > 4: erfc(x) ≈ exp(−x²)/x · (1/√π − z·P(z)/Q(z)), z = 1/x².
const ERFC_ASYMPTOTIC_P = [
  0.016315387137302097, 0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275,
  0.0006587491615298378,
];
const ERFC_ASYMPTOTIC_Q = [
  1, 2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
];
/** Beyond this, erfc(x) underflows to 0 in double precision (Cody's XBIG). */
const ERFC_UNDERFLOW = 26.543;

/** exp(−y²) without the rounding error of forming y² directly (Cody's split: y = ⌊16y⌋/16 + remainder). */
function expMinusSquare(y: number): number {
  const head = Math.trunc(16 * y) / 16;
  const remainder = (y - head) * (y + head);
  return Math.exp(-head * head) * Math.exp(-remainder);
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate to ~1e-16 relative (Cody 1969). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) {
    const z = y * y;
    return 1 - (x * poly(ERF_P, z)) / poly(ERF_Q, z);
  }
  let upper: number; // erfc(y) for y > 0
  if (y <= 4) {
    upper = (expMinusSquare(y) * poly(ERFC_P, y)) / poly(ERFC_Q, y);
  } else if (y < ERFC_UNDERFLOW) {
    const z = 1 / (y * y);
    upper =
      (expMinusSquare(y) * (INV_SQRT_PI - (z * poly(ERFC_ASYMPTOTIC_P, z)) / poly(ERFC_ASYMPTOTIC_Q, z))) / y;
  } else {
    upper = 0;
  }
  return x < 0 ? 2 - upper : upper;
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Standard normal CDF Φ(x) = P(Z ≤ x), with full relative accuracy in the lower tail. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Upper tail 1 − Φ(x) = P(Z > x), computed directly so small tail probabilities keep their digits. */
export function normalSurvival(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

// Wichura (1988) AS 241 PPND16 coefficients, highest power first.
const CENTRAL_A = [
  2509.0809287301227, 33430.57558358813, 67265.7709270087, 45921.95393154987, 13731.69376550946,
  1971.5909503065513, 133.14166789178438, 3.3871328727963665,
];
const CENTRAL_B = [
  5226.495278852854, 28729.085735721943, 39307.89580009271, 21213.794301586597, 5394.196021424751,
  687.1870074920579, 42.31333070160091, 1,
];
const INTERMEDIATE_C = [
  0.0007745450142783414, 0.022723844989269184, 0.2417807251774506, 1.2704582524523684, 3.6478483247632045,
  5.769497221460691, 4.630337846156546, 1.4234371107496835,
];
const INTERMEDIATE_D = [
  1.0507500716444169e-9, 0.0005475938084995345, 0.015198666563616457, 0.14810397642748008, 0.6897673349851,
  1.6763848301838038, 2.053191626637759, 1,
];
const TAIL_E = [
  2.0103343992922881e-7, 0.000027115555687434876, 0.0012426609473880784, 0.026532189526576124,
  0.29656057182850487, 1.7848265399172913, 5.463784911164114, 6.657904643501103,
];
const TAIL_F = [
  2.0442631033899397e-15, 1.421511758316446e-7, 0.000018463183175100548, 0.0007868691311456133,
  0.014875361290850615, 0.1369298809227358, 0.599832206555888, 1,
];

/**
 * Inverse standard normal CDF Φ⁻¹(p) (Wichura's AS 241), e.g. `normalQuantile(0.975)` ≈ 1.959964.
 * Returns −∞ at p = 0 and +∞ at p = 1; throws a RangeError outside [0, 1].
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(CENTRAL_A, r)) / poly(CENTRAL_B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = poly(INTERMEDIATE_C, r) / poly(INTERMEDIATE_D, r);
  } else {
    r -= 5;
    value = poly(TAIL_E, r) / poly(TAIL_F, r);
  }
  return q < 0 ? -value : value;
}
