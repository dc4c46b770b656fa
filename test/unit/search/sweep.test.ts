// The sweep runner on test doubles (sweepDoubles.ts): determinism, failures that stay in their trial,
// the time box, interruption and resume. Real model families are exercised by the integration tests.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep } from '../../../src/core/search/sweep.js';
import type { SweepConfig, SweepParts } from '../../../src/core/search/sweep.js';
import { ExperimentStore } from '../../../src/core/store/experiments.js';
import { doubleFamilies, doubleSchema, doubleTable, trialKit } from './sweepDoubles.js';

let root: string;
let dataset: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mllab-sweep-'));
  dataset = join(root, 'doubles.csv');
  writeFileSync(dataset, 'x,y\n1,yes\n'); // only hashed: the doubles' loader builds the table
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const inProcess: Partial<SweepParts> = {
  loadTable: async () => ({ table: doubleTable(), schema: doubleSchema }),
  families: doubleFamilies,
  kit: trialKit,
};

const threaded: Partial<SweepParts> = {
  loadTable: async () => ({ table: doubleTable(), schema: doubleSchema }),
  families: doubleFamilies,
  kit: null,
  kitModule: join(__dirname, 'sweepDoubles.ts'),
};

function config(extra: Partial<SweepConfig> = {}): SweepConfig {
  return { dataset, target: 'y', workspace: root, metric: 'accuracy', folds: 3, seed: 11, parallel: 2, pruner: 'none', ...extra };
}

