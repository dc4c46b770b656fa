// Every metric a sweep can optimise or report, computed from labels and a Predictor's output
// (classification: rows × classes probabilities, row-major; regression: one value per row). Semantics
// follow scikit-learn, so a score here means what a data scientist expects from the same name there.
import { UserError } from '../errors.js';
import type { Labels, MetricName, Task } from './types.js';

export interface MetricInfo {
  /** For people: report headings, progress lines. */
  label: string;
  greaterIsBetter: boolean;
  tasks: readonly Task[];
}

const CLASSIFICATION: readonly Task[] = ['binary', 'multiclass'];
const REGRESSION: readonly Task[] = ['regression'];

export const METRICS: Readonly<Record<MetricName, MetricInfo>> = {
  accuracy: { label: 'Accuracy', greaterIsBetter: true, tasks: CLASSIFICATION },
  balanced_accuracy: { label: 'Balanced accuracy', greaterIsBetter: true, tasks: CLASSIFICATION },
  precision_macro: { label: 'Precision (macro)', greaterIsBetter: true, tasks: CLASSIFICATION },
  recall_macro: { label: 'Recall (macro)', greaterIsBetter: true, tasks: CLASSIFICATION },
  f1_macro: { label: 'F1 (macro)', greaterIsBetter: true, tasks: CLASSIFICATION },
  precision_weighted: { label: 'Precision (weighted)', greaterIsBetter: true, tasks: CLASSIFICATION },
  recall_weighted: { label: 'Recall (weighted)', greaterIsBetter: true, tasks: CLASSIFICATION },
  f1_weighted: { label: 'F1 (weighted)', greaterIsBetter: true, tasks: CLASSIFICATION },
  roc_auc: { label: 'ROC AUC', greaterIsBetter: true, tasks: CLASSIFICATION },
  pr_auc: { label: 'PR AUC (average precision)', greaterIsBetter: true, tasks: CLASSIFICATION },
  log_loss: { label: 'Log loss', greaterIsBetter: false, tasks: CLASSIFICATION },
  rmse: { label: 'RMSE', greaterIsBetter: false, tasks: REGRESSION },
  mae: { label: 'MAE', greaterIsBetter: false, tasks: REGRESSION },
  r2: { label: 'R²', greaterIsBetter: true, tasks: REGRESSION },
  mape: { label: 'MAPE', greaterIsBetter: false, tasks: REGRESSION },
};

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export function metricNamesFor(task: Task): MetricName[] {
  return METRIC_NAMES.filter((name) => METRICS[name].tasks.includes(task));
}

export function defaultMetric(task: Task): MetricName {
  return task === 'binary' ? 'roc_auc' : task === 'multiclass' ? 'accuracy' : 'rmse';
}

/** Higher is better, whatever the metric: what samplers, pruners and ensemble selection compare. */
export function toObjective(name: MetricName, value: number): number {
  return METRICS[name].greaterIsBetter ? value : -value;
}

/** The inverse of toObjective: the metric's own value for display. */
export function fromObjective(name: MetricName, objective: number): number {
  return METRICS[name].greaterIsBetter ? objective : -objective;
}

// Other spellings people type, mostly scikit-learn scorer names (its 'neg_' losses mean the same metric).
const ALIASES: Readonly<Record<string, MetricName>> = {
  acc: 'accuracy',
  auc: 'roc_auc',
  rocauc: 'roc_auc',
  roc_auc_ovr: 'roc_auc',
  roc_auc_score: 'roc_auc',
  prauc: 'pr_auc',
  ap: 'pr_auc',
  average_precision: 'pr_auc',
  average_precision_score: 'pr_auc',
  neg_log_loss: 'log_loss',
  logloss: 'log_loss',
  cross_entropy: 'log_loss',
  root_mean_squared_error: 'rmse',
  neg_root_mean_squared_error: 'rmse',
  mean_absolute_error: 'mae',
  neg_mean_absolute_error: 'mae',
  r2_score: 'r2',
  mean_absolute_percentage_error: 'mape',
  neg_mean_absolute_percentage_error: 'mape',
  balanced_accuracy_score: 'balanced_accuracy',
  accuracy_score: 'accuracy',
};

/**
 * A metric name as a user typed it (case, '-' or ' ' for '_', scikit-learn scorer names, 'auc'), checked
 * against the task when one is given. Throws a UserError naming the valid choices.
 */
