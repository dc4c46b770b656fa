import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { extraTrees, MAX_TREE_ROWS, randomForest } from '../../../src/core/ml/models/forest.js';
import type { ColumnMatrix, Labels, ModelFamily, SavedModel } from '../../../src/core/ml/types.js';

// scikit-learn 1.2 reference scores: test/reference/sklearn_forest.py (5-fold CV, 100 trees, 3 seeds).
interface DatasetEntry {
  name: string;
  source: string;
  format: 'arrays' | 'records' | 'csv';
  features: [string, 'numeric' | 'year' | 'categorical'][];
  target: [string, 'class' | 'value'];
  rows: number;
  folds: number[];
  models: Record<'randomForest' | 'extraTrees', { metric: 'accuracy' | 'rmse'; mean: number; perSeed: number[] }>;
}
const repo = path.join(__dirname, '../../..');
const fixture = JSON.parse(readFileSync(path.join(repo, 'test/fixtures/ml/forest/sklearn_forest.json'), 'utf8')) as { datasets: DatasetEntry[] };

type Cell = string | number | null | undefined;
function records(entry: DatasetEntry): Record<string, Cell>[] {
  const text = readFileSync(path.join(repo, entry.source), 'utf8');
  if (entry.format === 'arrays') return (JSON.parse(text) as Cell[][]).map((row) => Object.fromEntries(row.map((v, i) => [String(i), v])));
  if (entry.format === 'records') return JSON.parse(text) as Record<string, Cell>[];
  const [header, ...lines] = text.trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}
const missing = (v: Cell): boolean => v === null || v === undefined || v === '';
const numberOf = (v: Cell): number => (missing(v) ? NaN : Number(v));

/** The reference script's encoding: categories coded in sorted order, rows without a target dropped. */
function encode(entry: DatasetEntry): { x: ColumnMatrix; labels: Labels } {
  const [target, targetKind] = entry.target;
  const rows = records(entry).filter((r) => !missing(r[target]) && (targetKind === 'class' || !Number.isNaN(numberOf(r[target]))));
  const columns: Float64Array[] = [];
  const categoryCounts: number[] = [];
  for (const [name, kind] of entry.features) {
    if (kind === 'categorical') {
      const levels = [...new Set(rows.filter((r) => !missing(r[name])).map((r) => String(r[name])))].sort();
      columns.push(Float64Array.from(rows, (r) => (missing(r[name]) ? NaN : levels.indexOf(String(r[name])))));
      categoryCounts.push(levels.length);
    } else {
      columns.push(Float64Array.from(rows, (r) => (kind === 'year' ? (missing(r[name]) ? NaN : Number(String(r[name]).slice(0, 4))) : numberOf(r[name]))));
      categoryCounts.push(0);
    }
  }
  const x: ColumnMatrix = { layout: 'columns', rows: rows.length, names: entry.features.map((f) => f[0]), columns, categoryCounts };
  if (targetKind === 'value') return { x, labels: { task: 'regression', y: Float64Array.from(rows, (r) => numberOf(r[target])) } };
  const classes = [...new Set(rows.map((r) => String(r[target])))].sort();
  const y = Int32Array.from(rows, (r) => classes.indexOf(String(r[target])));
  return { x, labels: { task: classes.length === 2 ? 'binary' : 'multiclass', y, classes: classes.length } };
}

function subset(x: ColumnMatrix, idx: number[]): ColumnMatrix {
  return { ...x, rows: idx.length, columns: x.columns.map((c) => Float64Array.from(idx, (i) => c[i]!)) };
}
function labelSubset(labels: Labels, idx: number[]): Labels {
  return labels.task === 'regression' ? { task: 'regression', y: Float64Array.from(idx, (i) => labels.y[i]!) } : { ...labels, y: Int32Array.from(idx, (i) => labels.y[i]!) };
}

