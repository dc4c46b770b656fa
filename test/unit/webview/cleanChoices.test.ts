// The Clean tab's rules: options per suggestion, parameter fields and their validation, and the choices
// the checked rows send. Expected values are written out by hand from the rules in the brief.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CleanEdit } from '../../../src/protocol/dataQualityPanel.js';
import { isStepChoice } from '../../../src/protocol/dataQualityPanel.js';
import type { Suggestion } from '../../../src/protocol/recipe.js';
import { checkedChoices, choicesKey, filterSuggestions, optionsFor, paramFields, pruneEdits, resolveRow, withParams } from '../../../webview/dataQuality/cleanChoices.js';

const numeric = (name: string): boolean => name === 'income';

const dup: Suggestion = {
  id: 'dropDuplicateRows:*',
  column: null,
  evidence: '3 of 100 rows (3%) repeat an earlier row exactly -> drop the repeats',
  choice: { op: 'dropDuplicateRows' },
  alternatives: [{ label: 'keep duplicate rows', choice: null }],
  impact: 53,
  selected: true,
};
const income: Suggestion = {
  id: 'impute:income',
  column: 'income',
  evidence: '`income`: 12% missing, skew 3.1 -> impute with the median, add a missing indicator',
  choice: { op: 'impute', column: 'income', strategy: 'median', indicator: true },
  alternatives: [
    { label: 'impute with the mean', choice: { op: 'impute', column: 'income', strategy: 'mean', indicator: true } },
    { label: 'drop the 12 rows missing it', choice: { op: 'dropRowsMissing', columns: ['income'] } },
  ],
  impact: 12,
  selected: true,
};
const purpose: Suggestion = {
  id: 'groupRare:purpose',
  column: 'purpose',
  evidence: '`purpose`: 9 categories under 1% of values -> group them as "other"',
  choice: { op: 'groupRare', column: 'purpose', minShare: 0.01 },
  alternatives: [{ label: 'keep every category', choice: null }],
  impact: 4,
  selected: false,
};
const amount: Suggestion = {
  id: 'clip:amount',
  column: 'amount',
  evidence: '`amount`: 14 outliers -> clip to the IQR fences (not applied by default: depends on the model)',
  choice: { op: 'clip', column: 'amount', method: 'iqr' },
  alternatives: [{ label: 'winsorise at the 1st and 99th percentiles', choice: { op: 'clip', column: 'amount', method: 'percentile', percentile: 1 } }],
  impact: 3,
  selected: false,
};
const all = [dup, income, purpose, amount];

test('options: the suggested step first (labelled from the evidence), then the alternatives; imputation adds a constant fill', () => {
  assert.deepEqual(optionsFor(dup, numeric).map((o) => o.label), ['drop the repeats (suggested)', 'keep duplicate rows']);
  const o = optionsFor(income, numeric);
  assert.deepEqual(o.map((x) => x.label), ['impute with the median, add a missing indicator (suggested)', 'impute with the mean', 'drop the 12 rows missing it', 'fill with a constant']);
  // A numeric column's constant starts at 0, a text column's at "unknown"; the indicator choice is kept.
  assert.deepEqual(o[3]?.choice, { op: 'impute', column: 'income', strategy: 'constant', indicator: true, constant: 0 });
  // Not part of the default selection: the action alone, without the evidence's remark.
  assert.equal(optionsFor(amount, numeric)[0]?.label, 'clip to the IQR fences');
  const city: Suggestion = { ...income, id: 'impute:city', choice: { op: 'impute', column: 'city', strategy: 'mode', indicator: false }, alternatives: [] };
  assert.deepEqual(optionsFor(city, numeric)[1]?.choice, { op: 'impute', column: 'city', strategy: 'constant', indicator: false, constant: 'unknown' });
});

test('parameter fields: a share is edited in percent; clip has one only when winsorising', () => {
  assert.deepEqual(paramFields(purpose.choice).map((f) => [f.key, f.defaultText]), [['minShare', '1']]);
  assert.deepEqual(paramFields({ op: 'groupRare', column: 'x', minShare: 0.035 }).map((f) => f.defaultText), ['3.5']);
  assert.deepEqual(paramFields(amount.choice), []);
  assert.deepEqual(paramFields({ op: 'clip', column: 'amount', method: 'percentile', percentile: 5 }).map((f) => [f.key, f.defaultText]), [['percentile', '5']]);
  assert.deepEqual(paramFields({ op: 'oneHot', column: 'grade' }).map((f) => [f.key, f.defaultText]), [['maxCategories', '']]);
  assert.deepEqual(paramFields({ op: 'dropColumnsAboveMissing', percent: 50 }).map((f) => f.key), ['percent']);
  assert.deepEqual(paramFields({ op: 'impute', column: 'x', strategy: 'median', indicator: false }), []);
  assert.deepEqual(paramFields(null), []);
});

