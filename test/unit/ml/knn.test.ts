import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { knn, MAX_TRAINING_ROWS, nearestNeighbours } from '../../../src/core/ml/models/knn.js';
import type { DenseMatrix, Labels } from '../../../src/core/ml/types.js';

// scikit-learn 1.2 reference: test/reference/sklearn_knn.py.
interface Fixture {
  rows: number;
  cols: number;
  queries: number;
  classes: number;
  X: number[];
  yClass: number[];
  yReg: number[];
  Q: number[];
  cases: { neighbours: number; weights: string; metric: string; proba: number[]; regression: number[] }[];
}
const fixture = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/ml/knn/sklearn_knn.json'), 'utf8')) as Fixture;

const dense = (data: number[], rows: number, cols: number): DenseMatrix => ({
  layout: 'dense',
  rows,
  cols,
  names: Array.from({ length: cols }, (_, j) => `x${j}`),
  data: Float64Array.from(data),
});
const train = dense(fixture.X, fixture.rows, fixture.cols);
const queries = dense(fixture.Q, fixture.queries, fixture.cols);
const classLabels: Labels = { task: 'multiclass', y: Int32Array.from(fixture.yClass), classes: fixture.classes };
const regressionLabels: Labels = { task: 'regression', y: Float64Array.from(fixture.yReg) };

