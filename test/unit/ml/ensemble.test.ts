import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blend, selectEnsemble } from '../../../src/core/ml/ensemble.js';
import { computeMetric, toObjective } from '../../../src/core/ml/metrics.js';
import { seededRandom } from '../../../src/core/ml/random.js';
import type { Labels, MetricName } from '../../../src/core/ml/types.js';

describe('ensemble selection', () => {
  it('finds the weights that cancel opposite errors (constructed case)', () => {
    const y = Float64Array.from([1, 4, 2, 8, 5, 7]);
    const e = Float64Array.from([1, -2, 0.5, 1, -1, 3]);
    const labels: Labels = { task: 'regression', y };
    const a = y.map((v, i) => v + 2 * e[i]!); // error +2e
    const b = y.map((v, i) => v - e[i]!); // error −e: 1/3·a + 2/3·b = y
    const c = y.map((v, i) => v + 5 * e[i]!);
    const selection = selectEnsemble([c, a, b], labels, 'rmse', { rounds: 10 });
    assert.deepEqual(selection.weights, [0, 1 / 3, 2 / 3]);
    assert.ok(Math.abs(selection.score) < 1e-12, `rmse ${selection.score}`);
    assert.equal(selection.bestSingle.index, 2);
    // round 1 = b alone, round 2 = a + b, round 3 = a + 2b (exact)
    assert.ok(Math.abs(selection.trace[0]! - toObjective('rmse', computeMetric('rmse', labels, b))) < 1e-12);
  });

  for (const metric of ['roc_auc', 'log_loss', 'accuracy'] as MetricName[]) {
    it(`never worse than its best member on the rows it was selected on (${metric})`, () => {
      const next = seededRandom(metric.length);
      const rows = 300;
      const classes = 3;
      const y = Int32Array.from({ length: rows }, () => Math.floor(next() * classes));
      const labels: Labels = { task: 'multiclass', y, classes };
      const candidates = Array.from({ length: 6 }, (_, k) => {
        const out = new Float64Array(rows * classes);
        for (let r = 0; r < rows; r++) {
          let sum = 0;
          for (let c = 0; c < classes; c++) {
            const v = next() + (c === y[r] ? 0.15 * k * next() : 0);
            out[r * classes + c] = v;
            sum += v;
          }
          for (let c = 0; c < classes; c++) out[r * classes + c]! /= sum;
        }
        return out;
      });
      const singles = candidates.map((p) => toObjective(metric, computeMetric(metric, labels, p)));
      const selection = selectEnsemble(candidates, labels, metric, { rounds: 15 });
      assert.ok(selection.objective >= Math.max(...singles), `${selection.objective} < ${Math.max(...singles)}`);
      assert.equal(selection.bestSingle.index, singles.indexOf(Math.max(...singles)));
      assert.equal(selection.bestSingle.objective, Math.max(...singles));
      // the reported score is what the blend actually scores
      const recomputed = computeMetric(metric, labels, blend(selection.weights, candidates));
      assert.ok(Math.abs(recomputed - selection.score) < 1e-12, `${recomputed} vs ${selection.score}`);
      assert.ok(Math.abs(selection.weights.reduce((s, w) => s + w, 0) - 1) < 1e-12);
    });
  }

  it('skips a candidate whose predictions are NaN', () => {
    const labels: Labels = { task: 'binary', y: Int32Array.from([0, 1, 1, 0]), classes: 2 };
    const good = Float64Array.from([0.8, 0.2, 0.3, 0.7, 0.4, 0.6, 0.6, 0.4]);
    const broken = Float64Array.from([NaN, NaN, 0, 1, 0, 1, 1, 0]);
    const selection = selectEnsemble([broken, good], labels, 'roc_auc', { rounds: 3 });
    assert.deepEqual(selection.weights, [0, 1]);
    assert.equal(selection.score, 1);
    assert.throws(() => selectEnsemble([broken], labels, 'roc_auc'), /No ensemble candidate/);
  });
});

describe('blend', () => {
  it('weighted average by hand; weights need not sum to 1', () => {
    const out = blend([1, 3], [Float64Array.from([0, 1, 4]), Float64Array.from([4, 1, 0])]);
    assert.deepEqual([...out], [3, 1, 1]);
    assert.throws(() => blend([1], [Float64Array.from([1]), Float64Array.from([2])]), /1 weights for 2/);
  });
});
