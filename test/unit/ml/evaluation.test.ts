import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isUserError } from '../../../src/core/errors.js';
import {
  calibrationCurve,
  CURVE_POINTS,
  evaluatePredictions,
  featureGroups,
  permutationImportance,
  prCurve,
  residuals,
  rocCurve,
} from '../../../src/core/ml/evaluation.js';
import { knn } from '../../../src/core/ml/models/knn.js';
import { seededRandom } from '../../../src/core/ml/random.js';
import type { ColumnMatrix, DenseMatrix, Labels, ModelInput } from '../../../src/core/ml/types.js';

interface SklearnCurves {
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  rocDropIntermediate: { fpr: number[]; tpr: number[] };
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
  calibration: { probTrue: number[]; probPred: number[] };
}
interface Case {
  name: string;
  classes: number;
  y: number[];
  proba: number[];
  confusion: number[][];
  curves?: SklearnCurves | SklearnCurves[];
}
const reference = JSON.parse(readFileSync(join(__dirname, '../../fixtures/ml/metrics/reference.json'), 'utf8')) as { classification: Case[] };

function closeArrays(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN)) <= 1e-12, `${what}[${i}]: ${actual[i]} vs scikit-learn ${expected[i]}`);
  }
}

function column(proba: number[], classes: number, c: number): Float64Array {
  return Float64Array.from({ length: proba.length / classes }, (_, r) => proba[r * classes + c] ?? NaN);
}

function compareWithSklearn(y: Int32Array, positive: number, scores: Float64Array, ref: SklearnCurves, what: string): void {
  const full = rocCurve(y, positive, scores, false);
  closeArrays(full.map((p) => p.fpr), ref.roc.fpr, `${what} roc fpr`);
  closeArrays(full.map((p) => p.tpr), ref.roc.tpr, `${what} roc tpr`);
  closeArrays(full.slice(1).map((p) => p.threshold ?? NaN), ref.roc.thresholds.slice(1), `${what} roc thresholds`);
  const dropped = rocCurve(y, positive, scores, true);
  closeArrays(dropped.map((p) => p.fpr), ref.rocDropIntermediate.fpr, `${what} roc drop_intermediate fpr`);
  closeArrays(dropped.map((p) => p.tpr), ref.rocDropIntermediate.tpr, `${what} roc drop_intermediate tpr`);
  // scikit-learn lists PR points by rising threshold ending at (recall 0, precision 1); ours run the other way.
  const pr = prCurve(y, positive, scores);
  closeArrays(pr.map((p) => p.recall), [...ref.pr.recall].reverse(), `${what} pr recall`);
  closeArrays(pr.map((p) => p.precision), [...ref.pr.precision].reverse(), `${what} pr precision`);
  closeArrays(pr.slice(1).map((p) => p.threshold ?? NaN), [...ref.pr.thresholds].reverse(), `${what} pr thresholds`);
  const calibration = calibrationCurve(y, positive, scores, 10);
  closeArrays(calibration.map((b) => b.observed), ref.calibration.probTrue, `${what} calibration observed`);
  closeArrays(calibration.map((b) => b.meanPredicted), ref.calibration.probPred, `${what} calibration predicted`);
  assert.equal(calibration.reduce((a, b) => a + b.count, 0), y.length);
}

describe('curves against scikit-learn 1.2 (fixture)', () => {
  it('binary with ties: roc_curve (both drop_intermediate settings), precision_recall_curve, calibration_curve', () => {
    const c = reference.classification.find((x) => x.name === 'binary_ties');
    assert.ok(c?.curves !== undefined && !Array.isArray(c.curves));
    compareWithSklearn(Int32Array.from(c.y), 1, column(c.proba, 2, 1), c.curves, 'binary');
  });
  it('multiclass: one-vs-rest curves per class', () => {
    const c = reference.classification.find((x) => x.name === 'multiclass');
    assert.ok(c !== undefined && Array.isArray(c.curves));
    const y = Int32Array.from(c.y);
    c.curves.forEach((ref, k) => compareWithSklearn(y, k, column(c.proba, c.classes, k), ref, `class ${k}`));
    const evaluation = evaluatePredictions({ task: 'multiclass', y, classes: c.classes }, Float64Array.from(c.proba));
    assert.ok(evaluation.task === 'multiclass');
    assert.deepEqual(evaluation.curves.map((x) => x.positiveClass), [0, 1, 2, 3]);
    assert.deepEqual(evaluation.confusion.counts, c.confusion);
  });
});

