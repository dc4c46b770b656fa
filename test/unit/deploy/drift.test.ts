// checkDrift end to end on files: same-distribution data is not flagged, a shifted column and a changed
// category mix are (and named), a prediction log works as the new data, a model trained on a cleaned
// version is compared on its raw source columns, and bad inputs fail with one clear error. The statistics
// themselves are checked against scipy in test/unit/stats; here one small categorical case is worked by hand.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyRecipeToFile } from '../../../src/core/clean/applyFile.js';
import { seededRandom } from '../../../src/core/clean/random.js';
import { checkDrift, DEFAULT_DRIFT_THRESHOLDS, SAMPLE_SIZE } from '../../../src/core/deploy/drift.js';
import { isUserError } from '../../../src/core/errors.js';
import { predictFile } from '../../../src/core/ml/modelPackage.js';
import type { FeatureDrift, PredictionLogLine } from '../../../src/protocol/deploy.js';
import type { Recipe } from '../../../src/protocol/recipe.js';
import { trainedModel } from './trainedModel.js';

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'mllab-drift-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Shift {
  /** Added to every x. */
  xShift?: number;
  /** Share of rows whose colour is "blue" (default 0.2; red and green split the rest 5:3). */
  blue?: number;
}

/** Seeded rows: x ~ N(0, 1), w ~ U(0, 10), colour red/green/blue 50/30/20 %, label from x and colour. */
function rows(n: number, seed: number, shift: Shift = {}): Record<string, string>[] {
  const next = seededRandom(seed);
  const out: Record<string, string>[] = [];
  const blue = shift.blue ?? 0.2;
  for (let i = 0; i < n; i++) {
    const u = Math.max(next(), 1e-12);
    const x = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next()) + (shift.xShift ?? 0);
    const w = 10 * next();
    const c = next();
    const colour = c < blue ? 'blue' : c < blue + ((1 - blue) * 5) / 8 ? 'red' : 'green';
    const label = x + (colour === 'red' ? 0.8 : 0) > 0.5 ? 'yes' : 'no';
    out.push({ x: x.toFixed(4), w: w.toFixed(3), colour, label });
  }
  return out;
}

function writeCsv(name: string, data: Record<string, string>[], columns = ['x', 'w', 'colour', 'label']): string {
  const path = join(dir, name);
  writeFileSync(path, [columns.join(','), ...data.map((r) => columns.map((c) => r[c] ?? '').join(','))].join('\n') + '\n');
  return path;
}

function feature(report: { features: FeatureDrift[] }, name: string): FeatureDrift {
  const f = report.features.find((x) => x.name === name);
  assert.ok(f, `no feature ${name} in ${report.features.map((x) => x.name).join(', ')}`);
  return f;
}

let model: string;
let training: string;

before(async () => {
  training = writeCsv('train.csv', rows(3000, 1));
  mkdirSync(join(dir, 'model'));
  model = (await trainedModel(join(dir, 'model'), training, 'label')).path;
});

test('same-distribution data is not flagged: features, predictions and the verdict', async () => {
  const current = writeCsv('same.csv', rows(3000, 2));
  const report = await checkDrift({ model, current });
  assert.equal(report.drifted, false, report.verdict);
  assert.deepEqual(
    report.features.map((f) => [f.name, f.kind, f.drifted]),
    [
      ['x', 'numeric', false],
      ['w', 'numeric', false],
      ['colour', 'categorical', false],
    ],
  );
  for (const f of report.features) assert.ok(f.psi < 0.05, `${f.name} PSI ${f.psi}`);
  assert.equal(report.prediction?.drifted, false);
  assert.deepEqual(report.thresholds, DEFAULT_DRIFT_THRESHOLDS);
  assert.equal(report.reference.path, training);
  assert.equal(report.reference.rows, 3000);
  assert.equal(report.current.rows, 3000);
  assert.equal(report.notes, undefined);
  assert.match(report.verdict, /^No feature drifted \(3 compared\); the predictions did not\.$/);
  // Deciles of the reference: ten bins of ~10 % each on the reference side, shares summing to 1 on both.
  const x = feature(report, 'x');
  assert.equal(x.bins.length, 10);
  for (const b of x.bins) assert.ok(Math.abs(b.reference - 0.1) < 0.002, `${b.label} ${b.reference}`);
  assert.ok(Math.abs(x.bins.reduce((a, b) => a + b.current, 0) - 1) < 1e-12);
  assert.ok(x.ks && x.ks.pValue > 0.01);
});