function assertClose(actual: Float64Array, expected: number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}]: ${actual[i]} vs scikit-learn ${expected[i]}`);
  }
}

test('kNN classification and regression match scikit-learn for every k, weighting and metric', async () => {
  assert.equal(fixture.cases.length, 12);
  for (const c of fixture.cases) {
    const params = { neighbours: c.neighbours, weights: c.weights, metric: c.metric };
    const what = `k=${c.neighbours} ${c.weights} ${c.metric}`;
    const clf = await knn.fit(train, classLabels, params, { seed: 1 });
    // Uniform votes are exact fractions; distance weights differ from scikit-learn only in rounding.
    assertClose(clf.predict(queries), c.proba, 1e-12, `${what} proba`);
    const reg = await knn.fit(train, regressionLabels, params, { seed: 1 });
    assertClose(reg.predict(queries), c.regression, 1e-10, `${what} regression`);
  }
});

test('kNN with distance weights: a query equal to a training row takes that row’s label', async () => {
  const clf = await knn.fit(train, classLabels, { neighbours: 15, weights: 'distance' }, { seed: 1 });
  const p = clf.predict(queries);
  // Queries 0..3 copy training rows 3, 17, 50, 199 (see the reference script).
  [3, 17, 50, 199].forEach((row, q) => {
    const label = fixture.yClass[row]!;
    for (let c = 0; c < 3; c++) assert.equal(p[q * 3 + c], c === label ? 1 : 0);
  });
});

test('kNN: save → load gives identical predictions; rows are stored; k larger than the data is clamped', async () => {
  const model = await knn.fit(train, classLabels, { neighbours: 7, weights: 'uniform', metric: 'manhattan' }, { seed: 3 });
  const saved = JSON.parse(JSON.stringify(model.toJSON())) as ReturnType<typeof model.toJSON>;
  assert.equal((saved['data'] as number[]).length, fixture.rows * fixture.cols);
  assert.deepEqual(knn.load(saved).predict(queries), model.predict(queries));

  const tiny = dense([0, 0, 1, 1, 5, 5], 3, 2);
  const reg = await knn.fit(tiny, { task: 'regression', y: Float64Array.from([1, 2, 6]) }, { neighbours: 50, weights: 'uniform' }, { seed: 1 });
  assert.deepEqual(Array.from(reg.predict(dense([0, 0], 1, 2))), [3]);
});

test('kNN keeps a seeded subsample past MAX_TRAINING_ROWS', async () => {
  const rows = MAX_TRAINING_ROWS + 500;
  const data = new Float64Array(rows);
  for (let i = 0; i < rows; i++) data[i] = i;
  const x: DenseMatrix = { layout: 'dense', rows, cols: 1, names: ['x'], data };
  const y: Labels = { task: 'regression', y: Float64Array.from(data) };
  const a = (await knn.fit(x, y, { neighbours: 1 }, { seed: 5 })).toJSON();
  const b = (await knn.fit(x, y, { neighbours: 1 }, { seed: 5 })).toJSON();
  const c = (await knn.fit(x, y, { neighbours: 1 }, { seed: 6 })).toJSON();
  assert.equal(a['rows'], MAX_TRAINING_ROWS);
  assert.equal(a['subsampledFrom'], rows);
  assert.deepEqual(a['data'], b['data']);
  assert.notDeepEqual(a['data'], c['data']);
  // The kept rows are distinct training rows, in order.
  const kept = a['data'] as number[];
  for (let i = 1; i < kept.length; i++) assert.ok(kept[i]! > kept[i - 1]!);
});

test('kNN rejects the columns layout and bad parameters with a clear error', async () => {
  await assert.rejects(knn.fit({ layout: 'columns', rows: 1, names: ['a'], columns: [Float64Array.of(1)], categoryCounts: [0] }, regressionLabels, {}, { seed: 1 }), /dense/);
  await assert.rejects(knn.fit(train, classLabels, { weights: 'gaussian' }, { seed: 1 }), /weights/);
  await assert.rejects(knn.fit(dense([1, 2], 2, 1), regressionLabels, {}, { seed: 1 }), /2 rows but 200 labels/);
});

test('kNN finds the true neighbours of unscaled rows far from 0 (the expansion alone would blur them)', async () => {
  // Columns around 1e8 with unit spread: |a|² ≈ 3e16, so |a|²+|b|²−2ab rounds by about 4 unless centred.
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const n = 300;
  const d = 3;
  const data = Array.from({ length: n * d }, () => 1e8 + next() * 4);
  const queries = Array.from({ length: 20 * d }, () => 1e8 + next() * 4);
  const y = Float64Array.from({ length: n }, (_, i) => i);
  const model = await knn.fit(dense(data, n, d), { task: 'regression', y }, { neighbours: 3, weights: 'uniform' }, { seed: 1 });
  const p = model.predict(dense(queries, 20, d));
  for (let r = 0; r < 20; r++) {
    // Naive reference: sort all rows by exact squared distance.
    const dist = Array.from({ length: n }, (_, t) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (queries[r * d + j]! - data[t * d + j]!) ** 2;
      return [s, t] as const;
    }).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const expected = (dist[0]![1] + dist[1]![1] + dist[2]![1]) / 3;
    assert.equal(p[r], expected, `query ${r}`);
  }
});

test('kNN on one-hot rows (read as sparse rows) finds the same neighbours and exact distances as a naive search', async () => {
  // 400 rows: a 15-level one-hot block and two continuous columns (so no two distances tie): 3 non-zeros in
  // 17 columns. Queries 0..4 copy training rows, so distance 0 must come out exactly 0.
  let seed = 987;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const n = 400;
  const m = 30;
  const d = 17;
  const row = (): number[] => {
    const r = new Array<number>(d).fill(0);
    r[Math.floor(next() * 15)] = 1;
    r[15] = next() * 4 - 2;
    r[16] = next() * 4 - 2;
    return r;
  };
  const data = Array.from({ length: n }, row);
  const queries = [...[7, 50, 123, 200, 399].map((t) => data[t]!), ...Array.from({ length: m - 5 }, row)];
  const k = 7;
  for (const metric of ['euclidean', 'manhattan'] as const) {
    const got = nearestNeighbours({ rows: n, cols: d, data: Float64Array.from(data.flat()), metric }, dense(queries.flat(), m, d), k);
    for (let r = 0; r < m; r++) {
      const dist = data
        .map((t, i) => {
          let s = 0;
          for (let j = 0; j < d; j++) s += metric === 'euclidean' ? (queries[r]![j]! - t[j]!) ** 2 : Math.abs(queries[r]![j]! - t[j]!);
          return [metric === 'euclidean' ? Math.sqrt(s) : s, i] as const;
        })
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (let i = 0; i < k; i++) {
        assert.equal(got.index[r * k + i], dist[i]![1], `${metric} query ${r} neighbour ${i}`);
        assert.equal(got.distance[r * k + i], dist[i]![0], `${metric} query ${r} distance ${i}`);
      }
    }
  }
  // Through the model: distance weights give a copied row's label exactly.
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const clf = await knn.fit(dense(data.flat(), n, d), { task: 'multiclass', y, classes: 3 }, { neighbours: 5, weights: 'distance' }, { seed: 1 });
  const p = clf.predict(dense(queries.flat(), m, d));
  [7, 50, 123, 200, 399].forEach((t, q) => {
    for (let c = 0; c < 3; c++) assert.equal(p[q * 3 + c], c === t % 3 ? 1 : 0, `query ${q} copies row ${t}`);
  });
});