describe('curve shape', () => {
  const next = seededRandom(7);
  const rows = 5000;
  const y = Int32Array.from({ length: rows }, () => (next() < 0.3 ? 1 : 0));
  const proba = new Float64Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const p = Math.min(1, Math.max(0, 0.3 + 0.3 * ((y[r] ?? 0) - 0.3) + 0.8 * (next() - 0.5)));
    proba[r * 2] = 1 - p;
    proba[r * 2 + 1] = p;
  }
  const evaluation = evaluatePredictions({ task: 'binary', y, classes: 2 }, proba);

  it('binary: one curve set, for class 1, thinned to the cap with endpoints kept', () => {
    assert.ok(evaluation.task === 'binary');
    assert.equal(evaluation.curves.length, 1);
    const { roc, pr, calibration } = evaluation.curves[0]!;
    assert.ok(roc.length <= CURVE_POINTS && roc.length > 100, `roc has ${roc.length} points`);
    assert.ok(pr.length <= CURVE_POINTS && pr.length > 100, `pr has ${pr.length} points`);
    assert.deepEqual([roc[0]!.fpr, roc[0]!.tpr], [0, 0]);
    assert.deepEqual([roc.at(-1)!.fpr, roc.at(-1)!.tpr], [1, 1]);
    assert.deepEqual([pr[0]!.recall, pr[0]!.precision], [0, 1]);
    assert.equal(pr.at(-1)!.recall, 1);
    for (let i = 1; i < roc.length; i++) {
      assert.ok(roc[i]!.fpr >= roc[i - 1]!.fpr && roc[i]!.tpr >= roc[i - 1]!.tpr, `roc monotone at ${i}`);
    }
    for (let i = 1; i < pr.length; i++) assert.ok(pr[i]!.recall >= pr[i - 1]!.recall, `pr recall monotone at ${i}`);
    for (let i = 2; i < pr.length; i++) assert.ok(pr[i]!.threshold! < pr[i - 1]!.threshold!, `pr thresholds fall at ${i}`);
    assert.equal(calibration.reduce((a, b) => a + b.count, 0), rows);
    for (const bin of calibration) assert.ok(bin.meanPredicted >= 0 && bin.meanPredicted <= 1 && bin.observed >= 0 && bin.observed <= 1);
  });

  it('is plain JSON', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(evaluation)), evaluation);
  });

  it('a class with no positives gets empty curves', () => {
    assert.deepEqual(rocCurve(Int32Array.from([0, 0]), 1, Float64Array.from([0.2, 0.4]), true), []);
    assert.deepEqual(prCurve(Int32Array.from([0, 0]), 1, Float64Array.from([0.2, 0.4])), []);
  });
});

