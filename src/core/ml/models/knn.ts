// k-nearest neighbours over the dense layout (imputed, standardised, one-hot): brute force, blocked over
// training rows so a block stays in cache while every query row visits it, with a per-row sorted top-k
// (k is small, so insertion beats a heap). Matches scikit-learn's KNeighborsClassifier/Regressor with
// algorithm='brute' when no two neighbours tie on distance.
//
// The fitted model IS its training data: toJSON stores every training row, so a saved kNN model is as large
// as the (preprocessed) data it was fitted on. Past MAX_TRAINING_ROWS rows a seeded subsample is kept
// (recorded as `subsampledFrom` in the saved model) so models and predictions stay bounded.
import { mixSeed, seededRandom } from '../random.js';
import type { DenseMatrix, FitOptions, Labels, ModelFamily, ModelInput, ParamSpec, Params, Predictor, SavedModel } from '../types.js';

/** Training rows kept at most; more are subsampled (seeded) at fit time. */
export const MAX_TRAINING_ROWS = 20_000;

type Weights = 'uniform' | 'distance';
type Metric = 'euclidean' | 'manhattan';

const SPACE: readonly ParamSpec[] = [
  { name: 'neighbours', type: 'int', low: 1, high: 100, log: true, default: 10 },
  { name: 'weights', type: 'categorical', choices: ['uniform', 'distance'], default: 'distance' },
  { name: 'metric', type: 'categorical', choices: ['euclidean', 'manhattan'], default: 'euclidean' },
];

interface KnnState {
  task: Labels['task'];
  /** 0 for regression. */
  classes: number;
  neighbours: number;
  weights: Weights;
  metric: Metric;
  rows: number;
  cols: number;
  /** Row-major training rows. */
  data: Float64Array;
  /** Class codes or regression targets, one per training row. */
  y: Float64Array;
  subsampledFrom: number | null;
}

function readParams(params: Params): { neighbours: number; weights: Weights; metric: Metric } {
  const k = params['neighbours'] ?? 10;
  const w = params['weights'] ?? 'distance';
  const m = params['metric'] ?? 'euclidean';
  if (typeof k !== 'number' || !Number.isFinite(k) || k < 1) throw new Error(`knn: neighbours must be a number ≥ 1, got ${String(k)}`);
  if (w !== 'uniform' && w !== 'distance') throw new Error(`knn: weights must be uniform or distance, got ${String(w)}`);
  if (m !== 'euclidean' && m !== 'manhattan') throw new Error(`knn: metric must be euclidean or manhattan, got ${String(m)}`);
  return { neighbours: Math.round(k), weights: w, metric: m };
}

function denseInput(input: ModelInput): DenseMatrix {
  if (input.layout !== 'dense') throw new Error('knn needs the dense input layout');
  return input;
}

