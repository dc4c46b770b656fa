// The Experiments and Datasets trees' data (src/core/store/experimentIndex.ts), built from generated stores.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticRecord, syntheticTrial, writeSyntheticStore } from '../../../bench/store/syntheticStore.js';
import {
  TrialCache,
  buildDatasetsTree,
  buildExperimentTree,
  deleteExperiment,
  editExperiment,
  experimentChildren,
  experimentIdFromArg,
  experimentIdOfPath,
  exportModel,
  formatScore,
  modelPath,
  parseTags,
  rankTrials,
  readDatasetsIndex,
  readExperimentIndex,
  statusIcon,
  trialIcon,
} from '../../../src/core/store/experimentIndex.js';
import { ExperimentStore, currentOwner } from '../../../src/core/store/experiments.js';
import { stableStringify } from '../../../src/core/store/atomicFile.js';
import type { DatasetVersion } from '../../../src/protocol/datasetVersion.js';
import type { ExperimentRecord } from '../../../src/protocol/experiment.js';

// Unnamed experiments are labelled by their local start time: pin the zone so the expected labels are fixed.
process.env.TZ = 'UTC';

let ws: string;
beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'mllab-tree-'));
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

const H = (c: string): string => c.repeat(64);

function writeRecord(record: ExperimentRecord, trialsText = ''): void {
  const dir = join(ws, '.mllab', 'experiments', record.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'experiment.json'), stableStringify(record));
  writeFileSync(join(dir, 'trials.jsonl'), trialsText);
}

function version(hash: string, path: string, parent: { hash: string; path: string } | null, createdAt: string, name = path.split('/').pop()!): DatasetVersion {
  return { schemaVersion: 1, hash, path, name, parent, recipe: null, report: null, rows: 10, createdAt };
}

test('experiments group by source dataset, then version (cleaned ones under their source), newest first', async () => {
  const src = join(ws, 'data', 'churn.csv');
  const clean = join(ws, 'data', 'churn.clean.csv');
  const other = join(ws, 'sales.csv');
  writeRecord(syntheticRecord('20261101-000000-churn-aaa', 0, {}, src, H('1')));
  writeRecord(syntheticRecord('20261101-000200-churn-ccc', 2, {}, clean, H('2')));
  writeRecord(syntheticRecord('20261101-000100-sales-bbb', 1, {}, other, H('3')));
  writeRecord(syntheticRecord('20261101-000300-churn-ddd', 3, {}, src, H('1')));
  mkdirSync(join(ws, '.mllab', 'datasets'), { recursive: true });
  writeFileSync(join(ws, '.mllab', 'datasets', `${H('2')}.json`), stableStringify(version(H('2'), 'data/churn.clean.csv', { hash: H('1'), path: 'data/churn.csv' }, '2026-11-01T00:01:30.000Z', 'no outliers')));

  const tree = buildExperimentTree(await readExperimentIndex(ws));
  assert.deepEqual(
    tree.map((d) => [d.key, d.label, d.description]),
    [
      ['data/churn.csv', 'churn.csv', 'data'],
      ['sales.csv', 'sales.csv', ''],
    ],
  );
  const churn = tree[0]!;
  // Source version holds the newest experiment (000300), so it comes before the cleaned one (000200).
  assert.deepEqual(
    churn.versions.map((v) => [v.sha256, v.label, v.experiments.map((e) => e.record.id)]),
    [
      [H('1'), 'original', ['20261101-000300-churn-ddd', '20261101-000000-churn-aaa']],
      [H('2'), 'no outliers', ['20261101-000200-churn-ccc']],
    ],
  );
  assert.equal(churn.versions[1]!.description, '1 experiment · 22222222');
  assert.equal(churn.versions[0]!.description, '2 experiments · 11111111');
});

