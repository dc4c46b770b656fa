// Two-sample Kolmogorov–Smirnov test, two-sided, agreeing with scipy.stats.ks_2samp(a, b, method='auto'):
// the statistic is the largest gap between the two empirical CDFs (ties handled as scipy does, by
// evaluating both CDFs after every copy of a value); the p-value is exact when both samples have at most
// 10,000 values (the share of lattice paths leaving the band, Hodges 1958), else Smirnov's asymptotic
// distribution: the one-sample two-sided law P(D_m ≥ d) at m = round(n1·n2 / (n1 + n2)).
import { kolmogorovSf } from './kolmogorov.js';

/** scipy's MAX_AUTO_N: above this many values in either sample, method 'auto' is asymptotic. */
export const KS_EXACT_MAX_N = 10_000;

export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** numpy's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Largest |F1 − F2| as the integer max |i·n2 − j·n1| (i, j = values ≤ v in each sorted sample), so the exact
 * path works on whole numbers. Inputs sorted ascending, no NaN.
 */
function largestGap(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let best = 0;
  while (i < n1 || j < n2) {
    const v = i < n1 && (j >= n2 || a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const gap = Math.abs(i * n2 - j * n1);
    if (gap > best) best = gap;
  }
  return best;
}

/** P(D ≥ h/n) for two samples of n each: 2 Σ_k (−1)^(k−1) C(2n, n − kh) / C(2n, n), nested (Horner) so no term cancels. */
function equalSizesSf(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * Share of the monotone lattice paths from (0, 0) to (m, n) that leave the band |i·n/g − j·m/g| < h at
 * some point. Column by column, each cell holds the share of the paths reaching it that have already left
 * (Viehmann 2021, arXiv:2102.08037: recursing on this share, not on counts, needs no huge binomials and
 * does not cancel): a cell inside mixes its two predecessors in proportion to their path counts, i/(i+j)
 * from the left and j/(i+j) from below; a cell outside is 1.
 */
function leaveBandShare(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  const column = new Float64Array(n + 1);
  for (let j = 0; j <= n; j++) column[j] = mg * j < h ? 0 : 1;
  for (let i = 1; i <= m; i++) {
    const lo = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    const hi = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (hi <= lo) return 1;
    let below = lo === 0 ? 0 : 1;
    for (let j = lo; j < hi; j++) {
      below = (column[j]! * i + below * j) / (i + j);
      column[j] = below;
    }
  }
  return column[n]!;
}

/** Two-sided two-sample KS test. `a` and `b` must be sorted ascending, without NaN, and non-empty. */
export function ksTwoSample(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ksTwoSample needs two non-empty samples');
  const gap = largestGap(a, b);
  const statistic = gap / n1 / n2;
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const g = gcd(n1, n2);
    const h = gap / g;
    if (h === 0) return { statistic: 0, pValue: 1, method: 'exact' };
    const p = n1 === n2 ? equalSizesSf(n1, h) : leaveBandShare(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic, pValue: p, method: 'exact' };
  }
  const en = (n1 * n2) / (n1 + n2);
  const p = kolmogorovSf(roundHalfEven(en), statistic);
  return { statistic, pValue: Math.min(1, Math.max(0, p)), method: 'asymptotic' };
}
