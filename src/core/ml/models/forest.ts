// Random forest and extra trees over the columns layout (numeric values, categorical codes, NaN missing),
// for classification (Gini; probabilities = mean of the leaves' class frequencies)
// and regression (squared error; mean of the leaves' means).
//
// Random forest grows each tree on a bootstrap sample with histogram splits: features are quantile-binned
// once (src/core/ml/binning.ts, up to 255 bins plus a missing bin), and a node's best split per candidate
// feature comes from one pass over its rows plus a scan of the bins — the thresholds are the bin edges
// (midpoints between distinct values, as scikit-learn's when a feature has ≤ 255 distinct values).
// Categorical features split into two sets of categories (ordered by mean target for regression and
// binary tasks, which finds the best subset; by code for more classes).
// Extra trees draw one uniform threshold between a candidate feature's minimum and maximum in the node, on
// the raw values (no bins needed: one pass per feature either way); categorical codes are cut as numbers,
// as scikit-learn does with ordinal codes.
//
// Missing values: every split learns where missing rows go (it tries both sides and keeps the better);
// when a node's training rows had none, missing rows follow the larger child.
//
// Saved shape: per tree, parallel arrays in pre-order (a node's left child is the next node):
// feature (−1 = leaf), threshold (x ≤ threshold goes left), missingLeft (0/1), right (index of the right
// child; for a leaf, the leaf's number), `values` (classes numbers per leaf, or one mean), and `sets`
// (random forest, categorical features: per set split, the bitset of the categories going left then the
// bitset of those the node saw; the node's threshold is their offset — unseen ones go where missing do).
import { applyBinning, binUpperBound, fitBinning } from '../binning.js';
import type { FeatureBinning } from '../binning.js';
import { mixSeed, seededRandom } from '../random.js';
import type { ColumnMatrix, FitOptions, Labels, ModelFamily, ModelInput, ModelKind, ParamSpec, Params, Predictor, SavedModel, Task } from '../types.js';

type ForestKind = Extract<ModelKind, 'randomForest' | 'extraTrees'>;

/**
 * Rows a tree is grown on at most (a bootstrap of this size, or this many distinct rows). Fully grown trees
 * have about a leaf per row or two, so without a cap a forest on 1M rows would take minutes and save to
 * hundreds of MB of JSON; past ~50k rows more rows per tree barely change a forest's accuracy.
 */
export const MAX_TREE_ROWS = 50_000;

interface ForestParams {
  trees: number;
  /** 0 = no limit. */
  maxDepth: number;
  minSamplesLeaf: number;
  /** Candidate features per split. */
  maxFeatures: number;
  bootstrap: boolean;
}

/** A fitted tree: see the saved shape at the top of this file. */
interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  missingLeft: Uint8Array;
  right: Int32Array;
  values: Float64Array;
  /**
   * Random forest, categorical features: the bins going left, as bitsets of ceil(bins / 32) 32-bit words
   * each; such a node's threshold is the offset of its bitset here.
   */
  sets: Uint32Array;
}

interface ForestState {
  kind: ForestKind;
  task: Task;
  /** 0 for regression. */
  classes: number;
  features: number;
  /**
   * Per feature, how its raw value is read at predict time: null = as is; for a categorical feature whose
   * rare codes share a bin, binOfCode (the tree thresholds are then in bin units).
   */
  codeBins: (number[] | null)[];
  /** Per feature: its category count (0 numeric); codes outside 0..count-1 are read as missing. */
  categoryCounts: number[];
  /**
   * Random forest, per categorical feature: 32-bit words per bitset (0 for features cut by threshold). A
   * set split's node points at two bitsets: the bins going left, then the bins the node saw in training.
   */
  setWords: number[];
  params: ForestParams;
  trees: Tree[];
}

const MAX_FEATURES_CHOICES = ['auto', 'sqrt', 'log2', 0.3, 0.5, 0.7, 1] as const;

function space(kind: ForestKind): ParamSpec[] {
  return [
    { name: 'trees', type: 'int', low: 20, high: 500, log: true, default: 100 },
    // 0 = grow until leaves are pure or minSamplesLeaf stops them.
    { name: 'maxDepth', type: 'categorical', choices: [0, 6, 10, 16, 24], default: 0 },
    { name: 'minSamplesLeaf', type: 'int', low: 1, high: 32, log: true, default: 1 },
    // 'auto' = scikit-learn's defaults: sqrt for classification, all features for regression.
    { name: 'maxFeatures', type: 'categorical', choices: MAX_FEATURES_CHOICES, default: 'auto' },
    ...(kind === 'randomForest' ? [{ name: 'bootstrap', type: 'categorical' as const, choices: [true, false], default: true }] : []),
  ];
}

