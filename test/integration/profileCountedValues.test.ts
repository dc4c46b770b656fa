// Numeric columns with few distinct values but too many values for the exact list: quantiles, histogram
// and Tukey outliers come from the value table's exact counts, so they must equal pandas / numpy exactly
// (the quantile sketch gave approximations here). Columns that outgrow the table mid-pass or turn mixed fall
// back to the sketch and must stay within 1% rank error. Text columns: type evidence (dates, booleans,
// number-like text, other date layouts) is read once per distinct text while the table holds them all and
// cell by cell after it fills up; the counts must be exact either way, and a date column with few distinct
// dates gets numpy's histogram. One thread and two threads (merged tables).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileFile } from '../../src/core/profile/profileFile.js';
import { DEFAULT_MISSING_TOKENS, type ColumnProfile, type DatasetProfile, type Quantiles } from '../../src/protocol/profile.js';

const PYTHON = process.env.MLLAB_PANDAS_PYTHON ?? '/usr/bin/python3';
const ROWS = 60000;
const options = { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 };
const QUANTILE_P: [keyof Quantiles, number][] = [
  ['p1', 0.01],
  ['p5', 0.05],
  ['p25', 0.25],
  ['p50', 0.5],
  ['p75', 0.75],
  ['p95', 0.95],
  ['p99', 0.99],
];

const pandasMissing = (() => {
  const r = spawnSync(PYTHON, ['-c', 'import pandas'], { encoding: 'utf8' });
  return r.error || r.status !== 0 ? `pandas is not importable by ${PYTHON}` : null;
})();

const tmp = mkdtempSync(join(tmpdir(), 'mllab-counted-'));

/** Deterministic file; returns its path, where the data rows start, and each column's numbers in file order. */
function writeFile(): { file: string; dataStart: number; size: number; numbers: Record<string, number[]> } {
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const header = 'rating,temp,skewed,late,mixed';
  const lines = [header];
  const numbers: Record<string, number[]> = { rating: [], temp: [], skewed: [], late: [], mixed: [] };
  for (let i = 0; i < ROWS; i++) {
    // 1..5 with missing values; one decimal around 15 (~600 values, negatives, zeros written as -0.0 and 0.0);
    // a long right tail on few values; few values, then unique ones (outgrows the table); numbers with a text cell.
    const rating = rnd() < 0.05 ? 'NA' : String(1 + Math.floor(5 * rnd() * rnd() + 0.5 * rnd()));
    const t = Math.round(10 * (15 + 8 * normal())) / 10;
    const temp = i % 997 === 0 ? (i % 2 ? '-0.0' : '0.0') : t.toFixed(1);
    const skewed = String(Math.floor(-Math.log(1 - rnd()) * 3) * (rnd() < 0.01 ? 40 : 1));
    const late = i < 35000 ? String(Math.floor(rnd() * 50)) : String(1000 + i + rnd()).slice(0, 12);
    const mixed = i === 40000 ? 'n/a?' : String(Math.floor(rnd() * 300));
    lines.push([rating, temp, skewed, late, mixed].join(','));
    if (rating !== 'NA') numbers.rating!.push(Number(rating));
    numbers.temp!.push(Number(temp));
    numbers.skewed!.push(Number(skewed));
    numbers.late!.push(Number(late));
    if (i !== 40000) numbers.mixed!.push(Number(mixed));
  }
  const text = lines.join('\n') + '\n';
  const file = join(tmp, 'counted.csv');
  writeFileSync(file, text);
  return { file, dataStart: header.length + 1, size: Buffer.byteLength(text), numbers };
}

interface Reference {
  quantiles: number[];
  low: number;
  high: number;
  histogram: number[];
  edges: number[];
}