/** Training rows to keep: all of them, or a seeded sample of MAX_TRAINING_ROWS in their original order. */
function keptRows(rows: number, seed: number): Int32Array {
  if (rows <= MAX_TRAINING_ROWS) return Int32Array.from({ length: rows }, (_, i) => i);
  const random = seededRandom(mixSeed(seed, 0x6b6e6e));
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  for (let i = 0; i < MAX_TRAINING_ROWS; i++) {
    const j = i + Math.floor(random() * (rows - i));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order.subarray(0, MAX_TRAINING_ROWS).sort();
}

// Training rows per block: 256 rows × 64 columns × 8 bytes = 128 KiB, about an L2 cache.
const BLOCK_BYTES = 128 * 1024;

/**
 * For every query row, the k nearest training rows (indices and distances, nearest first; ties keep the
 * lower training index). Euclidean candidates come from the faster |a|²+|b|²−2ab expansion, as in
 * scikit-learn, but the k returned distances are summed differences, so identical rows are exactly 0 apart.
 */
export function nearestNeighbours(state: Pick<KnnState, 'rows' | 'cols' | 'data' | 'metric'>, query: DenseMatrix, k: number): { index: Int32Array; distance: Float64Array } {
  const { rows: n, cols: d, data: train, metric } = state;
  const q = query.data;
  const m = query.rows;
  const index = new Int32Array(m * k).fill(-1);
  const distance = new Float64Array(m * k).fill(Infinity);
  const block = Math.max(16, Math.floor(BLOCK_BYTES / (8 * Math.max(1, d))));
  const manhattan = metric === 'manhattan';
  // Each query row's k-th smallest distance so far: most candidates fail this one comparison.
  const kth = new Float64Array(m).fill(Infinity);
  // Per query row: a running sum and the top-k insertion, kept out of the hot loop.
  const offer = (r: number, t: number, s: number): void => {
    const out = r * k;
    if (!(s < distance[out + k - 1]!)) return;
    // Insert into the sorted top-k, shifting larger ones right.
    let p = k - 1;
    while (p > 0 && distance[out + p - 1]! > s) {
      distance[out + p] = distance[out + p - 1]!;
      index[out + p] = index[out + p - 1]!;
      p--;
    }
    distance[out + p] = s;
    index[out + p] = t;
    kth[r] = distance[out + k - 1]!;
  };
  const sparse = sparseRows(train, n, d);
  if (sparse) {
    sparseCandidates(sparse, q, m, d, manhattan, offer, kth);
    exactDistances(train, q, d, k, index, distance, manhattan);
  } else if (!manhattan) {
    // Centred on the training mean (distances unchanged): the expansion's rounding grows with |a|², and
    // unscaled columns far from 0 would otherwise blur which rows are nearest.
    const mean = new Float64Array(d);
    for (let t = 0; t < n; t++) for (let j = 0; j < d; j++) mean[j]! += train[t * d + j]!;
    for (let j = 0; j < d; j++) mean[j]! /= Math.max(1, n);
    const centred = (a: Float64Array): Float64Array => a.map((v, i) => v - mean[i % d]!);
    euclideanCandidates(centred(train), n, centred(q), m, d, block, offer, kth);
    exactEuclidean(train, q, d, k, index, distance);
  } else {
    for (let b0 = 0; b0 < n; b0 += block) {
      const b1 = Math.min(n, b0 + block);
      // Four query rows share each training row's loads.
      let r = 0;
      for (; r + 4 <= m; r += 4) {
        const q0 = r * d;
        const q1 = q0 + d;
        const q2 = q1 + d;
        const q3 = q2 + d;
        for (let t = b0; t < b1; t++) {
          const to = t * d;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          if (manhattan) {
            for (let j = 0; j < d; j++) {
              const v = train[to + j]!;
              s0 += Math.abs(q[q0 + j]! - v);
              s1 += Math.abs(q[q1 + j]! - v);
              s2 += Math.abs(q[q2 + j]! - v);
              s3 += Math.abs(q[q3 + j]! - v);
            }
          } else {
            for (let j = 0; j < d; j++) {
              const v = train[to + j]!;
              const e0 = q[q0 + j]! - v;
              const e1 = q[q1 + j]! - v;
              const e2 = q[q2 + j]! - v;
              const e3 = q[q3 + j]! - v;
              s0 += e0 * e0;
              s1 += e1 * e1;
              s2 += e2 * e2;
              s3 += e3 * e3;
            }
          }
          offer(r, t, s0);
          offer(r + 1, t, s1);
          offer(r + 2, t, s2);
          offer(r + 3, t, s3);
        }
      }
      for (; r < m; r++) {
        const qo = r * d;
        for (let t = b0; t < b1; t++) {
          const to = t * d;
          let s = 0;
          if (manhattan) {
            for (let j = 0; j < d; j++) s += Math.abs(q[qo + j]! - train[to + j]!);
          } else {
            for (let j = 0; j < d; j++) {
              const e = q[qo + j]! - train[to + j]!;
              s += e * e;
            }
          }
          offer(r, t, s);
        }
      }
    }
  }
  if (!manhattan) for (let i = 0; i < distance.length; i++) distance[i] = Math.sqrt(distance[i]!);
  return { index, distance };
}

/**
 * Euclidean candidates by |q|² + |t|² − 2 q·t: a 4 × 4 tile of query and training rows shares its loads
 * (the dot products need one multiply-add per pair and column, the differences three operations). The
 * expansion rounds (identical rows come out ~1e-15 apart, not 0), so exactEuclidean recomputes the chosen.
 */
function euclideanCandidates(train: Float64Array, n: number, q: Float64Array, m: number, d: number, block: number, offer: (r: number, t: number, s: number) => void, kth: Float64Array): void {
  const qn = new Float64Array(m);
  const tn = new Float64Array(n);
  for (let r = 0; r < m; r++) {
    let s = 0;
    for (let j = r * d; j < r * d + d; j++) s += q[j]! * q[j]!;
    qn[r] = s;
  }
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let j = t * d; j < t * d + d; j++) s += train[j]! * train[j]!;
    tn[t] = s;
  }
  const dot = (a: Float64Array, ao: number, b: Float64Array, bo: number): number => {
    let s = 0;
    for (let j = 0; j < d; j++) s += a[ao + j]! * b[bo + j]!;
    return s;
  };
  for (let b0 = 0; b0 < n; b0 += block) {
    const b1 = Math.min(n, b0 + block);
    let r = 0;
    for (; r + 4 <= m; r += 4) {
      const q0 = r * d;
      const q1 = q0 + d;
      const q2 = q1 + d;
      const q3 = q2 + d;
      let t = b0;
      for (; t + 4 <= b1; t += 4) {
        const t0 = t * d;
        const t1 = t0 + d;
        const t2 = t1 + d;
        const t3 = t2 + d;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let j = 0; j < d; j++) {
          const a0 = q[q0 + j]!;
          const a1 = q[q1 + j]!;
          const a2 = q[q2 + j]!;
          const a3 = q[q3 + j]!;
          const c0 = train[t0 + j]!;
          const c1 = train[t1 + j]!;
          const c2 = train[t2 + j]!;
          const c3 = train[t3 + j]!;
          s00 += a0 * c0; s01 += a0 * c1; s02 += a0 * c2; s03 += a0 * c3;
          s10 += a1 * c0; s11 += a1 * c1; s12 += a1 * c2; s13 += a1 * c3;
          s20 += a2 * c0; s21 += a2 * c1; s22 += a2 * c2; s23 += a2 * c3;
          s30 += a3 * c0; s31 += a3 * c1; s32 += a3 * c2; s33 += a3 * c3;
        }
        const n0 = tn[t]!, n1 = tn[t + 1]!, n2 = tn[t + 2]!, n3 = tn[t + 3]!;
        const m0 = qn[r]!, m1 = qn[r + 1]!, m2 = qn[r + 2]!, m3 = qn[r + 3]!;
        const w0 = kth[r]!, w1 = kth[r + 1]!, w2 = kth[r + 2]!, w3 = kth[r + 3]!;
        let v = m0 + n0 - 2 * s00; if (v < w0) offer(r, t, v);
        v = m0 + n1 - 2 * s01; if (v < w0) offer(r, t + 1, v);
        v = m0 + n2 - 2 * s02; if (v < w0) offer(r, t + 2, v);
        v = m0 + n3 - 2 * s03; if (v < w0) offer(r, t + 3, v);
        v = m1 + n0 - 2 * s10; if (v < w1) offer(r + 1, t, v);
        v = m1 + n1 - 2 * s11; if (v < w1) offer(r + 1, t + 1, v);
        v = m1 + n2 - 2 * s12; if (v < w1) offer(r + 1, t + 2, v);
        v = m1 + n3 - 2 * s13; if (v < w1) offer(r + 1, t + 3, v);
        v = m2 + n0 - 2 * s20; if (v < w2) offer(r + 2, t, v);
        v = m2 + n1 - 2 * s21; if (v < w2) offer(r + 2, t + 1, v);
        v = m2 + n2 - 2 * s22; if (v < w2) offer(r + 2, t + 2, v);
        v = m2 + n3 - 2 * s23; if (v < w2) offer(r + 2, t + 3, v);
        v = m3 + n0 - 2 * s30; if (v < w3) offer(r + 3, t, v);
        v = m3 + n1 - 2 * s31; if (v < w3) offer(r + 3, t + 1, v);
        v = m3 + n2 - 2 * s32; if (v < w3) offer(r + 3, t + 2, v);
        v = m3 + n3 - 2 * s33; if (v < w3) offer(r + 3, t + 3, v);
      }
      for (; t < b1; t++) for (let i = 0; i < 4; i++) offer(r + i, t, qn[r + i]! + tn[t]! - 2 * dot(q, (r + i) * d, train, t * d));
    }
    for (; r < m; r++) for (let t = b0; t < b1; t++) offer(r, t, qn[r]! + tn[t]! - 2 * dot(q, r * d, train, t * d));
  }
}

