// The Start AutoML Sweep quick pick's logic: inferred task and class balance per column, metrics, budgets,
// the runner's config, and choices remembered per dataset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  budgetLabel,
  choicesFromConfig,
  classBalance,
  inferredTask,
  metricChoices,
  parseChoices,
  parseMinutes,
  parseTestFraction,
  parseWhole,
  recalled,
  remember,
  REMEMBERED_MAX,
  sweepConfig,
  targetOptions,
  testFractionLabel,
} from '../../../src/extension/sweepChoices.js';
import type { SweepChoices } from '../../../src/extension/sweepChoices.js';
import type { ColumnProfile } from '../../../src/protocol/profile.js';

function column(extra: Partial<ColumnProfile> & { integer?: number }): ColumnProfile {
  const { integer, ...rest } = extra;
  const count = rest.count ?? 100;
  return {
    index: 0,
    name: 'c',
    type: 'numeric',
    count,
    missing: 0,
    missingPct: 0,
    distinct: 10,
    distinctApprox: false,
    min: null,
    max: null,
    mean: null,
    std: null,
    skewness: null,
    quantiles: null,
    zeros: null,
    negatives: null,
    outliers: null,
    top: [],
    topApprox: false,
    histogram: null,
    length: null,
    evidence: { numeric: count, integer: integer ?? 0, boolean: 0, datetime: 0, numericLikeText: 0, padded: 0, variantGroups: [] },
    ...rest,
  };
}

test('the inferred task follows the loader’s rules', () => {
  assert.equal(inferredTask(column({ type: 'categorical', distinct: 3, count: 150 })), 'multiclass');
  assert.equal(inferredTask(column({ type: 'boolean', distinct: 2 })), 'binary');
  assert.equal(inferredTask(column({ distinct: 2 })), 'binary', 'two numbers: binary');
  assert.equal(inferredTask(column({ distinct: 5, count: 100, integer: 100 })), 'multiclass', 'few whole numbers, 20 rows each');
  assert.equal(inferredTask(column({ distinct: 5, count: 20, integer: 20 })), 'regression', '4 rows per value is too few for classes');
  assert.equal(inferredTask(column({ distinct: 21, count: 1000, integer: 1000 })), 'regression', 'more than 20 whole numbers');
  assert.equal(inferredTask(column({ distinct: 5, count: 100, integer: 99 })), 'regression', 'one fraction makes it continuous');
  assert.equal(inferredTask(column({ distinct: 1 })), null);
  assert.equal(inferredTask(column({ count: 0, distinct: 0 })), null);
});

test('class balance: shares of the non-missing values, most frequent first, then how many more', () => {
  const species = column({ name: 'species', type: 'categorical', distinct: 3, count: 150, top: [{ value: 'setosa', count: 50 }, { value: 'versicolor', count: 50 }, { value: 'virginica', count: 50 }] });
  assert.equal(classBalance(species), 'setosa 33% · versicolor 33% · virginica 33%');
  const skewed = column({ type: 'categorical', distinct: 6, count: 1000, top: [{ value: 'a', count: 900 }, { value: 'b', count: 91 }, { value: 'c', count: 5 }, { value: 'd', count: 2 }, { value: 'e', count: 1 }, { value: 'f', count: 1 }] });
  assert.equal(classBalance(skewed), 'a 90% · b 9.1% · c 0.5% · d 0.2% · +2 more');
  const options = targetOptions([species, column({ name: 'price', distinct: 90, min: 0.5, max: 9.8, missing: 25, count: 75 }), column({ name: 'k', distinct: 1 })]);
  assert.deepEqual(options, [
    { column: 'species', task: 'multiclass', detail: 'multiclass · setosa 33% · versicolor 33% · virginica 33%' },
    { column: 'price', task: 'regression', detail: 'regression · 0.5 to 9.8 · 25% missing' },
    { column: 'k', task: null, detail: 'a single value: cannot be a target' },
  ]);
});

test('metrics: the task’s default first, only the task’s metrics', () => {
  const binary = metricChoices('binary');
  assert.equal(binary[0]?.metric, 'roc_auc');
  assert.equal(binary[0]?.isDefault, true);
  assert.ok(binary.slice(1).every((m) => !m.isDefault));
  assert.ok(!binary.some((m) => m.metric === 'rmse'));
  assert.deepEqual(metricChoices('regression').map((m) => m.metric).sort(), ['mae', 'mape', 'r2', 'rmse']);
  assert.equal(metricChoices('regression')[0]?.metric, 'rmse');
});

test('budgets: labels and typed values', () => {
  assert.deepEqual([60, 300, 900, 30, 90].map((s) => budgetLabel({ kind: 'seconds', value: s })), ['1 min', '5 min', '15 min', '30 s', '1 min 30 s']);
  assert.equal(budgetLabel({ kind: 'trials', value: 1 }), '1 trial');
  assert.equal(budgetLabel({ kind: 'trials', value: 40 }), '40 trials');
  assert.equal(parseMinutes('0.5'), 30);
  assert.equal(parseMinutes(' 1,5 '), 90);
  assert.equal(typeof parseMinutes('abc'), 'string');
  assert.equal(typeof parseMinutes('0'), 'string');
  assert.equal(typeof parseMinutes('2000'), 'string');
  assert.equal(parseWhole('7', 'Folds', 2, 20), 7);
  assert.equal(parseWhole('1', 'Folds', 2, 20), 'Folds must be a whole number from 2 to 20.');
  assert.equal(typeof parseWhole('2.5', 'Folds', 2, 20), 'string');
  assert.equal(typeof parseWhole('', 'Folds', 2, 20), 'string');
});

