// Preprocessing fitted on a fold's training rows only, per input layout, and saved with the model.
// - 'columns' (trees, naive Bayes): numbers as they are, categories as their codes, missing = NaN; nothing
//   is learned from the rows, so no statistic of validation rows can leak in.
// - 'dense' (linear, MLP, kNN), as scikit-learn's SimpleImputer + StandardScaler + OneHotEncoder would do:
//   numeric → median-imputed, then standardised with the mean and population std (ddof 0) of the imputed
//   train values (std 0 → 1), plus a 0/1 "(missing)" column when the train rows had gaps in it;
//   categorical → one-hot over the categories seen in train rows; a category with fewer train rows than
//   minCategoryRows, or beyond the maxOneHot most frequent, shares one "(other)" column; missing → the most frequent train category; a category
//   no train row had → all zeros.
import type { ColumnMatrix, DenseMatrix, FeatureColumn, InputLayout, ModelInput } from './types.js';

export const PREPROCESSOR_VERSION = 1;

export interface PreprocessOptions {
  /** dense: a 0/1 column per numeric feature that had missing values in the train rows (default true). */
  missingIndicators?: boolean;
  /**
   * dense: categories with fewer train rows share the "(other)" column. Default: 0.5% of the train rows,
   * at least 5 and at most 20 (so 300 categories of 600 rows each in 200k rows keep their own columns).
   */
  minCategoryRows?: number;
  /** dense: most one-hot columns a feature gets (its most frequent categories; the rest → "(other)"). Default 100. */
  maxOneHot?: number;
}

type SavedFeature =
  | { name: string; kind: 'numeric'; median: number; mean: number; std: number; indicator: boolean }
  /**
   * slot[code]: the column (within this feature's block) a category's one goes to, -1 for none (never seen
   * in train rows). mode: the code missing values take, -1 when train rows had no value at all.
   */
  | { name: string; kind: 'categorical'; categoryCount: number; mode: number; width: number; slot: number[] };

export type SavedPreprocessor =
  | { version: number; layout: 'columns'; features: { name: string; kind: 'numeric' | 'categorical'; categoryCount: number }[] }
  | { version: number; layout: 'dense'; features: SavedFeature[]; names: string[] };

export interface Preprocessor {
  readonly layout: InputLayout;
  /** Output column names: the feature names for 'columns'; "size", "size (missing)", "colour=red", "colour=(other)" … for 'dense'. */
  readonly names: readonly string[];
  /** For each output column, the index of the input feature it comes from (feature importance groups by it). */
  readonly sources: readonly number[];
  /** The model input for `rows` of `features` (all rows when absent); features as at fit time, same order. */
  transform(features: readonly FeatureColumn[], rows?: Int32Array): ModelInput;
  toJSON(): SavedPreprocessor;
}