export function parseMetricName(text: string, task?: Task): MetricName {
  const key = text.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const name: MetricName | undefined = (METRIC_NAMES as string[]).includes(key) ? (key as MetricName) : ALIASES[key];
  const valid = task === undefined ? METRIC_NAMES : metricNamesFor(task);
  if (name === undefined) {
    const hint = /^(f1|precision|recall)$/.test(key) ? ` (say ${key}_macro or ${key}_weighted)` : '';
    throw new UserError('BAD_ARGUMENT', `Unknown metric '${text}'${hint}. Valid metrics${task === undefined ? '' : ` for a ${task} target`}: ${valid.join(', ')}.`);
  }
  if (task !== undefined && !METRICS[name].tasks.includes(task)) {
    throw new UserError('BAD_ARGUMENT', `Metric '${name}' does not apply to a ${task} target. Valid metrics: ${valid.join(', ')}.`);
  }
  return name;
}

/**
 * The metric's value. NaN when it is undefined for these rows (a prediction is NaN; AUC with a single
 * class present) — the caller treats NaN as a failed score. Wrong lengths or a metric of the other task
 * are bugs and throw.
 */
export function computeMetric(name: MetricName, labels: Labels, predictions: Float64Array): number {
  const info = METRICS[name];
  if (!info.tasks.includes(labels.task)) throw new Error(`Metric ${name} does not apply to a ${labels.task} task`);
  if (labels.task === 'regression') {
    checkLength(predictions, labels.y.length, 1);
    return regressionMetric(name, labels.y, predictions);
  }
  checkLength(predictions, labels.y.length, labels.classes);
  if (hasNaN(predictions)) return NaN;
  return classificationMetric(name, labels.y, labels.classes, predictions);
}

/** Every metric that applies to the task. */
export function metricsFor(task: Task, labels: Labels, predictions: Float64Array): Partial<Record<MetricName, number>> {
  const out: Partial<Record<MetricName, number>> = {};
  for (const name of metricNamesFor(task)) out[name] = computeMetric(name, labels, predictions);
  return out;
}

function checkLength(predictions: Float64Array, rows: number, width: number): void {
  if (predictions.length !== rows * width) {
    throw new Error(`Predictions have ${predictions.length} values; expected ${rows} rows × ${width}`);
  }
}

function hasNaN(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) return true;
  return false;
}

// ---- classification ---------------------------------------------------------------------------------

/** The predicted class of each row: the most probable one, the lowest index on ties (like numpy argmax). */
export function predictedClasses(predictions: Float64Array, rows: number, classes: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let best = 0;
    let bestP = predictions[base] ?? NaN;
    for (let c = 1; c < classes; c++) {
      const p = predictions[base + c] ?? NaN;
      if (p > bestP) {
        best = c;
        bestP = p;
      }
    }
    out[r] = best;
  }
  return out;
}

/** counts[actual][predicted], like scikit-learn's confusion_matrix. */
export function confusionCounts(y: Int32Array, predicted: Int32Array, classes: number): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < y.length; i++) {
    const row = counts[y[i] ?? 0];
    const p = predicted[i] ?? 0;
    if (row !== undefined) row[p] = (row[p] ?? 0) + 1;
  }
  return counts;
}

function classificationMetric(name: MetricName, y: Int32Array, classes: number, predictions: Float64Array): number {
  const rows = y.length;
  if (rows === 0) return NaN;
  switch (name) {
    case 'roc_auc':
      return classes === 2 ? binaryAuc(y, 1, column(predictions, classes, 1)) : meanOverClasses(y, classes, predictions, binaryAuc);
    case 'pr_auc':
      return classes === 2 ? averagePrecision(y, 1, column(predictions, classes, 1)) : meanOverClasses(y, classes, predictions, averagePrecision);
    case 'log_loss':
      return logLoss(y, classes, predictions);
    default:
      return countMetric(name, y, predictedClasses(predictions, rows, classes), classes);
  }
}

function countMetric(name: MetricName, y: Int32Array, predicted: Int32Array, classes: number): number {
  const rows = y.length;
  const truePositive = new Float64Array(classes);
  const support = new Float64Array(classes);
  const predictedCount = new Float64Array(classes);
  for (let i = 0; i < rows; i++) {
    const actual = y[i] ?? 0;
    const guess = predicted[i] ?? 0;
    support[actual] = (support[actual] ?? 0) + 1;
    predictedCount[guess] = (predictedCount[guess] ?? 0) + 1;
    if (actual === guess) truePositive[actual] = (truePositive[actual] ?? 0) + 1;
  }
  if (name === 'accuracy') {
    let correct = 0;
    for (let c = 0; c < classes; c++) correct += truePositive[c] ?? 0;
    return correct / rows;
  }
  if (name === 'balanced_accuracy') {
    // Mean recall over the classes present in y (scikit-learn drops the others).
    let sum = 0;
    let present = 0;
    for (let c = 0; c < classes; c++) {
      const s = support[c] ?? 0;
      if (s > 0) {
        sum += (truePositive[c] ?? 0) / s;
        present++;
      }
    }
    return sum / present;
  }
  const weighted = name.endsWith('_weighted');
  let total = 0;
  let weights = 0;
  for (let c = 0; c < classes; c++) {
    const s = support[c] ?? 0;
    const p = predictedCount[c] ?? 0;
    // Macro averages run over the labels seen in y or in the predictions, as scikit-learn's do.
    if (s === 0 && p === 0) continue;
    const tp = truePositive[c] ?? 0;
    const precision = p > 0 ? tp / p : 0; // zero_division=0
    const recall = s > 0 ? tp / s : 0;
    let value: number;
    if (name.startsWith('precision')) value = precision;
    else if (name.startsWith('recall')) value = recall;
    else value = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    const w = weighted ? s : 1;
    total += w * value;
    weights += w;
  }
  return weights > 0 ? total / weights : 0;
}

