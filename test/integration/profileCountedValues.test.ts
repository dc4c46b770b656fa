// Numeric columns with few distinct values but too many values for the exact list: quantiles, histogram
// and Tukey outliers come from the value table's exact counts, so they must equal pandas / numpy exactly
// (the quantile sketch gave approximations here). Columns that outgrow the table mid-pass or turn mixed fall
// back to the sketch and must stay within 1% rank error. One thread and two threads (merged tables).
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

test('counted values: clean up', () => {
  rmSync(tmp, { recursive: true, force: true });
});
