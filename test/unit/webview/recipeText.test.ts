// Fitted steps in words, as the lineage block and the preview list them. Expected texts written by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecipeStep } from '../../../src/protocol/recipe.js';
import { describeStep } from '../../../webview/dataQuality/recipeText.js';

test('each step says what it does with its fitted values; names are backtick-quoted', () => {
  const cases: [RecipeStep, string][] = [
    [{ op: 'dropDuplicateRows' }, 'Drop repeated rows'],
    [{ op: 'dropColumns', columns: ['a', 'b', 'c', 'd', 'e', 'f'], reason: 'constant' }, 'Drop `a`, `b`, `c`, `d` and 2 more (constant)'],
    [{ op: 'impute', column: 'income', strategy: 'median', value: 32920, indicator: true, onUnknown: 'missing' }, 'Fill missing `income` with the median 32,920, add `income_missing`'],
    [{ op: 'impute', column: 'city', strategy: 'constant', value: 'unknown', indicator: false, onUnknown: 'missing' }, 'Fill missing `city` with "unknown"'],
    [{ op: 'clip', column: 'amount', method: 'iqr', lower: -12.5, upper: 1500, onUnknown: 'missing' }, 'Clip `amount` to −12.5 … 1,500'],
    [{ op: 'scale', column: 'x', method: 'minMax', center: 0, scale: 1, onUnknown: 'missing' }, 'Min-max scale `x`'],
    [{ op: 'oneHot', column: 'grade', categories: ['A', 'B', 'C'], otherColumn: true, onUnknown: 'missing' }, 'One-hot encode `grade` (4 columns)'],
    [{ op: 'oversample', column: 'y', copies: { rare: 3 }, seed: 1 }, 'Oversample 1 class of `y` (training data only)'],
  ];
  for (const [step, text] of cases) assert.equal(describeStep(step), text);
  assert.equal(
    describeStep({ op: 'smote', column: 'y', features: ['a', 'b'], classes: ['rare'], ratio: 1, k: 5, seed: 1 }),
    'SMOTE: synthetic rows for 1 class of `y` from 5 nearest neighbours over 2 features (training data only)',
  );
  // An op from a later core is named rather than dropped.
  assert.equal(describeStep({ op: 'tokenize', column: 'y' } as unknown as RecipeStep), 'Step tokenize');
});