function allRows(features: readonly FeatureColumn[]): Int32Array {
  const f = features[0];
  const n = f === undefined ? 0 : f.kind === 'numeric' ? f.values.length : f.codes.length;
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

function checkFeatures(features: readonly FeatureColumn[], expected: readonly { name: string; kind: string; categoryCount?: number }[]): void {
  if (features.length !== expected.length) throw new Error(`Preprocessor fitted on ${expected.length} features, given ${features.length}.`);
  for (let j = 0; j < expected.length; j++) {
    const f = features[j]!;
    const e = expected[j]!;
    if (f.name !== e.name || f.kind !== e.kind) throw new Error(`Preprocessor feature ${j} is ${e.name} (${e.kind}), given ${f.name} (${f.kind}).`);
    if (f.kind === 'categorical' && e.categoryCount !== undefined && f.categories.length !== e.categoryCount) {
      throw new Error(`Preprocessor feature ${f.name} had ${e.categoryCount} categories, given ${f.categories.length}: read new rows onto the training schema.`);
    }
  }
}

/** Median of the finite values of `values` at `rows`; NaN when there is none. Average of the middle two. */
function median(values: Float64Array, rows: Int32Array): number {
  const present = new Float64Array(rows.length);
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = values[rows[i]!]!;
    if (Number.isFinite(v)) present[n++] = v;
  }
  if (n === 0) return NaN;
  const sorted = present.subarray(0, n).sort();
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

function columnsPreprocessor(saved: Extract<SavedPreprocessor, { layout: 'columns' }>): Preprocessor {
  const names = saved.features.map((f) => f.name);
  return {
    layout: 'columns',
    names,
    sources: names.map((_, j) => j),
    transform(features, rows) {
      checkFeatures(features, saved.features);
      const r = rows ?? allRows(features);
      const columns = features.map((f) => {
        const out = new Float64Array(r.length);
        if (f.kind === 'numeric') for (let i = 0; i < r.length; i++) out[i] = f.values[r[i]!]!;
        else
          for (let i = 0; i < r.length; i++) {
            const c = f.codes[r[i]!]!;
            out[i] = c < 0 ? NaN : c;
          }
        return out;
      });
      const matrix: ColumnMatrix = { layout: 'columns', rows: r.length, names: [...names], columns, categoryCounts: saved.features.map((f) => f.categoryCount) };
      return matrix;
    },
    toJSON: () => ({ version: saved.version, layout: 'columns', features: saved.features.map((f) => ({ ...f })) }),
  };
}

function densePreprocessor(saved: Extract<SavedPreprocessor, { layout: 'dense' }>): Preprocessor {
  const sources: number[] = [];
  const offsets: number[] = [];
  let cols = 0;
  saved.features.forEach((f, j) => {
    offsets.push(cols);
    const width = f.kind === 'numeric' ? (f.indicator ? 2 : 1) : f.width;
    for (let k = 0; k < width; k++) sources.push(j);
    cols += width;
  });
  if (cols !== saved.names.length) throw new Error(`Saved preprocessor names ${saved.names.length} columns, its features make ${cols}.`);
  const expected = saved.features.map((f) => (f.kind === 'numeric' ? { name: f.name, kind: f.kind } : { name: f.name, kind: f.kind, categoryCount: f.categoryCount }));
  return {
    layout: 'dense',
    names: saved.names,
    sources,
    transform(features, rows) {
      checkFeatures(features, expected);
      const r = rows ?? allRows(features);
      const n = r.length;
      const data = new Float64Array(n * cols);
      for (let j = 0; j < features.length; j++) {
        const f = features[j]!;
        const s = saved.features[j]!;
        const at = offsets[j]!;
        if (f.kind === 'numeric' && s.kind === 'numeric') {
          const fill = (s.median - s.mean) / s.std;
          for (let i = 0; i < n; i++) {
            const v = f.values[r[i]!]!;
            const base = i * cols + at;
            if (Number.isFinite(v)) data[base] = (v - s.mean) / s.std;
            else {
              data[base] = fill;
              if (s.indicator) data[base + 1] = 1;
            }
          }
        } else if (f.kind === 'categorical' && s.kind === 'categorical') {
          for (let i = 0; i < n; i++) {
            let c = f.codes[r[i]!]!;
            if (c < 0) c = s.mode;
            if (c < 0) continue;
            const slot = s.slot[c] ?? -1;
            if (slot >= 0) data[i * cols + at + slot] = 1;
          }
        }
      }
      const matrix: DenseMatrix = { layout: 'dense', rows: n, cols, names: [...saved.names], data };
      return matrix;
    },
    toJSON: () => ({ version: saved.version, layout: 'dense', features: saved.features.map((f) => (f.kind === 'numeric' ? { ...f } : { ...f, slot: [...f.slot] })), names: [...saved.names] }),
  };
}

function fitDense(features: readonly FeatureColumn[], trainRows: Int32Array, options: PreprocessOptions): Extract<SavedPreprocessor, { layout: 'dense' }> {
  const indicators = options.missingIndicators ?? true;
  const minRows = options.minCategoryRows ?? Math.max(5, Math.min(20, Math.ceil(0.005 * trainRows.length)));
  const maxOneHot = options.maxOneHot ?? 100;
  const saved: SavedFeature[] = [];
  const names: string[] = [];
  for (const f of features) {
    if (f.kind === 'numeric') {
      const med = median(f.values, trainRows);
      const fill = Number.isNaN(med) ? 0 : med;
      let sum = 0;
      let gaps = 0;
      for (let i = 0; i < trainRows.length; i++) {
        const v = f.values[trainRows[i]!]!;
        if (Number.isFinite(v)) sum += v;
        else {
          sum += fill;
          gaps++;
        }
      }
      const n = trainRows.length;
      const mean = n > 0 ? sum / n : 0;
      let squares = 0;
      for (let i = 0; i < n; i++) {
        const v = f.values[trainRows[i]!]!;
        const d = (Number.isFinite(v) ? v : fill) - mean;
        squares += d * d;
      }
      const sd = n > 0 ? Math.sqrt(squares / n) : 0;
      // A constant column (std 0, or lost to rounding) is centred, not blown up.
      const std = sd > 0 && Number.isFinite(sd) ? sd : 1;
      const indicator = indicators && gaps > 0;
      saved.push({ name: f.name, kind: 'numeric', median: fill, mean, std, indicator });
      names.push(f.name);
      if (indicator) names.push(`${f.name} (missing)`);
    } else {
      const k = f.categories.length;
      const counts = new Float64Array(k);
      let gaps = 0;
      for (let i = 0; i < trainRows.length; i++) {
        const c = f.codes[trainRows[i]!]!;
        if (c >= 0 && c < k) counts[c]!++;
        else gaps++;
      }
      // Ties go to the first category in sorted order, as scikit-learn's most_frequent does.
      let mode = -1;
      for (let c = 0; c < k; c++) if (counts[c]! > 0 && (mode < 0 || counts[c]! > counts[mode]!)) mode = c;
      // Imputed gaps count for the mode when rare categories are picked (imputation runs before encoding).
      if (mode >= 0) counts[mode]! += gaps;
      // Own columns: categories with at least minRows train rows, the maxOneHot most frequent of them
      // (ties: lower code first), laid out in category order.
      const frequent: number[] = [];
      for (let c = 0; c < k; c++) if (counts[c]! >= minRows) frequent.push(c);
      if (frequent.length > maxOneHot) {
        frequent.sort((a, b) => counts[b]! - counts[a]! || a - b);
        frequent.length = maxOneHot;
        frequent.sort((a, b) => a - b);
      }
      const slot = new Array<number>(k).fill(-1);
      let width = 0;
      for (const c of frequent) {
        slot[c] = width++;
        names.push(`${f.name}=${f.categories[c]}`);
      }
      let rare = false;
      for (let c = 0; c < k; c++) if (counts[c]! > 0 && slot[c] === -1) rare = true;
      if (rare) {
        for (let c = 0; c < k; c++) if (counts[c]! > 0 && slot[c] === -1) slot[c] = width;
        width++;
        names.push(`${f.name}=(other)`);
      }
      saved.push({ name: f.name, kind: 'categorical', categoryCount: k, mode, width, slot });
    }
  }
  return { version: PREPROCESSOR_VERSION, layout: 'dense', features: saved, names };
}

/** Fits the preprocessing for `layout` on `trainRows` of `features` (see the file comment). */
export function fitPreprocessor(features: readonly FeatureColumn[], trainRows: Int32Array, layout: InputLayout, options: PreprocessOptions = {}): Preprocessor {
  if (layout === 'columns') {
    return columnsPreprocessor({
      version: PREPROCESSOR_VERSION,
      layout: 'columns',
      features: features.map((f) => ({ name: f.name, kind: f.kind, categoryCount: f.kind === 'categorical' ? f.categories.length : 0 })),
    });
  }
  return densePreprocessor(fitDense(features, trainRows, options));
}

/** A preprocessor back from its toJSON() (after a JSON round trip). */
export function loadPreprocessor(json: SavedPreprocessor): Preprocessor {
  if (json.version !== PREPROCESSOR_VERSION) throw new Error(`Saved preprocessing version ${json.version} is not supported (expected ${PREPROCESSOR_VERSION}).`);
  return json.layout === 'columns' ? columnsPreprocessor(json) : densePreprocessor(json);
}
