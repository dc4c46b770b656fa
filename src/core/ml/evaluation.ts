// The evaluation artifacts an experiment report stores, from labels and out-of-fold predictions:
// confusion matrix, ROC / precision-recall / calibration curves, regression residuals, and permutation
// feature importance. Everything returned is plain JSON (numbers, arrays, objects) with bounded size.
import { cancelled } from '../errors.js';
import { computeMetric, confusionCounts, predictedClasses, scoreSteps, toObjective } from './metrics.js';
import { mixSeed, seededRandom, shuffleInPlace } from './random.js';
import type { ColumnMatrix, DenseMatrix, Labels, MetricName, ModelInput } from './types.js';

/** Curves are thinned to this many points (endpoints kept) so a report stays small for any row count. */
export const CURVE_POINTS = 200;
export const CALIBRATION_BINS = 10;
export const RESIDUAL_SAMPLE = 500;
export const RESIDUAL_BINS = 20;

export interface ConfusionMatrix {
  /** Class indices in row / column order (map to names with the target's `classes`). */
  classes: number[];
  /** counts[actual][predicted], as scikit-learn's confusion_matrix. */
  counts: number[][];
}

/** threshold: scores ≥ it count as positive; null for the (0, 0) start, which no threshold reaches. */
export interface RocPoint {
  fpr: number;
  tpr: number;
  threshold: number | null;
}

/** From (recall 0, precision 1, threshold null) at the top down to the lowest threshold, recall rising. */
export interface PrPoint {
  recall: number;
  precision: number;
  threshold: number | null;
}

/** One non-empty bin of [0, 1]: mean predicted probability vs the observed share of positives. */
export interface CalibrationBin {
  meanPredicted: number;
  observed: number;
  count: number;
}

/** Curves of one class against the rest (binary: class 1 only). Empty when y lacks positives or negatives. */
export interface ClassCurves {
  positiveClass: number;
  roc: RocPoint[];
  pr: PrPoint[];
  calibration: CalibrationBin[];
}

export interface Residuals {
  rows: number;
  /** An evenly spaced sample of rows (at most RESIDUAL_SAMPLE); residual = actual − predicted. */
  sample: { predicted: number; actual: number; residual: number }[];
  /** Residuals of all rows: counts[i] in [edges[i], edges[i+1]) (the last bin closed). */
  histogram: { edges: number[]; counts: number[] };
  mean: number;
  std: number;
}

export type ClassificationEvaluation = {
  task: 'binary' | 'multiclass';
  confusion: ConfusionMatrix;
  curves: ClassCurves[];
};
export type RegressionEvaluation = { task: 'regression'; residuals: Residuals };
export type Evaluation = ClassificationEvaluation | RegressionEvaluation;

/** Every artifact for the task, from out-of-fold predictions in the Predictor.predict layout. */
export function evaluatePredictions(labels: Labels, predictions: Float64Array): Evaluation {
  if (labels.task === 'regression') return { task: 'regression', residuals: residuals(labels.y, predictions) };
  const { y, classes } = labels;
  if (predictions.length !== y.length * classes) throw new Error(`Predictions have ${predictions.length} values; expected ${y.length} × ${classes}`);
  const positives = classes === 2 ? [1] : Array.from({ length: classes }, (_, c) => c);
  return {
    task: labels.task,
    confusion: confusionMatrix(y, predictions, classes),
    curves: positives.map((c) => classCurves(y, c, classColumn(predictions, classes, c))),
  };
}

export function confusionMatrix(y: Int32Array, predictions: Float64Array, classes: number): ConfusionMatrix {
  return {
    classes: Array.from({ length: classes }, (_, c) => c),
    counts: confusionCounts(y, predictedClasses(predictions, y.length, classes), classes),
  };
}

export function classCurves(y: Int32Array, positive: number, scores: Float64Array): ClassCurves {
  return {
    positiveClass: positive,
    roc: thin(rocCurve(y, positive, scores, true), CURVE_POINTS),
    pr: thin(prCurve(y, positive, scores), CURVE_POINTS),
    calibration: calibrationCurve(y, positive, scores, CALIBRATION_BINS),
  };
}

