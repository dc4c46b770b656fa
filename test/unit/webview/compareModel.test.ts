// Compare view: the parameter diff and the parallel-coordinates normalisation, against hand-computed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paramDiff, parallelAxes } from '../../../webview/compare/compareModel.js';

test('paramDiff marks differing and missing parameters, model first', () => {
  const rows = paramDiff([
    { model: 'gbdt', params: { rounds: 100, learningRate: 0.1 } },
    { model: 'gbdt', params: { rounds: 300, learningRate: 0.1 } },
    { model: 'knn', params: { neighbours: 5 } },
  ]);
  assert.deepEqual(rows.map((r) => r.param), ['model', 'learningRate', 'neighbours', 'rounds']);
  assert.deepEqual(rows[0], { param: 'model', values: ['gbdt', 'gbdt', 'knn'], differs: true });
  assert.deepEqual(rows[1], { param: 'learningRate', values: ['0.1', '0.1', null], differs: true });
  assert.deepEqual(rows[3], { param: 'rounds', values: ['100', '300', null], differs: true });
  const same = paramDiff([{ model: 'knn', params: { neighbours: 5 } }, { model: 'knn', params: { neighbours: 5 } }]);
  assert.equal(same.every((r) => !r.differs), true);
});

test('parallelAxes scales numbers min..max, spaces categories, and keeps gaps as null', () => {
  const { axes, lines } = parallelAxes(
    [
      { params: { depth: 2, act: 'relu' }, score: 0.5 },
      { params: { depth: 6, act: 'tanh' }, score: 0.9 },
      { params: { depth: 4 }, score: 0.7 },
    ],
    'accuracy',
  );
  assert.deepEqual(axes.map((a) => [a.name, a.kind]), [['act', 'categorical'], ['depth', 'numeric'], ['accuracy', 'numeric']]);
  assert.deepEqual(axes[0]!.ticks, ['relu', 'tanh']);
  assert.deepEqual(axes[1]!.ticks, ['2', '6']);
  // depth 2 → 0, 6 → 1, 4 → 0.5; score 0.5 → 0, 0.9 → 1, 0.7 → 0.5 (to rounding).
  assert.deepEqual(lines[0], [0, 0, 0]);
  assert.deepEqual(lines[1], [1, 1, 1]);
  assert.equal(lines[2]![0], null);
  assert.equal(lines[2]![1], 0.5);
  assert.ok(Math.abs(lines[2]![2]! - 0.5) < 1e-12);
});

test('an axis where every entry is equal sits in the middle', () => {
  const { lines } = parallelAxes([{ params: { k: 3 }, score: 1 }, { params: { k: 3 }, score: 1 }], 'r2');
  assert.deepEqual(lines, [[0.5, 0.5], [0.5, 0.5]]);
});
