import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { knn, MAX_TRAINING_ROWS } from '../../../src/core/ml/models/knn.js';
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
});
