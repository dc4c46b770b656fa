// Distributions of Kolmogorov–Smirnov statistics, as scipy evaluates them (scipy.stats.kstwo.sf and
// scipy.special.smirnov), so the two-sample test's asymptotic p-values agree with scipy.stats.ks_2samp.
//
// kolmogorovSf(n, x) = P(D_n ≥ x) for the two-sided one-sample statistic follows Simard & L'Ecuyer (2011),
// "Computing the two-sided Kolmogorov–Smirnov distribution", J. Stat. Softw. 39(11): exact formulas at the
// ends (Ruben–Gambino), the Durbin matrix (Marsaglia–Tsang–Wang 2003) where it is cheap, 2·P(D_n⁺ ≥ x) where
// the two one-sided events cannot both happen or are negligible, and the Pelz–Good asymptotic series for
// large n. Where scipy uses Pomeranz's recursion (n ≤ 140, 0.754693 < n·x² ≤ 4) the Durbin matrix is used
// instead: both are exact, so they agree to rounding.
import { binomialPmf } from './specialFunctions.js';

const SCALE_EXP = 128;
const SCALE_UP = 2 ** SCALE_EXP;
const SCALE_DOWN = 2 ** -SCALE_EXP;
const PI2 = Math.PI * Math.PI;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
/** Below this, e^x underflows a double. */
const MIN_LOG = -708;

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/**
 * P(D_n⁺ ≥ x), the one-sided Smirnov survival function (scipy.special.smirnov), by the Birnbaum–Tingey sum
 *   x · Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (x + j/n)^(j−1) (1 − x − j/n)^(n−j)
 * whose terms are all positive; each is the binomial mass b(j; n, x + j/n) / (x + j/n), evaluated in
 * Loader's form so no term loses precision. For n above a million scipy switches to the approximation
 * e^(−(6nx+1)²/18n); so does this.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0) || !(x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  if (nx <= 1) {
    // At most 1/n: the CDF is exactly x(1 + x)^(n−1).
    return clip01(1 - x * Math.pow(1 + x, n - 1));
  }
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nx >= n - 1) return Math.pow(1 - x, n);
  if (n > 1_000_000) {
    return Math.exp(-Math.pow(6 * nx + 1, 2) / 18 / n);
  }
  const last = Math.floor(n - nx);
  let sum = 0;
  let peaked = false;
  let previous = 0;
  for (let j = 0; j <= last; j++) {
    // p = x + j/n and q = 1 − p from the integers, so q keeps its digits when p is near 1.
    const p = (nx + j) / n;
    const q = (n - j - nx) / n;
    if (q <= 0) break;
    const term = binomialPmf(j, n, p, q) / p;
    sum += term;
    if (term < previous) peaked = true;
    if (peaked && term < sum * 1e-18) break;
    previous = term;
  }
  return clip01(x * sum);
}

/**
 * P(D_n < x) by the Durbin matrix: the (k, k) entry of Hⁿ times n!/nⁿ, with H the (2k−1)² matrix of
 * Marsaglia, Tsang & Wang (2003), where x = (k − h)/n, 0 ≤ h < 1. Powers are scaled by 2^128 steps with the
 * exponent kept apart, so large n neither overflows nor underflows.
 */
