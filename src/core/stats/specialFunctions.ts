// Special functions the drift tests need, in plain doubles: log Γ, the regularized incomplete gamma functions
// (chi-square tail probabilities) and the binomial probability mass in Loader's saddle-point form (accurate
// to a few ulps even when n is in the millions, where the naive C(n,k)·p^k·q^(n−k) loses everything).

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EPS = 2.220446049250313e-16;

// Lanczos approximation, g = 7, 9 coefficients (Godfrey's table): ~1e-15 relative over the positive reals.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  // Integers up to 20: the exact factorial, so small-count tests get exact normalisers.
  if (Number.isInteger(x) && x <= 21) return Math.log(FACTORIALS[x - 1]!);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const FACTORIALS: number[] = (() => {
  const f = [1];
  for (let i = 1; i <= 20; i++) f.push(f[i - 1]! * i);
  return f;
})();

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), for a > 0, x ≥ 0: the chi-square survival
 * function is Q(dof / 2, statistic / 2). Series for P when x < a + 1 (then Q = 1 − P), else the continued
 * fraction for Q (modified Lentz), so the tail keeps its relative accuracy down to 1e-300.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return 1 - gammaSeriesP(a, x);
  return gammaContinuedFractionQ(a, x);
}

/** Regularized lower incomplete gamma P(a, x). */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  if (x < a + 1) return gammaSeriesP(a, x);
  return 1 - gammaContinuedFractionQ(a, x);
}

/** e^(−x) x^a / Γ(a), the common prefactor, computed in logs. */
function gammaPrefactor(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - logGamma(a));
}

function gammaSeriesP(a: number, x: number): number {
  // P(a, x) = e^(−x) x^a / Γ(a + 1) · Σ x^k / ((a + 1)…(a + k))
  let term = 1 / a;
  let sum = term;
  for (let k = 1; k < 10_000; k++) {
    term *= x / (a + k);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * gammaPrefactor(a, x);
}

function gammaContinuedFractionQ(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return gammaPrefactor(a, x) * h;
}

/** Chi-square survival function P(X ≥ x) with `dof` degrees of freedom. */
export function chiSquareSf(x: number, dof: number): number {
  if (dof <= 0) return NaN;
  if (!(x > 0)) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}

// --- Binomial mass, Loader (2000) "Fast and accurate computation of binomial probabilities" -------------

/** log(n!) − log(√(2πn) (n/e)^n), the error of Stirling's formula. Exact sums for n ≤ 15. */
function stirlingError(n: number): number {
  if (n <= 15) return STIRLING_ERRORS[n]!;
  const nn = n * n;
  // Asymptotic series 1/12n − 1/360n³ + 1/1260n⁵ − 1/1680n⁷ + 1/1188n⁹: below 1e-17 relative from n = 16.
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / nn) / nn) / nn) / nn) / n;
}

const STIRLING_ERRORS: number[] = (() => {
  const out = [0];
  let logFactorial = 0;
  for (let n = 1; n <= 15; n++) {
    logFactorial += Math.log(n);
    out.push(logFactorial - (n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n)));
  }
  return out;
})();

/** Deviance term x·log(x/m) + m − x, without the cancellation the direct form has when x ≈ m. */
function binomialDeviance(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    const v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    const v2 = v * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * P(X = k) for X ~ Binomial(n, p), with q = 1 − p passed separately so callers that know q more precisely
 * than 1 − p (e.g. (n − j − nx) / n) keep that precision. k and n whole numbers, 0 ≤ k ≤ n.
 */
export function binomialPmf(k: number, n: number, p: number, q: number): number {
  if (p === 0) return k === 0 ? 1 : 0;
  if (q === 0) return k === n ? 1 : 0;
  if (k === 0) {
    if (n === 0) return 1;
    return Math.exp(p < 0.1 ? -binomialDeviance(n, n * q) - n * p : n * Math.log(q));
  }
  if (k === n) return Math.exp(q < 0.1 ? -binomialDeviance(n, n * p) - n * q : n * Math.log(p));
  const lc = stirlingError(n) - stirlingError(k) - stirlingError(n - k) - binomialDeviance(k, n * p) - binomialDeviance(n - k, n * q);
  const lf = Math.log(2 * Math.PI) + Math.log(k) + Math.log1p(-k / n);
  return Math.exp(lc - 0.5 * lf);
}

/** x with P(X ≥ x) = 1 − p for X ~ χ²(dof), by bisection on the survival function (60 halvings: full precision). */
export function chiSquareQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1) || !(dof > 0)) return NaN;
  const tail = 1 - p;
  let lo = 0;
  let hi = Math.max(1, dof);
  while (chiSquareSf(hi, dof) > tail) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareSf(mid, dof) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