/** 5-fold CV score (accuracy or RMSE) on the reference script's folds. */
async function crossValidate(family: ModelFamily, entry: DatasetEntry, seed: number): Promise<number> {
  const { x, labels } = encode(entry);
  assert.equal(x.rows, entry.rows, `${entry.name}: same rows as the reference`);
  const scores: number[] = [];
  for (let k = 0; k < 5; k++) {
    const train = entry.folds.flatMap((f, i) => (f === k ? [] : [i]));
    const held = entry.folds.flatMap((f, i) => (f === k ? [i] : []));
    const model = await family.fit(subset(x, train), labelSubset(labels, train), { trees: 100 }, { seed: seed * 10 + k });
    const p = model.predict(subset(x, held));
    if (labels.task === 'regression') {
      let se = 0;
      held.forEach((r, i) => (se += (p[i]! - labels.y[r]!) ** 2));
      scores.push(Math.sqrt(se / held.length));
    } else {
      const c = labels.classes;
      let correct = 0;
      held.forEach((r, i) => {
        const row = Array.from(p.subarray(i * c, i * c + c));
        if (row.indexOf(Math.max(...row)) === labels.y[r]) correct++;
      });
      scores.push(correct / held.length);
    }
  }
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

for (const family of [randomForest, extraTrees]) {
  test(`${family.kind}: 5-fold CV scores within 2 points (accuracy) or 5% (RMSE) of scikit-learn on real data`, async () => {
    const report: string[] = [];
    for (const entry of fixture.datasets) {
      const ref = entry.models[family.kind as 'randomForest' | 'extraTrees'];
      const ours = await crossValidate(family, entry, 1);
      report.push(`${entry.name} ${ref.metric}: ours ${ours.toFixed(4)} sklearn ${ref.mean.toFixed(4)}`);
      if (ref.metric === 'accuracy') assert.ok(ours >= ref.mean - 0.02, report.join('\n'));
      else assert.ok(ours <= ref.mean * 1.05, report.join('\n'));
    }
    console.log(report.join('\n'));
  });
}

const columnsOf = (...cols: number[][]): ColumnMatrix => ({
  layout: 'columns',
  rows: cols[0]!.length,
  names: cols.map((_, j) => `x${j}`),
  columns: cols.map((c) => Float64Array.from(c)),
  categoryCounts: cols.map(() => 0),
});
type SavedTree = { feature: number[]; threshold: number[]; missingLeft: number[]; right: number[]; values: number[]; sets: number[] };
const treesOf = (saved: SavedModel): SavedTree[] => saved['trees'] as SavedTree[];
const oneTree = { trees: 1, bootstrap: false, maxFeatures: 1 };

test('one split: the threshold is the midpoint between the classes, leaves are pure 0/1', async () => {
  const x = columnsOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const labels: Labels = { task: 'binary', y: Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]), classes: 2 };
  const model = await randomForest.fit(x, labels, oneTree, { seed: 1 });
  const [tree] = treesOf(model.toJSON());
  // No training row was missing: missing rows follow the larger child (a tie goes left).
  assert.deepEqual(tree, { feature: [0, -1, -1], threshold: [5.5, 0, 0], missingLeft: [1, 0, 0], right: [2, 0, 1], values: [1, 0, 0, 1], sets: [] });
  assert.deepEqual(Array.from(model.predict(columnsOf([5.5, 5.50001, -100, 100]))), [1, 0, 0, 1, 1, 0, 0, 1]);

  // Extra trees: a random threshold, but every tree must separate this data perfectly within a few splits.
  const et = await extraTrees.fit(x, labels, { trees: 20 }, { seed: 1 });
  assert.deepEqual(Array.from(et.predict(x)), Array.from(labels.y).flatMap((c) => (c === 1 ? [0, 1] : [1, 0])));
  for (const t of treesOf(et.toJSON())) assert.ok(t.threshold[0]! > 1 && t.threshold[0]! < 10, `root threshold ${t.threshold[0]}`);
});

test('regression: a step function is learnt exactly; the split goes to the informative feature', async () => {
  const noise = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
  const step = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const y = Float64Array.from(step, (v) => (v <= 4 ? -2 : 7.5));
  for (const family of [randomForest, extraTrees]) {
    const model = await family.fit(columnsOf(noise, step), { task: 'regression', y }, { trees: 10, bootstrap: false, maxFeatures: 1 }, { seed: 4 });
    assert.deepEqual(Array.from(model.predict(columnsOf(noise, step))), Array.from(y), family.kind);
  }
  const rf = await randomForest.fit(columnsOf(noise, step), { task: 'regression', y }, { trees: 1, bootstrap: false, maxFeatures: 1 }, { seed: 4 });
  const [tree] = treesOf(rf.toJSON());
  assert.equal(tree!.feature[0], 1);
  assert.equal(tree!.threshold[0], 4.5);
});