describe('confusion matrix and residuals by hand', () => {
  it('2×2 confusion from probabilities', () => {
    const labels: Labels = { task: 'binary', y: Int32Array.from([1, 1, 1, 0, 0]), classes: 2 };
    const proba = Float64Array.from([0.1, 0.9, 0.8, 0.2, 0.3, 0.7, 0.6, 0.4, 0.35, 0.65]);
    const evaluation = evaluatePredictions(labels, proba);
    assert.ok(evaluation.task === 'binary');
    assert.deepEqual(evaluation.confusion, {
      classes: [0, 1],
      counts: [
        [1, 1],
        [1, 2],
      ],
    });
  });

  it('residuals: actual − predicted, summary and histogram', () => {
    const r = residuals(Float64Array.from([1, 2, 3, 10]), Float64Array.from([1.5, 2, 2, 10]));
    assert.deepEqual(
      r.sample.map((p) => p.residual),
      [-0.5, 0, 1, 0],
    );
    assert.equal(r.rows, 4);
    assert.equal(r.mean, 0.5 / 4);
    assert.ok(Math.abs(r.std - Math.sqrt((0.625 ** 2 + 0.125 ** 2 + 0.875 ** 2 + 0.125 ** 2) / 4)) < 1e-15);
    assert.equal(r.histogram.edges[0], -0.5);
    assert.equal(r.histogram.edges.at(-1), 1);
    assert.equal(r.histogram.counts.length, 20);
    assert.equal(r.histogram.counts[0], 1);
    assert.equal(r.histogram.counts.at(-1), 1);
    assert.equal(r.histogram.counts.reduce((a, b) => a + b, 0), 4);
    // (0 − (−0.5)) / 0.075 = 6.67 → bin 6 holds both zeros
    assert.equal(r.histogram.counts[6], 2);
  });

  it('residual sample is capped on many rows', () => {
    const n = 10_000;
    const y = Float64Array.from({ length: n }, (_, i) => i);
    const r = residuals(y, y);
    assert.equal(r.sample.length, 500);
    assert.deepEqual(r.histogram.counts, [n]);
  });
});

