import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/cli/args.js';
import { parseRetrainArgs } from '../../../src/cli/retrainCommand.js';

test('mllab retrain arguments: EXPERIMENT NEW.csv and the options', () => {
  assert.deepEqual(parseRetrainArgs(['20261128-071502-penguins-a3f', 'new.csv']), { experiment: '20261128-071502-penguins-a3f', newData: 'new.csv', mode: 'new', json: false });
  assert.deepEqual(parseRetrainArgs(['m.json', 'new.csv', '--combined', '--holdout', '0.3', '--budget', '12.5', '--trials', '7', '--parallel', '2', '--workspace', 'ws', '--json']), {
    experiment: 'm.json',
    newData: 'new.csv',
    mode: 'combined',
    holdoutFraction: 0.3,
    budgetSeconds: 12.5,
    maxTrials: 7,
    parallel: 2,
    workspace: 'ws',
    json: true,
  });
  assert.equal(parseRetrainArgs(['--help']), null);
});

test('mllab retrain usage errors', () => {
  const bad: [string[], RegExp][] = [
    [['only-one'], /needs EXPERIMENT and NEW\.csv, got 1 argument$/],
    [['a', 'b', 'c'], /got 3 arguments/],
    [['a', 'b', '--holdout', '1'], /--holdout must be a fraction between 0 and 1, got "1"/],
    [['a', 'b', '--holdout', '0'], /--holdout must be a fraction/],
    [['a', 'b', '--holdout', ''], /--holdout must be a fraction/],
    [['a', 'b', '--budget', '-3'], /--budget must be a positive number/],
    [['a', 'b', '--trials', '2.5'], /--trials must be a positive whole number/],
    [['a', 'b', '--parallel', '0'], /--parallel must be a positive whole number/],
  ];
  for (const [argv, message] of bad) {
    assert.throws(() => parseRetrainArgs(argv), (e: unknown) => e instanceof UsageError && message.test(e.message), argv.join(' '));
  }
});