test('missing values: a split learns where missing rows go; NaN never breaks prediction', async () => {
  // Class 1 is "x > 5 or missing": the tree must send missing rows right.
  const xs = [1, 2, 3, 4, 5, 6, 7, 8, NaN, NaN, NaN, NaN];
  const y = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  for (const family of [randomForest, extraTrees]) {
    const model = await family.fit(columnsOf(xs), { task: 'binary', y, classes: 2 }, { trees: 10, bootstrap: false }, { seed: 2 });
    const p = model.predict(columnsOf([NaN, 2, 7]));
    assert.deepEqual(Array.from(p), [0, 1, 1, 0, 0, 1], family.kind);
  }
  // Missing only at predict time: the larger child takes it (7 rows ≤ 7.5 against 3).
  const model = await randomForest.fit(columnsOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), { task: 'binary', y: Int32Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]), classes: 2 }, oneTree, { seed: 1 });
  assert.deepEqual(Array.from(model.predict(columnsOf([NaN]))), [1, 0]);
});

test('infinite values: no crash, no NaN threshold, save → load still identical', async () => {
  const xs = [-Infinity, 1, 2, 3, NaN, 5, 6, Infinity, 8, -Infinity];
  const labels: Labels = { task: 'binary', y: Int32Array.from([0, 0, 1, 0, 1, 1, 0, 1, 1, 0]), classes: 2 };
  for (const family of [randomForest, extraTrees]) {
    const model = await family.fit(columnsOf(xs), labels, { trees: 30 }, { seed: 8 });
    const saved = JSON.parse(JSON.stringify(model.toJSON())) as SavedModel;
    for (const t of treesOf(saved)) assert.ok(t.threshold.every((v) => typeof v === 'number'), family.kind);
    const p = model.predict(columnsOf(xs));
    assert.ok(p.every((v) => Number.isFinite(v)));
    assert.deepEqual(family.load(saved).predict(columnsOf(xs)), p);
  }
});

test('random forest splits categories into sets: one split separates {0, 3, 5, 34} from the rest', async () => {
  // 40 categories (two 32-bit words per bitset) with 12 rows each, class 1 for an irregular subset: a cut
  // of the code order would need several splits, a set needs one.
  const codes = Array.from({ length: 480 }, (_, i) => i % 40);
  const yes = new Set([0, 3, 5, 34]);
  const x: ColumnMatrix = { ...columnsOf(codes), categoryCounts: [41] };
  for (const task of ['binary', 'regression'] as const) {
    const labels: Labels = task === 'binary' ? { task, y: Int32Array.from(codes, (c) => (yes.has(c) ? 1 : 0)), classes: 2 } : { task, y: Float64Array.from(codes, (c) => (yes.has(c) ? 5 : -1)) };
    const model = await randomForest.fit(x, labels, oneTree, { seed: 1 });
    const [tree] = treesOf(model.toJSON());
    assert.deepEqual(tree!.feature, [0, -1, -1], task);
    // Two bitsets of two words: the categories going left (the subset or its complement), then those seen.
    assert.equal(tree!.sets.length, 4);
    const bit = (word0: number, c: number): boolean => ((tree!.sets[word0 + (c >> 5)]! >>> (c & 31)) & 1) === 1;
    const left = [...Array(40).keys()].filter((c) => bit(0, c));
    assert.ok(left.every((c) => yes.has(c)) || left.every((c) => !yes.has(c)), `${task}: ${left.join(',')}`);
    assert.deepEqual([...Array(41).keys()].filter((c) => bit(2, c)), [...Array(40).keys()]);
    // Category 40 was never seen, like a missing value: both go to the larger side, the 36 "no" categories.
    const p = model.predict({ ...x, rows: 4, columns: [Float64Array.of(34, 1, NaN, 40)] });
    if (task === 'binary') assert.deepEqual(Array.from(p), [0, 1, 1, 0, 1, 0, 1, 0]);
    else assert.deepEqual(Array.from(p), [5, -1, -1, -1]);
  }
});

