// `mllab export MODEL --out DIR [--force]`: the model as a self-contained folder (model, schema, Recipe,
// model card, predict.mjs) that predicts with `node predict.mjs input.csv` and nothing but Node.
import { basename, dirname, join } from 'node:path';
import { exportModelPackage, resolveModelPath } from '../core/deploy/package.js';
import { DEPLOYMENT_SCHEMA_VERSION, DeploymentStore, newDeploymentId } from '../core/store/deployments.js';
import { parseOptions, UsageError } from './args.js';
import type { CliIo } from './profileCommand.js';

export const EXPORT_HELP = `Usage: mllab export MODEL --out DIR [--force]

Write the model as a self-contained folder DIR: model.json (the model), schema.json (the input columns,
their types, categories and ranges from the training data), recipe.json (the cleaning Recipe, when the
model was trained on a cleaned version), model-card.json and model-card.md, neural networks also in
TensorFlow.js layers format (tfjs/), README.md, and predict.mjs:

  node DIR/predict.mjs input.csv > predictions.csv

runs with Node 20 or later alone (no npm install) and prints what mllab predict prints.

MODEL is an experiment id (found in .mllab/experiments of this folder or one above), a model file
(.mllab/experiments/<id>/models/best.json) or an exported folder.

  --out DIR      the folder to write; its parent must exist (required)
  --force        replace DIR when it exists and is not empty
  --json         print {"dir": ..., "files": [...]} on stdout
  -h, --help     show this help

A model of a workspace's experiment (.mllab/experiments/<id>/models/) is recorded as an exported deployment
in that workspace's .mllab/deployments, so the editor's Models view lists it.
The folder appears whole or not at all. Exit codes: 0 done, 1 bad input, 2 usage error, 130 interrupted.
`;

const EXPORT_SPEC = {
  help: { takesValue: false },
  out: { takesValue: true },
  force: { takesValue: false },
  json: { takesValue: false },
};

export async function runExport(argv: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseOptions(argv, EXPORT_SPEC);
  if (options.has('help')) {
    io.stdout.write(EXPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`export needs one MODEL, got ${positionals.length} arguments`);
  const out = options.get('out');
  if (out === undefined) throw new UsageError('export needs --out DIR');
  if (out === true || out === '') throw new UsageError('--out needs a value');
  const model = await resolveModelPath(positionals[0]!, process.cwd());
  const exported = await exportModelPackage(model, out, { force: options.has('force'), ...(io.signal ? { signal: io.signal } : {}) });
  const owner = experimentOfModel(model);
  if (owner) {
    const record = { schemaVersion: DEPLOYMENT_SCHEMA_VERSION, id: newDeploymentId('exported'), kind: 'exported' as const, experimentId: owner.experimentId, model: join(exported.dir, 'model.json'), location: exported.dir, created: new Date().toISOString(), stopped: null, pid: null, logDir: null, lastDrift: null };
    // The export stands even when the record cannot be written (a read-only workspace).
    await new DeploymentStore(owner.workspace).write(record).catch((e: unknown) => io.stderr.write(`mllab: exported, but not recorded in .mllab/deployments: ${e instanceof Error ? e.message : String(e)}\n`));
  }
  if (options.has('json')) io.stdout.write(JSON.stringify(exported) + '\n');
  else io.stderr.write(`Exported ${model} to ${exported.dir} (${exported.files.length} files). Run: node ${exported.dir}/predict.mjs input.csv > predictions.csv\n`);
  return 0;
}

/** The workspace and experiment of a model saved by a sweep (<workspace>/.mllab/experiments/<id>/models/x.json). */
export function experimentOfModel(modelPath: string): { workspace: string; experimentId: string } | null {
  const models = dirname(modelPath);
  const experiment = dirname(models);
  const experiments = dirname(experiment);
  const store = dirname(experiments);
  if (basename(models) !== 'models' || basename(experiments) !== 'experiments' || basename(store) !== '.mllab') return null;
  return { workspace: dirname(store), experimentId: basename(experiment) };
}