function readParams(kind: ForestKind, params: Params, task: Task, features: number, budget: number): ForestParams {
  const num = (name: string, fallback: number, low: number): number => {
    const v = params[name] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < low) throw new Error(`${kind}: ${name} must be a number ≥ ${low}, got ${String(v)}`);
    return Math.round(v);
  };
  const trees = num('trees', 100, 1);
  const mf = params['maxFeatures'] ?? 'auto';
  let maxFeatures: number;
  if (mf === 'auto') maxFeatures = task === 'regression' ? features : Math.sqrt(features);
  else if (mf === 'sqrt') maxFeatures = Math.sqrt(features);
  else if (mf === 'log2') maxFeatures = Math.log2(features);
  else if (typeof mf === 'number' && mf > 0 && mf <= 1) maxFeatures = mf * features;
  else if (typeof mf === 'number' && mf > 1 && Number.isInteger(mf)) maxFeatures = mf;
  else throw new Error(`${kind}: maxFeatures must be auto, sqrt, log2, a fraction in (0, 1] or a count, got ${String(mf)}`);
  const bootstrap = params['bootstrap'] ?? kind === 'randomForest';
  if (typeof bootstrap !== 'boolean') throw new Error(`${kind}: bootstrap must be true or false, got ${String(bootstrap)}`);
  return {
    // The successive-halving budget scales the number of trees.
    trees: Math.max(1, Math.round(trees * Math.min(1, Math.max(0, budget)))),
    maxDepth: num('maxDepth', 0, 0),
    minSamplesLeaf: num('minSamplesLeaf', 1, 1),
    maxFeatures: Math.min(features, Math.max(1, Math.floor(maxFeatures))),
    bootstrap,
  };
}

function columnInput(kind: string, input: ModelInput): ColumnMatrix {
  if (input.layout !== 'columns') throw new Error(`${kind} needs the columns input layout`);
  return input;
}

/** Everything a tree builder reads; one per forest fit, shared by its trees (built one after another). */
interface Builder {
  kind: ForestKind;
  x: ColumnMatrix;
  /** Random forest only: column-major bins and each feature's bin count (missing bin last). */
  bins: Uint8Array | null;
  binCounts: Int32Array | null;
  binnings: FeatureBinning[] | null;
  yClass: Int32Array | null;
  yValue: Float64Array | null;
  /**
   * Node statistics are `width` numbers: for classification the class counts then the row count; for
   * regression the sum of targets then the row count. Both criteria reduce to Σ stat²/count: maximising it
   * over left + right minimises the children's Gini impurity (or squared error) weighted by their size.
   */
  width: number;
  params: ForestParams;
}

interface Split {
  gain: number;
  feature: number;
  /** Random forest: the last bin going left; extra trees: the raw threshold. */
  cut: number;
  missingLeft: boolean;
  /** The left child's statistics (missing rows included when they go left). */
  leftStats: Float64Array;
  /** Training rows in the node missing this feature. */
  missingCount: number;
  /** Random forest, categorical feature: the bins going left (the first setSize), else setSize = 0. */
  set: Int32Array;
  setSize: number;
}

function addRow(b: Builder, stats: Float64Array, at: number, row: number): void {
  if (b.yClass) stats[at + b.yClass[row]!]! += 1;
  else stats[at]! += b.yValue![row]!;
  stats[at + b.width - 1]! += 1;
}

/** Scratch buffers for one tree: sized once, reused by every node. */
interface Scratch {
  hist: Float64Array;
  left: Float64Array;
  missing: Float64Array;
  node: Float64Array;
  best: Split;
  order: Int32Array;
  /** The node's targets (class codes or values) in row order, gathered once and read by every feature. */
  nodeClass: Int32Array;
  nodeValue: Float64Array;
  /** Extra trees: the node's values of the feature being tried. */
  xs: Float64Array;
  /** Random forest, categorical features: the node's non-empty bins in split order, and their sort keys. */
  binOrder: Int32Array;
  binKey: Float64Array;
}