/** Training rows as compressed sparse rows: start (rows + 1), column index and value of each non-zero. */
interface SparseRows {
  rows: number;
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

/**
 * The training rows as sparse rows when under a third of their entries are non-zero (one-hot blocks:
 * birdstrikes has 11 non-zeros in 198 columns); null otherwise.
 */
function sparseRows(train: Float64Array, n: number, d: number): SparseRows | null {
  let nonZero = 0;
  for (let i = 0; i < train.length; i++) if (train[i] !== 0) nonZero++;
  if (nonZero * 3 > train.length) return null;
  const start = new Int32Array(n + 1);
  const index = new Int32Array(nonZero);
  const value = new Float64Array(nonZero);
  let p = 0;
  for (let t = 0; t < n; t++) {
    for (let j = t * d; j < t * d + d; j++) {
      if (train[j] !== 0) {
        index[p] = j - t * d;
        value[p++] = train[j]!;
      }
    }
    start[t + 1] = p;
  }
  return { rows: n, start, index, value };
}

/**
 * Candidates over sparse training rows: a distance is the query's own part (|q|² or |q|₁, as if the training
 * row were all zeros) corrected on the training row's non-zeros only, (q − v)² − q² or |q − v| − |q|, so a
 * pair costs the row's non-zeros, not d. Four query rows are read together, interleaved column by column,
 * so each non-zero's index and value serve all four. The sums round differently from summed differences:
 * exactDistances recomputes the chosen.
 */
function sparseCandidates(train: SparseRows, q: Float64Array, m: number, d: number, manhattan: boolean, offer: (r: number, t: number, s: number) => void, kth: Float64Array): void {
  const { rows: n, start, index, value } = train;
  const four = new Float64Array(4 * d);
  const own = new Float64Array(4);
  for (let r = 0; r < m; r += 4) {
    const rows = Math.min(4, m - r);
    four.fill(0);
    own.fill(0);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < d; j++) {
        const v = q[(r + i) * d + j]!;
        four[j * 4 + i] = v;
        own[i]! += manhattan ? Math.abs(v) : v * v;
      }
    }
    const o0 = own[0]!;
    const o1 = own[1]!;
    const o2 = own[2]!;
    const o3 = own[3]!;
    for (let t = 0; t < n; t++) {
      let s0 = o0;
      let s1 = o1;
      let s2 = o2;
      let s3 = o3;
      const e = start[t + 1]!;
      if (manhattan) {
        for (let p = start[t]!; p < e; p++) {
          const at = index[p]! * 4;
          const v = value[p]!;
          const a0 = four[at]!;
          const a1 = four[at + 1]!;
          const a2 = four[at + 2]!;
          const a3 = four[at + 3]!;
          s0 += Math.abs(a0 - v) - Math.abs(a0);
          s1 += Math.abs(a1 - v) - Math.abs(a1);
          s2 += Math.abs(a2 - v) - Math.abs(a2);
          s3 += Math.abs(a3 - v) - Math.abs(a3);
        }
      } else {
        for (let p = start[t]!; p < e; p++) {
          const at = index[p]! * 4;
          const v = value[p]!;
          // (a − v)² − a² = v·(v − 2a)
          s0 += v * (v - 2 * four[at]!);
          s1 += v * (v - 2 * four[at + 1]!);
          s2 += v * (v - 2 * four[at + 2]!);
          s3 += v * (v - 2 * four[at + 3]!);
        }
      }
      if (s0 < kth[r]!) offer(r, t, s0);
      if (rows > 1 && s1 < kth[r + 1]!) offer(r + 1, t, s1);
      if (rows > 2 && s2 < kth[r + 2]!) offer(r + 2, t, s2);
      if (rows > 3 && s3 < kth[r + 3]!) offer(r + 3, t, s3);
    }
  }
}

