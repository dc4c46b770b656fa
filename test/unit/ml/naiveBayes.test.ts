import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { naiveBayes } from '../../../src/core/ml/models/naiveBayes.js';
import type { ColumnMatrix, Labels } from '../../../src/core/ml/types.js';

// scikit-learn 1.2 reference: test/reference/sklearn_nb.py.
interface Fixture {
  iris: { X: number[]; y: number[]; cases: { varSmoothing: number; proba: number[] }[] };
  categorical: { counts: number[]; X: number[]; y: number[]; Q: number[]; cases: { alpha: number; proba: number[] }[] };
  mixed: { numeric: number[]; categorical: number[]; y: number[]; proba: number[] };
}
const fixture = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/ml/nb/sklearn_nb.json'), 'utf8')) as Fixture;

/** Row-major numbers → a ColumnMatrix with the given category count per column (0 = numeric). */
function columnsOf(rowMajor: number[], categoryCounts: number[]): ColumnMatrix {
  const d = categoryCounts.length;
  const rows = rowMajor.length / d;
  const columns = categoryCounts.map((_, j) => Float64Array.from({ length: rows }, (_v, i) => rowMajor[i * d + j]!));
  return { layout: 'columns', rows, names: categoryCounts.map((_, j) => `c${j}`), columns, categoryCounts };
}
const labelsOf = (y: number[]): Labels => {
  const classes = Math.max(...y) + 1;
  return { task: classes === 2 ? 'binary' : 'multiclass', y: Int32Array.from(y), classes };
};