test('a cleaned version of a cleaned version still groups under the original source', () => {
  const rec = syntheticRecord('20261101-000000-x-aaa', 0, {}, '/w/c2.csv', H('c'));
  const versions = [version(H('b'), 'c1.csv', { hash: H('a'), path: 'orig.csv' }, '2026-01-01'), version(H('c'), 'c2.csv', { hash: H('b'), path: 'c1.csv' }, '2026-01-02')];
  const tree = buildExperimentTree({ workspace: '/w', records: [rec], versions });
  assert.equal(tree[0]!.key, 'orig.csv');
  // A lineage loop (corrupt records) ends the walk instead of hanging.
  const loop = [version(H('b'), 'c1.csv', { hash: H('c'), path: 'c2.csv' }, '2026-01-01'), version(H('c'), 'c2.csv', { hash: H('b'), path: 'c1.csv' }, '2026-01-02')];
  assert.equal(buildExperimentTree({ workspace: '/w', records: [rec], versions: loop }).length, 1);
});

test('labels, descriptions and status: a name wins over the start time; a dead owner reads as interrupted; live state overlays the record', async () => {
  writeRecord(syntheticRecord('20261101-000000-a-aaa', 0, { name: 'Baseline', bestScore: 0.91234, trials: 40 }));
  // pid 2^22 + 7 is above Linux's largest pid_max (2^22): no such process.
  writeRecord(syntheticRecord('20261101-000100-a-bbb', 1, { status: 'running', owner: { ...currentOwner(), pid: 4194311, processStartTicks: null }, trials: 3, bestScore: null }));
  writeRecord(syntheticRecord('20261101-000200-a-ccc', 2, { status: 'running', owner: currentOwner(), trials: 3, bestScore: 0.5 }));
  writeRecord(syntheticRecord('20261101-000300-a-ddd', 3, { status: 'failed', error: 'No trial finished', trials: 0 }));
  const data = await readExperimentIndex(ws);
  const live = new Map([['20261101-000200-a-ccc', { state: 'paused' as const, finishedTrials: 7, bestScore: 0.75 }]]);
  const rows = buildExperimentTree(data, live)[0]!.versions[0]!.experiments;
  assert.deepEqual(
    rows.map((r) => [r.label, r.status, r.trials, r.bestScore, r.description]),
    [
      ['2026-11-01 00:03:00', 'failed', 0, null, 'no score yet · 0 trials · failed'],
      ['2026-11-01 00:02:00', 'paused', 7, 0.75, 'ROC AUC 0.75 · 7 trials · paused'],
      ['2026-11-01 00:01:00', 'interrupted', 3, null, 'no score yet · 3 trials · interrupted'],
      ['Baseline', 'done', 40, 0.91234, 'ROC AUC 0.9123 · 40 trials'],
    ],
  );
  assert.match(rows[0]!.tooltip, /Error: No trial finished/);
  assert.equal(statusIcon('running').id, 'sync~spin');
  assert.deepEqual(
    (['done', 'failed', 'interrupted'] as const).map((s) => statusIcon(s).id),
    ['pass', 'error', 'debug-disconnect'],
  );
});

test('tooltips escape dataset-derived text', () => {
  const r = syntheticRecord('20261101-000000-a-aaa', 0, { note: 'see [here](http://x) *now*', tags: ['a_b'] });
  const row = buildExperimentTree({ workspace: '/ws', records: [r], versions: [] })[0]!.versions[0]!.experiments[0]!;
  assert.ok(row.tooltip.includes('see \\[here\\]\\(http://x\\) \\*now\\*'));
  assert.ok(row.tooltip.includes('Tags: a\\_b'));
});

test('trials rank by the metric direction, ties by index, then pruned and failed by index', () => {
  const trials = [syntheticTrial(0, 3), syntheticTrial(1, null, 'failed'), syntheticTrial(2, 1), syntheticTrial(3, null, 'pruned'), syntheticTrial(4, 1), syntheticTrial(5, 2)];
  assert.deepEqual(
    rankTrials(trials, false).map((t) => t.index),
    [2, 4, 5, 0, 3, 1],
  );
  assert.deepEqual(
    rankTrials(trials, true).map((t) => t.index),
    [0, 5, 2, 4, 3, 1],
  );
});