test('the same seed proposes the same configurations; another seed does not', async () => {
  const a = await runSweep(config({ models: ['gbdt'], maxTrials: 8 }), {}, inProcess);
  const b = await runSweep(config({ models: ['gbdt'], maxTrials: 8 }), {}, inProcess);
  const c = await runSweep(config({ models: ['gbdt'], maxTrials: 8, seed: 12 }), {}, inProcess);
  const params = (r: typeof a): unknown[] => r.trials.map((t) => t.config.params.t);
  assert.deepEqual(a.trials.map((t) => t.index), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(params(a), params(b));
  assert.notDeepEqual(params(a), params(c));
  // Trial 0 is the family default (t = 0), which the doubles make worse than a threshold near 0.5.
  assert.equal(a.trials[0]?.config.params.t, 0);
  assert.ok(a.bestScore >= (a.trials[0]?.score ?? 1));
  // The journal, the record, the package and the report agree.
  const store = new ExperimentStore(root);
  const record = await store.read(a.experimentId);
  assert.equal(record?.status, 'done');
  assert.equal(record?.trials, 8);
  assert.equal(record?.bestScore, a.bestScore);
  const pkg = JSON.parse(readFileSync(a.modelPath, 'utf8')) as { format: string; members: { trial: number }[]; target: { classes: string[] } };
  assert.equal(pkg.format, 'mllab-model');
  assert.deepEqual(pkg.target.classes, ['no', 'yes']);
  const report = JSON.parse(readFileSync(a.reportPath, 'utf8')) as {
    trials: unknown[];
    evaluation: { task: string; confusion: { counts: number[][] } };
    importance: { features: { feature: string; mean: number }[] } | null;
  };
  // The one feature carries all the signal: shuffling it in held-out rows costs accuracy.
  assert.equal(report.importance?.features[0]?.feature, 'x');
  assert.ok((report.importance?.features[0]?.mean ?? 0) > 0.1);
  assert.equal(report.trials.length, 8);
  assert.equal(report.evaluation.task, 'binary');
  // 120 rows ≥ 100: a fifth (24) is held out by default; every training row is validated once (96).
  assert.equal(report.evaluation.confusion.counts.flat().reduce((s, n) => s + n, 0), 96);
  const heldOut = (report as unknown as { heldOut: { rows: number; evaluation: { confusion: { counts: number[][] } } } }).heldOut;
  assert.equal(heldOut.rows, 24);
  assert.equal(heldOut.evaluation.confusion.counts.flat().reduce((s, n) => s + n, 0), 24);
});

test('a trial that throws, predicts NaN or hangs past its time box fails alone (threads)', async () => {
  const r = await runSweep(config({ models: ['linear'], search: 'grid', maxTrials: 4, trialTimeoutSeconds: 3, ensemble: false }), {}, threaded);
  const byMode = new Map(r.trials.map((t) => [t.config.params.mode, t]));
  assert.equal(byMode.get('ok')?.status, 'done');
  assert.equal(byMode.get('throw')?.status, 'failed');
  assert.match(byMode.get('throw')?.error ?? '', /always throws/);
  assert.equal(byMode.get('nan')?.status, 'failed');
  assert.match(byMode.get('nan')?.error ?? '', /NaN/);
  assert.equal(byMode.get('hang')?.status, 'failed');
  assert.match(byMode.get('hang')?.error ?? '', /time box of 3 s/);
  assert.equal(r.bestTrial, byMode.get('ok')?.index);
  assert.ok(existsSync(r.modelPath));
});

test('an interrupted sweep is marked interrupted, keeps its journal, and resumes to the same trials', async () => {
  const controller = new AbortController();
  let seen = 0;
  await assert.rejects(
    runSweep(config({ models: ['gbdt'], maxTrials: 6, parallel: 1 }), { signal: controller.signal, onTrial: () => ++seen === 2 && controller.abort() }, inProcess),
    /Cancelled/,
  );
  const store = new ExperimentStore(root);
  const [summary] = await store.list();
  assert.equal(summary?.status, 'interrupted');
  assert.equal(summary?.trials, 2);
  const resumed = await runSweep(config({ resume: summary!.id }), {}, inProcess);
  assert.equal(resumed.experimentId, summary!.id);
  const journal = await store.readTrials(summary!.id);
  assert.deepEqual(journal.map((t) => t.index).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
  const fresh = await runSweep(config({ models: ['gbdt'], maxTrials: 6, parallel: 1 }), {}, inProcess);
  assert.deepEqual(
    resumed.trials.map((t) => t.config),
    fresh.trials.map((t) => t.config),
  );
  assert.equal((await store.read(summary!.id))?.status, 'done');
});

test('bad settings are refused before an experiment is created', async () => {
  await assert.rejects(runSweep(config({ metric: 'rmse' }), {}, inProcess), /does not apply to a binary target/);
  await assert.rejects(runSweep(config({ models: ['knn'] }), {}, inProcess), /Unknown model 'knn'/);
  await assert.rejects(runSweep(config({ maxTrials: 0 }), {}, inProcess), /positive whole number/);
  assert.deepEqual(await new ExperimentStore(root).list(), []);
});

test('warm start proposes the earlier experiment’s best configurations first', async () => {
  const earlier = await runSweep(config({ models: ['gbdt'], maxTrials: 6, seed: 5 }), {}, inProcess);
  const best = [...earlier.trials].filter((t) => t.objective !== null).sort((a, b) => b.objective! - a.objective! || a.index - b.index);
  const r = await runSweep(config({ models: ['gbdt'], maxTrials: 3, seed: 99, warmStart: earlier.experimentId, parallel: 1 }), {}, inProcess);
  assert.deepEqual(r.trials[0]?.config, best[0]?.config);
  assert.equal(r.trials[0]?.source, 'warmStart');
  assert.ok(r.bestScore >= earlier.trials.find((t) => t.index === best[0]?.index)!.score!);
});

test('successive halving: lower rungs on fold 0 first; losers stop there, survivors run every fold', async () => {
  const r = await runSweep(config({ models: ['gbdt'], maxTrials: 12, pruner: 'asha', parallel: 1, search: 'random' }), {}, inProcess);
  const pruned = r.trials.filter((t) => t.status === 'pruned');
  const done = r.trials.filter((t) => t.status === 'done');
  assert.ok(pruned.length > 0 && done.length > 0, `${pruned.length} pruned, ${done.length} done`);
  for (const t of done) {
    assert.deepEqual(t.reports.map((x) => x.step), [0, 1]); // rungs 1/9 and 1/3; the full rung is the CV itself
    assert.equal(t.foldScores.length, 3);
  }
  for (const t of pruned) assert.equal(t.foldScores.length, 0);
});

test('resuming a finished sweep whose out-of-fold files were removed recomputes the winner’s predictions', async () => {
  const first = await runSweep(config({ models: ['gbdt'], maxTrials: 4, ensemble: false }), {}, inProcess);
  rmSync(join(first.dir, 'oof'), { recursive: true, force: true });
  const again = await runSweep(config({ resume: first.experimentId }), {}, inProcess);
  assert.equal(again.bestTrial, first.bestTrial);
  assert.equal(again.bestScore, first.bestScore);
  assert.equal((await new ExperimentStore(root).readTrials(first.experimentId)).length, 4);
  assert.deepEqual(JSON.parse(readFileSync(again.reportPath, 'utf8')).evaluation, JSON.parse(readFileSync(first.reportPath, 'utf8')).evaluation);
});

test('trial timing does not change the trials: in-process and on threads, the same configurations and pruning', async () => {
  const settings = config({ models: ['gbdt'], maxTrials: 14, parallel: 3, pruner: 'median', ensemble: false });
  const here = await runSweep(settings, {}, inProcess);
  const there = await runSweep(settings, {}, threaded);
  const shape = (r: typeof here): unknown[] => r.trials.map((t) => [t.index, t.config.params.t, t.status, t.score]);
  assert.deepEqual(shape(there), shape(here));
  assert.ok(here.trials.some((t) => t.status === 'pruned'), 'the median pruner had something to stop');
});

test('a resume is refused when the training file changed since the experiment started', async () => {
  const first = await runSweep(config({ models: ['gbdt'], maxTrials: 2, ensemble: false }), {}, inProcess);
  writeFileSync(dataset, 'x,y\n2,no\n');
  await assert.rejects(runSweep(config({ resume: first.experimentId, maxTrials: 4 }), {}, inProcess), /changed since experiment/);
  assert.equal((await new ExperimentStore(root).read(first.experimentId))?.status, 'done');
});