function column(predictions: Float64Array, classes: number, c: number): Float64Array {
  const rows = predictions.length / classes;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = predictions[r * classes + c] ?? NaN;
  return out;
}

/** One-vs-rest macro average over the classes that have both positives and negatives in y. */
function meanOverClasses(
  y: Int32Array,
  classes: number,
  predictions: Float64Array,
  score: (y: Int32Array, positive: number, scores: Float64Array) => number,
): number {
  let sum = 0;
  let counted = 0;
  for (let c = 0; c < classes; c++) {
    const value = score(y, c, column(predictions, classes, c));
    if (!Number.isNaN(value)) {
      sum += value;
      counted++;
    }
  }
  return counted > 0 ? sum / counted : NaN;
}

/** Cumulative counts at each distinct score, from the top score down (scikit-learn's _binary_clf_curve). */
export interface ScoreSteps {
  /** Number of distinct scores. */
  count: number;
  /** tps[k] / fps[k]: positives / negatives scoring ≥ thresholds[k]. */
  tps: Float64Array;
  fps: Float64Array;
  thresholds: Float64Array;
}

/**
 * Counts positives ("y === positive") and negatives at or above each distinct score. NaN scores are left
 * out. Sorting the two sides apart with the native numeric sort and merging is several times faster than
 * sorting row indices with a comparator, which matters when ensemble selection scores hundreds of blends.
 */
export function scoreSteps(y: Int32Array, positive: number, scores: Float64Array): ScoreSteps {
  let positives = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === positive) positives++;
  const posAll = new Float64Array(positives);
  const negAll = new Float64Array(y.length - positives);
  let p = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    const v = scores[i] ?? NaN;
    if (Number.isNaN(v)) continue;
    if (y[i] === positive) posAll[p++] = v;
    else negAll[n++] = v;
  }
  const pos = sortNumbers(posAll.subarray(0, p));
  const neg = sortNumbers(negAll.subarray(0, n));
  let i = p - 1;
  let j = n - 1;
  const size = p + n;
  const tps = new Float64Array(size);
  const fps = new Float64Array(size);
  const thresholds = new Float64Array(size);
  let tp = 0;
  let fp = 0;
  let count = 0;
  while (i >= 0 || j >= 0) {
    const a = i >= 0 ? (pos[i] ?? -Infinity) : -Infinity;
    const b = j >= 0 ? (neg[j] ?? -Infinity) : -Infinity;
    const value = i < 0 ? b : j < 0 ? a : a > b ? a : b;
    while (i >= 0 && pos[i] === value) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === value) {
      fp++;
      j--;
    }
    tps[count] = tp;
    fps[count] = fp;
    thresholds[count] = value;
    count++;
  }
  return { count, tps: tps.subarray(0, count), fps: fps.subarray(0, count), thresholds: thresholds.subarray(0, count) };
}

const RADIX_FROM = 2048;
const SIGN = 0x80000000;
/** Radix digits, least significant first: [word (0 = lo, 1 = hi), shift, mask]; 11 + 11 + 10 bits a word. */
const DIGITS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0x7ff],
  [0, 11, 0x7ff],
  [0, 22, 0x3ff],
  [1, 0, 0x7ff],
  [1, 11, 0x7ff],
  [1, 22, 0x3ff],
];

/**
 * Ascending sort of NaN-free numbers, in place (returned for chaining). Large arrays get an LSD radix sort
 * on the IEEE-754 bits (6 passes of 11 bits, passes where every key shares the digit skipped): a few
 * times faster than the built-in comparison sort, which dominated ensemble selection on AUC. -0 sorts just
 * before +0, as the built-in sort puts it.
 */
