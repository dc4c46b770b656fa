import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { mlp } from '../../../src/core/ml/models/mlp.js';
import { linear } from '../../../src/core/ml/models/linear.js';
import { seededRandom } from '../../../src/core/ml/random.js';
import type { DenseMatrix, Labels, Params, SavedModel } from '../../../src/core/ml/types.js';

function matrix(rows: number[][]): DenseMatrix {
  const cols = rows[0]!.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  return { layout: 'dense', rows: rows.length, cols, names: Array.from({ length: cols }, (_, j) => `x${j}`), data };
}

function accuracy(p: Float64Array, y: ArrayLike<number>, k: number): number {
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
    if (best === y[i]) right++;
  }
  return right / y.length;
}

/** XOR in the plane: the class is whether x·y > 0 (no linear model does better than chance). */
function xor(n: number, seed: number): { x: DenseMatrix; labels: Labels & { task: 'binary' } } {
  const random = seededRandom(seed);
  const rows: number[][] = [];
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = random() * 2 - 1;
    const b = random() * 2 - 1;
    rows.push([a, b]);
    y[i] = a * b > 0 ? 1 : 0;
  }
  return { x: matrix(rows), labels: { task: 'binary', y, classes: 2 } };
}

const FAST: Params = { units: 32, epochs: 60, batchSize: 64, learningRate: 0.01 };

test('learns XOR, which a linear model cannot', async () => {
  const train = xor(600, 1);
  const held = xor(400, 2);
  const model = await mlp.fit(train.x, train.labels, FAST, { seed: 7 });
  const acc = accuracy(model.predict(held.x), held.labels.y, 2);
  assert.ok(acc >= 0.95, `MLP held-out accuracy ${acc}`);
  const lin = await linear.fit(train.x, train.labels, {}, { seed: 7 });
  assert.ok(accuracy(lin.predict(held.x), held.labels.y, 2) < 0.65, 'the problem is not linearly separable');
});

test('regression: fits a nonlinear function (R² > 0.9) on the original target scale', async () => {
  const random = seededRandom(3);
  const make = (n: number): { x: DenseMatrix; y: Float64Array } => {
    const rows: number[][] = [];
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = random() * 4 - 2;
      const b = random() * 4 - 2;
      rows.push([a, b]);
      y[i] = 100 + 30 * Math.sin(2 * a) + 10 * b * b;
    }
    return { x: matrix(rows), y };
  };
  const train = make(800);
  const held = make(300);
  const model = await mlp.fit(train.x, { task: 'regression', y: train.y }, { ...FAST, activation: 'tanh' }, { seed: 1 });
  const p = model.predict(held.x);
  assert.equal(p.length, held.x.rows);
  let mean = 0;
  for (const v of held.y) mean += v / held.y.length;
  let ssRes = 0;
  let ssTot = 0;
  held.y.forEach((v, i) => {
    ssRes += (v - p[i]!) ** 2;
    ssTot += (v - mean) ** 2;
  });
  assert.ok(1 - ssRes / ssTot > 0.9, `R² ${1 - ssRes / ssTot}`);
});

// scikit-learn 1.2 MLPClassifier, same architecture and training settings, fixed splits:
// test/reference/sklearn_mlp.py.
interface MlpReference {
  settings: Params;
  datasets: Record<string, { train: { X: number[][]; y: number[] }; test: { X: number[][]; y: number[] }; classes: number; sklearnAccuracy: number[]; sklearnAccuracyNoEarlyStopping: number[] }>;
}
const reference = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/ml/mlp/reference.json'), 'utf8')) as MlpReference;

for (const [name, d] of Object.entries(reference.datasets)) {
  test(`${name}: held-out accuracy within 3 points of scikit-learn's MLPClassifier (or better)`, async () => {
    const accs: number[] = [];
    for (const seed of [1, 2]) {
      const model = await mlp.fit(matrix(d.train.X), { task: 'multiclass', y: Int32Array.from(d.train.y), classes: d.classes }, reference.settings, { seed });
      accs.push(accuracy(model.predict(matrix(d.test.X)), d.test.y, d.classes));
    }
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    const sklearn = Math.max(mean(d.sklearnAccuracy), mean(d.sklearnAccuracyNoEarlyStopping));
    assert.ok(mean(accs) >= sklearn - 0.03, `ML Lab ${accs.join(', ')} vs scikit-learn ${sklearn}`);
  });
}

test('probabilities: rows × classes, each row sums to 1 (binary has 2 columns)', async () => {
  const { x, labels } = xor(200, 4);
  const p = (await mlp.fit(x, labels, { ...FAST, epochs: 5 }, { seed: 1 })).predict(x);
  assert.equal(p.length, x.rows * 2);
  for (let i = 0; i < x.rows; i++) {
    assert.ok(p[2 * i]! >= 0 && p[2 * i + 1]! >= 0);
    assert.ok(Math.abs(p[2 * i]! + p[2 * i + 1]! - 1) < 1e-12);
  }
});

