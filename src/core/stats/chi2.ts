// Chi-square test of homogeneity on a contingency table (rows = samples, columns = categories), agreeing
// with scipy.stats.chi2_contingency(table, correction=False): expected counts from the margins,
// statistic Σ (observed − expected)² / expected, dof (rows − 1)(columns − 1), p-value the chi-square tail.
// Cramér's V scales the statistic to 0..1 so large samples do not make a tiny difference look big.
import { chiSquareSf } from './specialFunctions.js';

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  dof: number;
  cramersV: number;
}

/**
 * `table[r][c]` counts. Columns whose total is 0 are left out first (scipy refuses a zero expected count;
 * an empty category carries no evidence either way). With one column or one row left there is nothing to
 * compare: statistic 0, p-value 1, dof 0.
 */
export function chiSquareHomogeneity(table: readonly (readonly number[])[]): ChiSquareResult {
  const rows = table.length;
  const width = Math.max(0, ...table.map((r) => r.length));
  const columnTotals: number[] = [];
  for (let c = 0; c < width; c++) {
    let t = 0;
    for (const r of table) t += r[c] ?? 0;
    columnTotals.push(t);
  }
  const kept = columnTotals.flatMap((t, c) => (t > 0 ? [c] : []));
  const rowTotals = table.map((r) => kept.reduce((a, c) => a + (r[c] ?? 0), 0));
  const keptRows = rowTotals.flatMap((t, r) => (t > 0 ? [r] : []));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const dof = (keptRows.length - 1) * (kept.length - 1);
  if (rows === 0 || dof <= 0 || total === 0) return { statistic: 0, pValue: 1, dof: 0, cramersV: 0 };
  let statistic = 0;
  for (const r of keptRows) {
    for (const c of kept) {
      const expected = (rowTotals[r]! * columnTotals[c]!) / total;
      const d = (table[r]![c] ?? 0) - expected;
      statistic += (d * d) / expected;
    }
  }
  const pValue = chiSquareSf(statistic, dof);
  return { statistic, pValue, dof, cramersV: cramersV(statistic, total, keptRows.length, kept.length) };
}

/** √(χ² / (N · (min(rows, columns) − 1))), as scipy.stats.contingency.association(method='cramer'). */
export function cramersV(statistic: number, total: number, rows: number, columns: number): number {
  const k = Math.min(rows, columns) - 1;
  if (k <= 0 || total <= 0) return 0;
  return Math.sqrt(statistic / (total * k));
}