function pandasReference(file: string, columns: string[]): Record<string, Reference> {
  const script = `
import sys, json, numpy as np, pandas as pd
d = pd.read_csv(sys.argv[1], na_values=['NA'], keep_default_na=True)
out = {}
for c in sys.argv[2:]:
    s = d[c].dropna().astype(float)
    q = s.quantile([0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]).tolist()
    iqr = q[4] - q[2]
    lo, hi = q[2] - 1.5 * iqr, q[4] + 1.5 * iqr
    counts, edges = np.histogram(s.to_numpy(), bins=30)
    out[c] = {'quantiles': q, 'low': int((s < lo).sum()), 'high': int((s > hi).sum()), 'histogram': counts.tolist(), 'edges': edges.tolist()}
print(json.dumps(out))
`;
  const r = spawnSync(PYTHON, ['-c', script, file, ...columns], { encoding: 'utf8', maxBuffer: 16 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, Reference>;
}

function col(p: DatasetProfile, name: string): ColumnProfile {
  const c = p.columns.find((x) => x.name === name);
  assert.ok(c, `no column ${name}`);
  return c;
}

function checkExact(c: ColumnProfile, ref: Reference): void {
  assert.ok(c.quantiles && c.outliers && c.histogram, `${c.name}: numeric statistics`);
  assert.deepEqual(
    QUANTILE_P.map(([k]) => c.quantiles![k]),
    ref.quantiles,
    `${c.name}: quantiles`,
  );
  assert.equal(c.outliers.approx, false, `${c.name}: outliers exact`);
  assert.equal(c.outliers.low, ref.low, `${c.name}: low outliers`);
  assert.equal(c.outliers.high, ref.high, `${c.name}: high outliers`);
  assert.deepEqual(c.histogram.counts, ref.histogram, `${c.name}: histogram counts`);
  c.histogram.edges.forEach((e, i) => assert.ok(Math.abs(e - ref.edges[i]!) <= 1e-9 * Math.max(1, Math.abs(e)), `${c.name}: edge ${i}`));
}

/** Each quantile's rank in the sorted column within ±1% of n of its target. */
function checkRanks(c: ColumnProfile, values: number[]): void {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  for (const [k, p] of QUANTILE_P) {
    const q = c.quantiles![k];
    let below = 0;
    let atOrBelow = 0;
    for (const v of sorted) {
      if (v < q) below++;
      if (v <= q) atOrBelow++;
    }
    const target = p * (n - 1);
    const first = atOrBelow > below ? below : below - 1;
    const last = atOrBelow > below ? atOrBelow - 1 : below;
    assert.ok(last >= target - 0.01 * n && first <= target + 0.01 * n, `${c.name} ${k}: ${q} has rank ${first}..${last} of ${n}, target ${target}`);
  }
  assert.equal(
    c.histogram!.counts.reduce((a, b) => a + b, 0),
    n,
    `${c.name}: histogram total`,
  );
}

const data = writeFile();

for (const threads of [1, 2]) {
  test(`few distinct values past the exact list: exact quantiles, histogram and outliers (${threads} thread${threads > 1 ? 's' : ''})`, async (t) => {
    if (pandasMissing) {
      t.skip(pandasMissing);
      return;
    }
    const split = data.dataStart + Math.floor((data.size - data.dataStart) / 2);
    const p = await profileFile(data.file, options, threads > 1 ? { splitPoints: [data.dataStart, split] } : {});
    assert.equal(p.run.threads, threads);
    assert.equal(p.rows, ROWS);
    const ref = pandasReference(data.file, ['rating', 'temp', 'skewed']);
    for (const name of ['rating', 'temp', 'skewed']) checkExact(col(p, name), ref[name]!);
    // Past the table's cap mid-pass, and a number column with one text cell: the sketch answers.
    for (const name of ['late', 'mixed']) {
      const c = col(p, name);
      assert.equal(c.type, 'numeric', `${name}: type`);
      checkRanks(c, data.numbers[name]!);
    }
    assert.equal(col(p, 'late').outliers!.approx, true);
  });
}

/** Text columns; `expected` holds each column's evidence counts, known by construction. */
function writeTextFile(): { file: string; dataStart: number; size: number; expected: Record<string, Record<string, number>>; days: { min: string; max: string } } {
  let seed = 777;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const header = 'day,stamp,flag,price';
  const lines = [header];
  const zero = (n: number): string => (n < 10 ? '0' + n : String(n));
  const expected: Record<string, Record<string, number>> = {
    day: { datetime: 0, boolean: 0, numericLikeText: 0, otherDateFormats: 0 },
    stamp: { datetime: 0, boolean: 0, numericLikeText: 0, otherDateFormats: 0 },
    flag: { datetime: 0, boolean: 0, numericLikeText: 0, otherDateFormats: 0 },
    price: { datetime: 0, boolean: 0, numericLikeText: 0, otherDateFormats: 0 },
  };
  let minDay = '9999';
  let maxDay = '0000';
  for (let i = 0; i < ROWS; i++) {
    // 336 distinct days, some padded, a few missing: few distinct texts to the end.
    const d = Math.floor(rnd() * 336);
    const date = `2021-${zero(1 + Math.floor(d / 28))}-${zero(1 + (d % 28))}`;
    let day = rnd() < 0.02 ? '' : rnd() < 0.05 ? ` ${date}` : date;
    if (i % 5000 === 7) day = 'unknown';
    if (day.trim() !== '' && day !== 'unknown') {
      expected.day!.datetime!++;
      if (date < minDay) minDay = date;
      if (date > maxDay) maxDay = date;
    }
    // Date-times, few distinct until row 25,000, then all distinct (the table fills up mid-pass); some in
    // another layout (DD/MM/YYYY) and some plain words.
    const sec = i < 25000 ? Math.floor(rnd() * 50) : i;
    let stamp = `2020-03-${zero(1 + (sec % 28))} ${zero(Math.floor(sec / 3600) % 24)}:${zero(Math.floor(sec / 60) % 60)}:${zero(sec % 60)}`;
    const r = rnd();
    if (r < 0.03) stamp = `${zero(1 + (sec % 28))}/03/2020`;
    else if (r < 0.04) stamp = 'pending';
    if (r < 0.03) expected.stamp!.otherDateFormats!++;
    else if (r >= 0.04) expected.stamp!.datetime!++;
    // Booleans in several spellings, a few other words.
    const words = ['yes', 'no', 'True', 'FALSE', 'maybe'];
    const flag = words[Math.floor(rnd() * words.length)]!;
    if (flag !== 'maybe') expected.flag!.boolean!++;
    // Money as text: few distinct amounts, then a distinct one per row (fills the table), and plain words.
    const amount = i < 20000 ? 10 + Math.floor(rnd() * 40) : 100000 + i;
    const price = rnd() < 0.1 ? 'call us' : `"$${amount.toLocaleString('en-US')}"`;
    if (price !== 'call us') expected.price!.numericLikeText!++;
    lines.push([day, stamp, flag, price].join(','));
  }
  const text = lines.join('\n') + '\n';
  const file = join(tmp, 'evidence.csv');
  writeFileSync(file, text);
  return { file, dataStart: header.length + 1, size: Buffer.byteLength(text), expected, days: { min: minDay, max: maxDay } };
}

const textData = writeTextFile();

for (const threads of [1, 2]) {
  test(`text evidence counted once per distinct text, then cell by cell: exact counts, numpy date histogram (${threads} thread${threads > 1 ? 's' : ''})`, async (t) => {
    if (pandasMissing) {
      t.skip(pandasMissing);
      return;
    }
    const split = textData.dataStart + Math.floor((textData.size - textData.dataStart) / 2);
    const p = await profileFile(textData.file, options, threads > 1 ? { splitPoints: [textData.dataStart, split] } : {});
    assert.equal(p.run.threads, threads);
    for (const [name, want] of Object.entries(textData.expected)) {
      const e = col(p, name).evidence;
      assert.deepEqual({ datetime: e.datetime, boolean: e.boolean, numericLikeText: e.numericLikeText, otherDateFormats: e.otherDateFormats }, want, `${name}: evidence`);
    }
    assert.equal(col(p, 'flag').type, 'categorical');
    const day = col(p, 'day');
    assert.equal(day.type, 'datetime');
    assert.equal(day.min, `${textData.days.min}T00:00:00.000Z`);
    assert.equal(day.max, `${textData.days.max}T00:00:00.000Z`);
    const script = `
import sys, json, numpy as np, pandas as pd
d = pd.read_csv(sys.argv[1], usecols=['day'], keep_default_na=True)
s = d['day'].dropna().str.strip()
s = pd.to_datetime(s[s != 'unknown'], format='%Y-%m-%d').astype('int64') // 10**6
counts, edges = np.histogram(s.to_numpy(dtype=float), bins=30)
print(json.dumps({'counts': counts.tolist(), 'edges': edges.tolist()}))
`;
    const r = spawnSync(PYTHON, ['-c', script, textData.file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const ref = JSON.parse(r.stdout) as { counts: number[]; edges: number[] };
    assert.deepEqual(day.histogram!.counts, ref.counts, 'day: histogram counts');
    day.histogram!.edges.forEach((x, i) => assert.ok(Math.abs(x - ref.edges[i]!) <= 1, `day: edge ${i}`));
    assert.equal(col(p, 'stamp').type, 'datetime');
    assert.equal(col(p, 'stamp').distinctApprox, true, 'stamp outgrew the table');
    assert.equal(col(p, 'price').distinctApprox, true, 'price outgrew the table');
  });
}

test('counted values: clean up', () => {
  rmSync(tmp, { recursive: true, force: true });
});