/**
 * The chosen neighbours' exact distances (summed squared or absolute differences), re-sorted (ties: lower
 * index first).
 */
function exactDistances(train: Float64Array, q: Float64Array, d: number, k: number, index: Int32Array, distance: Float64Array, manhattan: boolean): void {
  if (!manhattan) {
    exactEuclidean(train, q, d, k, index, distance);
    return;
  }
  const rows = index.length / k;
  const order = new Int32Array(k);
  const exact = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    for (let i = 0; i < k; i++) {
      const t = index[o + i]!;
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.abs(q[r * d + j]! - train[t * d + j]!);
      exact[i] = s;
      order[i] = i;
    }
    order.sort((a, b) => exact[a]! - exact[b]! || index[o + a]! - index[o + b]!);
    const picked = Array.from(order, (i) => index[o + i]!);
    for (let i = 0; i < k; i++) {
      distance[o + i] = exact[order[i]!]!;
      index[o + i] = picked[i]!;
    }
  }
}

/** The chosen neighbours' exact squared distances (summed differences), re-sorted (ties: lower index first). */
function exactEuclidean(train: Float64Array, q: Float64Array, d: number, k: number, index: Int32Array, distance: Float64Array): void {
  const rows = index.length / k;
  const order = new Int32Array(k);
  const exact = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    for (let i = 0; i < k; i++) {
      const t = index[o + i]!;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const e = q[r * d + j]! - train[t * d + j]!;
        s += e * e;
      }
      exact[i] = s;
      order[i] = i;
    }
    order.sort((a, b) => exact[a]! - exact[b]! || index[o + a]! - index[o + b]!);
    const picked = Array.from(order, (i) => index[o + i]!);
    for (let i = 0; i < k; i++) {
      distance[o + i] = exact[order[i]!]!;
      index[o + i] = picked[i]!;
    }
  }
}

