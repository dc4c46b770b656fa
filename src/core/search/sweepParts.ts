// The shipped parts of a sweep: the data layer's table loader, the model registry, and the end of a sweep —
// the model package (models/best.json) and the report (report.json: out-of-fold evaluation artifacts,
// permutation importance on held-out folds, every trial's metrics).
import { evaluatePredictions, permutationImportance } from '../ml/evaluation.js';
import type { FeatureImportance } from '../ml/evaluation.js';
import { MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_VERSION } from '../ml/modelPackage.js';
import type { ModelPackage } from '../ml/modelPackage.js';
import { MODEL_FAMILIES } from '../ml/models/index.js';
import type { SavedPreprocessor } from '../ml/preprocess.js';
import { loadTrainingTable } from '../ml/table.js';
import { mixSeed } from '../ml/random.js';
import { labelsOf, modelSeed, validatedRows } from './trial.js';
import type { TrialKit } from './trial.js';
import type { FinishContext, SweepParts } from './sweep.js';

export const REPORT_SCHEMA_VERSION = 1;
/** Folds permutation importance is measured on (each needs its own fit of the best configuration). */
const IMPORTANCE_FOLDS = 3;
const IMPORTANCE_REPEATS = 3;

async function shippedKit(): Promise<TrialKit> {
  return (await import('./trialKit.js')).trialKit;
}

/**
 * Permutation importance of the leading member's configuration, on held-out rows: refit per fold on its
 * training rows, shuffle each feature (all its encoded columns together) in the validation rows, average
 * the objective drops over folds.
 */
async function heldOutImportance(ctx: FinishContext, kit: TrialKit): Promise<{ trial: number; folds: number; features: FeatureImportance[] } | null> {
  const lead = [...ctx.members].sort((a, b) => b.weight - a.weight)[0];
  if (!lead) return null;
  const { table, folds } = ctx;
  const family = kit.family(lead.trial.config.model);
  const sums = new Map<string, { mean: number; std: number }>();
  const used = Math.min(folds.length, IMPORTANCE_FOLDS);
  for (let f = 0; f < used; f++) {
    const fold = folds[f]!;
    const prep = kit.preprocess(table, fold.train, family.input);
    const model = await family.fit(prep.transform(table, fold.train), labelsOf(table, fold.train), lead.trial.config.params, {
      seed: modelSeed(ctx.record.config.seed, lead.trial.index, f),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const input = prep.transform(table, fold.valid);
    const sources = prep.sources ?? input.names.map((_, j) => j);
    const groups = table.features.map((feature, j) => ({ name: feature.name, columns: sources.flatMap((s, c) => (s === j ? [c] : [])) })).filter((g) => g.columns.length > 0);
    const importance = await permutationImportance((x) => model.predict(x), input, labelsOf(table, fold.valid), ctx.record.metric, {
      repeats: IMPORTANCE_REPEATS,
      seed: mixSeed(ctx.record.config.seed, f),
      groups,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    for (const item of importance) {
      const s = sums.get(item.feature) ?? { mean: 0, std: 0 };
      sums.set(item.feature, { mean: s.mean + item.mean / used, std: s.std + item.std / used });
    }
  }
  const features = [...sums].map(([feature, s]) => ({ feature, mean: s.mean, std: s.std })).sort((a, b) => b.mean - a.mean);
  return { trial: lead.trial.index, folds: used, features };
}

async function finish(ctx: FinishContext): Promise<{ modelPath: string; reportPath: string }> {
  const { record, table, writer } = ctx;
  const target = table.target;
  const pkg: ModelPackage = {
    format: MODEL_PACKAGE_FORMAT,
    schemaVersion: MODEL_PACKAGE_VERSION,
    features: ctx.schema,
    target: { name: target.name, task: target.task, classes: target.task === 'regression' ? null : target.classes },
    kind: ctx.members.length > 1 ? 'ensemble' : 'trial',
    members: ctx.members.map((m) => ({ trial: m.trial.index, weight: m.weight, config: m.trial.config, preprocessing: m.fitted.preprocessing as SavedPreprocessor, model: m.fitted.model })),
    metric: record.metric,
    score: record.bestScore ?? NaN,
    dataset: { path: record.dataset.path, sha256: record.dataset.sha256, rows: table.rows },
    experimentId: record.id,
    backend: record.backend,
    created: new Date().toISOString(),
  };
  const modelPath = await writer.writeJson('models/best.json', pkg);

  const labels = labelsOf(table, validatedRows(ctx.folds, table.rows));
  const importance = await heldOutImportance(ctx, ctx.kit ?? (await shippedKit()));
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
    importance,
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
    return { table: loaded.table, schema: loaded.schema };
  },
  families: MODEL_FAMILIES,
  kit: null,
  kitModule: null,
  finish,
};