test('parameters: typed values replace the option\'s, in range; bad ones are errors and give no choice', () => {
  assert.deepEqual(withParams(purpose.choice, { minShare: ' 2.5 ' }, numeric), { choice: { op: 'groupRare', column: 'purpose', minShare: 0.025 }, errors: {} });
  for (const bad of ['0', '100', '-1', 'abc', '', '5%']) {
    const r = withParams(purpose.choice, { minShare: bad }, numeric);
    assert.equal(r.choice, null, bad);
    assert.ok(r.errors.minShare, bad);
  }
  assert.deepEqual(withParams({ op: 'dropColumnsAboveMissing', percent: 50 }, { percent: '100' }, numeric).choice, { op: 'dropColumnsAboveMissing', percent: 100 });
  assert.ok(withParams({ op: 'dropColumnsAboveMissing', percent: 50 }, { percent: '101' }, numeric).errors.percent);
  const winsor = { op: 'clip', column: 'amount', method: 'percentile', percentile: 1 } as const;
  assert.deepEqual(withParams(winsor, { percentile: '5' }, numeric).choice, { ...winsor, percentile: 5 });
  assert.ok(withParams(winsor, { percentile: '2' }, numeric).errors.percentile);
  // Empty maxCategories means every category: the field is removed, not set to 0.
  assert.deepEqual(withParams({ op: 'oneHot', column: 'g', maxCategories: 10 }, { maxCategories: '' }, numeric).choice, { op: 'oneHot', column: 'g' });
  assert.deepEqual(withParams({ op: 'oneHot', column: 'g' }, { maxCategories: '4' }, numeric).choice, { op: 'oneHot', column: 'g', maxCategories: 4 });
  assert.ok(withParams({ op: 'oneHot', column: 'g' }, { maxCategories: '2.5' }, numeric).errors.maxCategories);
  assert.deepEqual(withParams({ op: 'oversample', column: 'y' }, { ratio: '0.5' }, numeric).choice, { op: 'oversample', column: 'y', ratio: 0.5 });
  assert.ok(withParams({ op: 'oversample', column: 'y' }, { ratio: '1.5' }, numeric).errors.ratio);
  // SMOTE has two: both must be good.
  assert.deepEqual(paramFields({ op: 'smote', column: 'y' }).map((f) => [f.key, f.defaultText]), [['ratio', '1'], ['k', '5']]);
  assert.deepEqual(withParams({ op: 'smote', column: 'y' }, { ratio: '0.8', k: '3' }, numeric).choice, { op: 'smote', column: 'y', ratio: 0.8, k: 3 });
  const badK = withParams({ op: 'smote', column: 'y' }, { ratio: '0.8', k: '0' }, numeric);
  assert.equal(badK.choice, null);
  assert.deepEqual(Object.keys(badK.errors), ['k']);
  assert.ok(isStepChoice({ op: 'smote', column: 'y', ratio: 0.8, k: 3 }));
  assert.ok(!isStepChoice({ op: 'smote', column: 'y', k: 2.5 }));
});

test('constant fill: a number for a numeric column, trimmed text otherwise, never empty', () => {
  const numericFill = { op: 'impute', column: 'income', strategy: 'constant', indicator: false, constant: 0 } as const;
  assert.deepEqual(withParams(numericFill, { constant: '-1.5' }, numeric).choice, { ...numericFill, constant: -1.5 });
  assert.match(withParams(numericFill, { constant: 'none' }, numeric).errors.constant ?? '', /`income` holds numbers/);
  const textFill = { op: 'impute', column: 'city', strategy: 'constant', indicator: false, constant: 'unknown' } as const;
  assert.deepEqual(withParams(textFill, { constant: '  n/a ' }, numeric).choice, { ...textFill, constant: 'n/a' });
  assert.ok(withParams(textFill, { constant: '   ' }, numeric).errors.constant);
  // Untouched: the option's own value.
  assert.deepEqual(withParams(textFill, {}, numeric).choice, textFill);
});

test('checked choices: defaults are the selected suggestions; edits pick options, params and uncheck rows', () => {
  assert.deepEqual(checkedChoices(all, {}, numeric), { choices: [dup.choice, income.choice], invalid: [], checked: 2 });
  const edits: Record<string, CleanEdit> = {
    'dropDuplicateRows:*': { checked: false, option: 0, params: {} },
    'impute:income': { checked: true, option: 2, params: {} },
    'groupRare:purpose': { checked: true, option: 0, params: { minShare: '5' } },
    'clip:amount': { checked: true, option: 1, params: { percentile: '7' } },
  };
  assert.deepEqual(checkedChoices(all, edits, numeric), {
    choices: [{ op: 'dropRowsMissing', columns: ['income'] }, { op: 'groupRare', column: 'purpose', minShare: 0.05 }],
    invalid: ['clip:amount'],
    checked: 3,
  });
  // Checked with "skip" picked: counted as checked, sends nothing.
  assert.deepEqual(checkedChoices([purpose], { 'groupRare:purpose': { checked: true, option: 1, params: {} } }, numeric), { choices: [], invalid: [], checked: 1 });
  // A saved option index that no longer exists falls back to the suggestion.
  assert.equal(resolveRow(income, { 'impute:income': { checked: true, option: 9, params: {} } }, numeric).option, 0);
});

test('every choice the tab can send passes the host\'s check', () => {
  const choices = all.flatMap((s) => optionsFor(s, numeric).map((o) => o.choice)).filter((c) => c !== null);
  assert.equal(choices.length, 8);
  for (const c of choices) assert.ok(isStepChoice(c), JSON.stringify(c));
});

test('saved edits are pruned to the suggestions shown; the preview key follows the choices', () => {
  const e: CleanEdit = { checked: false, option: 0, params: {} };
  assert.deepEqual(pruneEdits({ 'impute:income': e, 'gone:x': e }, all), { 'impute:income': e });
  assert.equal(choicesKey([dup.choice]), choicesKey([{ op: 'dropDuplicateRows' }]));
  assert.notEqual(choicesKey([dup.choice, income.choice]), choicesKey([income.choice, dup.choice]));
});

test('filter: by column name or evidence, ignoring case and surrounding spaces', () => {
  assert.deepEqual(filterSuggestions(all, '').map((s) => s.id), all.map((s) => s.id));
  assert.deepEqual(filterSuggestions(all, ' INCOME ').map((s) => s.id), ['impute:income']);
  // "repeat" is only in the duplicates' evidence (its column is null).
  assert.deepEqual(filterSuggestions(all, 'repeat').map((s) => s.id), ['dropDuplicateRows:*']);
  assert.deepEqual(filterSuggestions(all, 'zzz'), []);
});