function classColumn(predictions: Float64Array, classes: number, c: number): Float64Array {
  const rows = predictions.length / classes;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = predictions[r * classes + c] ?? NaN;
  return out;
}

/** Cumulative true / false positives at each distinct score, from the top score down. */
function thresholdCounts(y: Int32Array, positive: number, scores: Float64Array): { tps: number[]; fps: number[]; thresholds: number[] } {
  const steps = scoreSteps(y, positive, scores);
  return { tps: Array.from(steps.tps), fps: Array.from(steps.fps), thresholds: Array.from(steps.thresholds) };
}

/**
 * The ROC curve as scikit-learn's roc_curve: one point per distinct score plus the (0, 0) start; with
 * `dropIntermediate`, points on a straight horizontal or vertical run are dropped (drop_intermediate=True).
 */
export function rocCurve(y: Int32Array, positive: number, scores: Float64Array, dropIntermediate: boolean): RocPoint[] {
  let { tps, fps, thresholds } = thresholdCounts(y, positive, scores);
  const positives = tps[tps.length - 1] ?? 0;
  const negatives = fps[fps.length - 1] ?? 0;
  if (positives === 0 || negatives === 0) return [];
  if (dropIntermediate && tps.length > 2) {
    const keep: number[] = [0];
    for (let k = 1; k < tps.length - 1; k++) {
      const bendT = (tps[k + 1] ?? 0) - 2 * (tps[k] ?? 0) + (tps[k - 1] ?? 0);
      const bendF = (fps[k + 1] ?? 0) - 2 * (fps[k] ?? 0) + (fps[k - 1] ?? 0);
      if (bendT !== 0 || bendF !== 0) keep.push(k);
    }
    keep.push(tps.length - 1);
    tps = keep.map((k) => tps[k] ?? 0);
    fps = keep.map((k) => fps[k] ?? 0);
    thresholds = keep.map((k) => thresholds[k] ?? NaN);
  }
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: null }];
  for (let k = 0; k < tps.length; k++) points.push({ fpr: (fps[k] ?? 0) / negatives, tpr: (tps[k] ?? 0) / positives, threshold: thresholds[k] ?? null });
  return points;
}

/**
 * Precision–recall points as scikit-learn's precision_recall_curve (read backwards): the (recall 0,
 * precision 1) start, then each distinct score from the top down.
 */
export function prCurve(y: Int32Array, positive: number, scores: Float64Array): PrPoint[] {
  const { tps, fps, thresholds } = thresholdCounts(y, positive, scores);
  const positives = tps[tps.length - 1] ?? 0;
  if (positives === 0) return [];
  const points: PrPoint[] = [{ recall: 0, precision: 1, threshold: null }];
  for (let k = 0; k < tps.length; k++) {
    const tp = tps[k] ?? 0;
    points.push({ recall: tp / positives, precision: tp / (tp + (fps[k] ?? 0)), threshold: thresholds[k] ?? null });
  }
  return points;
}

/**
 * Reliability points as scikit-learn's calibration_curve(strategy='uniform'): `bins` equal bins of
 * [0, 1] (right edges inclusive, 0 in the first), empty bins left out.
 */
export function calibrationCurve(y: Int32Array, positive: number, scores: Float64Array, bins: number): CalibrationBin[] {
  const sums = new Float64Array(bins);
  const hits = new Float64Array(bins);
  const counts = new Float64Array(bins);
  const step = 1 / bins;
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i] ?? NaN;
    if (Number.isNaN(p)) continue;
    // Smallest b with p ≤ edge(b + 1), edges computed as numpy's linspace does (b · step).
    let b = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
    while (b > 0 && p <= b * step) b--;
    while (b < bins - 1 && p > (b + 1) * step) b++;
    sums[b] = (sums[b] ?? 0) + p;
    counts[b] = (counts[b] ?? 0) + 1;
    if (y[i] === positive) hits[b] = (hits[b] ?? 0) + 1;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const n = counts[b] ?? 0;
    if (n > 0) out.push({ meanPredicted: (sums[b] ?? 0) / n, observed: (hits[b] ?? 0) / n, count: n });
  }
  return out;
}