/**
 * Tries splitting at "left | the rest" with missing rows on either side (missing rows on the left only when
 * there are some); keeps the better in scratch.best if it beats it. `left` holds the non-missing left part.
 */
function consider(s: Scratch, width: number, feature: number, cut: number, minLeaf: number): void {
  const { left, missing, node } = s;
  const c = width - 1;
  const leftCount = left[c]!;
  const missingCount = missing[c]!;
  const total = node[c]!;
  let nl = leftCount;
  let nr = total - leftCount;
  if (nl >= minLeaf && nr >= minLeaf) {
    let a = 0;
    let b = 0;
    for (let k = 0; k < c; k++) {
      const l = left[k]!;
      const r = node[k]! - l;
      a += l * l;
      b += r * r;
    }
    const gain = a / nl + b / nr;
    if (gain > s.best.gain) {
      s.best.gain = gain;
      s.best.feature = feature;
      s.best.cut = cut;
      s.best.missingLeft = false;
      s.best.missingCount = missingCount;
      s.best.setSize = 0;
      for (let k = 0; k < width; k++) s.best.leftStats[k] = left[k]!;
    }
  }
  if (missingCount === 0) return;
  nl = leftCount + missingCount;
  nr = total - nl;
  if (nl >= minLeaf && nr >= minLeaf) {
    let a = 0;
    let b = 0;
    for (let k = 0; k < c; k++) {
      const l = left[k]! + missing[k]!;
      const r = node[k]! - l;
      a += l * l;
      b += r * r;
    }
    const gain = a / nl + b / nr;
    if (gain > s.best.gain) {
      s.best.gain = gain;
      s.best.feature = feature;
      s.best.cut = cut;
      s.best.missingLeft = true;
      s.best.missingCount = missingCount;
      s.best.setSize = 0;
      for (let k = 0; k < width; k++) s.best.leftStats[k] = left[k]! + missing[k]!;
    }
  }
}

/** Random forest: the best bin edge of feature f over rows[start, end). Returns false if f is constant here. */
function bestBinSplit(b: Builder, s: Scratch, rows: Int32Array, start: number, end: number, f: number): boolean {
  const n = b.x.rows;
  const width = b.width;
  const bins = b.bins!;
  const missingBin = b.binCounts![f]! - 1;
  // The histogram is all zeros between calls: each call clears the bins it touched.
  const hist = s.hist;
  let lo = 255;
  let hi = 0;
  const base = f * n;
  const yc = b.yClass !== null;
  const c = width - 1;
  const ys = s.nodeClass;
  const vs = s.nodeValue;
  for (let i = start; i < end; i++) {
    const bin = bins[base + rows[i]!]!;
    const at = bin * width;
    if (yc) hist[at + ys[i - start]!]! += 1;
    else hist[at]! += vs[i - start]!;
    hist[at + c]! += 1;
    if (bin !== missingBin) {
      if (bin < lo) lo = bin;
      if (bin > hi) hi = bin;
    }
  }
  const missingAt = missingBin * width;
  for (let k = 0; k < width; k++) {
    s.missing[k] = hist[missingAt + k]!;
    hist[missingAt + k] = 0;
  }
  const hasMissing = s.missing[c]! > 0;
  const usable = lo < hi || (lo === hi && hasMissing);
  const left = s.left;
  left.fill(0);
  if (b.binnings![f]!.kind === 'categorical') {
    categoricalSplit(b, s, f, lo, hi, hasMissing, usable);
    return usable;
  }
  for (let bin = lo; bin <= hi; bin++) {
    const at = bin * width;
    if (hist[at + c] === 0) continue;
    for (let k = 0; k < width; k++) {
      left[k]! += hist[at + k]!;
      hist[at + k] = 0;
    }
    // Only bins holding rows are worth a split (the rows on each side are the same up to the next one);
    // the last value bin is a split only when missing rows exist: values | missing.
    if (usable && (bin < hi || hasMissing)) consider(s, width, f, bin, b.params.minSamplesLeaf);
  }
  return usable;
}

/** Rows per category, on average, a node needs before its categories are ordered by mean target. */
const MIN_ROWS_PER_CATEGORY = 10;

