// Task inference rules and class order, each rule on a hand-made target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classOrder, encodeLabels, inferTask, labelNumber, labelsOf, summariseTarget } from '../../../src/core/ml/task.js';

const repeat = <T>(values: T[], times: number): T[] => Array.from({ length: values.length * times }, (_, i) => values[i % values.length]!);

test('text labels: 2 classes → binary, 3 → multiclass', () => {
  assert.equal(inferTask(['yes', 'no', 'yes']), 'binary');
  assert.equal(inferTask(['Adelie', 'Gentoo', 'Chinstrap', 'Adelie']), 'multiclass');
});

test('numbers with 2 distinct values → binary, even when there are few rows', () => {
  assert.equal(inferTask(['0', '1', '1', '0']), 'binary');
  assert.equal(inferTask(Float64Array.from([-1, 1, 1])), 'binary');
  assert.equal(inferTask(['1.5', '2.5']), 'binary');
});

test('whole numbers, ≤ 20 distinct, ≥ 5 rows per value → multiclass; too few rows → regression', () => {
  assert.equal(inferTask(repeat(['3', '4', '5', '6'], 5)), 'multiclass'); // 20 rows, 4 values
  assert.equal(inferTask(repeat(['3', '4', '5', '6'], 4).concat(['3', '4', '5'])), 'regression'); // 19 rows < 20
  const twentyOne = Array.from({ length: 21 }, (_, i) => String(i));
  assert.equal(inferTask(repeat(twentyOne, 10)), 'regression'); // 21 distinct
  const twenty = Array.from({ length: 20 }, (_, i) => String(i));
  assert.equal(inferTask(repeat(twenty, 5)), 'multiclass');
});

test('non-integers with more than 2 values → regression', () => {
  assert.equal(inferTask(repeat(['1.5', '2', '3'], 20)), 'regression');
  assert.equal(inferTask(Float64Array.from([1, 2, 3.25, NaN])), 'regression');
});

test('NaN numbers are skipped; texts that spell one number are one value', () => {
  assert.deepEqual(summariseTarget(Float64Array.from([1, NaN, 2, 2])), { rows: 3, numeric: true, integer: true, distinct: 2 });
  assert.equal(summariseTarget(['1', '1.0', '01', '2']).distinct, 2);
  assert.equal(summariseTarget(['1', 'x']).numeric, false);
});

test('labelNumber reads plain decimals and exponents only', () => {
  assert.equal(labelNumber(' 2.5 '), 2.5);
  assert.equal(labelNumber('1e3'), 1000);
  assert.ok(Number.isNaN(labelNumber('0x10')));
  assert.ok(Number.isNaN(labelNumber('Infinity')));
  assert.ok(Number.isNaN(labelNumber('')));
  assert.ok(Number.isNaN(labelNumber('1e999')));
  assert.ok(Number.isNaN(labelNumber('0b1')));
  assert.ok(Number.isNaN(labelNumber('1,5')));
  assert.equal(labelNumber('-.5'), -0.5);
  assert.equal(labelNumber('007'), 7);
});

test('class order: numeric order for numeric labels, code-unit order for text', () => {
  assert.deepEqual(classOrder(['10', '9', '2', '10']), ['2', '9', '10']);
  assert.deepEqual(classOrder(['1.0', '0', '1']), ['0', '1']);
  assert.deepEqual(classOrder(['b', 'a', 'B', '10', '9']), ['10', '9', 'B', 'a', 'b']);
});

test('encodeLabels: codes in class order, numeric spellings unified, unknown → -1', () => {
  const classes = classOrder(['10', '9', '2']);
  assert.deepEqual([...encodeLabels(['9', '10.0', '2', '7'], classes)], [1, 2, 0, -1]);
  assert.deepEqual([...encodeLabels(['no', 'yes', ' yes', 'maybe'], ['no', 'yes'])], [0, 1, 1, -1]);
});

test('labelsOf: codes or values for a row subset, class count', () => {
  const cls = labelsOf({ name: 'y', task: 'multiclass', codes: Int32Array.from([2, 0, 1, 2]), classes: ['a', 'b', 'c'] }, Int32Array.from([3, 1]));
  assert.deepEqual(cls, { task: 'multiclass', y: Int32Array.from([2, 0]), classes: 3 });
  const reg = labelsOf({ name: 'y', task: 'regression', values: Float64Array.from([1.5, 2.5]) });
  assert.deepEqual(reg, { task: 'regression', y: Float64Array.from([1.5, 2.5]) });
});
