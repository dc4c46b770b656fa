// rowsToFeatures: JSON rows checked against a hand-made InputSchema (a message per bad field) and read onto
// the model's FeatureSchema as loadFeatures reads CSV cells; with lineage, the Recipe's row steps first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FIELD_ERRORS, rowsToFeatures } from '../../../src/core/deploy/rows.js';
import { MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_VERSION } from '../../../src/core/ml/modelPackage.js';
import type { ModelPackage } from '../../../src/core/ml/modelPackage.js';
import type { FeatureSchema } from '../../../src/core/ml/types.js';
import { DEPLOY_SCHEMA_VERSION, INPUT_SCHEMA_FORMAT } from '../../../src/protocol/deploy.js';
import type { InputColumn, InputSchema } from '../../../src/protocol/deploy.js';
import type { Recipe } from '../../../src/protocol/recipe.js';

function pkgOf(features: FeatureSchema[], lineage?: Recipe): ModelPackage {
  return {
    format: MODEL_PACKAGE_FORMAT,
    schemaVersion: MODEL_PACKAGE_VERSION,
    features,
    target: { name: 'label', task: 'binary', classes: ['no', 'yes'] },
    kind: 'trial',
    members: [],
    metric: 'accuracy',
    score: 1,
    dataset: { path: 'train.csv', sha256: '0'.repeat(64), rows: 10 },
    ...(lineage ? { lineage: { parent: { hash: '1'.repeat(64), path: 'raw.csv' }, recipe: lineage } } : {}),
    experimentId: '20261128-093000-rows-abc',
    backend: null,
    created: '2026-11-28T09:30:00.000Z',
  };
}

function schemaOf(columns: InputColumn[]): InputSchema {
  return { format: INPUT_SCHEMA_FORMAT, schemaVersion: DEPLOY_SCHEMA_VERSION, columns, target: { name: 'label', task: 'binary', classes: ['no', 'yes'] } };
}

const COLUMNS: InputColumn[] = [
  { name: 'age', type: 'numeric', nullable: false, categories: null, range: { min: 18, max: 90 } },
  { name: 'income', type: 'numeric', nullable: true, categories: null, range: { min: 0, max: 1e6 } },
  { name: 'colour', type: 'categorical', nullable: true, categories: ['blue', 'red'], range: null },
  { name: 'member', type: 'boolean', nullable: false, categories: ['No', 'Yes'], range: null },
  { name: 'joined', type: 'datetime', nullable: true, categories: null, range: null },
];
const FEATURES: FeatureSchema[] = [
  { name: 'age', kind: 'numeric' },
  { name: 'income', kind: 'numeric' },
  { name: 'colour', kind: 'categorical', categories: ['blue', 'red'] },
  { name: 'member', kind: 'categorical', categories: ['No', 'Yes'] },
  { name: 'joined', kind: 'numeric', datetime: true },
];
const pkg = pkgOf(FEATURES);
const schema = schemaOf(COLUMNS);

test('valid rows become feature columns: numbers (also as text), missing tokens, categories, booleans, dates', () => {
  const out = rowsToFeatures(
    [
      { age: 30, income: 1500.5, colour: 'red', member: true, joined: '2020-01-02' },
      { age: '41', income: null, colour: ' blue ', member: 'No', joined: 'NA' },
      { age: 99, income: '', colour: null, member: false, joined: null, label: 'yes' },
    ],
    pkg,
    schema,
  );
  assert.ok('features' in out, JSON.stringify(out));
  const [age, income, colour, member, joined] = out.features;
  assert.deepEqual(age, { name: 'age', kind: 'numeric', values: Float64Array.from([30, 41, 99]) });
  assert.deepEqual(income, { name: 'income', kind: 'numeric', values: Float64Array.from([1500.5, NaN, NaN]) });
  assert.deepEqual(colour, { name: 'colour', kind: 'categorical', codes: Int32Array.from([1, 0, -1]), categories: ['blue', 'red'] });
  // JSON true/false take the boolean words training used.
  assert.deepEqual(member, { name: 'member', kind: 'categorical', codes: Int32Array.from([1, 0, 0]), categories: ['No', 'Yes'] });
  assert.equal(joined!.kind, 'numeric');
  assert.deepEqual(Array.from(joined!.kind === 'numeric' ? joined!.values : []), [Date.UTC(2020, 0, 2), NaN, NaN]);
});