/**
 * Random forest, categorical feature: the best split of its categories into two sets. For regression and
 * binary classification, sorting the categories by mean target (share of class 1) and cutting that order
 * finds the best of all 2^k subsets (Breiman et al., 1984); for more classes, or too few rows per
 * category, the code order is cut, as for a numeric feature. Clears the histogram bins lo..hi.
 */
function categoricalSplit(b: Builder, s: Scratch, f: number, lo: number, hi: number, hasMissing: boolean, usable: boolean): void {
  const { hist, binOrder, binKey, left } = s;
  const width = b.width;
  const c = width - 1;
  let m = 0;
  for (let bin = lo; bin <= hi; bin++) if (hist[bin * width + c]! > 0) binOrder[m++] = bin;
  // Sorting by mean target picks the best of all subsets, which is also the best way to fit noise: with
  // few rows per category (an ID-like column, or a deep node) it would win every split and generalise
  // like a lookup table. So only categories averaging MIN_ROWS_PER_CATEGORY rows here are sorted.
  const sortByTarget = (b.yClass === null || c === 2) && s.node[c]! >= MIN_ROWS_PER_CATEGORY * m;
  for (let p = 0; p < m; p++) {
    const bin = binOrder[p]!;
    binKey[bin] = sortByTarget ? hist[bin * width + (b.yClass === null ? 0 : 1)]! / hist[bin * width + c]! : bin;
  }
  const order = binOrder.subarray(0, m);
  if (sortByTarget) order.sort((x, y) => binKey[x]! - binKey[y]! || x - y);
  const before = s.best.gain;
  for (let p = 0; p < m; p++) {
    const at = order[p]! * width;
    for (let k = 0; k < width; k++) left[k]! += hist[at + k]!;
    // The cut is the position in this order; the set of bins is copied below if this feature wins.
    if (usable && (p < m - 1 || hasMissing)) consider(s, width, f, p, b.params.minSamplesLeaf);
  }
  for (let p = 0; p < m; p++) hist.fill(0, order[p]! * width, order[p]! * width + width);
  if (s.best.gain > before && s.best.feature === f) {
    s.best.setSize = s.best.cut + 1;
    s.best.set.set(order.subarray(0, s.best.setSize));
  }
}

/** Extra trees: one random threshold for feature f over rows[start, end). Returns false if f is constant here. */
function randomSplit(b: Builder, s: Scratch, rows: Int32Array, start: number, end: number, f: number, random: () => number): boolean {
  const col = b.x.columns[f]!;
  const c = b.width - 1;
  const xs = s.xs;
  const m = end - start;
  // NaN fails both comparisons, so missing values need no branch here.
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < m; k++) {
    const v = col[rows[start + k]!]!;
    xs[k] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return false;
  if (min === max) {
    // One value: usable only as "value | missing".
    let missingRows = 0;
    for (let k = 0; k < m; k++) if (xs[k] !== xs[k]) missingRows++;
    if (missingRows === 0) return false;
  }
  let threshold = max;
  if (min < max) {
    threshold = min + random() * (max - min);
    // Rounding can land on max, which would send every row left.
    if (threshold >= max) threshold = min;
    // An infinite minimum makes the draw NaN (JSON would save it as null): cut just above it instead.
    if (Number.isNaN(threshold)) threshold = -Number.MAX_VALUE;
  }
  const { left, missing } = s;
  left.fill(0);
  missing.fill(0);
  if (b.yClass) {
    const ys = s.nodeClass;
    let nl = 0;
    let nm = 0;
    for (let k = 0; k < m; k++) {
      const v = xs[k]!;
      if (v <= threshold) {
        left[ys[k]!]! += 1;
        nl++;
      } else if (v !== v) {
        missing[ys[k]!]! += 1;
        nm++;
      }
    }
    left[c] = nl;
    missing[c] = nm;
  } else {
    // Sums in locals: the typed-array stores of the generic path cost more than the compares.
    const ys = s.nodeValue;
    let sl = 0;
    let nl = 0;
    let sm = 0;
    let nm = 0;
    for (let k = 0; k < m; k++) {
      const v = xs[k]!;
      if (v <= threshold) {
        sl += ys[k]!;
        nl++;
      } else if (v !== v) {
        sm += ys[k]!;
        nm++;
      }
    }
    left[0] = sl;
    left[1] = nl;
    missing[0] = sm;
    missing[1] = nm;
  }
  consider(s, b.width, f, threshold, b.params.minSamplesLeaf);
  return true;
}

