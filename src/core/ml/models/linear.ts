// Linear and logistic regression with L1 / L2 / elastic-net penalties over the dense layout (imputed,
// standardised, one-hot). One objective for every case, in scikit-learn's ElasticNet parametrisation:
//
//   classification: (1/n)·Σ logloss_i      + alpha·(l1Ratio·|w|₁ + (1 − l1Ratio)/2·|w|²)
//   regression:     (1/(2n))·Σ residual_i² + alpha·(l1Ratio·|w|₁ + (1 − l1Ratio)/2·|w|²)
//
// with an unpenalised intercept; penalty 'l2' is l1Ratio = 0, 'l1' is l1Ratio = 1, 'none' is alpha = 0.
// scikit-learn equivalents: LogisticRegression(C = 1/(alpha·n)) with the same penalty and l1_ratio
// (multinomial for 3+ classes); Ridge(alpha·n); Lasso(alpha); ElasticNet(alpha, l1_ratio).
//
// Solvers are exact, not "a few epochs": regression with no L1 part is closed-form (Cholesky of the centred
// Gram matrix); with an L1 part, coordinate descent on that Gram matrix. Logistic regression is OWL-QN
// (L-BFGS that handles the L1 term by orthant-wise steps; plain L-BFGS when there is none), run until the
// optimality residual is 1e-6 or the objective plateaus; rows that are mostly 0 (one-hot blocks) are read
// as sparse rows. Binary uses one coefficient row (sigmoid), 3+ classes a softmax row per class.
//
// Split with TensorFlow.js: none of this runs on tfjs. Every backend computes in float32, which stalls these
// solvers around 1e-4 relative accuracy (scikit-learn agreement needs ~1e-6), and at tabular sizes (up to
// ~1e5 rows × a few hundred columns) the float64 loops here are memory-bound and faster than tfjs'
// per-op overhead. The MLP (mlp.ts) is where tfjs does the work.
import type { DenseMatrix, FitOptions, Labels, ModelFamily, ModelInput, ParamSpec, Params, Predictor, SavedModel, Task } from '../types.js';

type Penalty = 'none' | 'l2' | 'l1' | 'elasticnet';
const PENALTIES: readonly Penalty[] = ['none', 'l2', 'l1', 'elasticnet'];

const SPACE: readonly ParamSpec[] = [
  { name: 'penalty', type: 'categorical', choices: ['l2', 'l1', 'elasticnet'], default: 'l2' },
  { name: 'alpha', type: 'float', low: 1e-6, high: 10, log: true, default: 1e-3 },
  { name: 'l1Ratio', type: 'float', low: 0.05, high: 0.95, default: 0.5 },
];

/** Iterations of the logistic solver at budget 1 (it usually stops far earlier, on its tolerance). */
const MAX_ITERATIONS = 1000;
/**
 * Stop when no coordinate of the (pseudo-)gradient of the mean loss exceeds this: 100× tighter than
 * scikit-learn's lbfgs default (tol 1e-4 on the same max-norm), and tight enough for coefficients within
 * 1e-3 of scikit-learn's exact optimum on the reference fixtures.
 */
const GRADIENT_TOLERANCE = 1e-6;
/** Stopped on a plateau or a failed line search, the fit counts as converged within scikit-learn's default tol. */
const LOOSE_TOLERANCE = 1e-4;
const MEMORY = 10;
/** A plateau: over the last PLATEAU_WINDOW steps the objective fell by under PLATEAU_TOLERANCE of itself. */
const PLATEAU_WINDOW = 10;
const PLATEAU_TOLERANCE = 1e-8;

interface LinearState {
  task: Task;
  /** Classes for classification, 0 for regression. */
  classes: number;
  cols: number;
  penalty: Penalty;
  alpha: number;
  l1Ratio: number;
  /** rows × cols, row-major: one row for regression and binary (the positive class), one per class otherwise. */
  coef: Float64Array;
  intercept: Float64Array;
  iterations: number;
  converged: boolean;
}

interface Settings {
  penalty: Penalty;
  /** Effective strengths: l2 = alpha·(1 − l1Ratio), l1 = alpha·l1Ratio. */
  alpha: number;
  l1Ratio: number;
}