test('each bad field gets its own message, by row and column', () => {
  const out = rowsToFeatures(
    [
      { age: 'old', income: 10, colour: 'green', member: 'Yes', joined: 'yesterday' },
      { age: null, income: {}, colour: 'red', member: 'Yes', joined: null, height: 180 },
      { income: 1, colour: 'red', member: null, joined: null },
      'not a row',
    ],
    pkg,
    schema,
  );
  assert.ok('errors' in out);
  const by = (row: number, column: string): string | undefined => out.errors.find((e) => e.row === row && e.column === column)?.message;
  assert.equal(by(0, 'age'), 'expected a number, got "old"');
  assert.match(by(0, 'colour') ?? '', /^"green" is not a category seen in training \("blue", "red"\)$/);
  assert.match(by(0, 'joined') ?? '', /expected an ISO date/);
  assert.equal(by(1, 'age'), 'missing value: training data had none in this column');
  assert.equal(by(1, 'income'), 'expected a number, got an object');
  assert.equal(by(1, 'height'), undefined, 'an extra key is ignored, as mllab predict ignores extra columns');
  assert.match(by(2, 'age') ?? '', /^missing column/);
  assert.equal(by(2, 'member'), 'missing value: training data had none in this column');
  assert.match(by(3, '') ?? '', /a row must be an object/);
  assert.equal(out.errors.length, 8);
});

test('errors stop at MAX_FIELD_ERRORS', () => {
  const rows = Array.from({ length: 500 }, () => ({ age: 'x', income: 1, colour: 'red', member: 'No', joined: null }));
  const out = rowsToFeatures(rows, pkg, schema);
  assert.ok('errors' in out);
  assert.equal(out.errors.length, MAX_FIELD_ERRORS);
});

test('with lineage, the Recipe row steps run first and their output columns feed the features', () => {
  const recipe: Recipe = {
    schemaVersion: 1,
    source: { file: 'raw.csv', rows: 10, columns: [] },
    missingTokens: ['?'],
    steps: [
      { op: 'dropDuplicateRows' },
      { op: 'parseNumbers', column: 'price', thousands: ',', percentAsFraction: true, onUnknown: 'missing' },
      { op: 'impute', column: 'price', strategy: 'median', value: 50, indicator: true, onUnknown: 'missing' },
      { op: 'unifyCase', column: 'colour', mapping: { RED: 'red', Red: 'red' } },
      { op: 'clip', column: 'price', method: 'iqr', lower: 0, upper: 1000, onUnknown: 'error' },
    ],
  };
  const lineagePkg = pkgOf(
    [
      { name: 'price', kind: 'numeric' },
      { name: 'price_missing', kind: 'numeric' },
      { name: 'colour', kind: 'categorical', categories: ['blue', 'red'] },
    ],
    recipe,
  );
  const rawSchema = schemaOf([
    { name: 'price', type: 'text', nullable: true, categories: null, range: null },
    { name: 'colour', type: 'categorical', nullable: false, categories: ['RED', 'Red', 'blue', 'red'], range: null },
  ]);
  const out = rowsToFeatures(
    [
      { price: '$1,200', colour: 'Red' },
      { price: '?', colour: 'blue' },
      { price: 12, colour: 'RED' },
    ],
    lineagePkg,
    rawSchema,
  );
  assert.ok('features' in out, JSON.stringify(out));
  // $1,200 → 1200 → clipped to 1000; "?" is missing → median 50 with the indicator set.
  assert.deepEqual(out.features[0], { name: 'price', kind: 'numeric', values: Float64Array.from([1000, 50, 12]) });
  assert.deepEqual(out.features[1], { name: 'price_missing', kind: 'numeric', values: Float64Array.from([0, 1, 0]) });
  assert.deepEqual(out.features[2], { name: 'colour', kind: 'categorical', codes: Int32Array.from([1, 0, 1]), categories: ['blue', 'red'] });
});

test('a model feature absent from the schema is a start-up error, not a request error', () => {
  assert.throws(() => rowsToFeatures([], pkgOf([{ name: 'weight', kind: 'numeric' }]), schema), /weight/);
});