/** x rounded to 7 significant decimal digits, by arithmetic (toPrecision's string round trip is slow here). */
function sevenDigits(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const k = 6 - Math.floor(Math.log10(Math.abs(x)));
  // Powers of ten up to 1e22 are exact doubles, so one correctly rounded operation gives the double
  // nearest the 7-digit decimal, which prints as that decimal.
  if (k >= 0) return k <= 22 ? Math.round(x * 10 ** k) / 10 ** k : x;
  return -k <= 22 ? Math.round(x / 10 ** -k) * 10 ** -k : x;
}

/** Grows one tree on `rows` (a bootstrap sample or all rows), depth first, nodes in pre-order. */
function growTree(b: Builder, rows: Int32Array, random: () => number): Tree {
  const width = b.width;
  const d = b.x.columns.length;
  const maxBins = b.binCounts ? Math.max(...b.binCounts) : 0;
  const s: Scratch = {
    hist: new Float64Array(Math.max(1, maxBins) * width),
    left: new Float64Array(width),
    missing: new Float64Array(width),
    node: new Float64Array(width),
    best: { gain: 0, feature: -1, cut: 0, missingLeft: false, leftStats: new Float64Array(width), missingCount: 0, set: new Int32Array(256), setSize: 0 },
    binOrder: new Int32Array(256),
    binKey: new Float64Array(256),
    order: Int32Array.from({ length: d }, (_, j) => j),
    nodeClass: new Int32Array(b.yClass ? rows.length : 0),
    nodeValue: new Float64Array(b.yClass ? 0 : rows.length),
    xs: new Float64Array(b.bins ? 0 : rows.length),
  };
  const feature: number[] = [];
  const threshold: number[] = [];
  const missingLeft: number[] = [];
  const right: number[] = [];
  const values: number[] = [];
  const sets: number[] = [];
  const inSet = new Uint8Array(256);
  let leaves = 0;
  const { maxDepth, maxFeatures } = b.params;
  const classification = b.yClass !== null;
  // A node to grow: its rows, depth, statistics (from its parent's split), and the parent whose right
  // child it is (−1: a left child, or the root).
  const rootStats = new Float64Array(width);
  for (let i = 0; i < rows.length; i++) addRow(b, rootStats, 0, rows[i]!);
  const stack: { start: number; end: number; depth: number; stats: Float64Array; parent: number }[] = [{ start: 0, end: rows.length, depth: 0, stats: rootStats, parent: -1 }];
  for (let job = stack.pop(); job; job = stack.pop()) {
    const { start, end, depth, parent } = job;
    const id = feature.length;
    if (parent >= 0) right[parent] = id;
    s.node.set(job.stats);
    if (b.yClass) for (let i = start; i < end; i++) s.nodeClass[i - start] = b.yClass[rows[i]!]!;
    else for (let i = start; i < end; i++) s.nodeValue[i - start] = b.yValue![rows[i]!]!;
    const count = s.node[width - 1]!;
    let pure: boolean;
    if (classification) {
      let top = 0;
      for (let k = 0; k < width - 1; k++) top = Math.max(top, s.node[k]!);
      pure = top === count;
    } else {
      let sq = 0;
      const mean = s.node[0]! / count;
      for (let k = 0; k < end - start; k++) {
        const e = s.nodeValue[k]! - mean;
        sq += e * e;
      }
      // Children's sums come from subtracting the parent's, so "constant" allows for their rounding.
      pure = sq <= 1e-14 * count * Math.max(1, mean * mean);
    }
    // As scikit-learn, the best valid split is taken even when it does not lower the impurity (XOR-like
    // data needs such a first split); leaves come from purity, depth and minSamplesLeaf.
    s.best.gain = -Infinity;
    s.best.feature = -1;
    s.best.setSize = 0;
    if (!pure && count >= 2 * b.params.minSamplesLeaf && (maxDepth === 0 || depth < maxDepth)) {
      // Candidate features in random order. Features constant in the node do not use up maxFeatures, and the
      // search goes on past maxFeatures until some split is valid (scikit-learn goes on until it has seen
      // one non-constant feature).
      let tried = 0;
      for (let k = 0; k < d && (tried < maxFeatures || s.best.feature < 0); k++) {
        const pick = k + Math.floor(random() * (d - k));
        const f = s.order[pick]!;
        s.order[pick] = s.order[k]!;
        s.order[k] = f;
        const usable = b.bins ? bestBinSplit(b, s, rows, start, end, f) : randomSplit(b, s, rows, start, end, f, random);
        if (usable) tried++;
      }
    }
    if (s.best.feature < 0) {
      feature.push(-1);
      threshold.push(0);
      missingLeft.push(0);
      right.push(leaves++);
      if (classification) for (let k = 0; k < width - 1; k++) values.push(s.node[k]! / count);
      else {
        // Summed afresh: the node's sum came from subtracting its sibling's from the parent's.
        let sum = 0;
        for (let k = 0; k < end - start; k++) sum += s.nodeValue[k]!;
        values.push(sum / (end - start));
      }
      continue;
    }
    const { feature: f, missingLeft: ml, missingCount } = s.best;
    let cut = s.best.cut;
    if (!b.bins) {
      // Extra trees: fewer digits keep saved models small, and a random threshold is as good 1e-7 away,
      // as long as no row of the node changes side.
      const short = sevenDigits(cut);
      const col = b.x.columns[f]!;
      let same = true;
      for (let i = start; i < end && same; i++) {
        const v = col[rows[i]!]!;
        same = v <= cut === v <= short;
      }
      if (same) cut = short;
    }
    const leftStats = s.best.leftStats.slice();
    const rightStats = s.node.map((v, k) => v - leftStats[k]!);
    const setSize = s.best.setSize;
    let nodeThreshold = cut;
    // Partition rows[start, end) in place: left part first.
    let mid = start;
    if (b.bins) {
      const base = f * b.x.rows;
      const missingBin = b.binCounts![f]! - 1;
      if (setSize > 0) {
        // A set of categories: its bitset goes to the tree's sets, the node keeps the offset.
        nodeThreshold = sets.length;
        const words = Math.ceil(missingBin / 32);
        for (let w = 0; w < words; w++) sets.push(0);
        inSet.fill(0);
        for (let q = 0; q < setSize; q++) {
          const bin = s.best.set[q]!;
          inSet[bin] = 1;
          sets[nodeThreshold + (bin >> 5)] = (sets[nodeThreshold + (bin >> 5)]! | (1 << (bin & 31))) >>> 0;
        }
        // Then the categories this node saw: any other (unseen here, or new) is sent where missing rows go —
        // sending it with the set's complement would bias it towards one end of the target order at every
        // split on an ID-like column.
        for (let w = 0; w < words; w++) sets.push(0);
        const seen = nodeThreshold + words;
        for (let i = start; i < end; i++) {
          const r = rows[i]!;
          const bin = b.bins[base + r]!;
          if (bin !== missingBin) sets[seen + (bin >> 5)] = (sets[seen + (bin >> 5)]! | (1 << (bin & 31))) >>> 0;
          if (bin === missingBin ? ml : inSet[bin] === 1) {
            rows[i] = rows[mid]!;
            rows[mid++] = r;
          }
        }
      } else {
        nodeThreshold = thresholdOfBin(b, f, cut);
        for (let i = start; i < end; i++) {
          const r = rows[i]!;
          const bin = b.bins[base + r]!;
          if (bin === missingBin ? ml : bin <= cut) {
            rows[i] = rows[mid]!;
            rows[mid++] = r;
          }
        }
      }
    } else {
      const col = b.x.columns[f]!;
      for (let i = start; i < end; i++) {
        const r = rows[i]!;
        const v = col[r]!;
        if (v !== v ? ml : v <= cut) {
          rows[i] = rows[mid]!;
          rows[mid++] = r;
        }
      }
    }
    // When no training row here was missing, missing rows at predict time follow the larger child.
    const goLeft = missingCount > 0 ? ml : mid - start >= end - mid;
    feature.push(f);
    threshold.push(nodeThreshold);
    missingLeft.push(goLeft ? 1 : 0);
    right.push(-1);
    stack.push({ start: mid, end, depth: depth + 1, stats: rightStats, parent: id }, { start, end: mid, depth: depth + 1, stats: leftStats, parent: -1 });
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    missingLeft: Uint8Array.from(missingLeft),
    right: Int32Array.from(right),
    values: Float64Array.from(values),
    sets: Uint32Array.from(sets),
  };
}