/** At most `cap` points, evenly spaced by index, always keeping the first and the last. */
export function thin<T>(points: T[], cap: number): T[] {
  if (points.length <= cap || cap < 2) return points;
  const out: T[] = [];
  let last = -1;
  for (let k = 0; k < cap; k++) {
    const index = Math.round((k * (points.length - 1)) / (cap - 1));
    if (index !== last) {
      const point = points[index];
      if (point !== undefined) out.push(point);
      last = index;
    }
  }
  return out;
}

export function residuals(y: Float64Array, predictions: Float64Array): Residuals {
  const rows = y.length;
  if (predictions.length !== rows) throw new Error(`Predictions have ${predictions.length} values; expected ${rows}`);
  const r = new Float64Array(rows);
  let mean = 0;
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < rows; i++) {
    const v = (y[i] ?? 0) - (predictions[i] ?? 0);
    r[i] = v;
    mean += v;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  mean = rows > 0 ? mean / rows : NaN;
  let variance = 0;
  for (let i = 0; i < rows; i++) variance += ((r[i] ?? 0) - mean) ** 2;
  const std = rows > 0 ? Math.sqrt(variance / rows) : NaN;

  const sample: Residuals['sample'] = [];
  const take = Math.min(rows, RESIDUAL_SAMPLE);
  for (let k = 0; k < take; k++) {
    const i = take === rows ? k : Math.floor((k * rows) / take);
    sample.push({ predicted: predictions[i] ?? NaN, actual: y[i] ?? NaN, residual: r[i] ?? NaN });
  }

  if (rows === 0 || !Number.isFinite(low) || !Number.isFinite(high)) return { rows, sample, histogram: { edges: [], counts: [] }, mean, std };
  const bins = low === high ? 1 : RESIDUAL_BINS;
  const width = low === high ? 1 : (high - low) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, b) => (b === bins ? (low === high ? low + 1 : high) : low + b * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < rows; i++) {
    const v = r[i] ?? NaN;
    if (!Number.isFinite(v)) continue; // a NaN prediction: left out of the histogram, shown in mean/std
    const b = Math.min(bins - 1, Math.floor((v - low) / width));
    counts[b] = (counts[b] ?? 0) + 1;
  }
  return { rows, sample, histogram: { edges, counts }, mean, std };
}

// ---- permutation importance -------------------------------------------------------------------------

/** Input columns that belong to one original feature (e.g. the one-hot columns of a category). */
export interface FeatureGroup {
  name: string;
  columns: number[];
}

export interface FeatureImportance {
  feature: string;
  /** Mean drop of the objective (higher is better) when the feature is shuffled; ≤ 0 means no use. */
  mean: number;
  /** Population standard deviation over the repeats, as scikit-learn reports it. */
  std: number;
}

export interface PermutationOptions {
  /** Shuffles per feature (default 5). */
  repeats?: number;
  seed?: number;
  signal?: AbortSignal;
  /** Default: one group per input column, named after it. See featureGroups for a dense input. */
  groups?: FeatureGroup[];
  /**
   * Score on a seeded sample of at most this many rows (default 10 000; Infinity for all), so the cost —
   * features × repeats predictions — stays bounded on big held-out sets.
   */
  maxRows?: number;
}

/**
 * Groups from a preprocessor's `sources` (the original feature index of each model input column) and the
 * original feature names: "colour=red", "colour=blue" … become one feature "colour".
 */
export function featureGroups(sources: readonly number[], featureNames: readonly string[]): FeatureGroup[] {
  const byFeature = new Map<number, number[]>();
  sources.forEach((feature, column) => {
    const list = byFeature.get(feature);
    if (list === undefined) byFeature.set(feature, [column]);
    else list.push(column);
  });
  return [...byFeature.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([feature, columns]) => ({ name: featureNames[feature] ?? `feature ${feature}`, columns }));
}

/**
 * Permutation feature importance on held-out rows (scikit-learn's permutation_importance): the drop of
 * the metric's objective when one feature's values are shuffled across rows, keeping every other column.
 * A group of columns is shuffled with one permutation, so one-hot columns stay a valid encoding. Sorted
 * by mean drop, largest first. Yields to the event loop between features so a cancel can land.
 */
