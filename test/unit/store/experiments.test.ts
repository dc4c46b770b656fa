import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentStore, experimentId, migrateExperiment, parseJournal, ownerAlive, currentOwner } from '../../../src/core/store/experiments.js';
import type { ExperimentRecord, TrialRecord } from '../../../src/protocol/experiment.js';

let root: string;
let store: ExperimentStore;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mllab-experiments-'));
  store = new ExperimentStore(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function record(id: string, extra: Partial<ExperimentRecord> = {}): ExperimentRecord {
  return {
    schemaVersion: 1,
    id,
    status: 'running',
    config: {
      dataset: '/data/penguins.csv',
      target: 'species',
      task: 'multiclass',
      metric: 'accuracy',
      budgetSeconds: 60,
      maxTrials: null,
      search: 'tpe',
      seed: 1,
      models: ['gbdt'],
      validation: { kind: 'kfold', folds: 5, stratified: true },
      parallel: 2,
      pruner: 'median',
      trialTimeoutSeconds: 20,
      ensemble: true,
      warmStart: null,
    },
    dataset: { path: '/data/penguins.csv', sha256: 'a'.repeat(64), rows: 10, features: 3 },
    task: 'multiclass',
    metric: 'accuracy',
    greaterIsBetter: true,
    bestTrial: null,
    bestScore: null,
    bestKind: null,
    backend: null,
    times: { created: '2026-11-28T07:15:02.000Z', updated: '2026-11-28T07:15:02.000Z', finished: null, searchSeconds: 0 },
    owner: currentOwner(),
    trials: 0,
    error: null,
    tags: [],
    note: '',
    ...extra,
  };
}

function trial(index: number, objective: number | null): TrialRecord {
  return {
    index,
    config: { model: 'gbdt', params: { learningRate: 0.1 } },
    status: objective === null ? 'failed' : 'done',
    source: 'sampler',
    score: objective,
    objective,
    foldScores: [],
    foldStd: null,
    reports: [],
    metrics: {},
    seconds: 1,
    error: objective === null ? 'boom' : null,
    finishedAt: '2026-11-28T07:15:03.000Z',
  };
}

/** A pid that certainly belongs to no running process: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  assert.ok(r.pid);
  return r.pid;
}

test('ids read as time, dataset name and a short random suffix', () => {
  assert.equal(experimentId('/x/Palmer Penguins (2020).csv', new Date('2026-11-28T07:15:02.500Z'), 'a3f'), '20261128-071502-palmer-penguins-2020-a3f');
  assert.equal(experimentId('/x/___.csv', new Date('2026-01-02T03:04:05Z'), 'b00'), '20260102-030405-data-b00');
  assert.throws(() => store.path('../../etc'), /not an experiment id/);
});

test('create writes a sorted-key record, and the journal round-trips through append and read', async () => {
  const w = await store.create('/data/penguins.csv', (id) => record(id));
  assert.match(w.id, /^\d{8}-\d{6}-penguins-[0-9a-f]{3}$/);
  const text = readFileSync(join(w.dir, 'experiment.json'), 'utf8');
  const keys = Object.keys(JSON.parse(text) as object);
  assert.deepEqual(keys, [...keys].sort());
  await w.appendTrial(trial(0, 0.9));
  await w.appendTrial(trial(1, null));
  const lines = readFileSync(w.journalPath, 'utf8').split('\n');
  assert.equal(lines.length, 3); // two lines and the final newline
  assert.deepEqual(await store.readTrials(w.id), [trial(0, 0.9), trial(1, null)]);
  await w.release();
});

test('a torn last line is ignored on read and cut off when the experiment is reopened', async () => {
  const w = await store.create('/data/penguins.csv', (id) => record(id, { owner: null }));
  await w.appendTrial(trial(0, 0.5));
  await w.release();
  const torn = JSON.stringify(trial(1, 0.7)).slice(0, 25);
  appendFileSync(w.journalPath, torn);
  assert.deepEqual((await store.readTrials(w.id)).map((t) => t.index), [0]);
  const again = await store.open(w.id);
  await again.appendTrial(trial(1, 0.7));
  assert.deepEqual((await store.readTrials(w.id)).map((t) => t.index), [0, 1]);
  assert.equal(parseJournal(readFileSync(w.journalPath, 'utf8')).length, 2);
  assert.ok(!readFileSync(w.journalPath, 'utf8').includes(torn + '{'));
  await again.release();
});

test('a second writer is refused while the first holds the lock; a stale lock is taken over', async () => {
  const w = await store.create('/data/penguins.csv', (id) => record(id));
  await assert.rejects(store.open(w.id), /in use by process/);
  await w.release();
  // A lock left by a process that died.
  writeFileSync(join(w.dir, 'lock'), JSON.stringify({ pid: deadPid(), hostname: hostname(), processStartedAt: '', processStartTicks: null }));
  const taken = await store.open(w.id);
  assert.equal((JSON.parse(readFileSync(join(w.dir, 'lock'), 'utf8')) as { pid: number }).pid, process.pid);
  await taken.release();
});

test('a running experiment whose owner is gone lists as interrupted; done ones keep their status', async () => {
  const gone = { pid: deadPid(), hostname: hostname(), processStartedAt: '', processStartTicks: null };
  assert.equal(ownerAlive(gone), false);
  assert.equal(ownerAlive(currentOwner()), true);
  const a = await store.create('/data/a.csv', (id) => record(id, { owner: gone }));
  await a.appendTrial(trial(0, 0.8));
  await a.release();
  const b = await store.create('/data/b.csv', (id) => record(id, { status: 'done', trials: 3, bestScore: 0.9, bestTrial: 2 }));
  await b.release();
  const c = await store.create('/data/c.csv', (id) => record(id));
  const list = await store.list();
  const byId = new Map(list.map((s) => [s.id, s]));
  assert.equal(byId.get(a.id)?.status, 'interrupted');
  assert.equal(byId.get(a.id)?.trials, 1); // counted from the journal, the record said 0
  assert.equal(byId.get(b.id)?.status, 'done');
  assert.equal(byId.get(b.id)?.bestScore, 0.9);
  assert.equal(byId.get(c.id)?.status, 'running');
  await c.release();
});

test('records migrate forward on read; a newer schema is not guessed at', () => {
  const old = { ...record('20261128-071502-penguins-a3f'), schemaVersion: 0, legacy: true } as Record<string, unknown>;
  const migrations = [{ from: 0, migrate: (r: Record<string, unknown>) => ({ ...r, note: 'migrated' }) }];
  const up = migrateExperiment(old, migrations, 1);
  assert.equal(up?.note, 'migrated');
  assert.equal(up?.schemaVersion, 1);
  assert.equal(migrateExperiment({ ...old, schemaVersion: 2 }, migrations, 1), null);
  assert.equal(migrateExperiment(old, [], 1), null);
});