test('an ID-like categorical column does not take over the random forest', async () => {
  // y follows a numeric column; the other column gives every row its own category, so a best-subset split
  // on it fits the training rows perfectly and predicts new rows (new categories) no better than chance.
  const n = 200;
  const xs = Array.from({ length: n }, (_, i) => ((i * 73) % 200) / 20);
  const noise = Array.from({ length: n }, (_, i) => (((i * 37) % 11) - 5) / 10);
  const y = Float64Array.from(xs, (v, i) => v + noise[i]!);
  const ids = Array.from({ length: n }, (_, i) => i);
  const train = Array.from({ length: 150 }, (_, i) => i);
  const held = Array.from({ length: 50 }, (_, i) => 150 + i);
  const rmse = async (withId: boolean): Promise<number> => {
    const x: ColumnMatrix = withId ? { ...columnsOf(xs, ids), categoryCounts: [0, n] } : columnsOf(xs);
    const model = await randomForest.fit(subset(x, train), { task: 'regression', y: Float64Array.from(train, (i) => y[i]!) }, { trees: 50 }, { seed: 2 });
    const p = model.predict(subset(x, held));
    return Math.sqrt(held.reduce((a, r, i) => a + (p[i]! - y[r]!) ** 2, 0) / held.length);
  };
  const without = await rmse(false);
  const withId = await rmse(true);
  assert.ok(withId < without * 1.5, `RMSE with the ID column ${withId.toFixed(3)}, without ${without.toFixed(3)}`);
});

test('more than 255 categories: rare ones share a bin, at fit and at predict time', async () => {
  // Codes 0..299; codes ≥ 250 appear once, the others 4 times, so the rare ones share the last bin.
  const codes = [...Array.from({ length: 1000 }, (_, i) => i % 250), ...Array.from({ length: 50 }, (_, i) => 250 + i)];
  const x: ColumnMatrix = { ...columnsOf(codes), categoryCounts: [300] };
  const labels: Labels = { task: 'binary', y: Int32Array.from(codes, (c) => (c % 3 === 0 || c >= 250 ? 1 : 0)), classes: 2 };
  const model = await randomForest.fit(x, labels, { trees: 5, bootstrap: false, maxFeatures: 1 }, { seed: 1 });
  const saved = JSON.parse(JSON.stringify(model.toJSON())) as SavedModel;
  assert.ok((saved['codeBins'] as (number[] | null)[])[0] !== null);
  const p = model.predict(x);
  assert.deepEqual(randomForest.load(saved).predict(x), p);
  // All learnt: the shared bin's codes are all class 1 here.
  for (let i = 0; i < codes.length; i++) assert.equal(p[2 * i + 1], labels.y[i], `code ${codes[i]}`);
});

test('categorical codes: unseen codes count as missing; XOR needs a split that gains nothing at first', async () => {
  const a = [0, 0, 1, 1, 0, 0, 1, 1];
  const b = [0, 1, 0, 1, 0, 1, 0, 1];
  const x: ColumnMatrix = { ...columnsOf(a, b), categoryCounts: [2, 2] };
  const labels: Labels = { task: 'binary', y: Int32Array.from(a.map((v, i) => v ^ b[i]!)), classes: 2 };
  const model = await randomForest.fit(x, labels, { trees: 5, bootstrap: false, maxFeatures: 'sqrt' }, { seed: 3 });
  assert.deepEqual(Array.from(model.predict(x)), Array.from(labels.y).flatMap((c) => (c === 1 ? [0, 1] : [1, 0])));
  const p = model.predict({ ...x, rows: 1, columns: [Float64Array.of(7), Float64Array.of(0)] });
  assert.ok(p.every((v) => Number.isFinite(v)));
});

test('save → load gives identical predictions; same seed → same model; another seed → another', async () => {
  const entry = fixture.datasets.find((d) => d.name === 'penguins-species')!;
  const { x, labels } = encode(entry);
  for (const family of [randomForest, extraTrees]) {
    const a = await family.fit(x, labels, { trees: 15 }, { seed: 11 });
    const b = await family.fit(x, labels, { trees: 15 }, { seed: 11 });
    const c = await family.fit(x, labels, { trees: 15 }, { seed: 12 });
    const saved = JSON.parse(JSON.stringify(a.toJSON())) as SavedModel;
    assert.deepEqual(saved, b.toJSON());
    assert.notDeepEqual(saved, c.toJSON());
    const p = a.predict(x);
    assert.deepEqual(family.load(saved).predict(x), p);
    // Probabilities: each row sums to 1 over the 3 classes.
    for (let i = 0; i < x.rows; i++) assert.ok(Math.abs(p[3 * i]! + p[3 * i + 1]! + p[3 * i + 2]! - 1) < 1e-12);
  }
});