export async function permutationImportance(
  predict: (input: ModelInput) => Float64Array,
  allInput: ModelInput,
  allLabels: Labels,
  metric: MetricName,
  options: PermutationOptions = {},
): Promise<FeatureImportance[]> {
  const repeats = Math.max(1, Math.floor(options.repeats ?? 5));
  const seed = options.seed ?? 0;
  const width = allInput.layout === 'columns' ? allInput.columns.length : allInput.cols;
  const groups = options.groups ?? allInput.names.map((name, j) => ({ name, columns: [j] }));
  for (const g of groups) {
    for (const c of g.columns) if (!Number.isInteger(c) || c < 0 || c >= width) throw new Error(`Feature group ${g.name} names column ${c} of ${width}`);
  }
  const maxRows = Math.max(1, Math.floor(options.maxRows ?? 10_000));
  const keep = allInput.rows > maxRows ? sampleRows(allInput.rows, maxRows, mixSeed(seed, 0x5a3e)) : undefined;
  const input = keep === undefined ? allInput : selectRows(allInput, keep);
  const labels = keep === undefined ? allLabels : selectLabels(allLabels, keep);
  const score = (x: ModelInput): number => toObjective(metric, computeMetric(metric, labels, predict(x)));
  const baseline = score(input);
  const out: FeatureImportance[] = [];
  const order = new Int32Array(input.rows);
  for (let g = 0; g < groups.length; g++) {
    // A macrotask turn between features lets a cancel arrive (setTimeout: this file is also type-checked for the webviews).
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (options.signal?.aborted === true) throw cancelled();
    const group = groups[g];
    if (group === undefined) continue;
    const next = seededRandom(mixSeed(seed, g + 1));
    const drops: number[] = [];
    for (let k = 0; k < repeats; k++) {
      for (let i = 0; i < order.length; i++) order[i] = i;
      shuffleInPlace(order, next);
      const shuffled = input.layout === 'columns' ? shuffleColumns(input, group.columns, order) : shuffleDense(input, group.columns, order);
      drops.push(baseline - score(shuffled));
    }
    const mean = drops.reduce((a, b) => a + b, 0) / drops.length;
    const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / drops.length);
    out.push({ feature: group.name, mean, std });
  }
  return out
    .map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.mean - a.item.mean || a.index - b.index)
    .map(({ item }) => item);
}

function shuffleColumns(input: ColumnMatrix, columns: number[], order: Int32Array): ColumnMatrix {
  const next = input.columns.slice();
  for (const j of columns) {
    const source = input.columns[j];
    if (source === undefined) continue;
    const moved = new Float64Array(source.length);
    for (let i = 0; i < moved.length; i++) moved[i] = source[order[i] ?? i] ?? NaN;
    next[j] = moved;
  }
  return { ...input, columns: next };
}

function shuffleDense(input: DenseMatrix, columns: number[], order: Int32Array): DenseMatrix {
  const data = input.data.slice();
  const cols = input.cols;
  for (let i = 0; i < input.rows; i++) {
    const from = (order[i] ?? i) * cols;
    const to = i * cols;
    for (const j of columns) data[to + j] = input.data[from + j] ?? NaN;
  }
  return { ...input, data };
}

/** `count` distinct rows of `rows`, seeded, in ascending order. */
function sampleRows(rows: number, count: number, seed: number): Int32Array {
  const all = new Int32Array(rows);
  for (let i = 0; i < rows; i++) all[i] = i;
  shuffleInPlace(all, seededRandom(seed));
  return all.slice(0, count).sort();
}

function selectRows(input: ModelInput, keep: Int32Array): ModelInput {
  if (input.layout === 'columns') {
    const columns = input.columns.map((c) => Float64Array.from(keep, (r) => c[r] ?? NaN));
    return { ...input, rows: keep.length, columns };
  }
  const data = new Float64Array(keep.length * input.cols);
  keep.forEach((r, i) => data.set(input.data.subarray(r * input.cols, (r + 1) * input.cols), i * input.cols));
  return { ...input, rows: keep.length, data };
}

function selectLabels(labels: Labels, keep: Int32Array): Labels {
  if (labels.task === 'regression') return { task: 'regression', y: Float64Array.from(keep, (r) => labels.y[r] ?? NaN) };
  return { task: labels.task, classes: labels.classes, y: Int32Array.from(keep, (r) => labels.y[r] ?? 0) };
}