test('a shifted column is flagged by name, the others are not; the predictions move with it', async () => {
  const current = writeCsv('shifted.csv', rows(3000, 3, { xShift: 0.6 }));
  const report = await checkDrift({ model, current });
  assert.equal(report.drifted, true);
  const x = feature(report, 'x');
  assert.equal(x.drifted, true);
  assert.ok(x.ks && x.ks.statistic > 0.15 && x.ks.pValue < 1e-10, JSON.stringify(x.ks));
  assert.ok(x.reasons.some((r) => r.startsWith('PSI ')));
  assert.equal(feature(report, 'w').drifted, false);
  assert.equal(feature(report, 'colour').drifted, false);
  assert.equal(report.prediction?.drifted, true);
  assert.match(report.verdict, /^1 of 3 features drifted: x; the predictions drifted\.$/);
});

test('gaps where training had none: flagged through the (missing) bin, and the reason says so', async () => {
  const data = rows(3000, 17).map((r, i) => (i % 10 === 0 ? { ...r, w: '' } : r));
  const report = await checkDrift({ model, current: writeCsv('gaps.csv', data) });
  const w = feature(report, 'w');
  assert.deepEqual(w.missingRate, { reference: 0, current: 0.1 });
  assert.equal(w.drifted, true);
  assert.deepEqual(w.bins.at(-1), { label: '(missing)', reference: 0, current: 0.1 });
  assert.match(w.reasons[0] ?? '', /^PSI 0\.\d+ ≥ 0\.2, most from \(missing\): 0% → 10%$/);
  // The KS test reads the values present: still the same law.
  assert.ok(w.ks && w.ks.statistic < 0.05);
});

test('a changed category mix is flagged by chi-square and PSI', async () => {
  const current = writeCsv('mix.csv', rows(3000, 4, { blue: 0.6 }));
  const report = await checkDrift({ model, current });
  const colour = feature(report, 'colour');
  assert.equal(colour.drifted, true);
  assert.equal(colour.chi2?.dof, 2);
  assert.ok(colour.chi2 && colour.chi2.cramersV > 0.3 && colour.chi2.pValue < 1e-50);
  assert.equal(feature(report, 'x').drifted, false);
  assert.deepEqual(
    colour.bins.map((b) => b.label),
    ['red', 'green', 'blue'],
  );
});

test('thresholds: a large PSI threshold and a tiny p-value leave a modest shift unflagged', async () => {
  const current = writeCsv('modest.csv', rows(3000, 5, { xShift: 0.25 }));
  const strict = await checkDrift({ model, current });
  assert.equal(feature(strict, 'x').drifted, true);
  const lax = await checkDrift({ model, current, thresholds: { psi: 5, pValue: 1e-300 } });
  assert.equal(feature(lax, 'x').drifted, false);
  assert.deepEqual(lax.thresholds, { psi: 5, pValue: 1e-300, effect: 0.1 });
  await assert.rejects(checkDrift({ model, current, thresholds: { pValue: 2 } }), /p-value threshold/);
});