const choices: SweepChoices = { target: 'species', metric: 'accuracy', budget: { kind: 'trials', value: 25 }, search: 'random', models: ['knn', 'gbdt'], folds: 3, seed: 7, testFraction: null };

test('the runner’s config: a trial budget sets maxTrials only; no models means all', () => {
  assert.deepEqual(sweepConfig('/ws/iris.csv', '/ws', choices), {
    dataset: '/ws/iris.csv',
    workspace: '/ws',
    target: 'species',
    metric: 'accuracy',
    maxTrials: 25,
    search: 'random',
    models: ['knn', 'gbdt'],
    folds: 3,
    seed: 7,
  });
  const timed = sweepConfig('/ws/iris.csv', '/ws', { ...choices, budget: { kind: 'seconds', value: 300 }, models: null }, 'E0');
  assert.equal(timed.budgetSeconds, 300);
  assert.equal(timed.maxTrials, undefined);
  assert.equal(timed.models, undefined);
  assert.equal(timed.parent, 'E0');
  assert.equal(timed.testFraction, undefined, 'null: the engine picks its default');
  assert.equal(sweepConfig('/ws/iris.csv', '/ws', { ...choices, testFraction: 0 }).testFraction, 0);
});

test('the held-out test share as typed: empty = default, 0 = none, a fraction or a percentage up to a half', () => {
  assert.equal(parseTestFraction(''), null);
  assert.equal(parseTestFraction(' 0 '), 0);
  assert.equal(parseTestFraction('0.25'), 0.25);
  assert.equal(parseTestFraction('0,1'), 0.1);
  assert.equal(parseTestFraction('20%'), 0.2);
  assert.equal(typeof parseTestFraction('0.6'), 'string');
  assert.equal(typeof parseTestFraction('-0.1'), 'string');
  assert.equal(typeof parseTestFraction('abc'), 'string');
  assert.equal(testFractionLabel(null), 'held out: 20% from 100 rows');
  assert.equal(testFractionLabel(0), 'no held-out rows');
  assert.equal(testFractionLabel(0.25), 'held out: 25%');
  // Remembered before the test share existed: read as the default.
  const { testFraction: _dropped, ...old } = { ...choices, testFraction: 0.3 };
  assert.equal(parseChoices(old)?.testFraction, null);
  assert.equal(parseChoices({ ...choices, testFraction: 0.3 })?.testFraction, 0.3);
  assert.equal(parseChoices({ ...choices, testFraction: 1 }), null);
});

test('remembered choices: per dataset, newest last, bad entries dropped, at most REMEMBERED_MAX', () => {
  let stored: unknown = { '/ws/old.csv': { ...choices, metric: 'no-such-metric' }, '/ws/b.csv': { ...choices, target: 'b' } };
  stored = remember(stored, '/ws/iris.csv', choices);
  assert.deepEqual(Object.keys(stored as object), ['/ws/b.csv', '/ws/iris.csv']);
  assert.deepEqual(recalled(stored, '/ws/iris.csv'), choices);
  assert.equal(recalled(stored, '/ws/none.csv'), null);
  assert.equal(recalled('garbage', '/ws/iris.csv'), null);
  stored = remember(stored, '/ws/b.csv', { ...choices, target: 'b2' });
  assert.deepEqual(Object.keys(stored as object), ['/ws/iris.csv', '/ws/b.csv'], 'the one chosen last moves last');
  for (let i = 0; i < REMEMBERED_MAX + 5; i++) stored = remember(stored, `/ws/f${i}.csv`, choices);
  const keys = Object.keys(stored as object);
  assert.equal(keys.length, REMEMBERED_MAX);
  assert.equal(keys.at(-1), `/ws/f${REMEMBERED_MAX + 4}.csv`);
  assert.ok(!keys.includes('/ws/iris.csv'), 'the oldest are forgotten');
  assert.equal(parseChoices({ ...choices, folds: 1 }), null);
  assert.equal(parseChoices({ ...choices, models: ['svm'] }), null);
  assert.equal(parseChoices({ ...choices, budget: { kind: 'seconds', value: -1 } }), null);
});

test('a Re-run’s prefilled config (stored settings + parent) becomes the same choices', () => {
  const settings = {
    dataset: '/ws/iris.csv',
    target: 'species',
    task: 'multiclass',
    metric: 'f1_macro',
    budgetSeconds: null,
    maxTrials: 30,
    search: 'tpe',
    seed: 3,
    models: ['knn'],
    validation: { kind: 'kfold', folds: 4, stratified: true },
    parallel: 2,
    parent: 'E9',
  };
  assert.deepEqual(choicesFromConfig(settings), {
    dataset: '/ws/iris.csv',
    parent: 'E9',
    choices: { target: 'species', metric: 'f1_macro', budget: { kind: 'trials', value: 30 }, search: 'tpe', models: ['knn'], folds: 4, seed: 3, testFraction: null },
  });
  assert.equal(choicesFromConfig({ ...settings, testFraction: 0 })?.choices.testFraction, 0, 'a stored share is kept');
  assert.equal(choicesFromConfig({ dataset: '/ws/iris.csv' }), null);
  assert.equal(choicesFromConfig('E9'), null);
});