function makePredictor(state: KnnState): Predictor {
  return {
    kind: 'knn',
    predict(input: ModelInput): Float64Array {
      const query = denseInput(input);
      if (query.cols !== state.cols) throw new Error(`knn: model has ${state.cols} input columns, input has ${query.cols}`);
      const k = Math.min(state.neighbours, state.rows);
      const { index, distance } = nearestNeighbours(state, query, k);
      const c = state.classes;
      const out = new Float64Array(state.task === 'regression' ? query.rows : query.rows * c);
      const w = new Float64Array(k);
      for (let r = 0; r < query.rows; r++) {
        const o = r * k;
        // scikit-learn's distance weighting: 1/d, except that rows with a neighbour at distance 0 use only
        // those (each with weight 1).
        let exact = false;
        if (state.weights === 'distance') for (let i = 0; i < k; i++) if (distance[o + i] === 0) exact = true;
        let total = 0;
        for (let i = 0; i < k; i++) {
          const dist = distance[o + i]!;
          w[i] = state.weights === 'uniform' ? 1 : exact ? (dist === 0 ? 1 : 0) : 1 / dist;
          total += w[i]!;
        }
        if (state.task === 'regression') {
          let s = 0;
          for (let i = 0; i < k; i++) s += w[i]! * state.y[index[o + i]!]!;
          out[r] = s / total;
        } else {
          for (let i = 0; i < k; i++) out[r * c + state.y[index[o + i]!]!]! += w[i]!;
          for (let j = 0; j < c; j++) out[r * c + j]! /= total;
        }
      }
      return out;
    },
    toJSON(): SavedModel {
      return {
        kind: 'knn',
        version: 1,
        task: state.task,
        classes: state.classes,
        neighbours: state.neighbours,
        weights: state.weights,
        metric: state.metric,
        rows: state.rows,
        cols: state.cols,
        subsampledFrom: state.subsampledFrom,
        data: Array.from(state.data),
        y: Array.from(state.y),
      };
    },
  };
}

export const knn: ModelFamily = {
  kind: 'knn',
  input: 'dense',
  tasks: ['binary', 'multiclass', 'regression'],
  space: SPACE,
  async fit(input: ModelInput, labels: Labels, params: Params, options: FitOptions): Promise<Predictor> {
    const x = denseInput(input);
    if (options.signal?.aborted) throw new Error('knn: fit aborted');
    if (x.rows === 0) throw new Error('knn: no training rows');
    if (labels.y.length !== x.rows) throw new Error(`knn: ${x.rows} rows but ${labels.y.length} labels`);
    const p = readParams(params);
    const keep = keptRows(x.rows, options.seed);
    const d = x.cols;
    const data = new Float64Array(keep.length * d);
    const y = new Float64Array(keep.length);
    for (let i = 0; i < keep.length; i++) {
      const r = keep[i]!;
      data.set(x.data.subarray(r * d, r * d + d), i * d);
      y[i] = labels.y[r]!;
    }
    return makePredictor({
      task: labels.task,
      classes: labels.task === 'regression' ? 0 : labels.classes,
      ...p,
      rows: keep.length,
      cols: d,
      data,
      y,
      subsampledFrom: keep.length < x.rows ? x.rows : null,
    });
  },
  load(saved: SavedModel): Predictor {
    if (saved.kind !== 'knn' || saved.version !== 1) throw new Error(`knn: cannot load a saved ${saved.kind} model version ${saved.version}`);
    const s = saved as unknown as Omit<KnnState, 'data' | 'y'> & { data: number[]; y: number[] };
    return makePredictor({ ...s, data: Float64Array.from(s.data), y: Float64Array.from(s.y) });
  },
};