test('a prediction log as the new data: the rows of every logged request, rotated files included', async () => {
  const logDir = join(dir, 'log');
  mkdirSync(logDir);
  const shifted = rows(600, 6, { xShift: 1 });
  const csv = writeCsv('logged.csv', shifted);
  const predicted = (await predictFile(model, csv)).rows.map((r) => r[0]!);
  const line = (from: number, to: number): PredictionLogLine => ({
    t: '2026-11-28T10:00:00.000Z',
    status: 200,
    ms: 1,
    rows: shifted.slice(from, to).map((r) => ({ x: Number(r.x), w: Number(r.w), colour: r.colour })),
    predictions: predicted.slice(from, to),
  });
  const rejected: PredictionLogLine = { t: '2026-11-28T10:00:01.000Z', status: 400, ms: 0, error: 'bad row' };
  writeFileSync(join(logDir, 'predictions.1.jsonl'), [line(0, 300), rejected].map((l) => JSON.stringify(l)).join('\n') + '\n');
  // The newest file ends in a torn line, as after a kill mid-write.
  writeFileSync(join(logDir, 'predictions.jsonl'), JSON.stringify(line(300, 600)) + '\n{"t":"2026-11-28T10:0');
  const report = await checkDrift({ model, current: logDir });
  assert.equal(report.current.rows, 600);
  assert.equal(feature(report, 'x').drifted, true);
  assert.equal(feature(report, 'w').drifted, false);
  assert.equal(report.prediction?.drifted, true);
  assert.deepEqual(report.notes, ['1 unreadable log line skipped.']);
  // The same file given directly.
  const single = await checkDrift({ model, current: join(logDir, 'predictions.jsonl') });
  assert.equal(single.current.rows, 300);
});

test('a small categorical case worked by hand: shares, unseen values, PSI, chi-square', async () => {
  const reference = join(dir, 'hand-ref.csv');
  const current = join(dir, 'hand-cur.csv');
  writeFileSync(reference, 'kind\n' + 'a\n'.repeat(600) + 'b\n'.repeat(400));
  writeFileSync(current, 'kind\n' + 'a\n'.repeat(200) + 'b\n'.repeat(600) + 'c\n'.repeat(200));
  const report = await checkDrift({ reference, current });
  const kind = feature(report, 'kind');
  assert.deepEqual(kind.bins, [
    { label: 'a', reference: 0.6, current: 0.2 },
    { label: 'b', reference: 0.4, current: 0.6 },
    { label: '(other)', reference: 0, current: 0.2 },
  ]);
  assert.deepEqual(kind.unseen, { count: 200, examples: ['c'] });
  // The empty reference bin is floored at 1e-4.
  const psi = (0.2 - 0.6) * Math.log(0.2 / 0.6) + (0.6 - 0.4) * Math.log(0.6 / 0.4) + (0.2 - 1e-4) * Math.log(0.2 / 1e-4);
  assert.ok(Math.abs(kind.psi - psi) < 1e-12);
  // Expected counts 400, 500, 100 per row: χ² = 2·(200²/400 + 100²/500 + 100²/100) = 440 on 2 dof,
  // p = e^(−220) (the χ²(2) tail is e^(−x/2)), V = √(440/2000).
  assert.ok(kind.chi2);
  assert.ok(Math.abs(kind.chi2.statistic - 440) < 1e-9);
  assert.equal(kind.chi2.dof, 2);
  assert.ok(Math.abs(kind.chi2.pValue / Math.exp(-220) - 1) < 1e-9);
  assert.ok(Math.abs(kind.chi2.cramersV - Math.sqrt(440 / 2000)) < 1e-12);
  assert.equal(report.model, null);
  assert.equal(report.prediction, null);
});

