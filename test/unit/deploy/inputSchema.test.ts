import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inputColumns } from '../../../src/core/deploy/inputSchema.js';
import type { ModelPackage } from '../../../src/core/ml/modelPackage.js';
import type { FeatureSchema } from '../../../src/core/ml/types.js';
import type { RecipeStep } from '../../../src/protocol/recipe.js';

const FILE = ['id', 'when', 'city', 'age', 'note', 'label', 'score'];

function pkg(features: string[], steps: RecipeStep[] | null): ModelPackage {
  return {
    features: features.map((name): FeatureSchema => ({ name, kind: 'numeric' })),
    target: { name: 'label', task: 'binary', classes: ['no', 'yes'] },
    ...(steps ? { lineage: { parent: { hash: 'a'.repeat(64), path: 'raw.csv' }, recipe: { schemaVersion: 1, source: { file: 'raw.csv', rows: 10, columns: [] }, missingTokens: [''], steps } } } : {}),
  } as unknown as ModelPackage;
}

test('without lineage: the features, in file order', () => {
  assert.deepEqual(inputColumns(pkg(['score', 'age', 'city'], null), FILE), ['city', 'age', 'score']);
});

test('with lineage: derived columns lead back to their source column; replay-named columns are required; target and training-only steps are not', () => {
  const steps: RecipeStep[] = [
    { op: 'dropDuplicateRows' },
    // Training only: 'note' is not needed for it.
    { op: 'dropRowsMissing', columns: ['note', 'age'] },
    // The replay names 'id' (to drop it), so a file to predict must have it.
    { op: 'dropColumns', columns: ['id'], reason: 'ID-like' },
    { op: 'impute', column: 'age', strategy: 'median', value: 40, indicator: true, onUnknown: 'missing' },
    { op: 'dateFeatures', column: 'when', features: ['year', 'month'], dropColumn: true, onUnknown: 'missing' },
    { op: 'oneHot', column: 'city', categories: ['Oslo', 'Rome'], otherColumn: true, onUnknown: 'missing' },
    // On the target: skipped at prediction.
    { op: 'unifyCase', column: 'label', mapping: { YES: 'yes' } },
  ];
  // The model reads derived columns only: age's indicator, when's year, city's one-hot columns.
  const features = ['age_missing', 'when_year', 'city_Rome', 'city_other'];
  assert.deepEqual(inputColumns(pkg(features, steps), FILE), ['id', 'when', 'city', 'age']);
  // 'score' passes through untouched: needed when it is a feature.
  assert.deepEqual(inputColumns(pkg([...features, 'score'], steps), FILE), ['id', 'when', 'city', 'age', 'score']);
});
