import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isUserError } from '../../../src/core/errors.js';
import {
  binaryAuc,
  computeMetric,
  confusionCounts,
  defaultMetric,
  METRICS,
  metricsFor,
  parseMetricName,
  predictedClasses,
  sortNumbers,
  toObjective,
} from '../../../src/core/ml/metrics.js';
import { seededRandom } from '../../../src/core/ml/random.js';
import type { Labels, MetricName } from '../../../src/core/ml/types.js';

interface ClassificationCase {
  name: string;
  task: 'binary' | 'multiclass';
  classes: number;
  y: number[];
  proba: number[];
  expected: Partial<Record<MetricName, number>>;
  confusion: number[][];
}
interface RegressionCase {
  name: string;
  y: number[];
  pred: number[];
  expected: Partial<Record<MetricName, number>>;
}
const reference = JSON.parse(readFileSync(join(__dirname, '../../fixtures/ml/metrics/reference.json'), 'utf8')) as {
  classification: ClassificationCase[];
  regression: RegressionCase[];
};

function close(actual: number, expected: number, what: string): void {
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs scikit-learn ${expected}`);
}

function classLabels(task: 'binary' | 'multiclass', y: number[], classes: number): Labels {
  return { task, y: Int32Array.from(y), classes };
}

describe('metrics against scikit-learn 1.2 (fixture)', () => {
  for (const c of reference.classification) {
    it(`${c.name}: every metric scikit-learn computed`, () => {
      const labels = classLabels(c.task, c.y, c.classes);
      const proba = Float64Array.from(c.proba);
      const names = Object.keys(c.expected) as MetricName[];
      assert.ok(names.length >= 9);
      for (const name of names) close(computeMetric(name, labels, proba), c.expected[name] ?? NaN, `${c.name} ${name}`);
      const predicted = predictedClasses(proba, c.y.length, c.classes);
      assert.deepEqual(confusionCounts(labels.y as Int32Array, predicted, c.classes), c.confusion);
    });
  }
  for (const c of reference.regression) {
    it(`${c.name}: rmse, mae, r2, mape`, () => {
      const labels: Labels = { task: 'regression', y: Float64Array.from(c.y) };
      const all = metricsFor('regression', labels, Float64Array.from(c.pred));
      assert.deepEqual(Object.keys(all).sort(), ['mae', 'mape', 'r2', 'rmse']);
      for (const name of Object.keys(c.expected) as MetricName[]) close(all[name] ?? NaN, c.expected[name] ?? NaN, `${c.name} ${name}`);
    });
  }
  it('the fixture has argmax ties in the multiclass case (lowest index wins, like numpy)', () => {
    const c = reference.classification.find((x) => x.name === 'multiclass');
    assert.ok(c);
    let ties = 0;
    for (let r = 0; r < c.y.length; r++) {
      const row = c.proba.slice(r * 4, r * 4 + 4);
      const max = Math.max(...row);
      if (row.filter((p) => p === max).length > 1) ties++;
    }
    assert.ok(ties > 0, 'fixture should exercise argmax ties');
  });
});

describe('metrics by hand', () => {
  it('AUC counts positive-above-negative pairs, ties as halves', () => {
    assert.equal(binaryAuc(Int32Array.from([0, 0, 1, 1]), 1, Float64Array.from([0.1, 0.4, 0.35, 0.8])), 3 / 4);
    assert.equal(binaryAuc(Int32Array.from([0, 1, 0, 1]), 1, Float64Array.from([0.5, 0.5, 0.2, 0.9])), 3.5 / 4);
    // roc_auc reads P(class 1) from the 2-column layout
    const labels = classLabels('binary', [0, 1, 0, 1], 2);
    assert.equal(computeMetric('roc_auc', labels, Float64Array.from([0.5, 0.5, 0.5, 0.5, 0.8, 0.2, 0.1, 0.9])), 3.5 / 4);
    assert.ok(Number.isNaN(binaryAuc(Int32Array.from([1, 1]), 1, Float64Array.from([0.2, 0.3]))), 'one class only → NaN');
  });

  it('a 2×2 confusion matrix and the counts metrics', () => {
    const y = [1, 1, 1, 0, 0];
    const p1 = [0.9, 0.2, 0.7, 0.1, 0.6]; // predicted 1,0,1,0,1
    const proba = Float64Array.from(p1.flatMap((p) => [1 - p, p]));
    const labels = classLabels('binary', y, 2);
    assert.deepEqual(confusionCounts(Int32Array.from(y), predictedClasses(proba, 5, 2), 2), [
      [1, 1],
      [1, 2],
    ]);
    assert.equal(computeMetric('accuracy', labels, proba), 3 / 5);
    close(computeMetric('precision_macro', labels, proba), (1 / 2 + 2 / 3) / 2, 'precision_macro');
    close(computeMetric('precision_weighted', labels, proba), (2 * (1 / 2) + 3 * (2 / 3)) / 5, 'precision_weighted');
    close(computeMetric('balanced_accuracy', labels, proba), (1 / 2 + 2 / 3) / 2, 'balanced_accuracy');
    close(computeMetric('f1_macro', labels, proba), (1 / 2 + 2 / 3) / 2, 'f1_macro (precision = recall per class)');
  });

  it('precision of a never-predicted class is 0 (zero_division=0)', () => {
    const labels = classLabels('binary', [0, 1, 1], 2);
    const proba = Float64Array.from([0.9, 0.1, 0.8, 0.2, 0.7, 0.3]); // always class 0
    close(computeMetric('precision_macro', labels, proba), (1 / 3 + 0) / 2, 'precision_macro');
    close(computeMetric('recall_macro', labels, proba), (1 + 0) / 2, 'recall_macro');
  });

  it('log loss and average precision', () => {
    const labels = classLabels('binary', [0, 1], 2);
    close(computeMetric('log_loss', labels, Float64Array.from([0.8, 0.2, 0.4, 0.6])), -(Math.log(0.8) + Math.log(0.6)) / 2, 'log_loss');
    // a certain, wrong prediction is clipped at ε, not infinite
    close(computeMetric('log_loss', classLabels('binary', [1], 2), Float64Array.from([1, 0])), -Math.log(Number.EPSILON), 'clipped log_loss');
    const ap = classLabels('binary', [1, 0, 1], 2);
    close(computeMetric('pr_auc', ap, Float64Array.from([0.1, 0.9, 0.2, 0.8, 0.3, 0.7])), 0.5 * 1 + 0.5 * (2 / 3), 'pr_auc');
  });

  it('argmax ties go to the lowest class index', () => {
    assert.deepEqual([...predictedClasses(Float64Array.from([0.5, 0.5, 0.2, 0.4, 0.4]), 1, 5)], [0]);
    assert.deepEqual([...predictedClasses(Float64Array.from([0.2, 0.4, 0.4]), 1, 3)], [1]);
  });

  it('a NaN prediction gives NaN, not a score', () => {
    const labels = classLabels('binary', [0, 1], 2);
    assert.ok(Number.isNaN(computeMetric('accuracy', labels, Float64Array.from([0.5, 0.5, NaN, 0.5]))));
    assert.ok(Number.isNaN(computeMetric('rmse', { task: 'regression', y: Float64Array.from([1, 2]) }, Float64Array.from([1, NaN]))));
  });

  it('wrong prediction length is a bug and throws', () => {
    assert.throws(() => computeMetric('accuracy', classLabels('binary', [0, 1], 2), Float64Array.from([1, 0])), /expected 2 rows × 2/);
  });
});

describe('metric names and directions', () => {
  it('defaults per task and objectives (higher is better)', () => {
    assert.equal(defaultMetric('binary'), 'roc_auc');
    assert.equal(defaultMetric('multiclass'), 'accuracy');
    assert.equal(defaultMetric('regression'), 'rmse');
    assert.equal(toObjective('rmse', 2), -2);
    assert.equal(toObjective('log_loss', 0.3), -0.3);
    assert.equal(toObjective('r2', 0.3), 0.3);
    assert.equal(METRICS.mape.greaterIsBetter, false);
    assert.deepEqual(METRICS.rmse.tasks, ['regression']);
  });

  it('parses scikit-learn spellings and aliases', () => {
    assert.equal(parseMetricName('auc'), 'roc_auc');
    assert.equal(parseMetricName('ROC-AUC', 'binary'), 'roc_auc');
    assert.equal(parseMetricName('neg_log_loss', 'multiclass'), 'log_loss');
    assert.equal(parseMetricName('neg_root_mean_squared_error'), 'rmse');
    assert.equal(parseMetricName('average_precision'), 'pr_auc');
    assert.equal(parseMetricName(' F1_Macro '), 'f1_macro');
    assert.equal(parseMetricName('neg_mean_absolute_percentage_error'), 'mape');
  });

  it('rejects unknown or misapplied names with the valid list', () => {
    const check = (text: string, task: 'binary' | 'regression', pattern: RegExp): void => {
      assert.throws(
        () => parseMetricName(text, task),
        (e: unknown) => isUserError(e) && e.code === 'BAD_ARGUMENT' && pattern.test(e.message),
      );
    };
    check('rmse', 'binary', /'rmse' does not apply to a binary target\. Valid metrics: accuracy, .*log_loss\./);
    check('bogus', 'regression', /Unknown metric 'bogus'\. Valid metrics for a regression target: rmse, mae, r2, mape\./);
    check('f1', 'binary', /say f1_macro or f1_weighted/);
  });
});

describe('large inputs (radix sort path)', () => {
  const next = seededRandom(5);
  const cases: [string, () => number][] = [
    ['uniform', () => next()],
    ['signed, wide range', () => (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20)],
    ['few distinct', () => Math.round(next() * 20) / 20 - 0.5],
    ['signed zeros', () => (next() < 0.5 ? -0 : 0)],
    ['infinities and subnormals', () => [Infinity, -Infinity, 1, -1, 5e-324, -5e-324][Math.floor(next() * 6)]!],
  ];
  for (const [name, draw] of cases) {
    it(`sortNumbers matches the built-in sort: ${name}`, () => {
      const values = Float64Array.from({ length: 6000 }, draw);
      const expected = values.slice().sort();
      const actual = sortNumbers(values.slice());
      for (let i = 0; i < values.length; i++) assert.ok(Object.is(actual[i], expected[i]), `${name} at ${i}: ${actual[i]} vs ${expected[i]}`);
    });
  }

  it('AUC on 5000 rows with ties equals a brute-force pair count', () => {
    const rows = 5000;
    const y = Int32Array.from({ length: rows }, () => (next() < 0.3 ? 1 : 0));
    const scores = Float64Array.from(y, (v) => Math.round((0.3 * v + next()) * 50) / 50);
    const pos: number[] = [];
    const neg: number[] = [];
    y.forEach((v, i) => (v === 1 ? pos : neg).push(scores[i]!));
    let pairs = 0;
    for (const p of pos) for (const n of neg) pairs += p > n ? 1 : p === n ? 0.5 : 0;
    close(binaryAuc(y, 1, scores), pairs / (pos.length * neg.length), 'auc');
  });
});
