// Fitting: parameters baked from the profile of test/fixtures/clean/messy.csv, worked out by hand from its
// 13 rows (one a duplicate), and from the sample once an earlier step changed a column.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fitRecipe, needsSample, quantileOfSorted, statsFromCells } from '../../../src/core/clean/fit.js';
import { fitRecipeForFile, sampleFile } from '../../../src/core/clean/sample.js';
import { yeoJohnsonLambda, yeoJohnsonLogLikelihood } from '../../../src/core/clean/yeoJohnson.js';
import { profileFile } from '../../../src/core/profile/profileFile.js';
import { isUserError } from '../../../src/core/errors.js';
import { DEFAULT_MISSING_TOKENS } from '../../../src/protocol/profile.js';
import type { DatasetProfile } from '../../../src/protocol/profile.js';
import type { RecipeStep, StepChoice } from '../../../src/protocol/recipe.js';

const MESSY = join(__dirname, '..', '..', 'fixtures', 'clean', 'messy.csv');
const OPTIONS = { missingTokens: [...DEFAULT_MISSING_TOKENS], sourceName: 'messy.csv' };
let profile: DatasetProfile;

before(async () => {
  profile = await profileFile(MESSY, { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 });
});

function fitOne(choice: StepChoice): RecipeStep {
  return fitRecipe(profile, [choice], OPTIONS).steps[0]!;
}

// income, 11 present values sorted: 39000 40000 45000 47000 50000 52000 55000 55000 58000 61000 250000
// sum 752000 -> mean 68363.63...; median 52000; p25 (position 2.5) 46000; p75 (position 7.5) 56500;
// IQR 10500 -> fences 46000 - 15750 = 30250 and 56500 + 15750 = 72250.
test('numeric fits from the profile: mean, median, fences, scaling, log1p', () => {
  assert.deepEqual(fitOne({ op: 'impute', column: 'income', strategy: 'median', indicator: true }), { op: 'impute', column: 'income', strategy: 'median', value: 52000, indicator: true, onUnknown: 'missing' });
  const mean = fitOne({ op: 'impute', column: 'income', strategy: 'mean', indicator: false });
  assert.ok(mean.op === 'impute' && Math.abs((mean.value as number) - 752000 / 11) < 1e-6);
  assert.deepEqual(fitOne({ op: 'clip', column: 'income', method: 'iqr' }), { op: 'clip', column: 'income', method: 'iqr', lower: 30250, upper: 72250, onUnknown: 'missing' });
  assert.deepEqual(fitOne({ op: 'flagOutliers', column: 'income' }), { op: 'flagOutliers', column: 'income', lower: 30250, upper: 72250, onUnknown: 'missing' });
  assert.deepEqual(fitOne({ op: 'scale', column: 'income', method: 'robust' }), { op: 'scale', column: 'income', method: 'robust', center: 52000, scale: 10500, onUnknown: 'missing' });
  assert.deepEqual(fitOne({ op: 'scale', column: 'income', method: 'minMax' }), { op: 'scale', column: 'income', method: 'minMax', center: 39000, scale: 211000, onUnknown: 'missing' });
  assert.deepEqual(fitOne({ op: 'log1p', column: 'income' }), { op: 'log1p', column: 'income', shift: 0, onUnknown: 'missing' });
});

test('category fits from the profile: mode, case variants, rare, one-hot, ordinal, frequency', () => {
  // city: Paris 6, Lyon 3, Nice 2, paris 1, " Lyon " 1 (13 values)
  assert.deepEqual(fitOne({ op: 'impute', column: 'city', strategy: 'mode', indicator: false }), { op: 'impute', column: 'city', strategy: 'mode', value: 'Paris', indicator: false, onUnknown: 'missing' });
  assert.deepEqual(fitOne({ op: 'unifyCase', column: 'city' }), { op: 'unifyCase', column: 'city', mapping: { paris: 'Paris', ' Lyon ': 'Lyon' } });
  // 2/13 = 0.154 and 1/13 = 0.077: a 10% floor keeps Paris, Lyon, Nice
  assert.deepEqual(fitOne({ op: 'groupRare', column: 'city', minShare: 0.1 }), { op: 'groupRare', column: 'city', keep: ['Paris', 'Lyon', 'Nice'], other: 'other' });
  assert.deepEqual(fitOne({ op: 'oneHot', column: 'city', maxCategories: 2 }), { op: 'oneHot', column: 'city', categories: ['Paris', 'Lyon'], otherColumn: true, onUnknown: 'missing' });
  assert.deepEqual(fitOne({ op: 'oneHot', column: 'city' }), { op: 'oneHot', column: 'city', categories: ['Paris', 'Lyon', 'Nice', 'paris', ' Lyon '], otherColumn: false, onUnknown: 'missing' });
  assert.deepEqual(fitOne({ op: 'ordinal', column: 'active' }), { op: 'ordinal', column: 'active', categories: ['no', 'yes'], onUnknown: 'missing' });
  assert.deepEqual(fitOne({ op: 'frequency', column: 'active' }), { op: 'frequency', column: 'active', frequencies: { yes: 8 / 13, no: 5 / 13 }, otherFrequency: null, onUnknown: 'missing' });
  // id has 12 distinct values but the profile lists 10: ordinal cannot know them all.
  assert.throws(() => fitOne({ op: 'ordinal', column: 'id' }), (e: unknown) => isUserError(e) && /more distinct values \(12\)/.test(e.message));
  assert.throws(() => fitOne({ op: 'impute', column: 'nope', strategy: 'mean', indicator: false }), (e: unknown) => isUserError(e) && e.code === 'MISSING_COLUMN');
});