/** The raw threshold of "bin ≤ cut goes left" for a numeric feature: the bin's upper edge. */
function thresholdOfBin(b: Builder, f: number, cut: number): number {
  // The last value bin's edge is +∞ (values | missing); JSON has no ∞, and MAX_VALUE sorts the same.
  return Math.min(binUpperBound(b.binnings![f]!, cut), Number.MAX_VALUE);
}

/** The input columns as the trees read them: categorical codes outside the known ones become missing. */
function predictionColumns(state: ForestState, x: ColumnMatrix): Float64Array[] {
  return x.columns.map((col, j) => {
    const categories = state.categoryCounts[j]!;
    if (categories === 0) return col;
    const map = state.codeBins[j];
    return col.map((v) => (v >= 0 && v < categories && Number.isInteger(v) ? (map ? map[v]! : v) : NaN));
  });
}

function makePredictor(state: ForestState): Predictor {
  const k = state.task === 'regression' ? 1 : state.classes;
  // Random forest splits categorical features into sets of categories (bins); extra trees cut their codes.
  const setWords = Int32Array.from(state.setWords);
  return {
    kind: state.kind,
    predict(input: ModelInput): Float64Array {
      const x = columnInput(state.kind, input);
      if (x.columns.length !== state.features) throw new Error(`${state.kind}: model has ${state.features} columns, input has ${x.columns.length}`);
      const cols = predictionColumns(state, x);
      const n = x.rows;
      const out = new Float64Array(n * k);
      for (const tree of state.trees) {
        const { feature, threshold, missingLeft, right, values, sets } = tree;
        for (let r = 0; r < n; r++) {
          let node = 0;
          let f = feature[0]!;
          while (f >= 0) {
            const v = cols[f]![r]!;
            let left: boolean;
            if (v !== v) left = missingLeft[node] === 1;
            else if (setWords[f]! > 0) {
              const at = threshold[node]! + (v >> 5);
              const seen = (sets[at + setWords[f]!]! >>> (v & 31)) & 1;
              left = seen === 1 ? ((sets[at]! >>> (v & 31)) & 1) === 1 : missingLeft[node] === 1;
            }
            else left = v <= threshold[node]!;
            node = left ? node + 1 : right[node]!;
            f = feature[node]!;
          }
          const at = right[node]! * k;
          for (let c = 0; c < k; c++) out[r * k + c]! += values[at + c]!;
        }
      }
      const scale = 1 / state.trees.length;
      for (let i = 0; i < out.length; i++) out[i]! *= scale;
      return out;
    },
    toJSON(): SavedModel {
      return {
        kind: state.kind,
        version: 1,
        task: state.task,
        classes: state.classes,
        features: state.features,
        categoryCounts: state.categoryCounts,
        codeBins: state.codeBins,
        setWords: state.setWords,
        params: { ...state.params },
        trees: state.trees.map((t) => ({
          feature: Array.from(t.feature),
          threshold: Array.from(t.threshold),
          missingLeft: Array.from(t.missingLeft),
          right: Array.from(t.right),
          values: Array.from(t.values),
          sets: Array.from(t.sets),
        })),
      };
    },
  };
}

