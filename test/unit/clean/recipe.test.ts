// Loading a Recipe: a good one round-trips; each kind of bad one fails with one line naming what is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecipe, recipeToJson } from '../../../src/core/clean/recipe.js';
import { isUserError } from '../../../src/core/errors.js';
import type { Recipe } from '../../../src/protocol/recipe.js';

const good: Recipe = {
  schemaVersion: 1,
  source: { file: 'loans.csv', rows: 3, columns: [{ name: 'income', type: 'numeric' }] },
  missingTokens: ['NA'],
  steps: [
    { op: 'dropDuplicateRows' },
    { op: 'impute', column: 'income', strategy: 'median', value: 52000, indicator: true, onUnknown: 'missing' },
    { op: 'frequency', column: 'income', frequencies: { a: 0.5 }, otherFrequency: null, onUnknown: 'error' },
  ],
};

function badRecipe(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseRecipe(text, 'r.json'),
    (e: unknown) => isUserError(e) && e.code === 'BAD_RECIPE' && pattern.test(e.message) && !e.message.includes('\n'),
    pattern.source,
  );
}

function withStep(step: unknown): string {
  return JSON.stringify({ ...good, steps: [step] });
}

test('a valid Recipe round-trips through its JSON text unchanged', () => {
  const text = recipeToJson(good);
  assert.deepEqual(parseRecipe(text), good);
  assert.match(text, /^\{\n {2}"schemaVersion": 1,/, 'readable, indented, schemaVersion first');
});

test('malformed JSON, wrong document, wrong version', () => {
  badRecipe('{"schemaVersion": 1,', /^r\.json is not valid JSON/);
  badRecipe('[]', /a Recipe must be a JSON object/);
  badRecipe('{"steps": []}', /"schemaVersion" is missing/);
  badRecipe(JSON.stringify({ ...good, schemaVersion: 99 }), /schemaVersion 99 is not supported/);
  badRecipe(JSON.stringify({ ...good, steps: {} }), /"steps" must be a list/);
  badRecipe(JSON.stringify({ ...good, missingTokens: [1] }), /"missingTokens" must be a list of strings/);
});

test('unknown op, missing or mistyped fields, extra fields', () => {
  badRecipe(withStep({ op: 'explode' }), /step 1: unknown op "explode" \(known: dropDuplicateRows,/);
  badRecipe(withStep({ op: 'clip', column: 'x', method: 'iqr', lower: 0, onUnknown: 'missing' }), /step 1 \(clip\): "upper" is missing; it must be a finite number/);
  badRecipe(withStep({ op: 'scale', column: 'x', method: 'zscore', center: 0, scale: 1, onUnknown: 'missing' }), /"method" must be one of "standard", "minMax", "robust"/);
  badRecipe(withStep({ op: 'log1p', column: 'x', shift: 0, onUnknown: 'drop' }), /"onUnknown" must be "missing" or "error"/);
  badRecipe(withStep({ op: 'dropDuplicateRows', columns: ['x'] }), /unexpected field "columns"/);
  badRecipe(withStep({ op: 'scale', column: 'x', method: 'standard', center: 0, scale: 0, onUnknown: 'missing' }), /"scale" must not be 0/);
  badRecipe(withStep({ op: 'clip', column: 'x', method: 'iqr', lower: 5, upper: 1, onUnknown: 'missing' }), /"lower" \(5\) is above "upper" \(1\)/);
  badRecipe(withStep({ op: 'dateFeatures', column: 'd', features: ['week'], dropColumn: true, onUnknown: 'missing' }), /not "week"/);
  badRecipe(withStep({ op: 'impute', column: 'x', strategy: 'mean', value: 'a', indicator: false, onUnknown: 'missing' }), /a mean "value" must be a number/);
  badRecipe(withStep({ op: 'oneHot', column: 'c', categories: ['a', 'a'], otherColumn: false, onUnknown: 'missing' }), /lists a value twice/);
  badRecipe(JSON.stringify({ ...good, steps: [{ op: 'oversample', column: 'y', copies: { a: 2 }, seed: 1 }, { op: 'dropDuplicateRows' }] }), /step 1 \(oversample\): oversampling must be the last step/);
  badRecipe(withStep({ op: 'oversample', column: 'y', copies: { a: 0.5 }, seed: 1 }), /copies of "a" is 0\.5; it must be at least 1/);
  badRecipe(withStep({ op: 'oversample', column: 'y', copies: {}, seed: -1 }), /"seed" must be a whole number/);
});