function settings(params: Params): Settings {
  const penalty = params.penalty ?? 'l2';
  if (typeof penalty !== 'string' || !(PENALTIES as readonly string[]).includes(penalty)) {
    throw new Error(`linear: penalty must be one of ${PENALTIES.join(', ')}, got ${String(penalty)}`);
  }
  const alpha = params.alpha ?? 1e-3;
  if (typeof alpha !== 'number' || !(alpha >= 0) || !Number.isFinite(alpha)) throw new Error(`linear: alpha must be a number ≥ 0, got ${String(alpha)}`);
  const ratio = params.l1Ratio ?? 0.5;
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1)) throw new Error(`linear: l1Ratio must be in [0, 1], got ${String(ratio)}`);
  const p = penalty as Penalty;
  const l1Ratio = p === 'l2' || p === 'none' ? 0 : p === 'l1' ? 1 : ratio;
  return { penalty: p, alpha: p === 'none' ? 0 : alpha, l1Ratio };
}

function dense(input: ModelInput): DenseMatrix {
  if (input.layout !== 'dense') throw new Error('linear needs the dense input layout');
  return input;
}

async function fit(input: ModelInput, labels: Labels, params: Params, options: FitOptions): Promise<Predictor> {
  const x = dense(input);
  const s = settings(params);
  if (x.rows === 0) throw new Error('linear: no training rows');
  for (let i = 0; i < x.data.length; i++) if (!Number.isFinite(x.data[i]!)) throw new Error('linear: the dense input has a missing or infinite value');
  const budget = Math.min(1, Math.max(options.budget ?? 1, 0));
  const maxIterations = Math.max(50, Math.round(MAX_ITERATIONS * budget));
  let state: LinearState;
  if (labels.task === 'regression') {
    if (labels.y.length !== x.rows) throw new Error(`linear: ${labels.y.length} labels for ${x.rows} rows`);
    state = fitRegression(x, labels.y, s, maxIterations * 10, options.signal);
  } else {
    if (labels.y.length !== x.rows) throw new Error(`linear: ${labels.y.length} labels for ${x.rows} rows`);
    state = fitLogistic(x, labels.y, labels.task, labels.classes, s, maxIterations, options.signal);
  }
  return predictor(state);
}

// ---------------------------------------------------------------------------------------------------------
// Regression

/** Column means, the centred Gram matrix XcᵀXc/n (full, symmetric) and Xcᵀ(y − ȳ)/n. */
function centredGram(x: DenseMatrix, y: Float64Array): { xMean: Float64Array; yMean: number; gram: Float64Array; xty: Float64Array } {
  const { rows: n, cols: d, data } = x;
  const xMean = new Float64Array(d);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) xMean[j]! += data[o + j]!;
    yMean += y[i]!;
  }
  for (let j = 0; j < d; j++) xMean[j]! /= n;
  yMean /= n;
  // Rows are taken four at a time so each Gram entry is loaded and stored once per four rows.
  const gram = new Float64Array(d * d);
  const xty = new Float64Array(d);
  const r0 = new Float64Array(d);
  const r1 = new Float64Array(d);
  const r2 = new Float64Array(d);
  const r3 = new Float64Array(d);
  const rowsOf = [r0, r1, r2, r3];
  const ys = new Float64Array(4);
  for (let i = 0; i < n; i += 4) {
    for (let t = 0; t < 4; t++) {
      const r = rowsOf[t]!;
      if (i + t < n) {
        const o = (i + t) * d;
        for (let j = 0; j < d; j++) r[j] = data[o + j]! - xMean[j]!;
        ys[t] = y[i + t]! - yMean;
      } else {
        r.fill(0);
        ys[t] = 0;
      }
    }
    for (let j = 0; j < d; j++) {
      const v0 = r0[j]!;
      const v1 = r1[j]!;
      const v2 = r2[j]!;
      const v3 = r3[j]!;
      xty[j]! += v0 * ys[0]! + v1 * ys[1]! + v2 * ys[2]! + v3 * ys[3]!;
      const g = j * d;
      for (let k = j; k < d; k++) gram[g + k]! += v0 * r0[k]! + v1 * r1[k]! + v2 * r2[k]! + v3 * r3[k]!;
    }
  }
  for (let j = 0; j < d; j++) {
    xty[j]! /= n;
    for (let k = j; k < d; k++) {
      const v = gram[j * d + k]! / n;
      gram[j * d + k] = v;
      gram[k * d + j] = v;
    }
  }
  return { xMean, yMean, gram, xty };
}

