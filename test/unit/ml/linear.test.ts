import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { linear } from '../../../src/core/ml/models/linear.js';
import type { DenseMatrix, Labels, Params } from '../../../src/core/ml/types.js';

// scikit-learn 1.2 coefficients for the same objective (C = 1/(alpha·n), Ridge alpha·n, Lasso/ElasticNet
// alpha): test/reference/sklearn_linear.py.
interface Case {
  name: string;
  data: 'binary' | 'iris' | 'regression' | 'onehot' | 'onehot3';
  task: 'binary' | 'multiclass' | 'regression';
  params: Params;
  coef: number[][];
  intercept: number[];
}
interface Reference {
  datasets: Record<Case['data'], { X: number[][]; y: number[] }>;
  cases: Case[];
}
const reference = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/ml/linear/reference.json'), 'utf8')) as Reference;

function matrix(rows: number[][]): DenseMatrix {
  const cols = rows[0]!.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  return { layout: 'dense', rows: rows.length, cols, names: Array.from({ length: cols }, (_, j) => `x${j}`), data };
}

function labels(c: Case): Labels {
  const y = reference.datasets[c.data].y;
  if (c.task === 'regression') return { task: 'regression', y: Float64Array.from(y) };
  return { task: c.task, y: Int32Array.from(y), classes: Math.max(...y) + 1 };
}

for (const c of reference.cases) {
  test(`${c.name}: coefficients and intercepts match scikit-learn within 1e-3 relative`, async () => {
    const x = matrix(reference.datasets[c.data].X);
    const model = await linear.fit(x, labels(c), c.params, { seed: 1 });
    const saved = model.toJSON() as unknown as { coef: number[][]; intercept: number[]; converged: boolean };
    assert.equal(saved.converged, true);
    const scale = Math.max(...c.coef.flat().map(Math.abs), ...c.intercept.map(Math.abs));
    const close = (got: number, want: number, what: string): void =>
      assert.ok(Math.abs(got - want) <= 1e-3 * Math.max(Math.abs(want), 0.1 * scale), `${what}: got ${got}, scikit-learn ${want}`);
    assert.equal(saved.coef.length, c.coef.length);
    c.coef.forEach((row, k) => row.forEach((want, j) => {
      close(saved.coef[k]![j]!, want, `coef[${k}][${j}]`);
      // L1 zeros are exact zeros on both sides.
      if (want === 0) assert.equal(saved.coef[k]![j], 0, `coef[${k}][${j}] is exactly 0`);
    }));
    c.intercept.forEach((want, k) => close(saved.intercept[k]!, want, `intercept[${k}]`));
  });
}

test('predictions: probabilities per class summing to 1 (binary has 2 columns), regression one value per row', async () => {
  for (const data of ['binary', 'iris'] as const) {
    const c = reference.cases.find((k) => k.data === data)!;
    const x = matrix(reference.datasets[data].X);
    const model = await linear.fit(x, labels(c), c.params, { seed: 1 });
    const p = model.predict(x);
    const k = data === 'binary' ? 2 : 3;
    assert.equal(p.length, x.rows * k);
    for (let i = 0; i < x.rows; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += p[i * k + j]!;
      assert.ok(Math.abs(s - 1) < 1e-12);
    }
    // Same as the reference coefficients' probabilities (row 0, by hand).
    const row = reference.datasets[data].X[0]!;
    const z = c.coef.map((w, j) => w.reduce((a, v, q) => a + v * row[q]!, c.intercept[j]!));
    const want = k === 2 ? [1 / (1 + Math.exp(z[0]!)), 1 / (1 + Math.exp(-z[0]!))] : z.map((v) => Math.exp(v) / z.reduce((a, u) => a + Math.exp(u), 0));
    want.forEach((w, j) => assert.ok(Math.abs(p[j]! - w) < 1e-5, `p[0][${j}] ${p[j]} vs ${w}`));
  }
  const r = reference.cases.find((k) => k.data === 'regression')!;
  const xr = matrix(reference.datasets.regression.X);
  const pr = (await linear.fit(xr, labels(r), r.params, { seed: 1 })).predict(xr);
  assert.equal(pr.length, xr.rows);
});

test('save → load gives the same predictions; a model refuses input of the wrong width', async () => {
  for (const c of [reference.cases[0]!, reference.cases.find((k) => k.data === 'iris')!, reference.cases.find((k) => k.data === 'regression')!]) {
    const x = matrix(reference.datasets[c.data].X);
    const model = await linear.fit(x, labels(c), c.params, { seed: 1 });
    const again = linear.load(JSON.parse(JSON.stringify(model.toJSON())) as ReturnType<typeof model.toJSON>);
    assert.deepEqual(again.predict(x), model.predict(x));
    assert.throws(() => model.predict({ ...x, cols: x.cols - 1 }), /input columns/);
  }
});

test('one-hot columns that duplicate the intercept (singular least squares) still fit without a penalty', async () => {
  // y = 1 + 2·a + 3·[group = g1]; both group indicator columns are present, so they sum to the intercept.
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 40; i++) {
    const a = Math.sin(i);
    const g = i % 2;
    rows.push([a, g === 0 ? 1 : 0, g === 1 ? 1 : 0]);
    y.push(1 + 2 * a + 3 * g);
  }
  const x = matrix(rows);
  const model = await linear.fit(x, { task: 'regression', y: Float64Array.from(y) }, { penalty: 'none' }, { seed: 1 });
  const p = model.predict(x);
  y.forEach((v, i) => assert.ok(Math.abs(p[i]! - v) < 1e-6, `row ${i}: ${p[i]} vs ${v}`));
});

test('bad parameters and inputs are refused with a clear message', async () => {
  const x = matrix([[0], [1], [2]]);
  const y: Labels = { task: 'binary', y: Int32Array.of(0, 1, 0), classes: 2 };
  await assert.rejects(linear.fit(x, y, { penalty: 'l3' }, { seed: 1 }), /penalty must be one of/);
  await assert.rejects(linear.fit(x, y, { alpha: -1 }, { seed: 1 }), /alpha must be/);
  await assert.rejects(linear.fit({ ...x, data: Float64Array.of(0, NaN, 2) }, y, {}, { seed: 1 }), /missing or infinite/);
  await assert.rejects(linear.fit({ layout: 'columns', rows: 3, names: ['a'], columns: [Float64Array.of(0, 1, 2)], categoryCounts: [0] }, y, {}, { seed: 1 }), /dense input layout/);
});

test('the space has defaults inside its ranges, and the default model fits', async () => {
  for (const p of linear.space) {
    if (p.type === 'categorical') assert.ok(p.choices.includes(p.default));
    else assert.ok(p.default >= p.low && p.default <= p.high, p.name);
  }
  const c = reference.cases.find((k) => k.data === 'iris')!;
  const x = matrix(reference.datasets.iris.X);
  const p = (await linear.fit(x, labels(c), {}, { seed: 1 })).predict(x);
  let right = 0;
  reference.datasets.iris.y.forEach((label, i) => {
    const row = [p[i * 3]!, p[i * 3 + 1]!, p[i * 3 + 2]!];
    if (row.indexOf(Math.max(...row)) === label) right++;
  });
  assert.ok(right / x.rows > 0.95, `training accuracy ${right / x.rows}`);
});
