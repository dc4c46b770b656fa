import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_BUFFER_BYTES } from '../../../src/core/csv/recordReader.js';
import { profileFile } from '../../../src/core/profile/profileFile.js';
import { DEFAULT_MISSING_TOKENS, type ColumnProfile, type DatasetProfile } from '../../../src/protocol/profile.js';

const fixture = (name: string): string => path.join(__dirname, '../../fixtures/csv', name);
const options = { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 };
const tmp = mkdtempSync(path.join(tmpdir(), 'mllab-engine-'));

function col(p: DatasetProfile, name: string): ColumnProfile {
  const c = p.columns.find((x) => x.name === name);
  assert.ok(c, `column ${name}`);
  return c;
}

// Naive references, written independently of the engine.
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
function std(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}
/** pandas Series.skew(): adjusted Fisher-Pearson. */
function skew(xs: number[]): number {
  const n = xs.length;
  const m = mean(xs);
  const m2 = xs.reduce((a, x) => a + (x - m) ** 2, 0) / n;
  const m3 = xs.reduce((a, x) => a + (x - m) ** 3, 0) / n;
  return (Math.sqrt(n * (n - 1)) / (n - 2)) * (m3 / m2 ** 1.5);
}
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
const close = (a: number | null | string, b: number, tol = 1e-9): void => {
  assert.equal(typeof a, 'number');
  assert.ok(Math.abs((a as number) - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≈ ${b}`);
};

test('basic.csv: counts, types, statistics, top values, evidence', async () => {
  const p = await profileFile(fixture('basic.csv'), options);
  assert.equal(p.preview, false);
  assert.equal(p.rows, 8);
  assert.equal(p.columnCount, 6);
  assert.deepEqual(
    p.columns.map((c) => [c.name, c.type]),
    [
      ['id', 'numeric'],
      ['score', 'numeric'],
      ['city', 'categorical'],
      ['active', 'boolean'],
      ['joined', 'datetime'],
      ['note', 'text'],
    ],
  );
  // missing cells: score 2 (NA and empty), active 1, note 1 over 8 x 6 cells
  close(p.missingPct, (100 * 4) / 48);
  assert.equal(p.duplicateRows, 0);
  assert.equal(p.ragged.count, 0);

  const scores = [10, 20, 40, 20, 30, 60];
  const s = col(p, 'score');
  assert.equal(s.count, 6);
  assert.equal(s.missing, 2);
  close(s.missingPct, 25);
  assert.equal(s.distinct, 5);
  assert.equal(s.distinctApprox, false);
  assert.equal(s.min, 10);
  assert.equal(s.max, 60);
  close(s.mean, 30);
  close(s.std, Math.sqrt(320));
  close(s.std, std(scores));
  close(s.skewness, skew(scores));
  assert.ok(s.quantiles);
  close(s.quantiles.p25, 20);
  close(s.quantiles.p50, 25);
  close(s.quantiles.p75, 37.5);
  close(s.quantiles.p1, quantile(scores, 0.01));
  close(s.quantiles.p99, quantile(scores, 0.99));
  assert.equal(s.zeros, 0);
  assert.equal(s.negatives, 0);
  assert.deepEqual(s.outliers, { lowerFence: 20 - 1.5 * 17.5, upperFence: 37.5 + 1.5 * 17.5, low: 0, high: 0, approx: false });
  assert.deepEqual(s.top, [
    { value: '20', count: 2 },
    { value: '10', count: 1 },
    { value: '40', count: 1 },
    { value: '30', count: 1 },
    { value: '60', count: 1 },
  ]);
  assert.ok(s.histogram);
  assert.equal(s.histogram.edges.length, s.histogram.counts.length + 1);
  assert.equal(s.histogram.edges[0], 10);
  assert.equal(s.histogram.edges.at(-1), 60);
  assert.equal(s.histogram.counts.reduce((a, b) => a + b, 0), 6);
  assert.equal(s.histogram.counts[0], 1);
  assert.equal(s.histogram.counts.at(-1), 1);
  assert.equal(s.evidence.numeric, 6);
  assert.equal(s.evidence.integer, 6);

  const id = col(p, 'id');
  close(id.mean, 4.5);
  assert.equal(id.distinct, 8);

  const city = col(p, 'city');
  assert.equal(city.count, 8);
  assert.equal(city.distinct, 5);
  assert.equal(city.evidence.padded, 2);
  assert.deepEqual(city.evidence.variantGroups, [['NY', 'ny ', ' Ny']]);
  assert.deepEqual(city.top.slice(0, 2), [
    { value: 'NY', count: 3 },
    { value: 'Paris', count: 2 },
  ]);
  assert.deepEqual(city.length, { min: 2, max: 6, mean: 3.5 });
  assert.equal(city.mean, null);
  assert.equal(city.histogram, null);

  const active = col(p, 'active');
  assert.equal(active.count, 7);
  assert.equal(active.missing, 1);
  assert.equal(active.evidence.boolean, 7);

  const joined = col(p, 'joined');
  assert.equal(joined.min, '2021-01-05T00:00:00.000Z');
  assert.equal(joined.max, '2021-08-15T00:00:00.000Z');
  assert.equal(joined.evidence.datetime, 8);
  assert.ok(joined.histogram);
  assert.equal(joined.histogram.edges[0], Date.UTC(2021, 0, 5));
  assert.equal(joined.histogram.counts.reduce((a, b) => a + b, 0), 8);

  const note = col(p, 'note');
  assert.equal(note.count, 7);
  assert.equal(note.missing, 1);
  assert.ok(note.top.some((t) => t.value === 'multi\nline'));
  assert.ok(note.top.some((t) => t.value === 'say "hi"'));
  assert.ok(note.top.some((t) => t.value === 'a, b'));
  assert.ok(Array.isArray(p.warnings));
  assert.deepEqual(p.missingCooccurrence.columns, ['id', 'score', 'city', 'active', 'joined', 'note']);
  // score is missing in rows 3 and 7; note in row 3; active in row 6.
  assert.equal(p.missingCooccurrence.matrix[1]![1], 2);
  assert.equal(p.missingCooccurrence.matrix[1]![5], 1);
  assert.equal(p.missingCooccurrence.matrix[1]![3], 0);
  assert.deepEqual(p.correlations.columns, ['id', 'score']);
});

test('correlations over pairwise-complete rows', async () => {
  const file = path.join(tmp, 'corr.csv');
  writeFileSync(file, 'x,y,z\n1,2,5\n2,4,3\n3,6,\n4,8,1\n5,10,2\n');
  const p = await profileFile(file, options);
  assert.deepEqual(p.correlations.columns, ['x', 'y', 'z']);
  close(p.correlations.matrix[0]![1]!, 1);
  // x and z over rows 1,2,4,5: x = 1,2,4,5, z = 5,3,1,2
  const xs = [1, 2, 4, 5];
  const zs = [5, 3, 1, 2];
  const mx = mean(xs);
  const mz = mean(zs);
  const r = xs.reduce((a, x, i) => a + (x - mx) * (zs[i]! - mz), 0) / Math.sqrt(xs.reduce((a, x) => a + (x - mx) ** 2, 0) * zs.reduce((a, z) => a + (z - mz) ** 2, 0));
  close(p.correlations.matrix[0]![2]!, r);
});

test('duplicate rows: numbers by value, every missing token alike', async () => {
  const p = await profileFile(fixture('duplicates.csv'), options);
  assert.equal(p.rows, 6);
  assert.equal(p.duplicateRows, 3);
  assert.equal(p.duplicateRowsApprox, false);
  assert.equal(col(p, 'a').distinct, 3);
  assert.equal(col(p, 'b').missing, 2);
});

test('ragged rows are counted with their physical line numbers; short rows are missing, long rows cut', async () => {
  const p = await profileFile(fixture('ragged.csv'), options);
  assert.equal(p.rows, 4);
  assert.deepEqual(p.ragged, { count: 2, firstLines: [3, 4], expectedFields: 3 });
  const c = col(p, 'c');
  assert.equal(c.missing, 1);
  assert.equal(c.max, 12);
  assert.equal(col(p, 'a').max, 10);
});

test('ragged line numbers count quoted line breaks', async () => {
  const file = path.join(tmp, 'ragged-quoted.csv');
  writeFileSync(file, 'a,b\n"x\ny",1\n2\n3,4\n');
  const p = await profileFile(file, options);
  assert.deepEqual(p.ragged.firstLines, [4]);
});

test('dialects: semicolon, tab, pipe, CRLF, CR, BOM, no header, latin-1', async () => {
  const semi = await profileFile(fixture('semicolon.csv'), options);
  assert.equal(semi.dialect.delimiter, ';');
  assert.equal(semi.rows, 3);
  assert.equal(col(semi, 'value').evidence.numericLikeText, 3);
  assert.notEqual(col(semi, 'value').type, 'numeric');
  close(col(semi, 'qty').mean, 4);
  assert.equal(col(semi, 'name').top[0]!.value, 'a;b');

  const tab = await profileFile(fixture('tab.tsv'), options);
  assert.equal(tab.dialect.delimiter, '\t');
  assert.equal(col(tab, 'name').top[0]!.value, 'x\ty');
  close(col(tab, 'value').mean, 2);

  const pipe = await profileFile(fixture('pipe.csv'), options);
  assert.equal(pipe.dialect.delimiter, '|');
  assert.equal(col(pipe, 'name').top[1]!.value, 'y|z');

  const crlf = await profileFile(fixture('crlf.csv'), options);
  assert.equal(crlf.dialect.lineEnding, 'crlf');
  assert.equal(crlf.rows, 2);
  assert.equal(col(crlf, 'b').top[0]!.value, 'two\r\nlines');

  const cr = await profileFile(fixture('cr.csv'), options);
  assert.equal(cr.dialect.lineEnding, 'cr');
  assert.equal(cr.rows, 3);

  const bom = await profileFile(fixture('bom.csv'), options);
  assert.equal(bom.dialect.bom, true);
  assert.deepEqual(
    bom.columns.map((c) => c.name),
    ['id', 'name'],
  );
  assert.equal(col(bom, 'name').top[0]!.value, 'café');
  assert.equal(col(bom, 'name').length!.max, 5);

  const bare = await profileFile(fixture('noheader.csv'), options);
  assert.equal(bare.dialect.header, false);
  assert.equal(bare.rows, 3);
  assert.deepEqual(
    bare.columns.map((c) => c.name),
    ['column_1', 'column_2', 'column_3'],
  );
  close(col(bare, 'column_2').mean, 5.5);

  const latin = await profileFile(fixture('latin1.csv'), options);
  assert.equal(latin.dialect.encoding, 'latin1');
  assert.deepEqual(
    col(latin, 'name').top.map((t) => t.value),
    ['José', 'Renée', 'Ana'],
  );
  assert.deepEqual(col(latin, 'city').length, { min: 5, max: 6, mean: (6 + 6 + 5) / 3 });
});

test('quoted line breaks and doubled quotes over many records', async () => {
  const p = await profileFile(fixture('quoted-newlines.csv'), options);
  assert.equal(p.rows, 40);
  close(col(p, 'n').mean, 41);
  assert.equal(col(p, 'text').distinct, 40);
  assert.equal(col(p, 'text').top[0]!.value, 'line one 1\nline two, with comma\n"quoted" three');
});

test('missing tokens come from the options, compared after trimming; the empty field is always missing', async () => {
  const file = path.join(tmp, 'tokens.csv');
  writeFileSync(file, 'a,b\n1,x\n-,NA\n 3 ,  \n4, - \n');
  const p = await profileFile(file, { missingTokens: ['-'], threads: 1 });
  assert.equal(col(p, 'a').missing, 1);
  assert.equal(col(p, 'a').count, 3);
  close(col(p, 'a').mean, (1 + 3 + 4) / 3);
  // 'NA' is a value here; '' and ' - ' are missing.
  assert.equal(col(p, 'b').missing, 2);
  assert.deepEqual(
    col(p, 'b').top.map((t) => t.value),
    ['x', 'NA'],
  );
});

test('type evidence: number-like text, dates in other layouts, 0/1 stays numeric, booleans', async () => {
  const file = path.join(tmp, 'evidence.csv');
  writeFileSync(file, 'price,when,bit,yn,mixed\n"$1,200.50",03/15/2021,0,yes,1\n45%,15.03.2021,1,no,2021-01-01\n"1,234",2021-03-15,1,Yes,x\n');
  const p = await profileFile(file, options);
  assert.equal(col(p, 'price').evidence.numericLikeText, 3);
  assert.equal(col(p, 'when').evidence.otherDateFormats, 2);
  assert.equal(col(p, 'when').evidence.datetime, 1);
  assert.equal(col(p, 'bit').type, 'numeric');
  assert.equal(col(p, 'yn').type, 'boolean');
  assert.equal(col(p, 'mixed').evidence.numeric, 1);
  assert.equal(col(p, 'mixed').evidence.datetime, 1);
});

test('datetimes with time, T separator, fractions and offsets', async () => {
  const file = path.join(tmp, 'dates.csv');
  writeFileSync(file, 'ts\n2021-03-15 10:20\n2021-03-15T10:20:30Z\n2021/03/16 00:00:00.250\n2021-03-15T12:00:00+02:00\n');
  const p = await profileFile(file, options);
  const ts = col(p, 'ts');
  assert.equal(ts.type, 'datetime');
  assert.equal(ts.min, '2021-03-15T10:00:00.000Z');
  assert.equal(ts.max, '2021-03-16T00:00:00.250Z');
});

test('numbers parse exactly, including the slow path', async () => {
  const file = path.join(tmp, 'numbers.csv');
  const values = ['0.1', '-2.5e3', '1e-7', '123456789012345678', '3.14159265358979323846', '+7', '.5', '5.', '-0'];
  writeFileSync(file, 'x\n' + values.join('\n') + '\n');
  const p = await profileFile(file, options);
  const x = col(p, 'x');
  assert.equal(x.type, 'numeric');
  assert.equal(x.count, values.length);
  assert.equal(x.min, -2500);
  assert.equal(x.max, Number('123456789012345678'));
  close(x.mean, mean(values.map(Number)), 1e-12);
  assert.equal(x.zeros, 1);
});

test('above the exact caps: sketches and HyperLogLog take over, flagged approximate', async () => {
  const file = path.join(tmp, 'big.csv');
  const n = 30000;
  const lines = ['v,k'];
  // v = 0..n-1 shuffled deterministically; k has n distinct strings
  for (let i = 0; i < n; i++) lines.push(`${(i * 7919) % n},key${i}`);
  writeFileSync(file, lines.join('\n') + '\n');
  const p = await profileFile(file, options);
  const v = col(p, 'v');
  assert.equal(v.count, n);
  close(v.mean, (n - 1) / 2);
  assert.ok(v.quantiles);
  // KLL: rank error well under 1%.
  assert.ok(Math.abs(v.quantiles.p50 - (n - 1) / 2) < n * 0.01, `p50 ${v.quantiles.p50}`);
  assert.ok(Math.abs(v.quantiles.p95 - 0.95 * (n - 1)) < n * 0.01, `p95 ${v.quantiles.p95}`);
  assert.equal(v.outliers!.approx, true);
  assert.equal(v.histogram!.counts.reduce((a, b) => a + b, 0), n);
  const k = col(p, 'k');
  assert.equal(k.distinctApprox, true);
  assert.ok(Math.abs(k.distinct - n) < n * 0.03, `distinct ${k.distinct}`);
  assert.equal(k.topApprox, true);
  assert.equal(k.type, 'text');
});

test('a 10 MB field works and keeps only a short display string', async () => {
  const file = path.join(tmp, 'wide-field.csv');
  const big = 'x'.repeat(10 * 1024 * 1024);
  writeFileSync(file, `id,blob\n1,"${big}"\n2,small\n`);
  const p = await profileFile(file, options);
  assert.equal(p.rows, 2);
  const blob = col(p, 'blob');
  assert.equal(blob.length!.max, big.length);
  assert.ok(blob.top.every((t) => t.value.length <= 201));
});

test('5,000 columns: every column profiled, co-occurrence limited to 64 columns', async () => {
  const file = path.join(tmp, 'wide.csv');
  const cols = 5000;
  const header = Array.from({ length: cols }, (_, i) => `c${i}`).join(',');
  const rows = Array.from({ length: 20 }, (_, r) => Array.from({ length: cols }, (_, i) => (i === 4999 && r % 2 === 0 ? '' : String(r + i))).join(','));
  writeFileSync(file, header + '\n' + rows.join('\n') + '\n');
  const p = await profileFile(file, options);
  assert.equal(p.columnCount, cols);
  assert.equal(p.rows, 20);
  assert.equal(col(p, 'c4999').missing, 10);
  close(col(p, 'c10').mean, 10 + 9.5);
  assert.equal(p.missingCooccurrence.columns.length, 64);
  assert.ok(p.missingCooccurrence.columns.includes('c4999'));
  assert.equal(p.correlations.columns.length, 64);
  assert.ok(p.correlations.note);
});

test('preview first, then the full profile, with progress', async () => {
  const file = path.join(tmp, 'preview.csv');
  const lines = ['a,b'];
  for (let i = 0; i < 12000; i++) lines.push(`${i},${i % 3 === 0 ? '' : 'x'}`);
  writeFileSync(file, lines.join('\n') + '\n');
  const previews: DatasetProfile[] = [];
  let progressCalls = 0;
  const p = await profileFile(file, options, { onPreview: (x) => previews.push(x), onProgress: () => progressCalls++ });
  assert.equal(previews.length, 1);
  assert.equal(previews[0]!.preview, true);
  assert.equal(previews[0]!.rows, 5000);
  assert.equal(p.preview, false);
  assert.equal(p.rows, 12000);
  assert.equal(col(p, 'b').missing, 4000);
  assert.ok(progressCalls >= 1);
});

test('a column holding text counts numbers by spelling (pandas object columns); a numeric one by value', async () => {
  const file = path.join(tmp, 'spellings.csv');
  // code: text with number-looking values "0E0" and "0E8" (both 0) and "1" vs "1.0"; num: numbers only.
  writeFileSync(file, 'code,num\n0E0,1\nABC,1.0\n0E8,2\n1,2.0\n1.0,3\nXYZ,3\n');
  const p = await profileFile(file, options);
  const code = col(p, 'code');
  assert.equal(code.distinct, 6);
  assert.ok(code.top.every((t) => t.count === 1));
  assert.equal(col(p, 'num').distinct, 3);
  // Text after the numbers: the numbers seen so far are re-keyed by spelling, counts kept. (Known limit:
  // two spellings of one number both seen before the first text value stay merged.)
  const late = path.join(tmp, 'spellings-late.csv');
  writeFileSync(late, 'code\n12\n7\n12\nABC\n0E0\n0E8\n');
  const q = await profileFile(late, options);
  assert.equal(col(q, 'code').distinct, 5);
  assert.deepEqual(
    col(q, 'code').top.map((t) => [t.value, t.count]),
    [
      ['12', 2],
      ['7', 1],
      ['ABC', 1],
      ['0E0', 1],
      ['0E8', 1],
    ],
  );
});

test('latin-1 is recognised when its first accented letter comes after the first 64 KiB', async () => {
  const file = path.join(tmp, 'late-latin1.csv');
  const ascii = Array.from({ length: 5000 }, (_, i) => `${i},plain`).join('\n');
  writeFileSync(file, Buffer.concat([Buffer.from('id,name\n' + ascii + '\n'), Buffer.from([0x39, 0x39, 0x2c, 0x4a, 0x6f, 0x73, 0xe9, 0x0a])]));
  const p = await profileFile(file, options);
  assert.equal(p.dialect.encoding, 'latin1');
  assert.ok(col(p, 'name').top.some((t) => t.value === 'José'));
});

test('long distinct texts end exact counting before the distinct cap (memory), flagged approximate', async () => {
  const file = path.join(tmp, 'long-text.csv');
  const cols = 32;
  const header = Array.from({ length: cols }, (_, i) => `c${i}`).join(',');
  // 3,000 distinct 200-character values per column: 600,000 characters, past the 8 Mi / 32 budget.
  const rows = Array.from({ length: 3000 }, (_, r) => Array.from({ length: cols }, () => `${r}`.padStart(200, 'x')).join(','));
  writeFileSync(file, header + '\n' + rows.join('\n') + '\n');
  const p = await profileFile(file, options);
  const c = col(p, 'c0');
  assert.equal(c.distinctApprox, true);
  assert.ok(Math.abs(c.distinct - 3000) < 3000 * 0.05, `distinct ${c.distinct}`);
  assert.equal(c.count, 3000);
});

test('values first seen just before a reader refill keep their own spelling, numbers and text (queued keys are counted first)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mllab-spelling-'));
  const file = path.join(dir, 'late-values.csv');
  const pad = 'x'.repeat(32);
  // Fixed 56-byte rows, so the last rows the reader's first buffer holds are known: the three values to
  // check appear first in those rows, while their number keys still wait in the column's batch when the
  // reader moves its bytes. Afterwards they repeat most, so they lead the top values.
  const rowBytes = 56;
  const inFirstBuffer = Math.floor(DEFAULT_BUFFER_BYTES / rowBytes);
  const heavy = ['7777.70', '8888.80', '9999.90'];
  const heavyWords = ['zeta-01', 'zeta-02', 'zeta-03'];
  const lines = ['id,amount,word,pad'];
  for (let r = 0; r < inFirstBuffer + 20_000; r++) {
    const late = r - (inFirstBuffer - 3);
    const amount = late >= 0 ? heavy[late % 3]! : `${1000 + (r % 3000)}.50`;
    const word = late >= 0 ? heavyWords[late % 3]! : `w-${String(r % 3000).padStart(5, '0')}`;
    const line = `${String(r).padStart(6, '0')},${amount},${word},${pad}`;
    assert.equal(line.length + 1, rowBytes);
    lines.push(line);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  const p = await profileFile(file, options);
  const amount = p.columns[1]!;
  assert.equal(amount.type, 'numeric');
  assert.equal(amount.distinct, 3003);
  assert.deepEqual(
    amount.top.slice(0, 3).map((t) => [t.value, t.count]),
    heavy.map((v, k) => [v, Math.floor((20_003 - k + 2) / 3)]),
  );
  const word = p.columns[2]!;
  assert.equal(word.distinct, 3003);
  assert.deepEqual(
    word.top.slice(0, 3).map((t) => [t.value, t.count]),
    heavyWords.map((v, k) => [v, Math.floor((20_003 - k + 2) / 3)]),
  );
});