function fitRegression(x: DenseMatrix, y: Float64Array, s: Settings, maxSweeps: number, signal: AbortSignal | undefined): LinearState {
  const d = x.cols;
  const { xMean, yMean, gram, xty } = centredGram(x, y);
  const l1 = s.alpha * s.l1Ratio;
  const l2 = s.alpha * (1 - s.l1Ratio);
  let w: Float64Array;
  let iterations = 1;
  let converged = true;
  if (l1 === 0) {
    w = ridge(gram, xty, d, l2);
  } else {
    // Coordinate descent on ½wᵀGw − cᵀw + l1·|w|₁ + l2/2·|w|², keeping q = Gw up to date (O(d) per update).
    w = new Float64Array(d);
    const q = new Float64Array(d);
    converged = false;
    for (iterations = 1; iterations <= maxSweeps; iterations++) {
      if ((iterations & 63) === 0) signal?.throwIfAborted();
      let maxChange = 0;
      let maxW = 0;
      for (let j = 0; j < d; j++) {
        const gjj = gram[j * d + j]!;
        const old = w[j]!;
        if (gjj === 0) continue;
        const rho = xty[j]! - (q[j]! - gjj * old);
        const next = softThreshold(rho, l1) / (gjj + l2);
        const delta = next - old;
        if (delta !== 0) {
          w[j] = next;
          const g = j * d;
          for (let k = 0; k < d; k++) q[k]! += gram[g + k]! * delta;
        }
        maxChange = Math.max(maxChange, Math.abs(delta));
        maxW = Math.max(maxW, Math.abs(next));
      }
      if (maxChange <= 1e-13 * Math.max(1, maxW)) {
        converged = true;
        break;
      }
    }
  }
  let b = yMean;
  for (let j = 0; j < d; j++) b -= xMean[j]! * w[j]!;
  return { task: 'regression', classes: 0, cols: d, penalty: s.penalty, alpha: s.alpha, l1Ratio: s.l1Ratio, coef: w, intercept: Float64Array.of(b), iterations, converged };
}

/**
 * Solves (G + l2·I)w = c by Cholesky. Without a penalty (or a tiny one) one-hot columns make G singular;
 * a jitter of 1e-10·trace/d, raised until the factorisation succeeds, then picks one of the equally good
 * solutions (the predictions are the same to ~1e-10).
 */
function ridge(gram: Float64Array, c: Float64Array, d: number, l2: number): Float64Array {
  let trace = 0;
  for (let j = 0; j < d; j++) trace += gram[j * d + j]!;
  const base = trace > 0 ? trace / d : 1;
  for (let jitter = l2 > 1e-8 * base ? 0 : 1e-10 * base; ; jitter = jitter === 0 ? 1e-10 * base : jitter * 100) {
    const a = Float64Array.from(gram);
    for (let j = 0; j < d; j++) a[j * d + j]! += l2 + jitter;
    if (cholesky(a, d)) return choleskySolve(a, d, c);
    if (jitter > base) throw new Error('linear: the least-squares system is singular');
  }
}

/** In-place lower Cholesky factor of a (row-major, d × d); false when a is not positive definite. */
function cholesky(a: Float64Array, d: number): boolean {
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j]!;
    for (let k = 0; k < j; k++) diag -= a[j * d + k]! * a[j * d + k]!;
    if (!(diag > 0)) return false;
    const l = Math.sqrt(diag);
    a[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let v = a[i * d + j]!;
      for (let k = 0; k < j; k++) v -= a[i * d + k]! * a[j * d + k]!;
      a[i * d + j] = v / l;
    }
  }
  return true;
}

function choleskySolve(l: Float64Array, d: number, c: Float64Array): Float64Array {
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let v = c[i]!;
    for (let k = 0; k < i; k++) v -= l[i * d + k]! * z[k]!;
    z[i] = v / l[i * d + i]!;
  }
  const w = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let v = z[i]!;
    for (let k = i + 1; k < d; k++) v -= l[k * d + i]! * w[k]!;
    w[i] = v / l[i * d + i]!;
  }
  return w;
}

function softThreshold(v: number, t: number): number {
  return v > t ? v - t : v < -t ? v + t : 0;
}

// ---------------------------------------------------------------------------------------------------------
// Logistic regression