test('end to end against scipy: KS on the present values, chi-square on the categories plus (missing)', async () => {
  interface Side {
    x: (number | null)[];
    c: (string | null)[];
  }
  interface Stat {
    statistic: number;
    pValue: number;
  }
  const f = (JSON.parse(readFileSync(join(__dirname, '../../reference/drift/fixtures.json'), 'utf8')) as { driftFiles: { reference: Side; current: Side; ks: Stat; chi2: Stat & { dof: number; cramersV: number } } }).driftFiles;
  const write = (name: string, side: Side): string => {
    const path = join(dir, name);
    writeFileSync(path, ['x,c', ...side.x.map((x, i) => `${x ?? ''},${side.c[i] ?? ''}`)].join('\n') + '\n');
    return path;
  };
  const report = await checkDrift({ reference: write('scipy-ref.csv', f.reference), current: write('scipy-cur.csv', f.current) });
  const rel = (a: number | undefined, b: number): number => Math.abs((a ?? NaN) - b) / Math.abs(b);
  const x = feature(report, 'x');
  assert.ok(rel(x.ks?.statistic, f.ks.statistic) < 1e-12 && rel(x.ks?.pValue, f.ks.pValue) < 1e-9, `${JSON.stringify(x.ks)} vs ${JSON.stringify(f.ks)}`);
  const c = feature(report, 'c');
  assert.equal(c.chi2?.dof, f.chi2.dof);
  assert.ok(rel(c.chi2?.statistic, f.chi2.statistic) < 1e-12 && rel(c.chi2?.pValue, f.chi2.pValue) < 1e-9, `${JSON.stringify(c.chi2)} vs ${JSON.stringify(f.chi2)}`);
  assert.ok(rel(c.chi2?.cramersV, f.chi2.cramersV) < 1e-12);
  assert.deepEqual(c.unseen?.examples, ['up']);
});

test('without a model: every usable column of the reference, text columns left out with a note', async () => {
  const reference = join(dir, 'nomodel-ref.csv');
  const current = join(dir, 'nomodel-cur.csv');
  const ref = ['id,name,value,missingOften'];
  const cur = ['id,name,value,missingOften'];
  for (let i = 0; i < 200; i++) {
    ref.push(`${i},name number ${i},${i % 10},${i % 4 === 0 ? '' : 'x'}`);
    cur.push(`${i},name number ${i + 7},${i % 10},${i % 4 === 0 || i % 3 === 0 ? 'NA' : 'x'}`);
  }
  writeFileSync(reference, ref.join('\n'));
  writeFileSync(current, cur.join('\n'));
  const report = await checkDrift({ reference, current });
  assert.deepEqual(
    report.features.map((f) => f.name),
    ['id', 'value', 'missingOften'],
  );
  assert.deepEqual(report.notes, ['Not compared: name (text or an identifier).', "Few rows for fine bins: id, value were binned coarser, so that PSI's own noise stays below the threshold."]);
  // 200 rows a side: PSI ≈ χ²(k − 1)·(1/200 + 1/200) under no drift, whose 99.9th percentile stays ≤ 0.2 up
  // to k = 5 (χ²(4) 99.9 % = 18.47; χ²(5) 99.9 % = 20.52 would give 0.205).
  assert.equal(feature(report, 'id').bins.length, 5);
  const m = feature(report, 'missingOften');
  assert.equal(m.missingRate.reference, 50 / 200);
  assert.equal(m.missingRate.current, (50 + 67 - 17) / 200);
  assert.equal(feature(report, 'value').drifted, false);
  assert.equal(feature(report, 'value').psi, 0);
});

test('large files: numeric columns are sampled (and the report says so), counts stay exact', async () => {
  const n = SAMPLE_SIZE + 5000;
  const reference = join(dir, 'big-ref.csv');
  const current = join(dir, 'big-cur.csv');
  const next = seededRandom(9);
  const lines = (shift: number): string => ['v,k', ...Array.from({ length: n }, (_, i) => `${(next() * 100 + shift).toFixed(2)},${i % 3 === 0 ? 'p' : 'q'}`)].join('\n');
  writeFileSync(reference, lines(0));
  writeFileSync(current, lines(0));
  const report = await checkDrift({ reference, current });
  assert.equal(report.drifted, false, report.verdict);
  assert.equal(report.current.rows, n);
  assert.match(report.notes?.[0] ?? '', /^KS used a seeded sample of 20,000 values of the reference.s v \(its numeric bin shares too\) and of the new data.s v, which hold more/);
  const k = feature(report, 'k');
  // Most frequent first: q holds the rows whose index is not a multiple of 3.
  assert.deepEqual(k.bins[0], { label: 'q', reference: (n - Math.ceil(n / 3)) / n, current: (n - Math.ceil(n / 3)) / n });
});

