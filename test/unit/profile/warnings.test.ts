import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveWarnings, DEFAULT_WARNING_THRESHOLDS } from '../../../src/core/profile/warnings.js';
import type { ColumnProfile, DataWarning, DatasetProfile, WarningKind } from '../../../src/protocol/profile.js';

type Profile = Omit<DatasetProfile, 'warnings'>;

const ROWS = 10_000;

/** A healthy numeric column: nothing to warn about. Tests override what they need. */
function column(index: number, name: string, over: Partial<ColumnProfile> = {}): ColumnProfile {
  return {
    index,
    name,
    type: 'numeric',
    count: ROWS,
    missing: 0,
    missingPct: 0,
    distinct: 800,
    distinctApprox: false,
    min: 0,
    max: 100,
    mean: 50,
    std: 20,
    skewness: 0.1,
    quantiles: { p1: 1, p5: 5, p25: 25, p50: 50, p75: 75, p95: 95, p99: 99 },
    zeros: 3,
    negatives: 0,
    outliers: { lowerFence: -50, upperFence: 150, low: 0, high: 0, approx: false },
    top: [{ value: '50', count: 40 }],
    topApprox: false,
    histogram: null,
    length: null,
    evidence: { numeric: ROWS, integer: 0, boolean: 0, datetime: 0, numericLikeText: 0, padded: 0, variantGroups: [] },
    ...over,
  };
}

/** A healthy categorical column. */
function category(index: number, name: string, over: Partial<ColumnProfile> = {}): ColumnProfile {
  return column(index, name, {
    type: 'categorical',
    distinct: 5,
    min: null,
    max: null,
    mean: null,
    std: null,
    skewness: null,
    quantiles: null,
    zeros: null,
    negatives: null,
    outliers: null,
    top: [
      { value: 'a', count: 3000 },
      { value: 'b', count: 2500 },
    ],
    length: { min: 1, max: 1, mean: 1 },
    evidence: { numeric: 0, integer: 0, boolean: 0, datetime: 0, numericLikeText: 0, padded: 0, variantGroups: [] },
    ...over,
  });
}

function profile(columns: ColumnProfile[], over: Partial<Profile> = {}): Profile {
  return {
    schemaVersion: 1,
    file: { path: '/data/x.csv', size: 1000, mtimeMs: 0 },
    preview: false,
    dialect: { delimiter: ',', quote: '"', header: true, encoding: 'utf-8', bom: false, lineEnding: 'lf' },
    rows: ROWS,
    columnCount: columns.length,
    bytes: 1000,
    duplicateRows: 0,
    duplicateRowsApprox: false,
    missingPct: 0,
    ragged: { count: 0, firstLines: [], expectedFields: columns.length },
    columns,
    correlations: { columns: [], matrix: [], note: null },
    missingCooccurrence: { columns: [], matrix: [] },
    run: { elapsedMs: 1, threads: 1, engineVersion: 'test' },
    ...over,
  };
}

function kinds(ws: DataWarning[]): WarningKind[] {
  return ws.map((w) => w.kind);
}