function durbinCdf(n: number, x: number): number {
  if (x >= 1) return 1;
  const nd = n * x;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const H = new Float64Array(m * m);
  // First column and last row: (1 − h^(i+1)) / (i+1)!, the corner adjusted; inside, 1/(i − j + 1)! on and
  // below the superdiagonal.
  const v = new Float64Array(m);
  const invFactorial = new Float64Array(m + 1);
  invFactorial[0] = 1;
  for (let i = 1; i <= m; i++) invFactorial[i] = invFactorial[i - 1]! / i;
  for (let i = 0; i < m; i++) v[i] = (1 - Math.pow(h, i + 1)) * invFactorial[i + 1]!;
  v[m - 1] = (1 - 2 * Math.pow(h, m) + Math.pow(Math.max(0, 2 * h - 1), m)) * invFactorial[m]!;
  for (let i = 0; i < m; i++) {
    for (let j = 1; j < m; j++) {
      if (i - j + 1 >= 0) H[i * m + j] = invFactorial[i - j + 1]!;
    }
  }
  for (let i = 0; i < m; i++) H[i * m] = v[i]!;
  for (let j = 0; j < m; j++) H[(m - 1) * m + j] = v[m - 1 - j]!;

  let power: Float64Array | null = null;
  let powerExp = 0;
  let base: Float64Array = H;
  let baseExp = 0;
  let e = n;
  while (e > 0) {
    if (e & 1) {
      power = power === null ? base.slice() : multiply(power, base, m);
      powerExp += baseExp;
    }
    e = Math.floor(e / 2);
    if (e > 0) {
      base = multiply(base, base, m);
      baseExp *= 2;
      if (Math.abs(base[(k - 1) * m + (k - 1)]!) > SCALE_UP) {
        for (let i = 0; i < base.length; i++) base[i]! *= SCALE_DOWN;
        baseExp += SCALE_EXP;
      }
    }
  }
  let p = power![(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      powerExp -= SCALE_EXP;
    }
  }
  return clip01(p * Math.pow(2, powerExp));
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l]!;
      if (ail === 0) continue;
      const row = l * m;
      const outRow = i * m;
      for (let j = 0; j < m; j++) out[outRow + j]! += ail * b[row + j]!;
    }
  }
  return out;
}

/**
 * Pelz & Good (1976): the Li-Chien/Korolyuk expansion K0 + K1/√n + K2/n + K3/n^1.5 of P(D_n ≤ x) rewritten
 * with Jacobi theta identities into sums that converge fast for small z = x√n.
 */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  const q = Math.exp(qlog);
  const pi4 = PI2 * PI2;
  const pi6 = pi4 * PI2;
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z4 * z4;
  // Σ over odd m = 2k − 1 of c(m)·q^(m²), by Horner in q^(8k) from the largest k down.
  const maxK = Math.ceil((16 * z) / Math.PI);
  const K = [0, 0, 0, 0];
  for (let kk = maxK; kk >= 1; kk--) {
    const m = 2 * kk - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = Math.pow(q, 8 * kk);
    K[0] = K[0]! * qp + 1;
    K[1] = K[1]! * qp + (k1a + k1b * m2);
    K[2] = K[2]! * qp + (k2a + k2b * m2 + k2c * m4);
    K[3] = K[3]! * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const divisors = [z, 6 * z4, 72 * z4 * z2 * z, 6480 * z6 * z4];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT_2PI) / divisors[i]!;
  // The K2 and K3 terms over all integers k.
  const q2 = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let kk = maxK; kk >= 1; kk--) {
    const k2 = kk * kk;
    const qk = Math.pow(q2, k2);
    k2extra += k2 * qk;
    const kpi = Math.PI * kk;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  K[2] = K[2]! + (k2extra * PI2 * SQRT_2PI) / (-36 * z2 * z);
  K[3] = K[3]! + (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  let total = 0;
  for (let i = 0; i < 4; i++) total += K[i]! / Math.pow(n, i / 2);
  return total;
}

/** n!/nⁿ in logs by Stirling's series with n·log n removed first (it would cancel). */
function logFactorialOverPower(n: number): number {
  const r = 1 / n;
  const r2 = r * r;
  // Bernoulli terms B_2j / (2j(2j−1)) / n^(2j−1), j = 1..8.
  const coeffs = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];
  let poly = 0;
  for (let i = coeffs.length - 1; i >= 0; i--) poly = poly * r2 + coeffs[i]!;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + r * poly;
}

/** P(D_n ≥ x) for the two-sided one-sample KS statistic (scipy.stats.kstwo.sf(x, n)). */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    // Ruben–Gambino: P(D_n ≤ x) = n!/nⁿ (2t − 1)ⁿ for 1/2n ≤ x ≤ 1/n.
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= (i / n) * (2 * t - 1);
    } else cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * Math.pow(1 - x, n));
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip01(1 - durbinCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip01(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}
