// The Compare view's pure parts: which hyperparameters differ between the compared trials, and the
// normalised axes of the parallel-coordinates chart (every parameter and the score mapped onto [0, 1]).
import { formatParam } from '../../src/protocol/experimentReportFormat.js';
import type { ParamValue, Params } from '../../src/protocol/experimentReport.js';

export interface ParamRow {
  param: string;
  /** Display text per entry; null where the entry's model has no such parameter. */
  values: (string | null)[];
  /** True when not every entry has the same value (a missing parameter counts as different). */
  differs: boolean;
}

/** 'model' first, then every parameter of any entry in name order. */
export function paramDiff(entries: readonly { model: string; params: Params }[]): ParamRow[] {
  const names = [...new Set(entries.flatMap((e) => Object.keys(e.params)))].sort();
  const row = (param: string, values: (string | null)[]): ParamRow => ({ param, values, differs: new Set(values).size > 1 });
  return [row('model', entries.map((e) => e.model)), ...names.map((n) => row(n, entries.map((e) => (n in e.params ? formatParam(e.params[n]!) : null))))];
}

export interface Axis {
  name: string;
  /** Numeric axes scale min…max; categorical ones space their sorted values evenly. */
  kind: 'numeric' | 'categorical';
  /** For labels: [min, max] or the categories in axis order. */
  ticks: string[];
}

/**
 * Parallel-coordinates data: one axis per parameter used by any entry, then the score. Each entry maps to
 * a value in [0, 1] per axis, or null where it lacks the parameter. Equal values on an axis sit at 0.5.
 */
export function parallelAxes(entries: readonly { params: Params; score: number | null }[], scoreName: string): { axes: Axis[]; lines: (number | null)[][] } {
  const names = [...new Set(entries.flatMap((e) => Object.keys(e.params)))].sort();
  const columns: { name: string; values: (ParamValue | null)[] }[] = [
    ...names.map((n) => ({ name: n, values: entries.map((e) => (n in e.params ? e.params[n]! : null)) })),
    { name: scoreName, values: entries.map((e) => e.score) },
  ];
  const axes: Axis[] = [];
  const perAxis: (number | null)[][] = [];
  for (const c of columns) {
    const present = c.values.filter((v): v is ParamValue => v !== null);
    const numeric = present.length > 0 && present.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (numeric) {
      const nums = present as number[];
      const lo = Math.min(...nums);
      const hi = Math.max(...nums);
      axes.push({ name: c.name, kind: 'numeric', ticks: [formatParam(lo), formatParam(hi)] });
      perAxis.push(c.values.map((v) => (v === null ? null : hi === lo ? 0.5 : ((v as number) - lo) / (hi - lo))));
    } else {
      const cats = [...new Set(present.map(String))].sort();
      axes.push({ name: c.name, kind: 'categorical', ticks: cats });
      perAxis.push(c.values.map((v) => (v === null ? null : cats.length === 1 ? 0.5 : cats.indexOf(String(v)) / (cats.length - 1))));
    }
  }
  const lines = entries.map((_, i) => perAxis.map((a) => a[i] ?? null));
  return { axes, lines };
}