test('an experiment shows its model, the top N trials by score and how many more "show all" reveals', async () => {
  const ids = writeSyntheticStore(ws, { experiments: 2, trials: 200, seed: 7 });
  const store = new ExperimentStore(ws);
  const id = ids[1]!;
  const record = (await store.read(id))!;
  const cache = new TrialCache(store);
  const trials = await cache.trials(id);
  assert.equal(trials.length, 200);
  const best = trials.filter((t) => t.status === 'done').reduce((a, b) => ((b.score ?? -1) > (a.score ?? -1) ? b : a));

  const top = experimentChildren(record, trials, { topN: 10, showAll: false, modelPath: await modelPath(store, id) });
  assert.equal(top.trials.length, 10);
  assert.equal(top.hidden, 190);
  assert.equal(top.trials[0]!.trial.index, best.index);
  assert.equal(top.trials[0]!.best, true);
  assert.equal(trialIcon(top.trials[0]!), 'star-full');
  assert.equal(trialIcon(top.trials[1]!), 'circle-filled');
  for (let i = 1; i < top.trials.length; i++) assert.ok(top.trials[i - 1]!.trial.score! >= top.trials[i]!.trial.score!);
  assert.equal(top.model?.label, `Best model (trial ${best.index})`);
  assert.equal(top.model?.path, join(store.path(id), 'models', 'best.json'));

  const all = experimentChildren(record, trials, { topN: 10, showAll: true, modelPath: null });
  assert.equal(all.trials.length, 200);
  assert.equal(all.hidden, 0);
  assert.equal(all.model, null);
  const row = all.trials.find((r) => r.trial.status === 'pruned')!;
  assert.match(row.description, /^pruned · \d+\.\d s$/);
});

test('the tree opens without reading any journal; a journal is read once until it changes', async () => {
  const [id] = writeSyntheticStore(ws, { experiments: 1, trials: 5 });
  const journal = join(ws, '.mllab', 'experiments', id!, 'trials.jsonl');
  const text = readFileSync(journal, 'utf8');
  // A journal that cannot be read as a file would throw if the listing touched it.
  rmSync(journal);
  mkdirSync(journal);
  const data = await readExperimentIndex(ws);
  assert.equal(data.records.length, 1);
  rmSync(journal, { recursive: true });
  writeFileSync(journal, text);

  const store = new ExperimentStore(ws);
  const cache = new TrialCache(store);
  const first = await cache.trials(id!);
  assert.equal(first.length, 5);
  assert.equal(await cache.trials(id!), first); // same array: not re-read
  writeFileSync(journal, text + stableStringify(syntheticTrial(5, 0.5), 0));
  assert.equal((await cache.trials(id!)).length, 6);
});

test('rename, tag and note write experiment.json under the lock; a running sweep holds it and the edit is refused', async () => {
  const [id] = writeSyntheticStore(ws, { experiments: 1, trials: 3 });
  const store = new ExperimentStore(ws);
  await editExperiment(store, id!, (r) => ({ ...r, name: 'First try', tags: parseTags(' a, b  a ,c'), note: 'kept' }));
  const saved = JSON.parse(readFileSync(join(store.path(id!), 'experiment.json'), 'utf8')) as ExperimentRecord;
  assert.deepEqual([saved.name, saved.tags, saved.note, saved.trials], ['First try', ['a', 'b', 'c'], 'kept', 3]);
  assert.equal(existsSync(join(store.path(id!), 'lock')), false);

  const writer = await store.open(id!); // as the sweep would
  await assert.rejects(
    editExperiment(store, id!, (r) => ({ ...r, name: 'x' })),
    (e: Error & { code?: string }) => e.code === 'EXPERIMENT_LOCKED',
  );
  await writer.release();
  assert.equal((await store.read(id!))!.name, 'First try');
});

test('delete refuses a running experiment and removes a finished one whole', async () => {
  const ids = writeSyntheticStore(ws, { experiments: 2, trials: 3, status: (i) => (i === 0 ? 'running' : 'done') });
  const store = new ExperimentStore(ws);
  const runningDir = store.path(ids[0]!);
  writeFileSync(join(runningDir, 'experiment.json'), stableStringify({ ...(await store.read(ids[0]!))!, status: 'running', owner: currentOwner() }));
  await assert.rejects(deleteExperiment(store, ids[0]!), /running/);
  assert.ok(existsSync(runningDir));
  await deleteExperiment(store, ids[1]!);
  assert.equal(existsSync(store.path(ids[1]!)), false);
  assert.deepEqual(
    (await readExperimentIndex(ws)).records.map((r) => r.id),
    [ids[0]],
  );
  await assert.rejects(deleteExperiment(store, ids[1]!), /No experiment/);
});

