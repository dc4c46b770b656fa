// One trial of a sweep, the same code in a worker thread and in-process: per validation fold, fit the
// model family's preprocessing on the fold's training rows only, fit the model (seeded with seed, trial,
// fold), predict the validation rows, report the fold's objective (the pruner may stop the trial), and
// gather the out-of-fold predictions the trial is scored on. Also the final refit on all rows.
import { permutationImportance } from '../ml/evaluation.js';
import type { FeatureImportance } from '../ml/evaluation.js';
import { computeMetric, metricsFor, toObjective } from '../ml/metrics.js';
import { mixSeed } from '../ml/random.js';
import type { Fold } from '../ml/folds.js';
import type { InputLayout, Labels, MetricName, ModelFamily, ModelInput, ModelKind, SavedModel, TrainingTable } from '../ml/types.js';
import type { TrialConfig } from './types.js';

/** A preprocessing fitted on some rows: maps any rows of the table to a model's input layout. */
export interface FittedPreprocessing {
  transform(table: TrainingTable, rows: Int32Array): ModelInput;
  toJSON(): unknown;
  /** For each output column, the table feature it comes from (permutation importance groups by it). */
  readonly sources?: readonly number[];
}

/** What a trial needs besides the data: the model families and the preprocessing. Tests pass doubles. */
export interface TrialKit {
  family(kind: ModelKind): ModelFamily;
  preprocess(table: TrainingTable, rows: Int32Array, layout: InputLayout): FittedPreprocessing;
  /** The TensorFlow.js backend in use, once a tfjs model has run here; null otherwise. */
  backend(): string | null;
}

export interface TrialJob {
  index: number;
  config: TrialConfig;
  seed: number;
  metric: MetricName;
}

export interface TrialOutcome {
  status: 'done' | 'failed' | 'pruned';
  /** Out-of-fold predictions over the validated rows (in `validatedRows` order); null unless done. */
  oof: Float64Array | null;
  foldScores: number[];
  /** Every metric of the task on the out-of-fold predictions (done trials). */
  metrics: Partial<Record<MetricName, number>>;
  error: string | null;
  backend: string | null;
  /** The fleet worker that ran it (the redis backend); absent for local trials. */
  worker?: string;
  /** Its run time on that worker (excluding the wait in the queue); absent for local trials. */
  seconds?: number;
}

/** Rows validated by some fold, ascending: every row for k-fold, the holdout rows for a holdout. */
export function validatedRows(folds: readonly Fold[], rows: number): Int32Array {
  const seen = new Uint8Array(rows);
  for (const f of folds) for (const r of f.valid) seen[r] = 1;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) if (seen[r]) out.push(r);
  return Int32Array.from(out);
}

export function labelsOf(table: TrainingTable, rows: Int32Array): Labels {
  const t = table.target;
  if (t.task === 'regression') {
    const y = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) y[i] = t.values[rows[i]!]!;
    return { task: 'regression', y };
  }
  const y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) y[i] = t.codes[rows[i]!]!;
  return { task: t.task, y, classes: t.classes.length };
}

/** Prediction values per row: classes for classification, 1 for regression. */
export function predictionWidth(table: TrainingTable): number {
  return table.target.task === 'regression' ? 1 : table.target.classes.length;
}

/** Seed of a trial's model in a fold; the refit on all rows uses fold = number of folds. */
export function modelSeed(seed: number, trial: number, fold: number): number {
  return mixSeed(seed, trial, fold);
}

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]?.slice(0, 500) ?? 'error';
}

/**
 * Runs the trial. `report(step, objective)` is asked after each fold (or, with successive-halving `rungs`,
 * after each lower rung); true stops the trial (pruned). A model that throws or predicts NaN fails the
 * trial, never the caller.
 */
export async function runTrial(
  job: TrialJob,
  table: TrainingTable,
  folds: readonly Fold[],
  kit: TrialKit,
  report: (step: number, objective: number) => boolean | Promise<boolean>,
  signal?: AbortSignal,
  rungs: readonly number[] | null = null,
): Promise<TrialOutcome> {
  const width = predictionWidth(table);
  const scored = validatedRows(folds, table.rows);
  const position = new Int32Array(table.rows).fill(-1);
  for (let i = 0; i < scored.length; i++) position[scored[i]!] = i;
  const oof = new Float64Array(scored.length * width);
  const foldScores: number[] = [];
  const outcome = (status: TrialOutcome['status'], error: string | null): TrialOutcome => ({ status, oof: null, foldScores, metrics: {}, error, backend: kit.backend() });
  try {
    const family = kit.family(job.config.model);
    /** Fits on fold f's training rows, predicts its validation rows, checks the predictions, scores them. */
    const fitFold = async (f: number, budget: number): Promise<{ predicted: Float64Array; score: number } | string> => {
      const fold = folds[f]!;
      const prep = kit.preprocess(table, fold.train, family.input);
      const model = await family.fit(prep.transform(table, fold.train), labelsOf(table, fold.train), job.config.params, {
        seed: modelSeed(job.seed, job.index, f),
        ...(budget < 1 ? { budget } : {}),
        ...(signal ? { signal } : {}),
      });
      const predicted = model.predict(prep.transform(table, fold.valid));
      if (predicted.length !== fold.valid.length * width) return `the model predicted ${predicted.length} values for ${fold.valid.length} rows × ${width}`;
      for (let i = 0; i < predicted.length; i++) {
        if (!Number.isFinite(predicted[i])) return `the model predicted ${predicted[i]} (fold ${f + 1})`;
      }
      return { predicted, score: computeMetric(job.metric, labelsOf(table, fold.valid), predicted) };
    };
    // Successive halving: the lower rungs fit fold 0 with a share of the effort; only survivors run the full CV.
    for (let r = 0; rungs && r < rungs.length - 1; r++) {
      const result = await fitFold(0, rungs[r]!);
      if (typeof result === 'string') return outcome('failed', result);
      if (Number.isFinite(result.score) && (await report(r, toObjective(job.metric, result.score)))) return outcome('pruned', null);
    }
    for (let f = 0; f < folds.length; f++) {
      const result = await fitFold(f, 1);
      if (typeof result === 'string') return outcome('failed', result);
      const fold = folds[f]!;
      for (let i = 0; i < fold.valid.length; i++) oof.set(result.predicted.subarray(i * width, i * width + width), position[fold.valid[i]!]! * width);
      foldScores.push(result.score);
      // A metric undefined on one fold (AUC with one class there) is not the model's fault: no report.
      if (!rungs && Number.isFinite(result.score) && (await report(f, toObjective(job.metric, result.score)))) return outcome('pruned', null);
    }
  } catch (e) {
    return outcome('failed', errorText(e));
  }
  const labels = labelsOf(table, scored);
  const metrics = metricsFor(labels.task, labels, oof);
  if (!Number.isFinite(metrics[job.metric])) return outcome('failed', `${job.metric} is undefined on the out-of-fold predictions`);
  return { status: 'done', oof, foldScores, metrics, error: null, backend: kit.backend() };
}