test('regression: the predicted values are compared as numbers (deciles, KS)', async () => {
  mkdirSync(join(dir, 'regression'));
  // x predicted from label, w and colour: label carries most of it, so a shift in x moves the predictions.
  const { path } = await trainedModel(join(dir, 'regression'), training, 'x', { task: 'regression' });
  const same = await checkDrift({ model: path, current: writeCsv('reg-same.csv', rows(3000, 15)) });
  assert.equal(same.prediction?.kind, 'numeric');
  assert.equal(same.prediction?.drifted, false, JSON.stringify(same.prediction?.reasons));
  assert.deepEqual(
    same.features.map((f) => f.name),
    ['w', 'colour', 'label'],
  );
  const moved = await checkDrift({ model: path, current: writeCsv('reg-moved.csv', rows(3000, 16, { xShift: 1.5 })) });
  assert.equal(moved.prediction?.drifted, true);
  assert.ok(moved.prediction?.ks && moved.prediction.ks.statistic > 0.2);
  assert.equal(feature(moved, 'label').drifted, true);
});

test('dates are compared as times, their bins labelled with dates', async () => {
  const reference = join(dir, 'dates-ref.csv');
  const current = join(dir, 'dates-cur.csv');
  const day = (i: number): string => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(reference, ['when', ...Array.from({ length: 100 }, (_, i) => day(i))].join('\n'));
  writeFileSync(current, ['when', ...Array.from({ length: 100 }, (_, i) => day(i + 200))].join('\n'));
  const report = await checkDrift({ reference, current });
  const when = feature(report, 'when');
  assert.equal(when.kind, 'numeric');
  // 100 rows a side carry two bins (see psiBinsFor): split at the median, day 50.
  assert.deepEqual(
    when.bins.map((b) => [b.label, b.reference, b.current]),
    [
      ['(−∞, 2026-02-20)', 0.5, 0],
      ['[2026-02-20, +∞)', 0.5, 1],
    ],
  );
  assert.equal(when.ks?.statistic, 1);
  // χ²(1) tail at 0.2 / (1/100 + 1/100) = 10 is 0.00157.
  assert.ok(report.notes?.some((n) => n.startsWith('Only 100 new rows: PSI is noisy at this size (a sample of the same population reaches 0.2 about 0.16% of the time per column)')), JSON.stringify(report.notes));
  assert.equal(when.drifted, true);
});

test('a new file over 50,000 rows: the model predicts a seeded sample of it (said in the notes)', async () => {
  const current = writeCsv('many.csv', rows(52_000, 14, { xShift: 1 }));
  const report = await checkDrift({ model, current });
  assert.equal(report.current.rows, 52_000);
  assert.ok(report.notes?.includes('The model predicted a seeded sample of 50,000 rows of the new data.'), JSON.stringify(report.notes));
  assert.equal(report.prediction?.drifted, true);
  // Shares over the sample still sum to 1; "yes" grows with x.
  const yes = report.prediction.bins.find((b) => b.label === 'yes');
  assert.ok(yes && yes.current > yes.reference + 0.2, JSON.stringify(report.prediction.bins));
  assert.ok(Math.abs(report.prediction.bins.reduce((a, b) => a + b.current, 0) - 1) < 1e-12);
});

