// The shipped parts of a sweep: the data layer's table loader, the model registry, and the end of a sweep —
// the model package (models/best.json) and the report (report.json: out-of-fold evaluation artifacts,
// the refitted model's metrics and evaluation on the held-out test rows, permutation importance on
// held-out folds, every trial's metrics).
import { dirname } from 'node:path';
import { DatasetVersions } from '../store/datasetVersions.js';
import { evaluatePredictions } from '../ml/evaluation.js';
import { MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_VERSION } from '../ml/modelPackage.js';
import type { ModelPackage } from '../ml/modelPackage.js';
import { MODEL_FAMILIES } from '../ml/models/index.js';
import type { SavedPreprocessor } from '../ml/preprocess.js';
import { loadTrainingTable } from '../ml/table.js';
import { labelsOf, validatedRows } from './trial.js';
import type { FinishContext, SweepParts } from './sweep.js';

export const REPORT_SCHEMA_VERSION = 1;

async function finish(ctx: FinishContext): Promise<{ modelPath: string; reportPath: string }> {
  const { record, table, writer } = ctx;
  const target = table.target;
  // A cleaned version ML Lab recorded carries its Recipe into the model (writer.dir is .mllab/experiments/<id>).
  const version = await new DatasetVersions(dirname(dirname(writer.dir))).get(record.dataset.sha256);
  const pkg: ModelPackage = {
    format: MODEL_PACKAGE_FORMAT,
    schemaVersion: MODEL_PACKAGE_VERSION,
    features: ctx.schema,
    target: { name: target.name, task: target.task, classes: target.task === 'regression' ? null : target.classes },
    kind: ctx.members.length > 1 ? 'ensemble' : 'trial',
    members: ctx.members.map((m) => ({ trial: m.trial.index, weight: m.weight, config: m.trial.config, preprocessing: m.fitted.preprocessing as SavedPreprocessor, model: m.fitted.model })),
    metric: record.metric,
    score: record.bestScore ?? NaN,
    // The rows it trained on (a held-out test share is not among them).
    dataset: { path: record.dataset.path, sha256: record.dataset.sha256, rows: table.rows },
    ...(version?.recipe ? { lineage: { parent: version.parent, recipe: version.recipe } } : {}),
    experimentId: record.id,
    backend: record.backend,
    created: new Date().toISOString(),
  };
  const modelPath = await writer.writeJson('models/best.json', pkg);

  const labels = labelsOf(table, validatedRows(ctx.folds, table.rows));
  const report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    experimentId: record.id,
    task: record.task,
    metric: record.metric,
    classes: target.task === 'regression' ? null : target.classes,
    best: {
      kind: pkg.kind,
      score: record.bestScore,
      members: ctx.members.map((m) => ({ trial: m.trial.index, weight: m.weight, model: m.trial.config.model, params: m.trial.config.params, score: m.trial.score })),
    },
    validation: record.config.validation,
    /** Computed on the winner's out-of-fold predictions (every row validated once, by a model that never saw it). */
    evaluation: evaluatePredictions(labels, ctx.oof),
    importance: ctx.importance,
    /** Why importance is missing or partial (e.g. skipped at the end of the budget); null when complete. */
    importanceNote: ctx.importanceNote,
    /**
     * The shipped model (refitted on the training rows) on the test rows set aside before the search
     * (split.json lists them); null when none were.
     */
    heldOut: ctx.heldOut ? { rows: ctx.heldOut.fileRows.length, metrics: ctx.heldOut.metrics, evaluation: evaluatePredictions(ctx.heldOut.labels, ctx.heldOut.predictions) } : null,
    trials: ctx.trials.map((t) => ({
      index: t.index,
      model: t.config.model,
      params: t.config.params,
      status: t.status,
      score: t.score,
      foldScores: t.foldScores,
      foldStd: t.foldStd,
      metrics: t.metrics,
      seconds: t.seconds,
      error: t.error,
    })),
    backend: record.backend,
  };
  const reportPath = await writer.writeJson('report.json', report);
  return { modelPath, reportPath };
}

export const shippedSweepParts: SweepParts = {
  async loadTable(path, target, task, signal) {
    const loaded = await loadTrainingTable(path, { target, task, ...(signal ? { signal } : {}) });
    return { table: loaded.table, schema: loaded.schema, fileRows: loaded.fileRows };
  },
  families: MODEL_FAMILIES,
  kit: null,
  kitModule: null,
  finish,
};