export interface RefitResult {
  preprocessing: unknown;
  model: SavedModel;
  backend: string | null;
  /** The refitted model's predictions for every row of the held-out test table; null without one. */
  testPredictions: Float64Array | null;
}

function allRows(rows: number): Int32Array {
  const all = new Int32Array(rows);
  for (let r = 0; r < rows; r++) all[r] = r;
  return all;
}

/**
 * The final model of a configuration: preprocessing and model fitted on every row of `table` (the
 * training rows: a held-out test table is never part of it). With `test`, the fitted model also predicts
 * its rows, here where the model already lives (cheap, and no reload of tfjs weights elsewhere).
 */
export async function refit(config: TrialConfig, trial: number, seed: number, folds: number, table: TrainingTable, kit: TrialKit, test: TrainingTable | null = null): Promise<RefitResult> {
  const family = kit.family(config.model);
  const all = allRows(table.rows);
  const prep = kit.preprocess(table, all, family.input);
  const model = await family.fit(prep.transform(table, all), labelsOf(table, all), config.params, { seed: modelSeed(seed, trial, folds) });
  let testPredictions: Float64Array | null = null;
  if (test && test.rows > 0) {
    testPredictions = model.predict(prep.transform(test, allRows(test.rows)));
    const width = predictionWidth(test);
    if (testPredictions.length !== test.rows * width) throw new Error(`the model predicted ${testPredictions.length} values for ${test.rows} held-out rows × ${width}`);
  }
  return { preprocessing: prep.toJSON(), model: model.toJSON(), backend: kit.backend(), testPredictions };
}

export interface HeldOutImportance {
  trial: number;
  /** Folds it was measured on (each needs its own fit). */
  folds: number;
  /** Mean objective drop when the feature is shuffled in held-out rows, averaged over folds; largest first. */
  features: FeatureImportance[];
}

/**
 * Permutation importance of a configuration on held-out rows: per fold (the first `maxFolds`), fit on the
 * fold's training rows, shuffle each table feature (all its encoded columns together) in the validation
 * rows, and average the objective drops over the folds.
 */
export async function heldOutImportance(
  config: TrialConfig,
  trial: number,
  seed: number,
  metric: MetricName,
  table: TrainingTable,
  folds: readonly Fold[],
  kit: TrialKit,
  maxFolds: number,
  repeats: number,
  signal?: AbortSignal,
): Promise<HeldOutImportance> {
  const family = kit.family(config.model);
  const sums = new Map<string, { mean: number; std: number }>();
  const used = Math.min(folds.length, maxFolds);
  for (let f = 0; f < used; f++) {
    if (signal?.aborted) throw new Error('permutation importance was stopped');
    const fold = folds[f]!;
    const prep = kit.preprocess(table, fold.train, family.input);
    const model = await family.fit(prep.transform(table, fold.train), labelsOf(table, fold.train), config.params, { seed: modelSeed(seed, trial, f), ...(signal ? { signal } : {}) });
    const input = prep.transform(table, fold.valid);
    const sources = prep.sources ?? input.names.map((_, j) => j);
    const groups = table.features.map((feature, j) => ({ name: feature.name, columns: sources.flatMap((s, c) => (s === j ? [c] : [])) })).filter((g) => g.columns.length > 0);
    const importance = await permutationImportance((x) => model.predict(x), input, labelsOf(table, fold.valid), metric, { repeats, seed: mixSeed(seed, trial, f), groups, ...(signal ? { signal } : {}) });
    for (const item of importance) {
      const s = sums.get(item.feature) ?? { mean: 0, std: 0 };
      sums.set(item.feature, { mean: s.mean + item.mean / used, std: s.std + item.std / used });
    }
  }
  const features = [...sums].map(([feature, s]) => ({ feature, mean: s.mean, std: s.std })).sort((a, b) => b.mean - a.mean);
  return { trial, folds: used, features };
}
