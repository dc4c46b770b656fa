// The held-out test split: stratified and seeded, disjoint from the training rows, never seen by a trial
// (nor by importance), stable across a resume, and the held-out metrics in report.json equal what a plain
// count over split.json's rows gives for the shipped threshold model (the doubles' P(yes) = sigmoid(8(x − t))).
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep } from '../../../src/core/search/sweep.js';
import type { SweepConfig, SweepParts } from '../../../src/core/search/sweep.js';
import { defaultTestFraction, splitTestRows, takeRows } from '../../../src/core/search/testSplit.js';
import type { SplitFile } from '../../../src/core/search/testSplit.js';
import type { TrialKit } from '../../../src/core/search/trial.js';
import type { TrainingTable } from '../../../src/core/ml/types.js';
import { parseExperimentReport } from '../../../src/protocol/experimentReport.js';
import { ExperimentStore } from '../../../src/core/store/experiments.js';
import { doubleFamilies, doubleSchema, doubleTable, trialKit } from './sweepDoubles.js';

function classTable(counts: number[]): TrainingTable {
  const codes: number[] = [];
  // Interleaved so class members are spread over the file.
  for (let i = 0; codes.length < counts.reduce((a, b) => a + b, 0); i++) for (let c = 0; c < counts.length; c++) if (codes.filter((x) => x === c).length < counts[c]!) codes.push(c);
  const n = codes.length;
  return {
    rows: n,
    features: [{ name: 'id', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i) }],
    target: { name: 'y', task: 'multiclass', codes: Int32Array.from(codes), classes: counts.map((_, c) => `c${c}`) },
  };
}

test('the split is stratified: each class gives its share (60/30/10 rows, 0.2 → 12/6/2), disjoint, covering every row', () => {
  const table = classTable([60, 30, 10]);
  const split = splitTestRows(table, 0.2, 3);
  assert.equal(split.test.length, 20);
  assert.equal(split.train.length, 80);
  const codes = (table.target as { codes: Int32Array }).codes;
  const perClass = [0, 0, 0];
  for (const r of split.test) perClass[codes[r]!]!++;
  assert.deepEqual(perClass, [12, 6, 2]);
  const all = new Set([...split.train, ...split.test]);
  assert.equal(all.size, 100, 'train and test are disjoint and cover every row');
  assert.deepEqual([...split.test], [...split.test].sort((a, b) => a - b), 'ascending');
  // Seeded: the same seed, the same rows; another seed, other rows.
  assert.deepEqual([...splitTestRows(table, 0.2, 3).test], [...split.test]);
  assert.notDeepEqual([...splitTestRows(table, 0.2, 4).test], [...split.test]);
});

test('regression: round(n × fraction) rows; takeRows keeps values and categories', () => {
  const n = 53;
  const table: TrainingTable = {
    rows: n,
    features: [
      { name: 'x', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => i * 10) },
      { name: 'k', kind: 'categorical', codes: Int32Array.from({ length: n }, (_, i) => i % 3), categories: ['a', 'b', 'c'] },
    ],
    target: { name: 'y', task: 'regression', values: Float64Array.from({ length: n }, (_, i) => i + 0.5) },
  };
  const split = splitTestRows(table, 0.25, 0);
  assert.equal(split.test.length, 13); // round(13.25)
  const test = takeRows(table, split.test);
  assert.equal(test.rows, 13);
  const r = split.test[5]!;
  assert.equal((test.features[0] as { values: Float64Array }).values[5], r * 10);
  assert.equal((test.features[1] as { codes: Int32Array }).codes[5], r % 3);
  assert.deepEqual((test.features[1] as { categories: string[] }).categories, ['a', 'b', 'c']);
  assert.equal((test.target as { values: Float64Array }).values[5], r + 0.5);
});

test('default test fraction: 0.2 from 100 rows, none below', () => {
  assert.equal(defaultTestFraction(99), 0);
  assert.equal(defaultTestFraction(100), 0.2);
});

test('old reports without heldOut / importanceNote still parse; a malformed heldOut is refused', () => {
  const old = {
    schemaVersion: 1,
    experimentId: 'x',
    task: 'binary',
    metric: 'accuracy',
    classes: ['no', 'yes'],
    best: { kind: 'trial', score: 0.9, members: [{ trial: 0, weight: 1, model: 'gbdt', params: {}, score: 0.9 }] },
    validation: { kind: 'kfold', folds: 3, stratified: true },
    evaluation: { task: 'binary', confusion: { classes: [0, 1], counts: [[1, 0], [0, 1]] }, curves: [] },
    importance: null,
    trials: [],
    backend: null,
  };
  assert.ok(parseExperimentReport(old));
  const withHeldOut = { ...old, importanceNote: 'skipped', heldOut: { rows: 2, metrics: { accuracy: 1 }, evaluation: old.evaluation } };
  assert.equal(parseExperimentReport(withHeldOut)?.heldOut?.rows, 2);
  assert.equal(parseExperimentReport({ ...old, heldOut: { rows: 2, metrics: { accuracy: 'high' }, evaluation: old.evaluation } }), null);
  assert.equal(parseExperimentReport({ ...old, heldOut: { rows: 2, metrics: {}, evaluation: { task: 'regression' } } }), null);
});