describe('permutation importance', () => {
  // Synthetic: class = 1 when x0 > 0; x1 is noise; a "model" that reads x0 (and, weakly, x1).
  const rows = 400;
  const next = seededRandom(11);
  const x0 = Float64Array.from({ length: rows }, () => next() * 2 - 1);
  const x1 = Float64Array.from({ length: rows }, () => next() * 2 - 1);
  const labels: Labels = { task: 'binary', y: Int32Array.from(x0, (v) => (v > 0 ? 1 : 0)), classes: 2 };
  const columns: ColumnMatrix = { layout: 'columns', rows, names: ['signal', 'noise'], columns: [x0, x1], categoryCounts: [0, 0] };
  const predictColumns = (input: ModelInput): Float64Array => {
    assert.equal(input.layout, 'columns');
    if (input.layout !== 'columns') throw new Error('layout');
    const out = new Float64Array(input.rows * 2);
    for (let r = 0; r < input.rows; r++) {
      const p = 1 / (1 + Math.exp(-(8 * input.columns[0]![r]! + 0.3 * input.columns[1]![r]!)));
      out[r * 2] = 1 - p;
      out[r * 2 + 1] = p;
    }
    return out;
  };

  it('ranks the informative column above noise (column layout)', async () => {
    const result = await permutationImportance(predictColumns, columns, labels, 'accuracy', { repeats: 4, seed: 3 });
    assert.deepEqual(result.map((f) => f.feature), ['signal', 'noise']);
    assert.ok(result[0]!.mean > 0.3, `signal drop ${result[0]!.mean}`);
    assert.ok(Math.abs(result[1]!.mean) < 0.05, `noise drop ${result[1]!.mean}`);
    assert.ok(result[0]!.std >= 0);
    // same seed, same numbers; the input itself is left as it was
    assert.deepEqual(await permutationImportance(predictColumns, columns, labels, 'accuracy', { repeats: 4, seed: 3 }), result);
    assert.equal(columns.columns[0], x0);
  });

  it('a loss metric still reports a positive drop for a useful feature', async () => {
    const result = await permutationImportance(predictColumns, columns, labels, 'log_loss', { repeats: 2, seed: 1 });
    assert.equal(result[0]!.feature, 'signal');
    assert.ok(result[0]!.mean > 0);
  });

  it('dense layout: one-hot columns of one feature are shuffled together as a group', async () => {
    // Feature "colour" one-hot in columns 0..2 (red → class 1), plus a noise column 3.
    const colours = Int32Array.from({ length: rows }, () => Math.floor(next() * 3));
    const data = new Float64Array(rows * 4);
    const seen: number[] = [];
    for (let r = 0; r < rows; r++) {
      data[r * 4 + (colours[r] ?? 0)] = 1;
      data[r * 4 + 3] = next();
    }
    const dense: DenseMatrix = { layout: 'dense', rows, cols: 4, names: ['colour=red', 'colour=green', 'colour=blue', 'noise'], data };
    const y = Int32Array.from(colours, (c) => (c === 0 ? 1 : 0));
    const predictDense = (input: ModelInput): Float64Array => {
      if (input.layout !== 'dense') throw new Error('layout');
      const out = new Float64Array(input.rows * 2);
      for (let r = 0; r < input.rows; r++) {
        const hot = input.data[r * 4]! + input.data[r * 4 + 1]! + input.data[r * 4 + 2]!;
        seen.push(hot);
        const p = input.data[r * 4]! > 0.5 ? 0.9 : 0.1;
        out[r * 2] = 1 - p;
        out[r * 2 + 1] = p;
      }
      return out;
    };
    const groups = [
      { name: 'colour', columns: [0, 1, 2] },
      { name: 'noise', columns: [3] },
    ];
    const result = await permutationImportance(predictDense, dense, { task: 'binary', y, classes: 2 }, 'roc_auc', { repeats: 3, seed: 5, groups });
    assert.deepEqual(result.map((f) => f.feature), ['colour', 'noise']);
    assert.ok(result[0]!.mean > 0.3, `colour drop ${result[0]!.mean}`);
    assert.equal(result[1]!.mean, 0);
    assert.ok(seen.every((h) => h === 1), 'every shuffled row still has exactly one hot colour column');
  });

  it('stops with CANCELLED when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      permutationImportance(predictColumns, columns, labels, 'accuracy', { signal: controller.signal }),
      (e: unknown) => isUserError(e) && e.code === 'CANCELLED',
    );
  });

  it('samples at most maxRows rows, seeded', async () => {
    const sizes: number[] = [];
    const counting = (input: ModelInput): Float64Array => {
      sizes.push(input.rows);
      return predictColumns(input);
    };
    const result = await permutationImportance(counting, columns, labels, 'accuracy', { repeats: 2, seed: 3, maxRows: 50 });
    assert.deepEqual(sizes, [50, 50, 50, 50, 50]);
    assert.equal(result[0]!.feature, 'signal');
    assert.deepEqual(await permutationImportance(predictColumns, columns, labels, 'accuracy', { repeats: 2, seed: 3, maxRows: 50 }), result);
  });

  it('a fitted kNN on held-out rows: the informative features outrank the noise (regression)', async () => {
    // y = 3·a − 2·b + small noise; c and d are pure noise. Fit on 300 rows, score on 200 others.
    const rand = seededRandom(21);
    const make = (n: number): { x: DenseMatrix; y: Float64Array } => {
      const data = new Float64Array(n * 4);
      const y = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < 4; j++) data[r * 4 + j] = rand() * 2 - 1;
        y[r] = 3 * data[r * 4]! - 2 * data[r * 4 + 1]! + 0.1 * (rand() - 0.5);
      }
      return { x: { layout: 'dense', rows: n, cols: 4, names: ['a', 'b', 'c', 'd'], data }, y };
    };
    const train = make(300);
    const test = make(200);
    const model = await knn.fit(train.x, { task: 'regression', y: train.y }, { neighbours: 5 }, { seed: 1 });
    const result = await permutationImportance((x) => model.predict(x), test.x, { task: 'regression', y: test.y }, 'rmse', { repeats: 3, seed: 2 });
    assert.deepEqual(result.slice(0, 2).map((f) => f.feature), ['a', 'b']);
    assert.ok(result[1]!.mean > 3 * Math.max(result[2]!.mean, result[3]!.mean, 0.01), JSON.stringify(result));
  });
});

describe('feature groups', () => {
  it('one group per original feature from the preprocessor\'s column sources', () => {
    assert.deepEqual(featureGroups([0, 1, 1, 1, 2, 0], ['size', 'colour', 'age']), [
      { name: 'size', columns: [0, 5] },
      { name: 'colour', columns: [1, 2, 3] },
      { name: 'age', columns: [4] },
    ]);
  });
});
