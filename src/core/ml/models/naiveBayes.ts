// Naive Bayes over the columns layout, classification only: a Gaussian per (class, numeric column), as
// scikit-learn's GaussianNB (variance + varSmoothing × the largest column variance), and smoothed category
// frequencies per (class, categorical column), as CategoricalNB (alpha). The two kinds of column share one
// class prior (the class frequencies), so an all-numeric table gives GaussianNB's probabilities and an
// all-categorical one CategoricalNB's. Missing values (NaN, and ±∞ in numeric columns) are skipped per
// feature, in fit and in predict: a missing cell neither moves a class's statistics nor votes.
import type { ColumnMatrix, FitOptions, Labels, ModelFamily, ModelInput, ParamSpec, Params, Predictor, SavedModel } from '../types.js';

const SPACE: readonly ParamSpec[] = [
  { name: 'varSmoothing', type: 'float', low: 1e-12, high: 1, log: true, default: 1e-9 },
  { name: 'alpha', type: 'float', low: 0.01, high: 10, log: true, default: 1 },
];

interface NaiveBayesState {
  classes: number;
  /** log P(class). */
  logPrior: Float64Array;
  /** Per column: 0 numeric, else the number of categories (as in ColumnMatrix.categoryCounts). */
  categoryCounts: number[];
  /** Numeric column j: mean[j * classes + c], variance (smoothed) the same way. Unused for categorical. */
  mean: Float64Array[];
  variance: Float64Array[];
  /** Categorical column j: logProb[j][c * categories + v] = log P(value v | class c). */
  logProb: Float64Array[];
  varSmoothing: number;
  alpha: number;
}

function positiveParam(params: Params, name: string, fallback: number): number {
  const v = params[name] ?? fallback;
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new Error(`naiveBayes: ${name} must be a number ≥ 0, got ${String(v)}`);
  return v;
}

function columnInput(input: ModelInput): ColumnMatrix {
  if (input.layout !== 'columns') throw new Error('naiveBayes needs the columns input layout');
  return input;
}

function fitState(x: ColumnMatrix, y: Int32Array, classes: number, varSmoothing: number, alpha: number): NaiveBayesState {
  const n = x.rows;
  const classCount = new Float64Array(classes);
  for (let i = 0; i < n; i++) classCount[y[i]!]! += 1;
  // A class absent from these rows (a rare class missing from a fold) gets the lowest finite log prior:
  // log 0 = −∞ would be saved by JSON as null and read back as 0.
  const logPrior = classCount.map((c) => (c > 0 ? Math.log(c / n) : -Number.MAX_VALUE));
  const mean: Float64Array[] = [];
  const variance: Float64Array[] = [];
  const logProb: Float64Array[] = [];
  const empty = new Float64Array(0);
  // GaussianNB's epsilon: varSmoothing × the largest variance of any numeric column (over all classes).
  let largestVariance = 0;
  for (let j = 0; j < x.columns.length; j++) {
    const col = x.columns[j]!;
    const categories = x.categoryCounts[j] ?? 0;
    if (categories > 0) {
      const counts = new Float64Array(classes * categories);
      const seen = new Float64Array(classes);
      for (let i = 0; i < n; i++) {
        const v = col[i]!;
        // Missing, or a code outside the categories known at fit: skipped.
        if (!(v >= 0 && v < categories)) continue;
        const c = y[i]!;
        counts[c * categories + Math.floor(v)]! += 1;
        seen[c]! += 1;
      }
      const lp = new Float64Array(classes * categories);
      for (let c = 0; c < classes; c++) {
        const denominator = Math.log(seen[c]! + alpha * categories);
        for (let v = 0; v < categories; v++) lp[c * categories + v] = Math.log(counts[c * categories + v]! + alpha) - denominator;
      }
      mean.push(empty);
      variance.push(empty);
      logProb.push(lp);
    } else {
      const sum = new Float64Array(classes);
      const seen = new Float64Array(classes);
      let allSum = 0;
      let allSeen = 0;
      for (let i = 0; i < n; i++) {
        const v = col[i]!;
        if (!Number.isFinite(v)) continue;
        sum[y[i]!]! += v;
        seen[y[i]!]! += 1;
        allSum += v;
        allSeen++;
      }
      const mu = new Float64Array(classes);
      for (let c = 0; c < classes; c++) mu[c] = seen[c]! > 0 ? sum[c]! / seen[c]! : 0;
      // Two passes (mean first) for the variances: the one-pass formula loses digits on large values.
      const allMean = allSeen > 0 ? allSum / allSeen : 0;
      const sq = new Float64Array(classes);
      let allSq = 0;
      for (let i = 0; i < n; i++) {
        const v = col[i]!;
        if (!Number.isFinite(v)) continue;
        const dc = v - mu[y[i]!]!;
        sq[y[i]!]! += dc * dc;
        allSq += (v - allMean) * (v - allMean);
      }
      const allVariance = allSeen > 0 ? allSq / allSeen : 0;
      const va = new Float64Array(classes);
      for (let c = 0; c < classes; c++) {
        if (seen[c]! > 0) va[c] = sq[c]! / seen[c]!;
        else {
          // A class with no value in this column: the column's overall Gaussian, so it neither favours nor
          // (almost) rules out that class.
          mu[c] = allMean;
          va[c] = allVariance;
        }
      }
      largestVariance = Math.max(largestVariance, allVariance);
      mean.push(mu);
      variance.push(va);
      logProb.push(empty);
    }
  }
  let epsilon = varSmoothing * largestVariance;
  // All numeric columns constant (or varSmoothing 0) would divide by zero; a small floor keeps it finite.
  if (!(epsilon > 0)) epsilon = (largestVariance || 1) * 1e-12;
  for (let j = 0; j < variance.length; j++) {
    const va = variance[j]!;
    for (let c = 0; c < va.length; c++) va[c]! += epsilon;
  }
  return { classes, logPrior, categoryCounts: x.categoryCounts.slice(), mean, variance, logProb, varSmoothing, alpha };
}