/**
 * The matrix with categorical codes outside 0..count-1 made missing, as predict reads them (the bins
 * already treat them so; extra trees read raw codes). Columns without such codes are shared, not copied.
 */
function knownCodes(x: ColumnMatrix): ColumnMatrix {
  const known = (v: number, count: number): boolean => v >= 0 && v < count && Number.isInteger(v);
  const columns = x.columns.map((col, j) => {
    const count = x.categoryCounts[j] ?? 0;
    if (count === 0 || col.every((v) => v !== v || known(v, count))) return col;
    return col.map((v) => (known(v, count) ? v : NaN));
  });
  return { ...x, columns };
}

async function fitForest(kind: ForestKind, input: ModelInput, labels: Labels, params: Params, options: FitOptions): Promise<Predictor> {
  const given = columnInput(kind, input);
  if (given.rows === 0) throw new Error(`${kind}: no training rows`);
  if (labels.y.length !== given.rows) throw new Error(`${kind}: ${given.rows} rows but ${labels.y.length} labels`);
  const x = knownCodes(given);
  const d = x.columns.length;
  const p = readParams(kind, params, labels.task, d, options.budget ?? 1);
  const classification = labels.task !== 'regression';
  const width = classification ? labels.classes + 1 : 2;
  let bins: Uint8Array | null = null;
  let binCounts: Int32Array | null = null;
  let binnings: FeatureBinning[] | null = null;
  const codeBins: (number[] | null)[] = x.categoryCounts.map(() => null);
  if (kind === 'randomForest') {
    const binning = fitBinning(x, { seed: mixSeed(options.seed, 0x62696e73) });
    const binned = applyBinning(binning, x);
    bins = binned.bins;
    binCounts = binned.binCounts;
    binnings = binning.features;
    binning.features.forEach((fb, j) => {
      if (fb.kind === 'categorical' && fb.binOfCode.some((bin, code) => bin !== code)) codeBins[j] = fb.binOfCode;
    });
  }
  const builder: Builder = {
    kind,
    x,
    bins,
    binCounts,
    binnings,
    yClass: labels.task === 'regression' ? null : labels.y,
    yValue: labels.task === 'regression' ? labels.y : null,
    width,
    params: p,
  };
  const trees: Tree[] = [];
  const n = x.rows;
  const sampleSize = Math.min(n, MAX_TREE_ROWS);
  for (let t = 0; t < p.trees; t++) {
    if (options.signal?.aborted) throw new Error(`${kind}: fit aborted`);
    // Each tree has its own stream, so tree t is the same whatever the tree count.
    const random = seededRandom(mixSeed(options.seed, t));
    const rows = new Int32Array(sampleSize);
    if (p.bootstrap) for (let i = 0; i < sampleSize; i++) rows[i] = Math.floor(random() * n);
    else if (sampleSize === n) for (let i = 0; i < n; i++) rows[i] = i;
    else {
      // Past MAX_TREE_ROWS: distinct rows drawn by a partial shuffle.
      const pool = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < sampleSize; i++) {
        const j = i + Math.floor(random() * (n - i));
        rows[i] = pool[j]!;
        pool[j] = pool[i]!;
      }
    }
    trees.push(growTree(builder, rows, random));
    // Let an abort (or other work on this thread) in between trees.
    if ((t & 7) === 7) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return makePredictor({
    kind,
    task: labels.task,
    classes: classification ? labels.classes : 0,
    features: d,
    codeBins,
    categoryCounts: x.categoryCounts.slice(),
    setWords: binCounts ? x.categoryCounts.map((count, j) => (count > 0 ? Math.ceil((binCounts![j]! - 1) / 32) : 0)) : x.categoryCounts.map(() => 0),
    params: p,
    trees,
  });
}