test('after parseNumbers the median of price comes from the sample, as parsed', () => {
  const choices: StepChoice[] = [
    { op: 'parseNumbers', column: 'price' },
    { op: 'impute', column: 'price', strategy: 'median', indicator: false },
  ];
  assert.equal(needsSample(choices, profile), true);
  assert.equal(needsSample([{ op: 'impute', column: 'income', strategy: 'median', indicator: false }], profile), false);
  // price is text to the profile: its median needs the sample even without parseNumbers first.
  assert.equal(needsSample([choices[1]!], profile), true);
  assert.throws(() => fitRecipe(profile, choices, OPTIONS), (e: unknown) => isUserError(e) && /needs a sample/.test(e.message));
  // prices (13 rows): 1200 950 2100 800 1050 700 1500 990 3000 1100 875 1250 1250 -> sorted middle (7th) 1100
  const recipe = fitRecipeForFile(MESSY, profile, choices, OPTIONS);
  assert.deepEqual(recipe.steps[1], { op: 'impute', column: 'price', strategy: 'median', value: 1100, indicator: false, onUnknown: 'missing' });
  assert.deepEqual(recipe.source.columns.map((c) => c.name), ['id', 'income', 'price', 'city', 'joined', 'active', 'const']);
});

test('the sample is every row for a small file, cells read like the apply reads them', () => {
  const s = sampleFile(MESSY, DEFAULT_MISSING_TOKENS);
  assert.equal(s.complete, true);
  assert.equal(s.rows.length, 13);
  assert.deepEqual(s.rows[5], ['6', null, '$700', 'Paris', '2018-05-01', 'no', 'x']);
  const big = sampleFile(MESSY, DEFAULT_MISSING_TOKENS, 5);
  assert.equal(big.complete, false);
  assert.equal(big.rows.length, 5);
});

test('statsFromCells: linear-interpolation quantiles, sample std, top counts', () => {
  assert.equal(quantileOfSorted([1, 2, 3, 4], 0.25), 1.75);
  const s = statsFromCells(['1', 2, null, '3', '4'], true);
  assert.equal(s.numeric, true);
  assert.equal(s.mean, 2.5);
  assert.equal(s.std, Math.sqrt(5 / 3));
  assert.equal(s.quantiles?.p50, 2.5);
  const t = statsFromCells(['b', 'a', 'b', 'A'], false);
  assert.equal(t.numeric, false);
  assert.deepEqual(t.top, [{ value: 'b', count: 2 }, { value: 'A', count: 1 }, { value: 'a', count: 1 }]);
  assert.deepEqual(t.variantGroups, [['a', 'A']]);
});

test('Yeo-Johnson lambda maximises the log-likelihood (and matches scipy when present)', (t) => {
  const data = [0.5, 1, 1.2, 2, 3, 3.5, 5, 8, 13, 21, 34, 70, -0.5];
  const lambda = yeoJohnsonLambda(data);
  const best = yeoJohnsonLogLikelihood(data, lambda);
  for (let l = -5; l <= 5; l += 0.05) assert.ok(yeoJohnsonLogLikelihood(data, l) <= best + 1e-9, `llf(${l}) above llf(${lambda})`);
  assert.equal(yeoJohnsonLambda([3, 3, 3]), 1);
  const py = spawnSync('/usr/bin/python3', ['-c', `import scipy.stats as s; print(repr(s.yeojohnson_normmax(${JSON.stringify(data)})))`], { encoding: 'utf8' });
  if (py.status === 0) assert.ok(Math.abs(Number(py.stdout.trim()) - lambda) < 1e-4, `scipy ${py.stdout.trim()} vs ${lambda}`);
  else t.diagnostic('scipy.stats not available: the scipy cross-check was skipped');
});

test('dropColumnsAboveMissing fits to the columns past the threshold, or to no step', () => {
  // income is 2 of 13 missing (15.4%); nothing else misses a value.
  assert.deepEqual(fitRecipe(profile, [{ op: 'dropColumnsAboveMissing', percent: 10 }], OPTIONS).steps, [{ op: 'dropColumns', columns: ['income'], reason: 'more than 10% missing' }]);
  assert.deepEqual(fitRecipe(profile, [{ op: 'dropColumnsAboveMissing', percent: 20 }], OPTIONS).steps, []);
  const twice = fitRecipe(profile, [{ op: 'dropColumns', columns: ['income'], reason: 'x' }, { op: 'dropColumnsAboveMissing', percent: 10 }], OPTIONS);
  assert.equal(twice.steps.length, 1, 'a column already dropped is not dropped again');
});

test('oversample fits copies that bring smaller classes up to ratio x the largest', () => {
  // active: yes 8, no 5 -> no gets 8 / 5 = 1.6 copies; with ratio 0.5 (4 rows) nothing is below it.
  assert.deepEqual(fitOne({ op: 'oversample', column: 'active' }), { op: 'oversample', column: 'active', copies: { no: 1.6 }, seed: 1 });
  assert.deepEqual(fitOne({ op: 'oversample', column: 'active', ratio: 0.5, seed: 9 }), { op: 'oversample', column: 'active', copies: {}, seed: 9 });
});