/**
 * The training rows as the logistic solver reads them. One-hot blocks leave most entries 0 (birdstrikes:
 * 11 non-zeros in 198 columns), and every gradient evaluation walks all rows, so when under half the entries
 * are non-zero the rows are kept as compressed sparse rows (start/index/value) and only non-zeros are read.
 */
interface Design {
  rows: number;
  cols: number;
  /** Row-major values when the matrix is mostly non-zero; null when the sparse rows below are used. */
  dense: Float64Array | null;
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

function design(x: DenseMatrix): Design {
  const { rows: n, cols: d, data } = x;
  let nonZero = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) nonZero++;
  if (nonZero > 0.5 * data.length) return { rows: n, cols: d, dense: data, start: new Int32Array(0), index: new Int32Array(0), value: new Float64Array(0) };
  const start = new Int32Array(n + 1);
  const index = new Int32Array(nonZero);
  const value = new Float64Array(nonZero);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const v = data[o + j]!;
      if (v !== 0) {
        index[p] = j;
        value[p++] = v;
      }
    }
    start[i + 1] = p;
  }
  return { rows: n, cols: d, dense: null, start, index, value };
}

/**
 * The smooth part of the logistic objective and its gradient. θ = [W (k × d, row-major), b (k)], k = 1 for
 * binary (sigmoid of the positive class), k = classes otherwise (softmax).
 */
class LogisticLoss {
  readonly k: number;
  readonly size: number;
  private readonly z: Float64Array;

  constructor(
    private readonly x: Design,
    private readonly y: Int32Array,
    classes: number,
    private readonly l2: number,
  ) {
    this.k = classes <= 2 ? 1 : classes;
    this.size = this.k * (x.cols + 1);
    this.z = new Float64Array(this.k);
  }

  /** Returns the objective's smooth part at θ and writes its gradient into `grad`. */
  evaluate(theta: Float64Array, grad: Float64Array): number {
    const { rows: n, cols: d, dense: data, start, index, value } = this.x;
    const { k, z, y } = this;
    const bias = k * d;
    grad.fill(0);
    let loss = 0;
    if (k === 1 && !data) loss = this.sparseBinary(theta, grad);
    else for (let i = 0; i < n; i++) {
      const o = i * d;
      const a = data ? 0 : start[i]!;
      const e = data ? 0 : start[i + 1]!;
      for (let c = 0; c < k; c++) {
        if (data) z[c] = theta[bias + c]! + dotAt(theta, c * d, data, o, d);
        else {
          let s = theta[bias + c]!;
          const w = c * d;
          for (let p = a; p < e; p++) s += theta[w + index[p]!]! * value[p]!;
          z[c] = s;
        }
      }
      const label = y[i]!;
      if (k === 1) {
        const v = z[0]!;
        // log(1 + e^v) − label·v, stable for large |v|.
        loss += (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v))) - (label === 1 ? v : 0);
        z[0] = 1 / (1 + Math.exp(-v)) - (label === 1 ? 1 : 0);
      } else {
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, z[c]!);
        let sum = 0;
        for (let c = 0; c < k; c++) sum += Math.exp(z[c]! - max);
        const lse = max + Math.log(sum);
        loss += lse - z[label]!;
        for (let c = 0; c < k; c++) z[c] = Math.exp(z[c]! - lse) - (c === label ? 1 : 0);
      }
      for (let c = 0; c < k; c++) {
        const r = z[c]!;
        if (r === 0) continue;
        const w = c * d;
        if (data) for (let j = 0; j < d; j++) grad[w + j]! += r * data[o + j]!;
        else for (let p = a; p < e; p++) grad[w + index[p]!]! += r * value[p]!;
        grad[bias + c]! += r;
      }
    }
    const inv = 1 / n;
    loss *= inv;
    for (let j = 0; j < this.size; j++) grad[j]! *= inv;
    if (this.l2 > 0) {
      let sq = 0;
      for (let j = 0; j < bias; j++) {
        sq += theta[j]! * theta[j]!;
        grad[j]! += this.l2 * theta[j]!;
      }
      loss += 0.5 * this.l2 * sq;
    }
    return loss;
  }

  /** The sum of binary log losses over sparse rows (unscaled), its gradient summed into `grad`. */
  private sparseBinary(theta: Float64Array, grad: Float64Array): number {
    const { rows: n, cols: d, start, index, value } = this.x;
    const y = this.y;
    const b = theta[d]!;
    let loss = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const a = start[i]!;
      const e = start[i + 1]!;
      let v = b;
      for (let p = a; p < e; p++) v += theta[index[p]!]! * value[p]!;
      // One exp per row: t = e^(−|v|); log(1 + e^v) = max(v, 0) + log1p(t); sigmoid(v) from t.
      const t = Math.exp(-Math.abs(v));
      const positive = y[i] === 1;
      loss += (v > 0 ? v : 0) + Math.log1p(t) - (positive ? v : 0);
      const r = (v >= 0 ? 1 / (1 + t) : t / (1 + t)) - (positive ? 1 : 0);
      gb += r;
      for (let p = a; p < e; p++) grad[index[p]!]! += r * value[p]!;
    }
    grad[d]! += gb;
    return loss;
  }
}