test('export model refuses an experiment without a model and a destination that is not a folder, before any work', async () => {
  // The package folder itself is checked on real sweeps in test/integration/exportPackage.test.ts.
  const [id] = writeSyntheticStore(ws, { experiments: 1, trials: 3 });
  const store = new ExperimentStore(ws);
  await assert.rejects(exportModel(store, id!, join(ws, 'missing')), /Cannot export to .*missing: it is not a folder/);
  rmSync(join(store.path(id!), 'models'), { recursive: true });
  await assert.rejects(exportModel(store, id!, ws), /no saved model/);
});

test('command arguments and watcher paths resolve to experiment ids; anything else does not', () => {
  const id = '20261128-071502-penguins-a3f';
  assert.equal(experimentIdFromArg(id), id);
  assert.equal(experimentIdFromArg({ experimentId: id, other: 1 }), id);
  assert.equal(experimentIdFromArg('../../etc'), undefined);
  assert.equal(experimentIdFromArg({ experimentId: 3 }), undefined);
  assert.equal(experimentIdFromArg(undefined), undefined);
  const store = new ExperimentStore('/ws');
  assert.equal(experimentIdOfPath(store, `/ws/.mllab/experiments/${id}/trials.jsonl`), id);
  assert.equal(experimentIdOfPath(store, '/ws/.mllab/experiments/.deleting-x/trials.jsonl'), null);
  assert.equal(experimentIdOfPath(store, '/ws/data.csv'), null);
});

test('scores print with four significant digits', () => {
  assert.deepEqual([0.912345, 12.34567, 0, 1234567, 0.0001234].map(formatScore), ['0.9123', '12.35', '0', '1.235e+6', '1.234e-4']);
});

test('the Datasets tree nests cleaned versions under the profiled source, by lineage', async () => {
  mkdirSync(join(ws, '.mllab', 'profiles'), { recursive: true });
  mkdirSync(join(ws, '.mllab', 'datasets'), { recursive: true });
  writeFileSync(
    join(ws, '.mllab', 'profiles', 'index.json'),
    JSON.stringify({ schemaVersion: 1, entries: { 'data/a.csv': { size: 10, mtimeMs: 1, sha256: H('a') }, 'data/a.clean.csv': { size: 9, mtimeMs: 1, sha256: H('b') }, 'z.csv': { size: 5, mtimeMs: 1, sha256: H('f') } } }),
  );
  const versions = [
    version(H('b'), 'data/a.clean.csv', { hash: H('a'), path: 'data/a.csv' }, '2026-01-01T00:00:00Z', 'first clean'),
    version(H('c'), 'data/a.clean2.csv', { hash: H('b'), path: 'data/a.clean.csv' }, '2026-01-02T00:00:00Z'),
    version(H('e'), 'b.clean.csv', { hash: H('d'), path: 'b.csv' }, '2026-01-03T00:00:00Z'),
  ];
  for (const v of versions) writeFileSync(join(ws, '.mllab', 'datasets', `${v.hash}.json`), stableStringify(v));
  const { profiled, versions: read } = await readDatasetsIndex(ws);
  const tree = buildDatasetsTree(profiled, read);
  const shape = (n: { label: string; kind: string; profiled: boolean; children: unknown[] }): unknown => [n.label, n.kind, n.profiled, (n.children as (typeof n)[]).map(shape)];
  assert.deepEqual(tree.map(shape), [
    ['b.csv', 'source', false, [['b.clean.csv', 'cleaned', false, []]]],
    ['a.csv', 'source', true, [['first clean', 'cleaned', true, [['a.clean2.csv', 'cleaned', false, []]]]]],
    ['z.csv', 'source', true, []],
  ]);
  assert.equal(tree[1]!.description, 'data · 1 version');
});