function makePredictor(state: NaiveBayesState): Predictor {
  const k = state.classes;
  return {
    kind: 'naiveBayes',
    predict(input: ModelInput): Float64Array {
      const x = columnInput(input);
      if (x.columns.length !== state.categoryCounts.length) throw new Error(`naiveBayes: model has ${state.categoryCounts.length} columns, input has ${x.columns.length}`);
      const n = x.rows;
      const out = new Float64Array(n * k);
      for (let i = 0; i < n; i++) out.set(state.logPrior, i * k);
      for (let j = 0; j < x.columns.length; j++) {
        const col = x.columns[j]!;
        const categories = state.categoryCounts[j]!;
        if (categories > 0) {
          const lp = state.logProb[j]!;
          for (let i = 0; i < n; i++) {
            const v = col[i]!;
            if (!(v >= 0 && v < categories)) continue;
            const code = Math.floor(v);
            for (let c = 0; c < k; c++) out[i * k + c]! += lp[c * categories + code]!;
          }
        } else {
          const mu = state.mean[j]!;
          const va = state.variance[j]!;
          const logNorm = va.map((s) => -0.5 * Math.log(2 * Math.PI * s));
          for (let i = 0; i < n; i++) {
            const v = col[i]!;
            if (!Number.isFinite(v)) continue;
            for (let c = 0; c < k; c++) {
              const dv = v - mu[c]!;
              out[i * k + c]! += logNorm[c]! - (0.5 * dv * dv) / va[c]!;
            }
          }
        }
      }
      // Softmax of the joint log likelihoods, shifted by the row's maximum so nothing overflows.
      for (let i = 0; i < n; i++) {
        const o = i * k;
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, out[o + c]!);
        // Every class at −∞ (a value beyond what float64 likelihoods can hold): no evidence either way.
        if (!Number.isFinite(max)) {
          out.fill(1 / k, o, o + k);
          continue;
        }
        let total = 0;
        for (let c = 0; c < k; c++) {
          const e = Math.exp(out[o + c]! - max);
          out[o + c] = e;
          total += e;
        }
        for (let c = 0; c < k; c++) out[o + c]! /= total;
      }
      return out;
    },
    toJSON(): SavedModel {
      return {
        kind: 'naiveBayes',
        version: 1,
        classes: state.classes,
        varSmoothing: state.varSmoothing,
        alpha: state.alpha,
        categoryCounts: state.categoryCounts,
        logPrior: Array.from(state.logPrior),
        mean: state.mean.map((a) => Array.from(a)),
        variance: state.variance.map((a) => Array.from(a)),
        logProb: state.logProb.map((a) => Array.from(a)),
      };
    },
  };
}

export const naiveBayes: ModelFamily = {
  kind: 'naiveBayes',
  input: 'columns',
  tasks: ['binary', 'multiclass'],
  space: SPACE,
  async fit(input: ModelInput, labels: Labels, params: Params, options: FitOptions): Promise<Predictor> {
    const x = columnInput(input);
    if (labels.task === 'regression') throw new Error('naiveBayes is for classification only');
    if (options.signal?.aborted) throw new Error('naiveBayes: fit aborted');
    if (x.rows === 0) throw new Error('naiveBayes: no training rows');
    if (labels.y.length !== x.rows) throw new Error(`naiveBayes: ${x.rows} rows but ${labels.y.length} labels`);
    const varSmoothing = positiveParam(params, 'varSmoothing', 1e-9);
    // scikit-learn's floor for alpha: zero would give log(0) for every unseen (class, category).
    const alpha = Math.max(positiveParam(params, 'alpha', 1), 1e-10);
    return makePredictor(fitState(x, labels.y, labels.classes, varSmoothing, alpha));
  },
  load(saved: SavedModel): Predictor {
    if (saved.kind !== 'naiveBayes' || saved.version !== 1) throw new Error(`naiveBayes: cannot load a saved ${saved.kind} model version ${saved.version}`);
    const s = saved as unknown as { classes: number; varSmoothing: number; alpha: number; categoryCounts: number[]; logPrior: number[]; mean: number[][]; variance: number[][]; logProb: number[][] };
    const typed = (a: number[][]): Float64Array[] => a.map((v) => Float64Array.from(v));
    return makePredictor({
      classes: s.classes,
      varSmoothing: s.varSmoothing,
      alpha: s.alpha,
      categoryCounts: s.categoryCounts,
      logPrior: Float64Array.from(s.logPrior),
      mean: typed(s.mean),
      variance: typed(s.variance),
      logProb: typed(s.logProb),
    });
  },
};