function fitLogistic(x: DenseMatrix, y: Int32Array, task: Task, classes: number, s: Settings, maxIterations: number, signal: AbortSignal | undefined): LinearState {
  for (let i = 0; i < y.length; i++) if (!(y[i]! >= 0 && y[i]! < classes)) throw new Error(`linear: label ${y[i]} outside 0..${classes - 1}`);
  const loss = new LogisticLoss(design(x), y, classes, s.alpha * (1 - s.l1Ratio));
  const penalised = loss.k * x.cols;
  const { theta, iterations, converged } = owlqn(loss, penalised, s.alpha * s.l1Ratio, maxIterations, signal);
  const coef = theta.slice(0, penalised);
  const intercept = theta.slice(penalised);
  if (loss.k > 1) {
    // Softmax ignores a common shift of the intercepts: report the ones that sum to 0.
    let mean = 0;
    for (const b of intercept) mean += b;
    mean /= intercept.length;
    for (let c = 0; c < intercept.length; c++) intercept[c]! -= mean;
  }
  return { task, classes, cols: x.cols, penalty: s.penalty, alpha: s.alpha, l1Ratio: s.l1Ratio, coef, intercept, iterations, converged };
}

/**
 * OWL-QN (Andrew & Gao, 2007): minimises f(θ) + l1·Σ_{j < penalised} |θ_j| for smooth f. L-BFGS directions
 * from the pseudo-gradient, kept in the orthant the pseudo-gradient points into, with a backtracking line
 * search that projects back onto that orthant (which is how coefficients become exactly 0). With l1 = 0 it
 * is plain L-BFGS with an Armijo line search.
 */
