// Suggestions for test/fixtures/clean/messy.csv: what its 13 rows call for, worked out by hand.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_SUGGESTION_OPTIONS, defaultChoices, orderChoices, suggestCleaning } from '../../../src/core/clean/suggestions.js';
import { profileFile } from '../../../src/core/profile/profileFile.js';
import { DEFAULT_MISSING_TOKENS } from '../../../src/protocol/profile.js';
import type { Suggestion } from '../../../src/protocol/recipe.js';

const MESSY = join(__dirname, '..', '..', 'fixtures', 'clean', 'messy.csv');
let suggestions: Suggestion[];

before(async () => {
  const profile = await profileFile(MESSY, { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 });
  suggestions = suggestCleaning(profile);
});

function find(id: string): Suggestion {
  const s = suggestions.find((x) => x.id === id);
  assert.ok(s, `suggestion ${id} in ${suggestions.map((x) => x.id).join(' ')}`);
  return s;
}

test('evidence quotes the profile numbers and names the action', () => {
  // income: 2 of 13 missing = 15.4%, skewness about 3.23
  assert.equal(find('impute:income').evidence, '`income`: 15% missing, skew 3.2 -> impute with the median, add a missing indicator');
  assert.deepEqual(find('impute:income').choice, { op: 'impute', column: 'income', strategy: 'median', indicator: true });
  assert.equal(find('dropDuplicateRows:*').evidence, '1 of 13 rows (7.7%) repeat an earlier row exactly -> drop the repeats');
  assert.equal(find('dropColumns:const').evidence, '`const`: every value is "x" -> drop the column');
  assert.match(find('clip:income').evidence, /1 value outside the Tukey fences \[30250, 72250\]/);
  const labels = find('impute:income').alternatives.map((a) => a.label);
  assert.deepEqual(labels, ['impute with the mean', 'impute with the mode', 'impute without an indicator', 'drop the 2 rows missing it', 'drop the column']);
});

test('ranked by impact; the default selection is the repairs, not the modelling choices', () => {
  for (let i = 1; i < suggestions.length; i++) assert.ok(suggestions[i - 1]!.impact >= suggestions[i]!.impact);
  const selected = suggestions.filter((s) => s.selected).map((s) => s.id).sort();
  assert.deepEqual(selected, ['dateFeatures:joined', 'dropColumns:const', 'dropDuplicateRows:*', 'impute:income', 'parseBooleans:active', 'parseNumbers:price', 'trimWhitespace:city', 'unifyCase:city'].sort());
  assert.equal(find('clip:income').selected, false);
  assert.equal(find('log1p:income').selected, false);
  assert.equal(find('oneHot:city').selected, false);
});

test('default choices run in stage order: duplicates, columns, types, text, imputing', () => {
  assert.deepEqual(
    defaultChoices(suggestions).map((c) => c.op),
    ['dropDuplicateRows', 'dropColumns', 'parseNumbers', 'dateFeatures', 'parseBooleans', 'trimWhitespace', 'unifyCase', 'impute'],
  );
  assert.deepEqual(
    orderChoices([{ op: 'scale', column: 'a', method: 'standard' }, { op: 'impute', column: 'a', strategy: 'mean', indicator: false }, { op: 'dropDuplicateRows' }]).map((c) => c.op),
    ['dropDuplicateRows', 'impute', 'scale'],
  );
});

test('an all-distinct column is dropped by default only when its name says identifier', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'mllab-sugg-'));
  const path = join(dir, 'ids.csv');
  // 30 rows: customer_id and amount are both dense ranges of 30 distinct integers: the profile calls both ID-like.
  const lines = ['customer_id,amount,group'];
  for (let i = 0; i < 30; i++) lines.push(`${1000 + i},${5000 + ((i * 7) % 30)},${i % 3}`);
  writeFileSync(path, lines.join('\n') + '\n');
  try {
    const profile = await profileFile(path, { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 });
    assert.ok(profile.warnings.some((w) => w.kind === 'idLike' && w.column === 'amount'), 'the profile flags amount as ID-like');
    const s = suggestCleaning(profile);
    const id = s.find((x) => x.id === 'dropColumns:customer_id');
    const amount = s.find((x) => x.id === 'dropColumns:amount');
    assert.equal(id?.selected, true);
    assert.equal(amount?.selected, false);
    assert.match(amount?.evidence ?? '', /not applied by default: check it is not a measurement/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a named target with a class under half the largest gets an (unselected) oversampling suggestion', async () => {
  const profile = await profileFile(MESSY, { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 });
  // active: yes 8, no 5 -> 5 is not under 8 / 2: no suggestion; city: Paris 6, " Lyon " 1 -> suggested.
  assert.equal(suggestCleaning(profile, { ...DEFAULT_SUGGESTION_OPTIONS, target: 'active' }).some((s) => s.choice.op === 'oversample'), false);
  const city = suggestCleaning(profile, { ...DEFAULT_SUGGESTION_OPTIONS, target: 'city' }).find((s) => s.choice.op === 'oversample');
  assert.equal(city?.selected, false);
  assert.match(city?.evidence ?? '', /^`city` \(target\): " Lyon " has 1 rows against 6 for "Paris"/);
  assert.equal(suggestions.some((s) => s.choice.op === 'oversample'), false, 'no target, no suggestion');
});

test('a date column that becomes features has its gaps filled first (else the fill names a dropped column)', () => {
  const ordered = orderChoices([
    { op: 'impute', column: 'amount', strategy: 'median', indicator: false },
    { op: 'dateFeatures', column: 'last_seen' },
    { op: 'impute', column: 'last_seen', strategy: 'mode', indicator: false },
    { op: 'dropDuplicateRows' },
  ]);
  assert.deepEqual(
    ordered.map((c) => `${c.op}:${'column' in c ? c.column : ''}`),
    ['dropDuplicateRows:', 'impute:last_seen', 'dateFeatures:last_seen', 'impute:amount'],
  );
});