export function sortNumbers(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_FROM) return values.sort();
  // Keys as (lo, hi) word pairs that compare as unsigned integers in numeric order: flip the sign bit of
  // positives, every bit of negatives.
  let keys: Uint32Array = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let spare: Uint32Array = new Uint32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const hi = keys[2 * i + 1]!;
    if ((hi & SIGN) !== 0) {
      keys[2 * i + 1] = ~hi >>> 0;
      keys[2 * i] = ~keys[2 * i]! >>> 0;
    } else {
      keys[2 * i + 1] = (hi | SIGN) >>> 0;
    }
  }
  const counts = new Uint32Array(1 << 11);
  for (const [word, shift, mask] of DIGITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[2 * i + word]! >>> shift) & mask]!++;
    if (counts[(keys[word]! >>> shift) & mask] === n) continue;
    let total = 0;
    for (let d = 0; d <= mask; d++) {
      const c = counts[d]!;
      counts[d] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const digit = (keys[2 * i + word]! >>> shift) & mask;
      const to = counts[digit]!++;
      spare[2 * to] = keys[2 * i]!;
      spare[2 * to + 1] = keys[2 * i + 1]!;
    }
    [keys, spare] = [spare, keys];
  }
  if (keys.buffer !== values.buffer) new Uint32Array(values.buffer, values.byteOffset, n * 2).set(keys);
  const out = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    const hi = out[2 * i + 1]!;
    if ((hi & SIGN) !== 0) {
      out[2 * i + 1] = (hi & ~SIGN) >>> 0;
    } else {
      out[2 * i + 1] = ~hi >>> 0;
      out[2 * i] = ~out[2 * i]! >>> 0;
    }
  }
  return values;
}

/**
 * Area under the ROC curve of `scores` for "y === positive": the probability that a random positive
 * outranks a random negative, ties counting one half (Mann–Whitney with average ranks). NaN if y holds
 * only one side.
 */
export function binaryAuc(y: Int32Array, positive: number, scores: Float64Array): number {
  const { count, tps, fps } = scoreSteps(y, positive, scores);
  const positives = tps[count - 1] ?? 0;
  const negatives = fps[count - 1] ?? 0;
  if (positives === 0 || negatives === 0) return NaN;
  let pairs = 0; // positive-above-negative pairs, ties as halves
  let tpBefore = 0;
  let fpBefore = 0;
  for (let k = 0; k < count; k++) {
    const tp = tps[k] ?? 0;
    const fp = fps[k] ?? 0;
    // Every negative at this score is outranked by the positives above it and ties with those beside it.
    pairs += (fp - fpBefore) * (tpBefore + 0.5 * (tp - tpBefore));
    tpBefore = tp;
    fpBefore = fp;
  }
  return pairs / (positives * negatives);
}

/**
 * Average precision as scikit-learn computes it: Σ (R_k − R_{k−1}) · P_k over the distinct thresholds
 * from the top score down (no interpolation). NaN if y has no positives.
 */
export function averagePrecision(y: Int32Array, positive: number, scores: Float64Array): number {
  const { count, tps, fps } = scoreSteps(y, positive, scores);
  const positives = tps[count - 1] ?? 0;
  if (positives === 0) return NaN;
  let previousRecall = 0;
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const tp = tps[k] ?? 0;
    const recall = tp / positives;
    sum += (recall - previousRecall) * (tp / (tp + (fps[k] ?? 0)));
    previousRecall = recall;
  }
  return sum;
}

/** Mean negative log-likelihood; probabilities clipped to [ε, 1−ε] and rows renormalised, as in scikit-learn ≥ 1.2. */
function logLoss(y: Int32Array, classes: number, predictions: Float64Array): number {
  const eps = Number.EPSILON;
  let total = 0;
  for (let r = 0; r < y.length; r++) {
    const base = r * classes;
    let rowSum = 0;
    for (let c = 0; c < classes; c++) rowSum += clip(predictions[base + c] ?? 0, eps, 1 - eps);
    const p = clip(predictions[base + (y[r] ?? 0)] ?? 0, eps, 1 - eps) / rowSum;
    total -= Math.log(p);
  }
  return total / y.length;
}

function clip(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

// ---- regression -------------------------------------------------------------------------------------

function regressionMetric(name: MetricName, y: Float64Array, predictions: Float64Array): number {
  const n = y.length;
  if (n === 0) return NaN;
  let absolute = 0;
  let squared = 0;
  let percentage = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] ?? 0;
  mean /= n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const actual = y[i] ?? 0;
    const error = actual - (predictions[i] ?? 0);
    absolute += Math.abs(error);
    squared += error * error;
    // scikit-learn divides by max(|y|, ε) so a zero target gives a huge but finite term.
    percentage += Math.abs(error) / Math.max(Math.abs(actual), Number.EPSILON);
    total += (actual - mean) * (actual - mean);
  }
  switch (name) {
    case 'rmse':
      return Math.sqrt(squared / n);
    case 'mae':
      return absolute / n;
    case 'mape':
      return percentage / n;
    case 'r2':
      // A constant target: scikit-learn reports 1 for a perfect fit, else 0 (force_finite).
      if (total === 0) return squared === 0 ? 1 : 0;
      return 1 - squared / total;
    default:
      throw new Error(`Metric ${name} does not apply to regression`);
  }
}
