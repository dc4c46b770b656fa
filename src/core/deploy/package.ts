// The exported model package: a folder that predicts with nothing but Node ≥ 20.
//
//   model.json          the ModelPackage (models/best.json, byte for byte): features, target, fitted members
//   schema.json         the InputSchema: the columns a row needs, types, categories, ranges (from training)
//   recipe.json         the cleaning Recipe prediction replays first (only when trained on a cleaned version)
//   model-card.json/.md what the model is, its data, metrics, parameters, lineage and dates
//   tfjs/trial-<n>/     each neural-network member in TensorFlow.js layers format (model.json + weights.bin)
//   predict.mjs         `node predict.mjs input.csv > predictions.csv` (dist/predict.mjs, everything bundled)
//   *.wasm              TensorFlow.js' wasm backend, beside predict.mjs, when a member runs on TensorFlow.js
//   README.md           how to run it
//
// The folder is built under a temporary name beside the destination and renamed into place at the end, so
// a failure (a damaged model, a full disk, a cancel) leaves nothing half-written.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { version as mllabVersion } from '../../../package.json';
import { recipeToJson } from '../clean/recipe.js';
import { cancelled, isUserError, UserError } from '../errors.js';
import { modelFromPackage, readModelPackage } from '../ml/modelPackage.js';
import { initTensorflow, WASM_FILES } from '../ml/tensorflow.js';
import type { ModelPackage, PackageMember } from '../ml/modelPackage.js';
import type { FeatureColumn } from '../ml/types.js';
import { ExperimentStore } from '../store/experiments.js';
import { MODEL_CARD_FORMAT } from '../../protocol/deploy.js';
import type { InputSchema, ModelCard } from '../../protocol/deploy.js';
import { isRecord } from '../../protocol/jsonShape.js';
import { parseExperimentReport } from '../../protocol/experimentReport.js';
import type { ExperimentReport } from '../../protocol/experimentReport.js';
import type { ExperimentRecord } from '../../protocol/experiment.js';
import { inputSchemaFor } from './inputSchema.js';
import { buildModelCard, modelCardMarkdown } from './modelCard.js';

export { resolveModelPath } from './modelPath.js';

export interface ExportOptions {
  signal?: AbortSignal;
  /** Replace an existing non-empty outDir. */
  force?: boolean;
}

export interface ExportedPackage {
  /** The package folder (absolute). */
  dir: string;
  /** Its files, relative to `dir`, '/'-separated, sorted. */
  files: string[];
}