test('budget scales the tree count; the trees of a smaller budget are the first trees of the full one', async () => {
  const entry = fixture.datasets.find((d) => d.name === 'cars-mpg')!;
  const { x, labels } = encode(entry);
  const full = treesOf((await randomForest.fit(x, labels, { trees: 40 }, { seed: 5 })).toJSON());
  const quarter = treesOf((await randomForest.fit(x, labels, { trees: 40 }, { seed: 5, budget: 0.25 })).toJSON());
  assert.equal(full.length, 40);
  assert.equal(quarter.length, 10);
  assert.deepEqual(quarter, full.slice(0, 10));
  assert.equal(treesOf((await extraTrees.fit(x, labels, { trees: 40 }, { seed: 5, budget: 0.5 })).toJSON()).length, 20);
});

test('maxDepth and minSamplesLeaf bound the trees', async () => {
  const entry = fixture.datasets.find((d) => d.name === 'seattle-weather')!;
  const { x, labels } = encode(entry);
  for (const family of [randomForest, extraTrees]) {
    const model = await family.fit(x, labels, { trees: 5, maxDepth: 3, minSamplesLeaf: 20, bootstrap: false }, { seed: 1 });
    for (const t of treesOf(model.toJSON())) {
      // Route every training row down the tree (pre-order: a left child is the next node) and count rows
      // per leaf and the depth reached.
      const perLeaf = new Map<number, number>();
      for (let r = 0; r < x.rows; r++) {
        let node = 0;
        let depth = 0;
        while (t.feature[node]! >= 0) {
          const v = x.columns[t.feature[node]!]![r]!;
          const left = Number.isNaN(v) ? t.missingLeft[node] === 1 : v <= t.threshold[node]!;
          node = left ? node + 1 : t.right[node]!;
          depth++;
        }
        assert.ok(depth <= 3, `${family.kind} depth ${depth}`);
        perLeaf.set(node, (perLeaf.get(node) ?? 0) + 1);
      }
      assert.ok(Math.min(...perLeaf.values()) >= 20, `${family.kind} smallest leaf ${Math.min(...perLeaf.values())}`);
    }
  }
  await assert.rejects(randomForest.fit(x, labels, { maxFeatures: 'most' }, { seed: 1 }), /maxFeatures/);
  await assert.rejects(randomForest.fit({ layout: 'dense', rows: 1, cols: 1, names: ['a'], data: Float64Array.of(1) }, labels, {}, { seed: 1 }), /columns/);
});

test('a tree is grown on at most MAX_TREE_ROWS rows (distinct rows without bootstrap)', async () => {
  const n = MAX_TREE_ROWS + 700;
  const xs = Array.from({ length: n }, (_, i) => i);
  const y = Float64Array.from(xs, (v) => v * 0.5);
  const model = await extraTrees.fit(columnsOf(xs), { task: 'regression', y }, { trees: 1 }, { seed: 3 });
  const [tree] = treesOf(model.toJSON());
  // Every row has its own value, so a fully grown tree has one leaf per row it was grown on.
  assert.equal(tree!.values.length, MAX_TREE_ROWS);
});

test('codes outside a categorical column’s categories train as missing values', async () => {
  const codes = [0, 1, 2, 99, 0, 1, 2, -3, 0, 1, 2.5, NaN];
  const asMissing = codes.map((c) => (c >= 0 && c < 3 && Number.isInteger(c) ? c : NaN));
  const y = Int32Array.from([0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
  for (const family of [randomForest, extraTrees]) {
    const fit = async (col: number[]): Promise<SavedModel> => (await family.fit({ ...columnsOf(col), categoryCounts: [3] }, { task: 'binary', y, classes: 2 }, { trees: 5 }, { seed: 9 })).toJSON();
    assert.deepEqual(await fit(codes), await fit(asMissing), family.kind);
  }
  await assert.rejects(randomForest.fit(columnsOf([1, 2]), { task: 'binary', y: Int32Array.of(0), classes: 2 }, {}, { seed: 1 }), /labels/);
});

test('an aborted fit stops with an error', async () => {
  const controller = new AbortController();
  controller.abort();
  const x = columnsOf([1, 2, 3, 4]);
  for (const family of [randomForest, extraTrees]) {
    await assert.rejects(family.fit(x, { task: 'regression', y: Float64Array.of(1, 2, 3, 4) }, {}, { seed: 1, signal: controller.signal }), /aborted/);
  }
});