test('same seed → same model; another seed → another model', async () => {
  const { x, labels } = xor(300, 5);
  const params: Params = { ...FAST, epochs: 15, layers: 2, dropout: 0.2 };
  const a = await mlp.fit(x, labels, params, { seed: 11 });
  const b = await mlp.fit(x, labels, params, { seed: 11 });
  const c = await mlp.fit(x, labels, params, { seed: 12 });
  assert.deepEqual(b.toJSON(), a.toJSON());
  assert.deepEqual(b.predict(x), a.predict(x));
  assert.notDeepEqual(c.predict(x), a.predict(x));
});

test('save → JSON → load gives the same predictions, weights as plain numbers', async () => {
  const { x, labels } = xor(300, 6);
  const model = await mlp.fit(x, labels, { ...FAST, epochs: 10, layers: 3, units: 16, activation: 'tanh' }, { seed: 2 });
  const saved = model.toJSON() as SavedModel & { architecture: number[]; layers: { kernel: unknown[] }[] };
  assert.deepEqual(saved.architecture, [16, 16, 16, 2]);
  assert.ok(saved.layers.every((l) => l.kernel.every((v) => typeof v === 'number')));
  const loaded = mlp.load(JSON.parse(JSON.stringify(saved)) as SavedModel);
  assert.deepEqual(loaded.predict(x), model.predict(x));
  assert.throws(() => loaded.predict({ ...x, cols: 3, data: new Float64Array(x.rows * 3) }), /input columns/);
});

test('no tensors outlive fit and predict, across many fits (with dropout, regression, and a cancelled fit)', async () => {
  const { x, labels } = xor(200, 8);
  await mlp.fit(x, labels, { ...FAST, epochs: 2 }, { seed: 1 }); // warm up tfjs' own one-time tensors
  const before = tf.memory().numTensors;
  for (let t = 0; t < 5; t++) {
    const model = await mlp.fit(x, labels, { ...FAST, epochs: 3, layers: 1 + (t % 3), dropout: t % 2 ? 0.3 : 0 }, { seed: t });
    model.predict(x);
  }
  const reg = await mlp.fit(x, { task: 'regression', y: Float64Array.from(labels.y) }, { ...FAST, epochs: 3 }, { seed: 1 });
  reg.predict(x);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(mlp.fit(x, labels, FAST, { seed: 1, signal: controller.signal }));
  assert.equal(tf.memory().numTensors, before);
});

test('budget scales the epochs', async () => {
  const { x, labels } = xor(100, 9); // under 100 rows: no early-stopping split, every epoch runs
  const full = (await mlp.fit(x, labels, { ...FAST, epochs: 40 }, { seed: 1 })).toJSON();
  const quarter = (await mlp.fit(x, labels, { ...FAST, epochs: 40 }, { seed: 1, budget: 0.25 })).toJSON();
  assert.equal(full.epochs, 40);
  assert.equal(quarter.epochs, 10);
});

test('early stopping ends training once the validation loss stops improving', async () => {
  // Labels that are pure noise: nothing generalises, so the validation loss stops improving early on.
  const random = seededRandom(10);
  const rows: number[][] = [];
  const y = new Int32Array(400);
  for (let i = 0; i < 400; i++) {
    rows.push([random(), random(), random()]);
    y[i] = random() < 0.5 ? 1 : 0;
  }
  const saved = (await mlp.fit(matrix(rows), { task: 'binary', y, classes: 2 }, { ...FAST, epochs: 300 }, { seed: 1 })).toJSON() as SavedModel & { epochs: number; bestEpoch: number };
  assert.ok(saved.epochs < 300, `ran ${saved.epochs} epochs`);
  assert.equal(saved.epochs - saved.bestEpoch, 10, 'stops after PATIENCE epochs without improvement');
});

test('bad parameters are refused with a clear message; the space has defaults inside its ranges', async () => {
  const { x, labels } = xor(50, 1);
  await assert.rejects(mlp.fit(x, labels, { layers: 4 }, { seed: 1 }), /layers must be/);
  await assert.rejects(mlp.fit(x, labels, { activation: 'sigmoid' }, { seed: 1 }), /activation must be/);
  for (const p of mlp.space) {
    if (p.type === 'categorical') assert.ok(p.choices.includes(p.default));
    else assert.ok(p.default >= p.low && p.default <= p.high, p.name);
  }
});

test('a fit in progress stops when its signal is aborted from outside (between epochs), leaving no tensors', async () => {
  const { x, labels } = xor(90, 12); // under 100 rows: no early stopping, only the abort can end it
  const before = tf.memory().numTensors;
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(mlp.fit(x, labels, { ...FAST, epochs: 1_000_000 }, { seed: 1, signal: controller.signal }), { name: 'AbortError' });
  assert.equal(tf.memory().numTensors, before);
});