test('a model trained on a cleaned version is compared on its raw source columns', async () => {
  const source = writeCsv('source.csv', rows(800, 10));
  const recipe: Recipe = {
    schemaVersion: 1,
    source: {
      file: 'source.csv',
      rows: 800,
      columns: [
        { name: 'x', type: 'numeric' },
        { name: 'w', type: 'numeric' },
        { name: 'colour', type: 'categorical' },
        { name: 'label', type: 'categorical' },
      ],
    },
    missingTokens: [''],
    steps: [
      { op: 'oneHot', column: 'colour', categories: ['blue', 'green', 'red'], otherColumn: false, onUnknown: 'missing' },
      { op: 'dropColumns', columns: ['w'], reason: 'test' },
    ],
  };
  const cleaned = join(dir, 'cleaned.csv');
  await applyRecipeToFile(source, recipe, cleaned);
  mkdirSync(join(dir, 'cleaned-model'));
  const { path } = await trainedModel(join(dir, 'cleaned-model'), cleaned, 'label', { lineage: { parent: source, recipe } });
  const report = await checkDrift({ model: path, current: writeCsv('raw-new.csv', rows(800, 11, { blue: 0.7 })) });
  assert.equal(report.reference.path, source);
  assert.deepEqual(
    report.features.map((f) => f.name),
    ['x', 'colour'],
  );
  assert.equal(feature(report, 'colour').drifted, true);
  assert.equal(feature(report, 'x').drifted, false);
  assert.ok(report.prediction);
  // The cleaned file is not the model's raw input: given as the reference or as the new data, one clear line.
  await assert.rejects(checkDrift({ model: path, current: source, reference: cleaned }), (e: unknown) => isUserError(e) && e.code === 'MISSING_COLUMN' && /cleaned\.csv does not have the raw columns the model reads \(is it a cleaned version\?\)/.test(e.message));
  await assert.rejects(checkDrift({ model: path, current: cleaned }), (e: unknown) => isUserError(e) && /cleaned\.csv lacks the column "colour" the model reads/.test(e.message));
});

test('training data that moved or changed: a clear error, or a note', async () => {
  const moved = join(dir, 'moved');
  mkdirSync(moved);
  const csv = join(moved, 'train.csv');
  copyFileSync(training, csv);
  const { path } = await trainedModel(moved, csv, 'label');
  const current = writeCsv('for-moved.csv', rows(500, 12));
  writeFileSync(csv, 'x,w,colour,label\n1,2,red,yes\n0,3,blue,no\n');
  const changed = await checkDrift({ model: path, current });
  assert.match(changed.notes?.[0] ?? '', /changed since the model was trained on it/);
  rmSync(csv);
  await assert.rejects(checkDrift({ model: path, current }), (e: unknown) => isUserError(e) && e.code === 'NOT_FOUND' && /gone \(moved or deleted\).*--reference/.test(e.message));
  // --reference stands in for the lost file.
  const given = await checkDrift({ model: path, current, reference: training });
  assert.equal(given.drifted, false);
});

test('bad inputs: missing column, empty or header-only file, no such model, neither model nor reference', async () => {
  const noColour = writeCsv('no-colour.csv', rows(50, 13), ['x', 'w', 'label']);
  await assert.rejects(checkDrift({ model, current: noColour }), (e: unknown) => isUserError(e) && e.code === 'MISSING_COLUMN' && /lacks the column "colour" the model reads/.test(e.message));
  const empty = join(dir, 'empty.csv');
  writeFileSync(empty, '');
  await assert.rejects(checkDrift({ model, current: empty }), (e: unknown) => isUserError(e) && e.code === 'EMPTY_FILE');
  const headerOnly = join(dir, 'header.csv');
  writeFileSync(headerOnly, 'x,w,colour,label\n');
  await assert.rejects(checkDrift({ model, current: headerOnly }), (e: unknown) => isUserError(e) && e.code === 'NO_DATA_ROWS');
  await assert.rejects(checkDrift({ model: join(dir, 'nope.json'), current: noColour }), (e: unknown) => isUserError(e) && e.code === 'NOT_FOUND');
  await assert.rejects(checkDrift({ model: training, current: noColour }), (e: unknown) => isUserError(e) && e.code === 'BAD_ARGUMENT' && /not JSON/.test(e.message));
  await assert.rejects(checkDrift({ current: noColour }), (e: unknown) => isUserError(e) && e.code === 'BAD_ARGUMENT');
  const emptyLog = join(dir, 'empty.jsonl');
  writeFileSync(emptyLog, JSON.stringify({ t: 'x', status: 400, ms: 0, error: 'bad' }) + '\n');
  await assert.rejects(checkDrift({ model, current: emptyLog }), (e: unknown) => isUserError(e) && e.code === 'NO_DATA_ROWS');
});