function owlqn(f: LogisticLoss, penalised: number, l1: number, maxIterations: number, signal: AbortSignal | undefined): { theta: Float64Array; iterations: number; converged: boolean } {
  const m = f.size;
  const theta = new Float64Array(m);
  const grad = new Float64Array(m);
  let value = f.evaluate(theta, grad) + l1Norm(theta, penalised, l1);
  const pg = new Float64Array(m);
  const dir = new Float64Array(m);
  const next = new Float64Array(m);
  const nextGrad = new Float64Array(m);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const alphaTmp = new Float64Array(MEMORY);
  let iterations: number;
  let converged = false;
  let stalls = 0;
  // With an L1 part the line search starts from twice the last accepted step (at most 1): where the orthant
  // projection clips the L-BFGS direction, its step 1 keeps being cut 5–9 times, each cut a full evaluation.
  let lastStep = 1;
  const recent = new Float64Array(PLATEAU_WINDOW);
  for (iterations = 1; iterations <= maxIterations; iterations++) {
    if ((iterations & 15) === 0) signal?.throwIfAborted();
    pseudoGradient(theta, grad, penalised, l1, pg);
    if (maxAbs(pg) <= GRADIENT_TOLERANCE) {
      converged = true;
      break;
    }
    // Two-loop recursion: dir = −H·pg.
    for (let j = 0; j < m; j++) dir[j] = -pg[j]!;
    for (let h = sList.length - 1; h >= 0; h--) {
      const a = rhoList[h]! * dot(sList[h]!, dir);
      alphaTmp[h] = a;
      axpy(-a, yList[h]!, dir);
    }
    if (sList.length > 0) {
      const last = sList.length - 1;
      const gamma = dot(sList[last]!, yList[last]!) / dot(yList[last]!, yList[last]!);
      for (let j = 0; j < m; j++) dir[j]! *= gamma;
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(dot(pg, pg)));
      for (let j = 0; j < m; j++) dir[j]! *= scale;
    }
    for (let h = 0; h < sList.length; h++) {
      const b = rhoList[h]! * dot(yList[h]!, dir);
      axpy(alphaTmp[h]! - b, sList[h]!, dir);
    }
    // Keep only the components that descend along the pseudo-gradient.
    for (let j = 0; j < penalised && l1 > 0; j++) if (dir[j]! * pg[j]! >= 0) dir[j] = 0;
    if (!(dot(dir, pg) < 0)) {
      // Not a descent direction (memory went stale): restart from steepest descent.
      sList.length = yList.length = rhoList.length = 0;
      for (let j = 0; j < m; j++) dir[j] = -pg[j]!;
    }
    let step = l1 > 0 ? Math.min(1, 2 * lastStep) : 1;
    let nextValue = Infinity;
    let accepted = false;
    for (let tries = 0; tries < 30; tries++) {
      for (let j = 0; j < m; j++) next[j] = theta[j]! + step * dir[j]!;
      if (l1 > 0) {
        // Project onto the orthant: a coordinate may not cross 0 in this step.
        for (let j = 0; j < penalised; j++) {
          const orthant = theta[j]! !== 0 ? Math.sign(theta[j]!) : -Math.sign(pg[j]!);
          if (Math.sign(next[j]!) !== orthant) next[j] = 0;
        }
      }
      nextValue = f.evaluate(next, nextGrad) + l1Norm(next, penalised, l1);
      let decrease = 0;
      for (let j = 0; j < m; j++) decrease += pg[j]! * (next[j]! - theta[j]!);
      if (nextValue <= value + 1e-4 * decrease) {
        accepted = true;
        lastStep = step;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      // No decrease representable in float64: as close as it gets. Converged if the residual is small.
      converged = maxAbs(pg) <= LOOSE_TOLERANCE;
      break;
    }
    const sv = new Float64Array(m);
    const yv = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      sv[j] = next[j]! - theta[j]!;
      yv[j] = nextGrad[j]! - grad[j]!;
    }
    const sy = dot(sv, yv);
    if (sy > 1e-20) {
      if (sList.length === MEMORY) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
      sList.push(sv);
      yList.push(yv);
      rhoList.push(1 / sy);
    }
    const relative = (value - nextValue) / Math.max(1, Math.abs(value));
    stalls = relative < 1e-15 ? stalls + 1 : 0;
    theta.set(next);
    grad.set(nextGrad);
    value = nextValue;
    // OWL-QN can crawl for hundreds of backtracking steps near the optimum of a weak L1 penalty (one-hot
    // columns that duplicate the intercept hover around 0) without changing any prediction.
    const before = iterations > PLATEAU_WINDOW ? recent[iterations % PLATEAU_WINDOW]! : Infinity;
    recent[iterations % PLATEAU_WINDOW] = value;
    if ((before - value) <= PLATEAU_TOLERANCE * Math.max(1, Math.abs(value))) {
      pseudoGradient(theta, grad, penalised, l1, pg);
      converged = maxAbs(pg) <= LOOSE_TOLERANCE;
      break;
    }
    if (stalls >= 3) {
      // The objective stopped moving: converged, or drifting off to infinity (separable data, no penalty).
      pseudoGradient(theta, grad, penalised, l1, pg);
      converged = maxAbs(pg) <= LOOSE_TOLERANCE;
      break;
    }
  }
  return { theta, iterations: Math.min(iterations, maxIterations), converged };
}

function pseudoGradient(theta: Float64Array, grad: Float64Array, penalised: number, l1: number, out: Float64Array): void {
  for (let j = 0; j < theta.length; j++) {
    const g = grad[j]!;
    if (j >= penalised || l1 === 0) out[j] = g;
    else if (theta[j]! > 0) out[j] = g + l1;
    else if (theta[j]! < 0) out[j] = g - l1;
    else if (g + l1 < 0) out[j] = g + l1;
    else if (g - l1 > 0) out[j] = g - l1;
    else out[j] = 0;
  }
}

