// `mllab sweep` argument parsing: the issue 4 contract's options and their usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweepArgs } from '../../../src/cli/sweepCommand.js';

test('every contract option reaches the sweep config', () => {
  const c = parseSweepArgs(['train.csv', '--target', 'y', '--task', 'binary', '--metric', 'auc', '--budget', '30', '--trials', '12', '--search', 'genetic', '--seed', '7', '--workspace', 'w', '--models', 'gbdt, knn', '--folds', '3', '--parallel', '2', '--pruner', 'asha', '--trial-timeout', '5', '--no-ensemble', '--warm-start', 'x']);
  assert.deepEqual(c, {
    dataset: 'train.csv',
    target: 'y',
    task: 'binary',
    metric: 'auc',
    budgetSeconds: 30,
    maxTrials: 12,
    search: 'genetic',
    seed: 7,
    workspace: 'w',
    models: ['gbdt', 'knn'],
    folds: 3,
    parallel: 2,
    pruner: 'asha',
    trialTimeoutSeconds: 5,
    ensemble: false,
    warmStart: 'x',
  });
  assert.deepEqual(parseSweepArgs(['--resume', '20261128-071502-penguins-a3f']), { dataset: '', target: '', resume: '20261128-071502-penguins-a3f' });
  assert.equal(parseSweepArgs(['--help']), null);
  assert.equal(parseSweepArgs(['t.csv', '--target', 'y', '--test-fraction', '0.25'])?.testFraction, 0.25);
  assert.equal(parseSweepArgs(['t.csv', '--target', 'y', '--test-fraction', '0'])?.testFraction, 0);
  assert.equal(parseSweepArgs(['t.csv', '--target', 'y'])?.testFraction, undefined, 'absent: the engine default');
});

test('usage errors name the option', () => {
  const cases: [string[], RegExp][] = [
    [['--target', 'y'], /needs a TRAIN\.csv/],
    [['t.csv'], /needs --target/],
    [['t.csv', '--target', 'y', '--budget', '0'], /--budget must be a positive number/],
    [['t.csv', '--target', 'y', '--trials', '2.5'], /--trials must be a positive whole number/],
    [['t.csv', '--target', 'y', '--search', 'bayes'], /--search must be one of tpe, random, grid, genetic/],
    [['t.csv', '--target', 'y', '--task', 'ranking'], /--task must be one of/],
    [['t.csv', '--target', 'y', '--models', 'gbdt,svm'], /--models must be one of/],
    [['t.csv', '--target', 'y', '--seed', '-1'], /--seed/],
    [['t.csv', '--target', 'y', '--holdout', '0.2', '--folds', '3'], /not both/],
    [['t.csv', '--target', 'y', '--test-fraction', '1'], /--test-fraction must be a fraction from 0/],
    [['t.csv', '--target', 'y', '--test-fraction', '-0.1'], /--test-fraction/],
    [['t.csv', '--target', 'y', '--test-fraction', ''], /--test-fraction/],
    [['a.csv', 'b.csv', '--target', 'y'], /one TRAIN\.csv/],
  ];
  for (const [argv, pattern] of cases) assert.throws(() => parseSweepArgs(argv), pattern, argv.join(' '));
});