export async function exportModelPackage(modelPath: string, outDir: string, options: ExportOptions = {}): Promise<ExportedPackage> {
  const signal = options.signal;
  const out = resolve(outDir);
  const parent = dirname(out);
  if (!(await fsp.stat(parent).catch(() => null))?.isDirectory()) throw new UserError('BAD_ARGUMENT', `Cannot export to ${out}: the folder ${parent} does not exist.`);
  const existing = await fsp.stat(out).catch(() => null);
  if (existing && !existing.isDirectory()) throw new UserError('BAD_ARGUMENT', `Cannot export to ${out}: it is a file.`);
  if (existing && !options.force && (await fsp.readdir(out)).length > 0) throw new UserError('OUTPUT_EXISTS', `${out} already exists and is not empty (use --force to replace it).`);

  const source = resolve(modelPath);
  const pkg = await readCheckedPackage(source);
  const predictScript = bundledPredictScript();
  const context = await packageContext(source, pkg, signal);
  if (signal?.aborted) throw cancelled();

  const temp = join(parent, `.${basename(out)}.export-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fsp.mkdir(temp);
  const files: string[] = [];
  try {
    const write = async (rel: string, data: string | Uint8Array): Promise<void> => {
      await fsp.mkdir(dirname(join(temp, rel)), { recursive: true });
      await fsp.writeFile(join(temp, rel), data);
      files.push(rel);
    };
    const copy = async (from: string, rel: string): Promise<void> => {
      await fsp.copyFile(from, join(temp, rel));
      files.push(rel);
    };
    // The model file as trained, byte for byte: predict.mjs and `mllab predict` then read the same numbers.
    await copy(source, 'model.json');
    await write('schema.json', JSON.stringify(context.schema, null, 2) + '\n');
    if (pkg.lineage) await write('recipe.json', recipeToJson(pkg.lineage.recipe));
    const card = buildModelCard(pkg, { record: context.record, report: context.report, previous: context.previousCard, exportedAt: new Date().toISOString(), mllabVersion });
    await write('model-card.json', JSON.stringify(card, null, 2) + '\n');
    await write('model-card.md', modelCardMarkdown(card, context.schema));
    const nets = pkg.members.filter((m) => m.config.model === 'mlp');
    for (const member of nets) {
      const layers = await tfjsLayersModel(member, pkg);
      await write(`tfjs/trial-${member.trial}/model.json`, JSON.stringify(layers.modelJson, null, 2) + '\n');
      await write(`tfjs/trial-${member.trial}/weights.bin`, layers.weights);
      if (signal?.aborted) throw cancelled();
    }
    await copy(predictScript, 'predict.mjs');
    if (nets.length > 0) {
      // Without them predict.mjs falls back to the cpu backend, whose float32 sums round differently.
      for (const f of WASM_FILES) if (existsSync(join(dirname(predictScript), f))) await copy(join(dirname(predictScript), f), f);
    }
    await write('README.md', packageReadme(pkg, context.schema, card, nets.map((m) => m.trial)));
    if (signal?.aborted) throw cancelled();

    if (existing) {
      // Renamed aside first, so the old folder comes back if the new one cannot take its place.
      const old = join(parent, `.${basename(out)}.replaced-${process.pid}-${randomBytes(4).toString('hex')}`);
      await fsp.rename(out, old);
      try {
        await fsp.rename(temp, out);
      } catch (e) {
        await fsp.rename(old, out).catch(() => undefined);
        throw e;
      }
      await fsp.rm(old, { recursive: true, force: true });
    } else {
      await fsp.rename(temp, out);
    }
  } catch (e) {
    await fsp.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  return { dir: out, files: files.map((f) => f.split('\\').join('/')).sort() };
}

/** The package, parsed and checked by building its members and predicting one empty row: a damaged file fails here. */
async function readCheckedPackage(path: string): Promise<ModelPackage> {
  const pkg = await readModelPackage(path);
  try {
    if (pkg.members.some((m) => m.config.model === 'mlp')) await initTensorflow();
    const probe: FeatureColumn[] = pkg.features.map((f) => (f.kind === 'numeric' ? { name: f.name, kind: 'numeric', values: new Float64Array([NaN]) } : { name: f.name, kind: 'categorical', codes: new Int32Array([-1]), categories: f.categories }));
    const values = modelFromPackage(pkg).predict(probe);
    const width = pkg.target.task === 'regression' ? 1 : (pkg.target.classes?.length ?? 0);
    if (values.length !== width) throw new Error(`a row gave ${values.length} values instead of ${width}`);
  } catch (e) {
    if (isUserError(e)) throw e;
    throw new UserError('BAD_ARGUMENT', `${path} is damaged: ${e instanceof Error ? e.message : String(e)}.`);
  }
  return pkg;
}

/** dist/predict.mjs: beside this bundle (dist/cli.js, dist/worker.js), or in dist/ of the repository when run from source. */
function bundledPredictScript(): string {
  const candidates = [join(__dirname, 'predict.mjs'), join(__dirname, '..', '..', '..', 'dist', 'predict.mjs')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new UserError('NOT_FOUND', `predict.mjs is missing beside ML Lab (${candidates[0]}): this build of ML Lab cannot export models (run npm run build).`);
  return found;
}

interface PackageContext {
  schema: InputSchema;
  record: ExperimentRecord | null;
  report: ExperimentReport | null;
  previousCard: ModelCard | null;
}

/**
 * What the package says besides the model. From an experiment (…/.mllab/experiments/<id>/models/best.json):
 * its record, its report and a schema from its training data. From an exported folder: its schema.json and
 * model card, so a package can be exported again without the workspace it came from.
 */
async function packageContext(modelPath: string, pkg: ModelPackage, signal: AbortSignal | undefined): Promise<PackageContext> {
  const folder = dirname(modelPath);
  const readJson = async (path: string): Promise<unknown> => {
    try {
      return JSON.parse(await fsp.readFile(path, 'utf8')) as unknown;
    } catch {
      return null;
    }
  };
  if (basename(folder) === 'models' && basename(dirname(dirname(folder))) === 'experiments' && basename(dirname(dirname(dirname(folder)))) === '.mllab') {
    const experimentDir = dirname(folder);
    const workspace = dirname(dirname(dirname(experimentDir)));
    const id = basename(experimentDir);
    const record = await new ExperimentStore(workspace).read(id).catch(() => null);
    const report = parseExperimentReport(await readJson(join(experimentDir, 'report.json')));
    const schema = await inputSchemaFor(pkg, { workspace, ...(signal ? { signal } : {}) });
    return { schema, record, report, previousCard: null };
  }
  const previousCard = await readJson(join(folder, 'model-card.json'));
  const card = isRecord(previousCard) && previousCard.format === MODEL_CARD_FORMAT ? (previousCard as unknown as ModelCard) : null;
  return { schema: await inputSchemaFor(pkg, { modelPath, ...(signal ? { signal } : {}) }), record: null, report: null, previousCard: card };
}

// --- TensorFlow.js layers format ----------------------------------------------------------------------------

interface SavedLayer {
  inputs: number;
  outputs: number;
  kernel: number[];
  bias: number[];
}

/**
 * An MLP member as a tfjs-layers Sequential model (Dense layers, softmax output for classification), saved in
 * the layers format `tf.loadLayersModel` reads. Its input is the member's preprocessed dense row (model.json
 * members[i].preprocessing: imputed, standardised, one-hot); a regression output is on the standardised
 * target, mapped back with the metadata's targetMean/targetStd.
 */
export async function tfjsLayersModel(member: PackageMember, pkg: ModelPackage): Promise<{ modelJson: Record<string, unknown>; weights: Uint8Array }> {
  const saved = member.model;
  const layers = saved.layers as SavedLayer[];
  const regression = saved.task === 'regression';
  await initTensorflow();
  const model = tfl.sequential();
  layers.forEach((layer, l) => {
    const last = l === layers.length - 1;
    model.add(
      tfl.layers.dense({
        units: layer.outputs,
        activation: last ? (regression ? 'linear' : 'softmax') : saved.activation === 'tanh' ? 'tanh' : 'relu',
        name: `dense_${l + 1}`,
        ...(l === 0 ? { inputShape: [layer.inputs] } : {}),
      }),
    );
  });
  const weights = layers.flatMap((layer) => [tf.tensor2d(layer.kernel, [layer.inputs, layer.outputs]), tf.tensor1d(layer.bias)]);
  model.setWeights(weights);
  tf.dispose(weights);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((a) => {
      artifacts = a;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    }),
  );
  model.dispose();
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error('tfjs-layers saved no weights');
  const data = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  return {
    modelJson: {
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: `ML Lab ${mllabVersion}`,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      userDefinedMetadata: {
        mllab: {
          experimentId: pkg.experimentId,
          trial: member.trial,
          task: saved.task,
          classes: pkg.target.classes,
          input: `the preprocessed dense row of member trial ${member.trial} (model.json members[].preprocessing), ${layers[0]?.inputs ?? 0} values`,
          ...(regression ? { targetMean: saved.targetMean, targetStd: saved.targetStd, output: 'standardised target: prediction = output * targetStd + targetMean' } : {}),
        },
      },
    },
    weights: new Uint8Array(data),
  };
}

// --- README -------------------------------------------------------------------------------------------------

function packageReadme(pkg: ModelPackage, schema: InputSchema, card: ModelCard, netTrials: number[]): string {
  const classes = pkg.target.classes;
  const output = pkg.target.task === 'regression' || !classes ? 'one column, `prediction`' : `\`prediction\` (the most probable class) then \`proba_<class>\` for ${classes.map((c) => `\`${c.replace(/`/g, "'")}\``).join(', ')}`;
  const lines = [
    `# ML Lab model: ${card.name ?? pkg.experimentId}`,
    '',
    `Predicts \`${pkg.target.name.replace(/`/g, "'")}\` (${pkg.target.task}) from ${schema.columns.length} input column${schema.columns.length === 1 ? '' : 's'}. Exported by ML Lab ${mllabVersion} on ${card.exportedAt}.`,
    '',
    '## Run',
    '',
    'Needs Node.js 20 or later and nothing else (no `npm install`):',
    '',
    '```sh',
    'node predict.mjs input.csv > predictions.csv',
    'node predict.mjs input.csv --out predictions.csv',
    '```',
    '',
    `\`input.csv\` has a header row; columns are matched by name (schema.json lists the ${schema.columns.length} the model reads), extra columns, the target among them, are ignored. A category the model never saw is read as missing and reported on stderr.${pkg.lineage ? ' The model was trained on a cleaned version of its data: give it raw rows like the source file; predict.mjs replays the cleaning Recipe (recipe.json) first.' : ''}`,
    '',
    `Output: CSV in input row order, ${output}. The same as \`mllab predict model.json input.csv\`.`,
    '',
    '## Files',
    '',
    '- `model.json` — the model (ML Lab model package: features, target, fitted preprocessing and model of each member)',
    '- `schema.json` — the input columns: type, whether missing values occurred in training, the categories seen, the numeric range',
    ...(pkg.lineage ? ['- `recipe.json` — the cleaning Recipe replayed on every row before the model (`mllab clean --recipe recipe.json` applies it to a file)'] : []),
    '- `model-card.json`, `model-card.md` — data version, metrics, parameters, lineage, dates',
    ...(netTrials.length > 0
      ? [
          `- \`tfjs/trial-<n>/\` — the neural network${netTrials.length > 1 ? 's' : ''} (trial${netTrials.length > 1 ? 's' : ''} ${netTrials.join(', ')}) in TensorFlow.js layers format, for \`tf.loadLayersModel\`; input is the member's preprocessed row, see userDefinedMetadata`,
          '- `tfjs-backend-wasm*.wasm` — the TensorFlow.js backend predict.mjs runs the network on',
        ]
      : []),
    '- `predict.mjs` — the runnable entry, everything bundled',
    '',
    'Serve it over HTTP with ML Lab: `mllab serve <this folder>`.',
    '',
  ];
  return lines.join('\n');
}