function l1Norm(theta: Float64Array, penalised: number, l1: number): number {
  if (l1 === 0) return 0;
  let s = 0;
  for (let j = 0; j < penalised; j++) s += Math.abs(theta[j]!);
  return l1 * s;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let j = 0; j < y.length; j++) y[j]! += a * x[j]!;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

// ---------------------------------------------------------------------------------------------------------
// The fitted model

function predictor(state: LinearState): Predictor {
  const rowsOfCoef = state.intercept.length;
  return {
    kind: 'linear',
    predict(input: ModelInput): Float64Array {
      const x = dense(input);
      if (x.cols !== state.cols) throw new Error(`linear: model has ${state.cols} input columns, input has ${x.cols}`);
      const { rows: n, cols: d, data } = x;
      const z = new Float64Array(rowsOfCoef);
      if (state.task === 'regression') {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = linearScore(state, data, i * d, 0);
        return out;
      }
      const k = state.classes;
      const out = new Float64Array(n * k);
      for (let i = 0; i < n; i++) {
        if (rowsOfCoef === 1) {
          const p = 1 / (1 + Math.exp(-linearScore(state, data, i * d, 0)));
          out[i * k] = 1 - p;
          out[i * k + 1] = p;
          continue;
        }
        let max = -Infinity;
        for (let c = 0; c < k; c++) {
          z[c] = linearScore(state, data, i * d, c);
          max = Math.max(max, z[c]!);
        }
        let sum = 0;
        for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c]! - max);
        for (let c = 0; c < k; c++) out[i * k + c] = z[c]! / sum;
      }
      return out;
    },
    toJSON(): SavedModel {
      const d = state.cols;
      const coef: number[][] = [];
      for (let c = 0; c < rowsOfCoef; c++) coef.push(Array.from(state.coef.subarray(c * d, (c + 1) * d)));
      return {
        kind: 'linear',
        version: 1,
        task: state.task,
        classes: state.classes,
        cols: d,
        penalty: state.penalty,
        alpha: state.alpha,
        l1Ratio: state.l1Ratio,
        coef,
        intercept: Array.from(state.intercept),
        iterations: state.iterations,
        converged: state.converged,
      };
    },
  };
}

function linearScore(state: LinearState, data: Float64Array, offset: number, row: number): number {
  return state.intercept[row]! + dotAt(state.coef, row * state.cols, data, offset, state.cols);
}

/** Σ_j a[ao + j]·b[bo + j] over d terms, with four running sums so the adds do not wait on each other. */
function dotAt(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (const d4 = d - 3; j < d4; j += 4) {
    s0 += a[ao + j]! * b[bo + j]!;
    s1 += a[ao + j + 1]! * b[bo + j + 1]!;
    s2 += a[ao + j + 2]! * b[bo + j + 2]!;
    s3 += a[ao + j + 3]! * b[bo + j + 3]!;
  }
  for (; j < d; j++) s0 += a[ao + j]! * b[bo + j]!;
  return s0 + s1 + (s2 + s3);
}

function load(saved: SavedModel): Predictor {
  if (saved.kind !== 'linear' || saved.version !== 1) throw new Error(`linear: cannot load a saved ${String(saved.kind)} model version ${String(saved.version)}`);
  const task = saved.task;
  if (task !== 'binary' && task !== 'multiclass' && task !== 'regression') throw new Error('linear: saved model has no valid task');
  const cols = Number(saved.cols);
  const coef = saved.coef;
  const intercept = saved.intercept;
  if (!Array.isArray(coef) || !Array.isArray(intercept) || coef.length !== intercept.length || !coef.every((r) => Array.isArray(r) && r.length === cols)) {
    throw new Error('linear: saved coefficients are malformed');
  }
  const flat = new Float64Array(coef.length * cols);
  coef.forEach((r: number[], c) => flat.set(r, c * cols));
  return predictor({
    task,
    classes: Number(saved.classes),
    cols,
    penalty: saved.penalty as Penalty,
    alpha: Number(saved.alpha),
    l1Ratio: Number(saved.l1Ratio),
    coef: flat,
    intercept: Float64Array.from(intercept as number[]),
    iterations: Number(saved.iterations),
    converged: saved.converged === true,
  });
}

export const linear: ModelFamily = {
  kind: 'linear',
  input: 'dense',
  tasks: ['binary', 'multiclass', 'regression'],
  space: SPACE,
  fit,
  load,
};