function loadForest(kind: ForestKind, saved: SavedModel): Predictor {
  if (saved.kind !== kind || saved.version !== 1) throw new Error(`${kind}: cannot load a saved ${saved.kind} model version ${saved.version}`);
  const s = saved as unknown as Omit<ForestState, 'trees'> & { trees: { feature: number[]; threshold: number[]; missingLeft: number[]; right: number[]; values: number[]; sets: number[] }[] };
  return makePredictor({
    kind,
    task: s.task,
    classes: s.classes,
    features: s.features,
    codeBins: s.codeBins,
    categoryCounts: s.categoryCounts,
    setWords: s.setWords,
    params: s.params,
    trees: s.trees.map((t) => ({
      feature: Int32Array.from(t.feature),
      threshold: Float64Array.from(t.threshold),
      missingLeft: Uint8Array.from(t.missingLeft),
      right: Int32Array.from(t.right),
      values: Float64Array.from(t.values),
      sets: Uint32Array.from(t.sets),
    })),
  });
}

export const randomForest: ModelFamily = {
  kind: 'randomForest',
  input: 'columns',
  tasks: ['binary', 'multiclass', 'regression'],
  space: space('randomForest'),
  fit: (input, labels, params, options) => fitForest('randomForest', input, labels, params, options),
  load: (saved) => loadForest('randomForest', saved),
};

export const extraTrees: ModelFamily = {
  kind: 'extraTrees',
  input: 'columns',
  tasks: ['binary', 'multiclass', 'regression'],
  space: space('extraTrees'),
  fit: (input, labels, params, options) => fitForest('extraTrees', input, labels, params, options),
  load: (saved) => loadForest('extraTrees', saved),
};
