// Population stability index: Σ (current − reference) · ln(current / reference) over bins of shares.
// 0 = same mix; by the usual reading < 0.1 stable, 0.1–0.2 moderate, ≥ 0.2 a real shift.
//
// Numeric bins are cut at the reference's deciles (values taken from the sorted reference, so every edge is
// a value the reference holds and heavy ties merge bins instead of leaving empty ones), left-closed:
// (−∞, e1), [e1, e2), …, [ek, +∞). A bin with no rows on one side would make the log infinite: its share is
// floored at PSI_EPSILON (1e-4, i.e. "at most one row in ten thousand"), which caps one empty bin's part near
// share · ln(share / 1e-4) — 0.69 for a 10% bin.
//
// PSI has noise of its own: between two samples of one population it is about χ²(k − 1) · (1/n1 + 1/n2) for
// k bins, so ten bins and a hundred new rows already average 0.09 and pass 0.2 by chance once in fifty.
// psiBinsFor picks the most bins (up to a cap) whose 99.9th null percentile stays at or below the PSI
// threshold: small samples get coarser bins rather than false alarms.

import { chiSquareQuantile } from './specialFunctions.js';

export const PSI_EPSILON = 1e-4;
/** Deciles: ten bins when the values allow. */
export const PSI_NUMERIC_BINS = 10;

export function populationStabilityIndex(reference: readonly number[], current: readonly number[], epsilon = PSI_EPSILON): number {
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i] ?? 0, epsilon);
    const c = Math.max(current[i] ?? 0, epsilon);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/**
 * Bin edges from a sorted sample (ascending, no NaN): the values at ranks ⌊i·n/bins⌋ for i = 1..bins−1,
 * duplicates removed, and none equal to the minimum (the first bin would be empty by construction).
 */
export function quantileEdges(sorted: Float64Array, bins = PSI_NUMERIC_BINS): number[] {
  const n = sorted.length;
  const edges: number[] = [];
  if (n === 0) return edges;
  for (let i = 1; i < bins; i++) {
    const v = sorted[Math.floor((i * n) / bins)]!;
    if (v > sorted[0]! && (edges.length === 0 || v > edges[edges.length - 1]!)) edges.push(v);
  }
  return edges;
}

/** Index of the bin holding x: the number of edges ≤ x (binary search). */
export function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** "(−∞, 3.5)", "[3.5, 7)", "[7, +∞)"; one bin "(all values)" when there are no edges. */
export function binLabels(edges: readonly number[], format: (x: number) => string = formatEdge): string[] {
  if (edges.length === 0) return ['(all values)'];
  const labels = [`(−∞, ${format(edges[0]!)})`];
  for (let i = 1; i < edges.length; i++) labels.push(`[${format(edges[i - 1]!)}, ${format(edges[i]!)})`);
  labels.push(`[${format(edges[edges.length - 1]!)}, +∞)`);
  return labels;
}

function formatEdge(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** The null percentile psiBinsFor keeps under the threshold. */
export const PSI_NOISE_QUANTILE = 0.999;

/**
 * Most bins (2..cap) for samples of n1 and n2 values such that two samples of one population reach `psi`
 * with probability at most 1 − PSI_NOISE_QUANTILE (PSI ≈ χ²(k − 1)·(1/n1 + 1/n2) under no drift).
 */
export function psiBinsFor(n1: number, n2: number, psi: number, cap: number): number {
  if (!(n1 > 0 && n2 > 0)) return Math.max(2, cap);
  const scale = 1 / n1 + 1 / n2;
  for (let k = cap; k > 2; k--) if (chiSquareQuantile(PSI_NOISE_QUANTILE, k - 1) * scale <= psi) return k;
  return 2;
}
