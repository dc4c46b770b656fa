// The saved model package: what predictFile returns must be what the fitted members predict, blended by
// their weights, for rows read from a CSV in file order (extra columns ignored).
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_VERSION, loadModelPackage, predictFile, stepsForPrediction } from '../../../src/core/ml/modelPackage.js';
import type { ModelPackage } from '../../../src/core/ml/modelPackage.js';
import { naiveBayes } from '../../../src/core/ml/models/naiveBayes.js';
import { knn } from '../../../src/core/ml/models/knn.js';
import { fitPreprocessor } from '../../../src/core/ml/preprocess.js';
import type { FeatureColumn } from '../../../src/core/ml/types.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mllab-package-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Two numeric features and a colour; class "b" when x is large.
const x = Float64Array.from([1, 2, 3, 4, 10, 11, 12, 13]);
const z = Float64Array.from([0.5, 0.1, 0.3, 0.2, 0.4, 0.9, 0.8, 0.7]);
const colour = Int32Array.from([0, 1, 0, 1, 1, 0, 1, 0]);
const y = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
const features: FeatureColumn[] = [
  { name: 'x', kind: 'numeric', values: x },
  { name: 'z', kind: 'numeric', values: z },
  { name: 'colour', kind: 'categorical', codes: colour, categories: ['red', 'blue'] },
];
const all = Int32Array.from(x, (_, i) => i);

test('predictFile blends the members by weight, in file order, ignoring the target column', async () => {
  const nbPrep = fitPreprocessor(features, all, naiveBayes.input);
  const nb = await naiveBayes.fit(nbPrep.transform(features), { task: 'binary', y, classes: 2 }, {}, { seed: 1 });
  const knnPrep = fitPreprocessor(features, all, knn.input);
  const near = await knn.fit(knnPrep.transform(features), { task: 'binary', y, classes: 2 }, { neighbours: 3 }, { seed: 1 });
  const pkg: ModelPackage = {
    format: MODEL_PACKAGE_FORMAT,
    schemaVersion: MODEL_PACKAGE_VERSION,
    features: [
      { name: 'x', kind: 'numeric' },
      { name: 'z', kind: 'numeric' },
      { name: 'colour', kind: 'categorical', categories: ['red', 'blue'] },
    ],
    target: { name: 'label', task: 'binary', classes: ['a', 'b'] },
    kind: 'ensemble',
    members: [
      { trial: 0, weight: 0.75, config: { model: 'naiveBayes', params: {} }, preprocessing: JSON.parse(JSON.stringify(nbPrep.toJSON())), model: JSON.parse(JSON.stringify(nb.toJSON())) },
      { trial: 1, weight: 0.25, config: { model: 'knn', params: { neighbours: 3 } }, preprocessing: JSON.parse(JSON.stringify(knnPrep.toJSON())), model: JSON.parse(JSON.stringify(near.toJSON())) },
    ],
    metric: 'accuracy',
    score: 1,
    dataset: { path: 'train.csv', sha256: '0'.repeat(64), rows: 8 },
    experimentId: '20261128-071502-train-a3f',
    backend: null,
    created: '2026-11-28T07:15:02.000Z',
  };
  const modelPath = join(dir, 'best.json');
  writeFileSync(modelPath, JSON.stringify(pkg));
  // Columns in another order, the target present, a colour training never saw.
  const csv = join(dir, 'new.csv');
  writeFileSync(csv, 'label,colour,z,x\nb,blue,0.9,12\na,red,0.2,2\nb,green,0.5,11\n');
  const out = await predictFile(modelPath, csv);
  assert.deepEqual(out.header, ['prediction', 'proba_a', 'proba_b']);
  assert.deepEqual(out.unknownCategories.map((u) => [u.name, u.cells]), [['colour', 1]]);
  // Expected: each member on the same rows, by hand-built columns (green → missing, code -1).
  const rows: FeatureColumn[] = [
    { name: 'x', kind: 'numeric', values: Float64Array.from([12, 2, 11]) },
    { name: 'z', kind: 'numeric', values: Float64Array.from([0.9, 0.2, 0.5]) },
    { name: 'colour', kind: 'categorical', codes: Int32Array.from([1, 0, -1]), categories: ['red', 'blue'] },
  ];
  const a = nb.predict(nbPrep.transform(rows));
  const b = near.predict(knnPrep.transform(rows));
  assert.equal(out.rows.length, 3);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 2; c++) {
      const expected = 0.75 * a[r * 2 + c]! + 0.25 * b[r * 2 + c]!;
      assert.ok(Math.abs(Number(out.rows[r]![c + 1]) - expected) < 1e-12, `row ${r} class ${c}`);
    }
  }
  assert.deepEqual(out.rows.map((r) => r[0]), ['b', 'a', 'b']);
});

test('a file that is not a model package is refused with a one-line reason', async () => {
  const notModel = join(dir, 'x.json');
  writeFileSync(notModel, '{"hello": 1}');
  await assert.rejects(loadModelPackage(notModel), /not an ML Lab model/);
  writeFileSync(notModel, JSON.stringify({ format: MODEL_PACKAGE_FORMAT, schemaVersion: 99 }));
  await assert.rejects(loadModelPackage(notModel), /version 99/);
  await assert.rejects(loadModelPackage(join(dir, 'missing.json')), /does not exist/);
});

test('prediction replays only row-by-row steps that do not need the target', () => {
  const steps = stepsForPrediction(
    [
      { op: 'dropDuplicateRows' },
      { op: 'dropRowsMissing', columns: ['price'] },
      { op: 'impute', column: 'price', strategy: 'median', value: 3, indicator: false, onUnknown: 'missing' },
      { op: 'impute', column: 'age', strategy: 'median', value: 40, indicator: true, onUnknown: 'missing' },
      { op: 'trimWhitespace', columns: ['price', 'city'] },
      { op: 'dropColumns', columns: ['price'], reason: 'target copy' },
      { op: 'oversample', column: 'price', copies: { a: 2 }, seed: 1 },
    ],
    'price',
  );
  assert.deepEqual(steps, [
    { op: 'impute', column: 'age', strategy: 'median', value: 40, indicator: true, onUnknown: 'missing' },
    { op: 'trimWhitespace', columns: ['city'] },
  ]);
});