function only(ws: DataWarning[], kind: WarningKind): DataWarning {
  const found = ws.filter((w) => w.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind}, got ${JSON.stringify(kinds(ws))}`);
  return found[0]!;
}

test('a healthy profile has no warnings', () => {
  assert.deepEqual(deriveWarnings(profile([column(0, 'x'), category(1, 'c')])), []);
});

test('high missing: the message carries the numbers', () => {
  const ws = deriveWarnings(profile([column(0, 'income', { count: 8020, missing: 1980, missingPct: 19.8 })]), { highMissingPct: 15 });
  const w = only(ws, 'highMissing');
  assert.equal(w.message, '`income`: 19.8% missing (1,980 of 10,000 rows).');
  assert.equal(w.severity, 'warning');
  assert.equal(w.column, 'income');
  assert.deepEqual(w.evidence, { missing: 1980, rows: 10_000, missingPct: 19.8 });
  // Below the default 20% it is not reported.
  assert.deepEqual(deriveWarnings(profile([column(0, 'income', { count: 8020, missing: 1980, missingPct: 19.8 })])), []);
});

test('an all-missing column is emptyColumn only, not also constant or highMissing', () => {
  const ws = deriveWarnings(profile([category(0, 'notes', { count: 0, missing: ROWS, missingPct: 100, distinct: 0, top: [], length: null })]));
  assert.deepEqual(kinds(ws), ['emptyColumn']);
  assert.equal(ws[0]!.message, '`notes`: every value is missing (10,000 rows).');
});

test('constant column: reported once, without near-constant, skew or outliers', () => {
  const ws = deriveWarnings(
    profile([column(0, 'flag', { distinct: 1, top: [{ value: '1', count: ROWS }], std: 0, skewness: null, min: 1, max: 1 })]),
  );
  assert.deepEqual(kinds(ws), ['constant']);
  assert.equal(ws[0]!.message, '`flag`: every non-missing value is "1" (10,000 rows).');
  assert.equal(ws[0]!.evidence.value, '1');
});

test('near-constant: top value share at or above 95%', () => {
  const ws = deriveWarnings(profile([category(0, 'country', { distinct: 3, top: [{ value: 'US', count: 9730 }, { value: 'FR', count: 200 }] })]));
  const w = only(ws, 'nearConstant');
  assert.equal(w.severity, 'info');
  assert.equal(w.message, '`country`: one value ("US") makes up 97.3% of non-missing values (9,730 of 10,000).');
  assert.equal(w.evidence.pct, 97.3);
  const below = deriveWarnings(profile([category(0, 'country', { distinct: 3, top: [{ value: 'US', count: 9400 }] })]));
  assert.deepEqual(below, []);
});

test('ID-like: integer column with distinct = rows; not also high cardinality', () => {
  const ws = deriveWarnings(
    profile([column(0, 'id', { distinct: ROWS, evidence: { numeric: ROWS, integer: ROWS, boolean: 0, datetime: 0, numericLikeText: 0, padded: 0, variantGroups: [] }, top: [{ value: '1', count: 1 }] })]),
  );
  const w = only(ws, 'idLike');
  assert.match(w.message, /^`id` looks like an identifier: 10,000 distinct values in 10,000 rows \(100\.0%\)\.$/);
  // A text ID column: idLike, not highCardinality.
  const text = deriveWarnings(profile([category(0, 'user', { type: 'text', distinct: 9900, top: [{ value: 'u1', count: 2 }], length: { min: 5, max: 9, mean: 7 } })]));
  assert.deepEqual(kinds(text), ['idLike']);
  // All-distinct integers spread thin over a wide range (incomes, populations) are measurements too.
  const intEvidence = { numeric: ROWS, integer: ROWS, boolean: 0, datetime: 0, numericLikeText: 0, padded: 0, variantGroups: [] };
  assert.deepEqual(deriveWarnings(profile([column(0, 'income', { distinct: ROWS, min: 5_000, max: 900_000, evidence: intEvidence })])).filter((x) => x.kind === 'idLike'), []);
  assert.equal(deriveWarnings(profile([column(0, 'row', { distinct: ROWS, min: 1, max: ROWS, evidence: intEvidence })])).filter((x) => x.kind === 'idLike').length, 1);
  // A float column with all-distinct values is a measurement, not an ID.
  assert.deepEqual(deriveWarnings(profile([column(0, 'weight', { distinct: ROWS })])), []);
  // Tiny tables: every column is unique, nothing said.
  assert.deepEqual(
    deriveWarnings(profile([category(0, 'name', { count: 10, distinct: 10, top: [{ value: 'a', count: 1 }] })], { rows: 10 })).filter((x) => x.kind === 'idLike'),
    [],
  );
});

test('high cardinality categorical', () => {
  const ws = deriveWarnings(profile([category(0, 'city', { distinct: 1234, top: [{ value: 'Paris', count: 300 }], length: { min: 3, max: 20, mean: 8 } })]));
  const w = only(ws, 'highCardinality');
  assert.equal(w.message, '`city`: 1,234 distinct categories, too many to one-hot encode as they are.');
  assert.deepEqual(deriveWarnings(profile([category(0, 'city', { distinct: 50 })])), []);
});

test('duplicate rows (dataset level)', () => {
  const ws = deriveWarnings(profile([column(0, 'x')], { duplicateRows: 12 }));
  const w = only(ws, 'duplicates');
  assert.equal(w.column, null);
  assert.equal(w.message, '12 rows are exact duplicates of an earlier row (0.1% of 10,000 rows).');
  assert.equal(w.evidence.duplicateRows, 12);
  const one = only(deriveWarnings(profile([column(0, 'x')], { duplicateRows: 1 })), 'duplicates');
  assert.equal(one.message, '1 row is an exact duplicate of an earlier row (<0.1% of 10,000 rows).');
  // An estimate (rows minus a HyperLogLog count, 0.81% standard error) is only reported beyond its noise.
  assert.deepEqual(deriveWarnings(profile([column(0, 'x')], { duplicateRows: 200, duplicateRowsApprox: true })), []);
  const many = only(deriveWarnings(profile([column(0, 'x')], { duplicateRows: 3000, duplicateRowsApprox: true })), 'duplicates');
  assert.equal(many.message, 'About 3,000 rows are exact duplicates of an earlier row (30.0% of 10,000 rows).');
});

test('strong skew, both directions, and the threshold', () => {
  const right = only(deriveWarnings(profile([column(0, 'income', { skewness: 3.4217 })])), 'skewed');
  assert.equal(right.message, '`income` is strongly right-skewed (skewness 3.42).');
  const left = only(deriveWarnings(profile([column(0, 'age', { skewness: -2 })])), 'skewed');
  assert.match(left.message, /left-skewed \(skewness -2\)/);
  assert.deepEqual(deriveWarnings(profile([column(0, 'age', { skewness: 1.99 })])), []);
  assert.equal(deriveWarnings(profile([column(0, 'age', { skewness: 1.5 })]), { skewAbs: 1 }).length, 1);
});

test('IQR outliers above 1% of values', () => {
  const ws = deriveWarnings(profile([column(0, 'price', { outliers: { lowerFence: 1.5, upperFence: 98.25, low: 120, high: 200, approx: false } })]));
  const w = only(ws, 'outliers');
  assert.equal(w.message, '`price`: 320 values (3.2%) lie outside the Tukey fences [1.5, 98.25]: 120 low, 200 high.');
  assert.equal(w.evidence.low, 120);
  assert.equal(w.evidence.high, 200);
  assert.deepEqual(deriveWarnings(profile([column(0, 'price', { outliers: { lowerFence: 0, upperFence: 1, low: 50, high: 49, approx: true } })])), []);
});

test('numbers stored as text', () => {
  const ws = deriveWarnings(
    profile([category(0, 'amount', { type: 'text', distinct: 40, evidence: { numeric: 6000, integer: 6000, boolean: 0, datetime: 0, numericLikeText: 3500, padded: 0, variantGroups: [] } })]),
  );
  const w = only(ws, 'numbersAsText');
  assert.equal(w.message, '`amount`: 95.0% of values (9,500 of 10,000) are numbers kept as text, 3,500 of them written with currency, thousands or percent signs.');
  assert.equal(w.evidence.numericLikeText, 3500);
  const few = deriveWarnings(profile([category(0, 'amount', { evidence: { numeric: 5000, integer: 0, boolean: 0, datetime: 0, numericLikeText: 3000, padded: 0, variantGroups: [] } })]));
  assert.deepEqual(few, []);
});

test('whitespace and case variants of one category', () => {
  const ws = deriveWarnings(
    profile([category(0, 'city', { evidence: { numeric: 0, integer: 0, boolean: 0, datetime: 0, numericLikeText: 0, padded: 40, variantGroups: [['Paris', 'paris ', 'PARIS'], ['Lyon', 'lyon']] } })]),
  );
  const w = only(ws, 'categoryVariants');
  assert.equal(w.severity, 'warning');
  assert.equal(w.message, '`city`: 2 groups of values differ only in case or surrounding spaces (e.g. "Paris", "paris ", "PARIS"); 40 values have leading or trailing spaces.');
  assert.equal(w.evidence.groups, 2);
  const padded = only(deriveWarnings(profile([category(0, 'city', { evidence: { numeric: 0, integer: 0, boolean: 0, datetime: 0, numericLikeText: 0, padded: 5, variantGroups: [] } })])), 'categoryVariants');
  assert.equal(padded.severity, 'info');
  assert.equal(padded.message, '`city`: 5 values have leading or trailing spaces (<0.1% of 10,000).');
});

test('probable dates kept as text', () => {
  const ws = deriveWarnings(
    profile([category(0, 'signup', { type: 'text', distinct: 40, evidence: { numeric: 0, integer: 0, boolean: 0, datetime: 9920, numericLikeText: 0, padded: 0, variantGroups: [] } })]),
  );
  const w = only(ws, 'probableDates');
  assert.equal(w.message, '`signup`: 99.2% of values (9,920 of 10,000) are dates kept as text.');
  // Dates in other layouts (01/02/2024) count too.
  const mixed = only(
    deriveWarnings(profile([category(0, 'born', { type: 'text', evidence: { numeric: 0, integer: 0, boolean: 0, datetime: 4000, numericLikeText: 0, padded: 0, variantGroups: [], otherDateFormats: 5500 } as ColumnProfile['evidence'] })])),
    'probableDates',
  );
  assert.equal(mixed.message, '`born`: 95.0% of values (9,500 of 10,000) are dates kept as text.');
  // A column already typed datetime is fine.
  assert.deepEqual(deriveWarnings(profile([category(0, 'signup', { type: 'datetime', evidence: { numeric: 0, integer: 0, boolean: 0, datetime: ROWS, numericLikeText: 0, padded: 0, variantGroups: [] } })])), []);
});

test('highly correlated pairs from the matrix, each pair once', () => {
  const ws = deriveWarnings(
    profile([column(0, 'height_cm'), column(1, 'height_in'), column(2, 'weight'), column(3, 'age')], {
      correlations: {
        columns: ['height_cm', 'height_in', 'weight', 'age'],
        matrix: [
          [1, 0.9981, 0.5, null],
          [0.9981, 1, 0.5, null],
          [0.5, 0.5, 1, -0.96],
          [null, null, -0.96, 1],
        ],
        note: null,
      },
    }),
  );
  const corr = ws.filter((w) => w.kind === 'highCorrelation');
  assert.equal(corr.length, 2);
  assert.equal(corr[0]!.message, '`height_cm` and `height_in` are highly correlated (r = 0.998).');
  assert.deepEqual(corr[0]!.columns, ['height_in']);
  assert.equal(corr[1]!.message, '`weight` and `age` are highly negatively correlated (r = -0.960).');
  assert.equal(corr[1]!.column, 'weight');
});

test('ragged rows are an error at dataset level', () => {
  const ws = deriveWarnings(profile([column(0, 'x')], { ragged: { count: 12, firstLines: [5, 17, 230, 400], expectedFields: 8 } }));
  const w = only(ws, 'raggedRows');
  assert.equal(w.severity, 'error');
  assert.equal(w.column, null);
  assert.equal(w.message, '12 rows have a different number of fields than the expected 8 (first at lines 5, 17, 230, …).');
  assert.equal(w.evidence.firstLines, '5, 17, 230, 400');
});

test('sorted error > warning > info, then by column index; dataset-level first', () => {
  const ws = deriveWarnings(
    profile(
      [
        column(0, 'a', { skewness: 5 }),
        category(1, 'b', { count: 0, missing: ROWS, missingPct: 100, distinct: 0, top: [] }),
        column(2, 'c', { count: 5000, missing: 5000, missingPct: 50, skewness: -4 }),
      ],
      { duplicateRows: 3, ragged: { count: 1, firstLines: [9], expectedFields: 3 } },
    ),
  );
  assert.deepEqual(
    ws.map((w) => [w.severity, w.column, w.kind]),
    [
      ['error', null, 'raggedRows'],
      ['warning', null, 'duplicates'],
      ['warning', 'b', 'emptyColumn'],
      ['warning', 'c', 'highMissing'],
      ['info', 'a', 'skewed'],
      ['info', 'c', 'skewed'],
    ],
  );
});

test('messages are plain text: names from the file appear as they are', () => {
  const name = '<img src=x onerror=alert(1)>';
  const ws = deriveWarnings(profile([column(0, name, { count: 5000, missing: 5000, missingPct: 50 })]));
  assert.equal(ws[0]!.message, `\`${name}\`: 50.0% missing (5,000 of 10,000 rows).`);
  assert.ok(!ws[0]!.message.includes('&lt;'));
});

test('thresholds merge over the defaults', () => {
  assert.equal(DEFAULT_WARNING_THRESHOLDS.correlationAbs, 0.95);
  const p = profile([column(0, 'x', { count: 9000, missing: 1000, missingPct: 10, skewness: 2.5 })]);
  assert.deepEqual(kinds(deriveWarnings(p, { highMissingPct: 10 })), ['highMissing', 'skewed']);
  assert.deepEqual(kinds(deriveWarnings(p, { skewAbs: 3 })), []);
});