// ---- the sweep on doubles ---------------------------------------------------------------------------

let root: string;
let dataset: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mllab-testsplit-'));
  dataset = join(root, 'doubles.csv');
  writeFileSync(dataset, 'x,y\n1,yes\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const full = doubleTable(150, 5);
const xs = (full.features[0] as { values: Float64Array }).values;
const ys = (full.target as { codes: Int32Array }).codes;

/** The doubles' kit, recording every x value a preprocessing was fitted on (fits see exactly those rows). */
function watchingKit(seen: Set<number>): TrialKit {
  return {
    ...trialKit,
    preprocess(table, rows, layout) {
      const x = (table.features[0] as { values: Float64Array }).values;
      for (const r of rows) seen.add(x[r]!);
      return trialKit.preprocess(table, rows, layout);
    },
  };
}

function config(extra: Partial<SweepConfig> = {}): SweepConfig {
  return { dataset, target: 'y', workspace: root, metric: 'accuracy', folds: 3, seed: 2, parallel: 2, pruner: 'none', models: ['gbdt'], ensemble: false, ...extra };
}

test('trials, importance and the refit never see the test rows; held-out metrics match a hand count on them', async () => {
  const seen = new Set<number>();
  const parts: Partial<SweepParts> = { loadTable: async () => ({ table: doubleTable(150, 5), schema: doubleSchema }), families: doubleFamilies, kit: watchingKit(seen) };
  const r = await runSweep(config({ maxTrials: 6, testFraction: 0.3 }), {}, parts);
  const dir = new ExperimentStore(root).path(r.experimentId);
  const split = JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8')) as SplitFile;
  assert.equal(split.seed, 2);
  assert.equal(split.fraction, 0.3);
  assert.equal(split.testRows.length, 45);
  assert.equal(split.trainRows, 105);
  // Stratified: 75/75 classes → 22 or 23 of each (round(45) split by largest remainder).
  const yes = split.testRows.filter((row) => ys[row] === 1).length;
  assert.ok(yes === 22 || yes === 23, `yes rows held out: ${yes}`);
  const testX = new Set(split.testRows.map((row) => xs[row]!));
  assert.equal(testX.size, 45);
  assert.ok(seen.size > 0);
  for (const x of seen) assert.ok(!testX.has(x), 'a fit saw a held-out row');
  assert.equal(seen.size, 105, 'every training row was fitted on');

  const report = parseExperimentReport(JSON.parse(readFileSync(r.reportPath, 'utf8')));
  assert.ok(report?.heldOut);
  assert.equal(report.heldOut.rows, 45);
  // Independent reference: the shipped threshold t, applied to the held-out x by hand.
  const pkg = JSON.parse(readFileSync(r.modelPath, 'utf8')) as { members: { model: { t: number } }[]; dataset: { rows: number } };
  assert.equal(pkg.dataset.rows, 105, 'the model trained on the training rows');
  const t = pkg.members[0]!.model.t;
  let correct = 0;
  let logLoss = 0;
  for (const row of split.testRows) {
    const p = 1 / (1 + Math.exp(-8 * (xs[row]! - t)));
    if ((p > 0.5 ? 1 : 0) === ys[row]) correct++;
    logLoss -= Math.log(Math.min(1 - 1e-15, Math.max(1e-15, ys[row] === 1 ? p : 1 - p)));
  }
  assert.equal(report.heldOut.metrics.accuracy, correct / 45);
  assert.ok(Math.abs((report.heldOut.metrics.log_loss ?? NaN) - logLoss / 45) < 1e-9);
  assert.equal(r.heldOutScore, correct / 45);
  const stored = await new ExperimentStore(root).read(r.experimentId);
  assert.equal(stored?.heldOutScore, correct / 45);
  assert.equal(stored?.dataset.rows, 150, 'the record counts every row read, test rows included');
  assert.equal(stored?.config.testFraction, 0.3);
  const ev = report.heldOut.evaluation;
  assert.equal(ev.task, 'binary');
  if (ev.task === 'binary') assert.equal(ev.confusion.counts.flat().reduce((a, b) => a + b, 0), 45);
  // The out-of-fold evaluation covers the training rows only.
  if (report.evaluation.task !== 'regression') assert.equal(report.evaluation.confusion.counts.flat().reduce((a, b) => a + b, 0), 105);
});

test('--test-fraction 0: no split.json, heldOut null, every row cross-validated', async () => {
  const parts: Partial<SweepParts> = { loadTable: async () => ({ table: doubleTable(150, 5), schema: doubleSchema }), families: doubleFamilies, kit: trialKit };
  const r = await runSweep(config({ maxTrials: 3, testFraction: 0 }), {}, parts);
  const dir = new ExperimentStore(root).path(r.experimentId);
  assert.throws(() => readFileSync(join(dir, 'split.json')), /ENOENT/);
  const report = parseExperimentReport(JSON.parse(readFileSync(r.reportPath, 'utf8')));
  assert.equal(report?.heldOut, null);
  assert.equal(r.heldOutScore, null);
  if (report?.evaluation.task === 'binary') assert.equal(report.evaluation.confusion.counts.flat().reduce((a, b) => a + b, 0), 150);
});

test('fileRows maps held-out table rows to the file’s data rows (rows with a missing target are skipped)', async () => {
  // Table row i is file data row 2i + 1 (as if every other row lacked its target).
  const fileRows = Int32Array.from({ length: 150 }, (_, i) => 2 * i + 1);
  const parts: Partial<SweepParts> = { loadTable: async () => ({ table: doubleTable(150, 5), schema: doubleSchema, fileRows }), families: doubleFamilies, kit: trialKit };
  const r = await runSweep(config({ maxTrials: 2, testFraction: 0.2 }), {}, parts);
  const split = JSON.parse(readFileSync(join(new ExperimentStore(root).path(r.experimentId), 'split.json'), 'utf8')) as SplitFile;
  assert.equal(split.testRows.length, 30);
  assert.ok(split.testRows.every((row) => row % 2 === 1));
  const direct = splitTestRows(doubleTable(150, 5), 0.2, 2).test;
  assert.deepEqual(split.testRows, Array.from(direct, (i) => 2 * i + 1));
});

test('a resume replays the same split (split.json unchanged); a split.json that differs is refused', async () => {
  const parts: Partial<SweepParts> = { loadTable: async () => ({ table: doubleTable(150, 5), schema: doubleSchema }), families: doubleFamilies, kit: trialKit };
  const controller = new AbortController();
  let finished = 0;
  await assert.rejects(
    runSweep(config({ maxTrials: 12, testFraction: 0.2, parallel: 1 }), { signal: controller.signal, onTrial: () => (++finished === 2 ? controller.abort() : undefined) }, parts),
    /cancel|interrupt|stopp/i,
  );
  const store = new ExperimentStore(root);
  const [summary] = await store.list();
  assert.equal(summary?.status, 'interrupted');
  const splitPath = join(store.path(summary.id), 'split.json');
  const before = readFileSync(splitPath, 'utf8');
  // A resume given another fraction keeps the stored one.
  const resumed = await runSweep({ ...config({ testFraction: 0.5 }), resume: summary.id }, {}, parts);
  assert.equal(readFileSync(splitPath, 'utf8'), before);
  assert.equal(resumed.heldOutRows, 30);

  // Tampered split: the resume refuses rather than mixing two test sets.
  const other = await (async () => {
    const c = new AbortController();
    let n = 0;
    await runSweep(config({ maxTrials: 12, testFraction: 0.2, parallel: 1 }), { signal: c.signal, onTrial: () => (++n === 1 ? c.abort() : undefined) }, parts).catch(() => undefined);
    return (await store.list()).find((s) => s.status === 'interrupted')!.id;
  })();
  const tampered = JSON.parse(readFileSync(join(store.path(other), 'split.json'), 'utf8')) as SplitFile;
  tampered.testRows = tampered.testRows.slice(1);
  writeFileSync(join(store.path(other), 'split.json'), JSON.stringify(tampered));
  await assert.rejects(runSweep({ ...config(), resume: other }, {}, parts), /held-out rows recorded/);
});

test('an old record without testFraction resumes with no split', async () => {
  const parts: Partial<SweepParts> = { loadTable: async () => ({ table: doubleTable(150, 5), schema: doubleSchema }), families: doubleFamilies, kit: trialKit };
  const controller = new AbortController();
  let n = 0;
  await runSweep(config({ maxTrials: 6, testFraction: 0, parallel: 1 }), { signal: controller.signal, onTrial: () => (++n === 1 ? controller.abort() : undefined) }, parts).catch(() => undefined);
  const store = new ExperimentStore(root);
  const [summary] = await store.list();
  const recordPath = join(store.path(summary!.id), 'experiment.json');
  const record = JSON.parse(readFileSync(recordPath, 'utf8')) as { config: Record<string, unknown> };
  delete record.config.testFraction;
  writeFileSync(recordPath, JSON.stringify(record));
  const r = await runSweep({ ...config(), resume: summary!.id }, {}, parts);
  assert.equal(r.heldOutRows, 0);
  assert.equal(r.heldOutScore, null);
});