function assertClose(actual: Float64Array, expected: number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}]: ${actual[i]} vs scikit-learn ${expected[i]}`);
  }
}

test('Gaussian naive Bayes on iris matches scikit-learn GaussianNB probabilities', async () => {
  const x = columnsOf(fixture.iris.X, [0, 0, 0, 0]);
  for (const c of fixture.iris.cases) {
    const model = await naiveBayes.fit(x, labelsOf(fixture.iris.y), { varSmoothing: c.varSmoothing }, { seed: 1 });
    assertClose(model.predict(x), c.proba, 1e-9, `varSmoothing ${c.varSmoothing}`);
  }
});

test('categorical naive Bayes matches scikit-learn CategoricalNB, including a category unseen in training', async () => {
  const { counts } = fixture.categorical;
  const x = columnsOf(fixture.categorical.X, counts);
  const q = columnsOf(fixture.categorical.Q, counts);
  assert.equal(q.rows, 3 * 4 * 2 * 5);
  for (const c of fixture.categorical.cases) {
    const model = await naiveBayes.fit(x, labelsOf(fixture.categorical.y), { alpha: c.alpha }, { seed: 1 });
    assertClose(model.predict(q), c.proba, 1e-12, `alpha ${c.alpha}`);
  }
});

test('mixed numeric and categorical columns: one prior, both likelihoods (binary gives 2 columns)', async () => {
  const { numeric, categorical, y } = fixture.mixed;
  const n = y.length;
  const rowMajor: number[] = [];
  for (let i = 0; i < n; i++) rowMajor.push(numeric[2 * i]!, categorical[2 * i]!, numeric[2 * i + 1]!, categorical[2 * i + 1]!);
  const x = columnsOf(rowMajor, [0, 2, 0, 3]);
  const model = await naiveBayes.fit(x, labelsOf(y), {}, { seed: 1 });
  const p = model.predict(x);
  assert.equal(p.length, 2 * n);
  // Columns are interleaved here; the reference computed numeric and categorical parts separately.
  assertClose(p, fixture.mixed.proba, 1e-9, 'mixed');
});

test('a missing value is skipped: same probabilities as a model without that feature', async () => {
  const { counts } = fixture.categorical;
  const x = columnsOf(fixture.categorical.X, counts);
  const labels = labelsOf(fixture.categorical.y);
  const full = await naiveBayes.fit(x, labels, {}, { seed: 1 });
  const without: ColumnMatrix = { ...x, names: x.names.slice(1), columns: x.columns.slice(1), categoryCounts: counts.slice(1) };
  const reduced = await naiveBayes.fit(without, labels, {}, { seed: 1 });
  const q = columnsOf(fixture.categorical.Q, counts);
  const qMissing: ColumnMatrix = { ...q, columns: [new Float64Array(q.rows).fill(NaN), ...q.columns.slice(1)] };
  assertClose(full.predict(qMissing), Array.from(reduced.predict({ ...q, columns: q.columns.slice(1), categoryCounts: counts.slice(1), names: q.names.slice(1) })), 1e-12, 'missing');

  // NaN in training too: statistics come from the present values only, and nothing becomes NaN.
  const iris = columnsOf(fixture.iris.X, [0, 0, 0, 0]);
  const holes = iris.columns.map((c, j) => c.map((v, i) => ((i + j) % 7 === 0 ? NaN : v)));
  const model = await naiveBayes.fit({ ...iris, columns: holes }, labelsOf(fixture.iris.y), {}, { seed: 1 });
  const p = model.predict({ ...iris, columns: holes });
  assert.ok(p.every((v) => Number.isFinite(v)));
  let correct = 0;
  for (let i = 0; i < iris.rows; i++) {
    const row = Array.from(p.subarray(i * 3, i * 3 + 3));
    if (row.indexOf(Math.max(...row)) === fixture.iris.y[i]) correct++;
  }
  assert.ok(correct / iris.rows > 0.9, `accuracy with holes ${correct / iris.rows}`);
});

test('naive Bayes: save → load gives identical predictions; regression is refused', async () => {
  const x = columnsOf(fixture.categorical.X, fixture.categorical.counts);
  const model = await naiveBayes.fit(x, labelsOf(fixture.categorical.y), { alpha: 0.3 }, { seed: 1 });
  const saved = JSON.parse(JSON.stringify(model.toJSON())) as ReturnType<typeof model.toJSON>;
  assert.deepEqual(naiveBayes.load(saved).predict(x), model.predict(x));
  await assert.rejects(naiveBayes.fit(x, { task: 'regression', y: new Float64Array(x.rows) }, {}, { seed: 1 }), /classification/);
  await assert.rejects(naiveBayes.fit(x, labelsOf([0, 1]), {}, { seed: 1 }), /labels/);
});

test('a class absent from the training rows gets probability 0, before and after save → load', async () => {
  const x = columnsOf(fixture.iris.X.slice(0, 100 * 4), [0, 0, 0, 0]);
  // Iris rows 0..99 hold classes 0 and 1 only; the task has 3.
  const model = await naiveBayes.fit(x, { task: 'multiclass', y: Int32Array.from(fixture.iris.y.slice(0, 100)), classes: 3 }, {}, { seed: 1 });
  const p = model.predict(x);
  const loaded = naiveBayes.load(JSON.parse(JSON.stringify(model.toJSON())) as ReturnType<typeof model.toJSON>);
  assert.deepEqual(loaded.predict(x), p);
  for (let i = 0; i < 100; i++) assert.equal(p[3 * i + 2], 0);
});

test('constant numeric columns and infinite values give finite probabilities', async () => {
  const x = columnsOf([1, 5, 1, 5, 1, 5, 1, 5], [0, 0]);
  const labels = labelsOf([0, 0, 1, 1]);
  const constant = await naiveBayes.fit({ ...x, columns: [Float64Array.of(1, 1, 1, 1), Float64Array.of(5, 5, 5, 5)] }, labels, {}, { seed: 1 });
  const q = columnsOf([1, 5, 2, 7, Infinity, 5, -Infinity, NaN], [0, 0]);
  const p = constant.predict(q);
  assert.ok(p.every((v) => Number.isFinite(v)), String(p));
  // No column separates the classes: each row is 50/50 (equal priors).
  for (const v of p) assert.ok(Math.abs(v - 0.5) < 1e-12);
  const fitted = await naiveBayes.fit(columnsOf([1, Infinity, 2, 0, 8, 9, 9, 1], [0, 0]), labels, {}, { seed: 1 });
  assert.ok(fitted.predict(q).every((v) => Number.isFinite(v)));
});
