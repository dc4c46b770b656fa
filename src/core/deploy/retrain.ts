// Retraining: an experiment's sweep re-run on new data, recorded as its child, and kept only if it beats the
// parent where it matters — on rows of the new data neither model trained on.
//
//   1. The new data's rows (those with a target) are split once, seeded, into train and holdout parts
//      (stratified by class for classification), written to .mllab/retrain/<name>/ as CSV files.
//   2. The parent's sweep settings run on the train part ('combined': the parent's training rows first, then
//      the new train rows), warm-started from the parent's best configurations; the record says `parent`.
//   3. Both models predict the holdout; the sweep's metric decides. The child is promoted only when strictly
//      better; the comparison (RetrainOutcome) is stored on the child's record either way.
import { existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { cancelled, UserError } from '../errors.js';
import { applyRecipeToFile, dataRecords, readLayout } from '../clean/applyFile.js';
import { csvField } from '../clean/cells.js';
import { holdout } from '../ml/folds.js';
import { computeMetric, METRICS } from '../ml/metrics.js';
import { parseModelPackage, predictFile, stepsForPrediction } from '../ml/modelPackage.js';
import type { Predictions } from '../ml/modelPackage.js';
import { mixSeed } from '../ml/random.js';
import { labelNumber } from '../ml/task.js';
import { describeMissingColumn } from '../ml/table.js';
import type { Labels, MetricName } from '../ml/types.js';
import { runSweep } from '../search/sweep.js';
import type { SweepConfig, SweepHooks } from '../search/sweep.js';
import { nodeStoreFs, writeFileAtomic } from '../store/atomicFile.js';
import { ExperimentStore, experimentId as newFolderName } from '../store/experiments.js';
import { DatasetVersions } from '../store/datasetVersions.js';
import { hashFile } from '../store/profileCache.js';
import { DATASET_VERSION_SCHEMA_VERSION } from '../../protocol/datasetVersion.js';
import type { ApplyReport, Recipe } from '../../protocol/recipe.js';
import { DEFAULT_MISSING_TOKENS } from '../../protocol/profile.js';
import type { RetrainOutcome } from '../../protocol/deploy.js';
import type { ExperimentRecord } from '../../protocol/experiment.js';

export interface RetrainOptions {
  /** The folder holding `.mllab`. */
  root: string;
  /** The parent experiment. */
  experimentId: string;
  /** CSV of new rows, with the parent's columns (target included). */
  newData: string;
  /** 'new' (default): train on the new rows alone; 'combined': the parent's training rows plus the new ones. */
  mode?: 'new' | 'combined';
  /** Share of the new rows kept out of training to compare the two models on (default 0.2). */
  holdoutFraction?: number;
  /** Budget of the child's sweep (default: the parent's). */
  budgetSeconds?: number;
  /** Trial limit of the child's sweep (default: the parent's). */
  maxTrials?: number;
  /** Trials at once (default: the parent's). */
  parallel?: number;
  signal?: AbortSignal;
  hooks?: SweepHooks;
}

export const DEFAULT_HOLDOUT_FRACTION = 0.2;
/** Fewest holdout rows a comparison is made on, and fewest new rows the child trains on. */
export const MIN_HOLDOUT_ROWS = 5;
export const MIN_NEW_TRAIN_ROWS = 5;

const MISSING = new Set(DEFAULT_MISSING_TOKENS);
/** Rows between yields to the event loop while reading (cancel). */
const YIELD_ROWS = 20_000;

interface NewRows {
  columns: string[];
  /** Every data record with a usable target, cells in `columns` order. */
  rows: string[][];
  /** Data records in the file, with or without a target. */
  fileRows: number;
}

export async function retrain(input: RetrainOptions): Promise<RetrainOutcome> {
  const options = { ...input, root: resolve(input.root), newData: resolve(input.newData) };
  const signal = options.signal ?? options.hooks?.signal;
  const mode = options.mode ?? 'new';
  const fraction = options.holdoutFraction ?? DEFAULT_HOLDOUT_FRACTION;
  if (!(fraction > 0 && fraction < 1)) throw new UserError('BAD_ARGUMENT', `The holdout share must be between 0 and 1 (got ${fraction}).`);
  if (mode !== 'new' && mode !== 'combined') throw new UserError('BAD_ARGUMENT', `The retrain mode must be 'new' or 'combined' (got '${String(mode)}').`);
  if (signal?.aborted) throw cancelled();

  // ---- the parent and its model ----
  const store = new ExperimentStore(options.root);
  const parentDir = store.path(options.experimentId);
  const parent = await store.read(options.experimentId);
  if (!parent) throw new UserError('NOT_FOUND', `No experiment ${options.experimentId} in ${store.dir}.`);
  const parentModel = join(parentDir, 'models', 'best.json');
  if (!existsSync(parentModel)) {
    throw new UserError('NOT_FOUND', `Experiment ${parent.id} has no saved model to compare with (it is ${parent.status}${parent.status === 'running' ? '' : ': no trial finished or it was stopped before the end'}).`);
  }
  const pkg = parseModelPackage(JSON.parse(await fsp.readFile(parentModel, 'utf8')) as unknown, parentModel);
  const settings = parent.config;
  const target = settings.target;

  // ---- the new rows: same columns as the parent's training data (its raw source's, when it was cleaned) ----
  const lineage = pkg.lineage ?? null;
  const expected = lineage ? sourceColumns(options.root, lineage.parent, target) : parentColumns(parent, pkg.features.map((f) => f.name));
  const parentHeader = existsSync(settings.dataset) ? readLayout(settings.dataset).columns : null;
  if (mode === 'combined' && parentHeader === null) {
    throw new UserError('NOT_FOUND', `The training data of experiment ${parent.id} (${settings.dataset}) is gone: 'combined' needs its rows; retrain on the new data alone instead.`);
  }
  const fresh = await readNewRows(options.newData, target, settings.task === 'regression', expected, signal);
  const newSha256 = await hashFile(nodeStoreFs, options.newData, signal);

  // ---- the split ----
  const targetIndex = fresh.columns.indexOf(target);
  const numericClasses = (pkg.target.classes ?? []).every((c) => String(labelNumber(c)) === c);
  const labelOf = (row: string[]): string => classKey(row[targetIndex] ?? '', numericClasses);
  const n = fresh.rows.length;
  const holdoutRows = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  if (n < 2 || holdoutRows < MIN_HOLDOUT_ROWS || n - holdoutRows < MIN_NEW_TRAIN_ROWS) {
    throw new UserError(
      'TOO_FEW_ROWS',
      `${basename(options.newData)} has ${n} row${n === 1 ? '' : 's'} with a target: too few to hold out ${Math.round(fraction * 100)}% for the comparison (at least ${MIN_HOLDOUT_ROWS} holdout and ${MIN_NEW_TRAIN_ROWS} training rows are needed).`,
    );
  }
  let stratify: Int32Array | undefined;
  if (settings.task !== 'regression') {
    const keys = [...new Set(fresh.rows.map(labelOf))].sort();
    const code = new Map(keys.map((k, i) => [k, i]));
    stratify = Int32Array.from(fresh.rows, (r) => code.get(labelOf(r))!);
  }
  const [split] = holdout(n, fraction, mixSeed(settings.seed, 0x72657472), stratify);
  const trainIdx = Array.from(split!.train).sort((a, b) => a - b);
  const holdIdx = Array.from(split!.valid).sort((a, b) => a - b);

  // ---- the files: written whole (temp + rename); the folder goes again if anything fails before the sweep ----
  const folder = await newFolder(join(options.root, '.mllab', 'retrain'), options.newData);
  const stem = stemOf(options.newData);
  const rawTrainPath = join(folder, `${stem}-train.csv`);
  const holdoutPath = join(folder, `${stem}-holdout.csv`);
  let sweepStarted = false;
  let sweepDone = false;
  let childId: string | null = null;
  const versions = new DatasetVersions(join(options.root, '.mllab'));
  let savedVersion: string | null = null;
  try {
    // The two parts as the new data has them (its columns, raw).
    const header = fresh.columns.map(csvField).join(',');
    const line = (row: readonly string[]): string => fresh.columns.map((_, j) => csvField(row[j] ?? '')).join(',');
    await writeFileAtomic(nodeStoreFs, holdoutPath, [header, ...holdIdx.map((i) => line(fresh.rows[i]!))].join('\n') + '\n');
    await writeFileAtomic(nodeStoreFs, rawTrainPath, [header, ...trainIdx.map((i) => line(fresh.rows[i]!))].join('\n') + '\n');
    // A parent trained on a cleaned version: the new rows go through the same fitted Recipe first.
    let newTrainPath = rawTrainPath;
    let applied: ApplyReport | null = null;
    if (lineage) {
      newTrainPath = join(folder, `${stem}-train.clean.csv`);
      applied = await applyRecipeToFile(rawTrainPath, lineage.recipe, newTrainPath, signal ? { signal } : {});
    }
    let trainPath = newTrainPath;
    if (mode === 'combined') {
      trainPath = join(folder, `${stem}-combined.csv`);
      const lines = [parentHeader!.map(csvField).join(',')];
      lines.push(...(await parentRows(parent, parentHeader!, signal)));
      lines.push(...(await fileRows(newTrainPath, parentHeader!, signal)));
      await writeFileAtomic(nodeStoreFs, trainPath, lines.join('\n') + '\n');
    }
    if (signal?.aborted) throw cancelled();
    if (lineage) {
      // Recorded as a dataset version with the parent's Recipe, so the child's model replays it too and
      // predicts raw rows like its parent.
      const hash = await hashFile(nodeStoreFs, trainPath, signal);
      // The same new data split the same way gives the same file: its first record stays.
      if (!(await versions.get(hash))) {
        savedVersion = hash;
        await versions.save({
          schemaVersion: DATASET_VERSION_SCHEMA_VERSION,
          hash,
          path: workspacePath(options.root, trainPath),
          name: basename(trainPath),
          parent: { hash: await hashFile(nodeStoreFs, rawTrainPath, signal), path: workspacePath(options.root, rawTrainPath) },
          recipe: lineage.recipe,
          report: applied,
          rows: (await fileRows(trainPath, null, signal)).length,
          createdAt: new Date().toISOString(),
        });
      }
    }

    // ---- the child sweep: the parent's settings, warm-started from it ----
    const v = settings.validation;
    const budgetSeconds = options.budgetSeconds ?? settings.budgetSeconds ?? undefined;
    const maxTrials = options.maxTrials ?? settings.maxTrials ?? undefined;
    const config: SweepConfig = {
      dataset: trainPath,
      target,
      task: settings.task,
      metric: settings.metric,
      search: settings.search,
      seed: settings.seed,
      models: settings.models,
      parallel: options.parallel ?? settings.parallel,
      pruner: settings.pruner,
      ensemble: settings.ensemble,
      ...(v.kind === 'holdout' ? { holdout: v.fraction } : { folds: v.folds }),
      ...(budgetSeconds !== undefined ? { budgetSeconds } : {}),
      ...(maxTrials !== undefined ? { maxTrials } : {}),
      // The parent's time box came from its budget: a new budget gets its own default.
      ...(options.budgetSeconds === undefined ? { trialTimeoutSeconds: settings.trialTimeoutSeconds } : {}),
      // The retrain's own holdout is the comparison: the child trains on every row of its part.
      testFraction: 0,
      workspace: options.root,
      warmStart: parent.id,
      parent: parent.id,
    };
    const hooks: SweepHooks = {
      ...options.hooks,
      ...(signal ? { signal } : {}),
      onProgress: (p) => {
        childId = p.experimentId;
        options.hooks?.onProgress?.(p);
      },
    };
    sweepStarted = true;
    const result = await runSweep(config, hooks);
    childId = result.experimentId;
    sweepDone = true;

    // ---- the comparison: both models over the same class list (the parent's classes first) ----
    const metric = parent.metric;
    const holdLabels = lineage ? await cleanedLabels(holdoutPath, join(folder, `${stem}-holdout.labels.csv`), lineage.recipe, target, signal) : holdIdx.map((i) => fresh.rows[i]![targetIndex] ?? '');
    const parentPredictions = await predictFile(parentModel, holdoutPath, signal ? { signal } : {});
    const childPredictions = await predictFile(result.modelPath, holdoutPath, signal ? { signal } : {});
    if (signal?.aborted) throw cancelled();
    const keys = holdLabels.map((l) => classKey(l, numericClasses));
    const classes = [...new Set([...classesOf(parentPredictions), ...classesOf(childPredictions), ...[...new Set(keys)].sort()])];
    const parentScore = scoreOn(parentPredictions, holdLabels, keys, classes, metric);
    const childScore = scoreOn(childPredictions, holdLabels, keys, classes, metric);
    const info = METRICS[metric];
    const promoted = Number.isFinite(parentScore) && Number.isFinite(childScore) && (info.greaterIsBetter ? childScore > parentScore : childScore < parentScore);
    const outcome: RetrainOutcome = {
      parentExperiment: parent.id,
      childExperiment: result.experimentId,
      mode,
      newData: { path: options.newData, sha256: newSha256, rows: fresh.fileRows },
      holdoutRows: holdIdx.length,
      metric,
      greaterIsBetter: info.greaterIsBetter,
      parentScore,
      childScore,
      promoted,
      reason: reasonFor(info.label, info.greaterIsBetter, parentScore, childScore, holdIdx.length, promoted),
      split: { train: rawTrainPath, holdout: holdoutPath },
    };
    await updateRecord(store, result.experimentId, (r) => ({ ...r, retrain: outcome }));
    return outcome;
  } catch (e) {
    if (!sweepStarted || (childId === null && !(await childExists(store, folder)))) {
      // Nothing refers to the split yet: it goes, so a failed retrain leaves nothing behind.
      await fsp.rm(folder, { recursive: true, force: true });
      if (savedVersion !== null) {
        await fsp.rm(versions.recipePath(savedVersion), { force: true });
        await fsp.rm(versions.recordPath(savedVersion), { force: true });
      }
    } else if (sweepDone && childId !== null && signal?.aborted) {
      // Stopped after the child's sweep ended (while comparing): it reads as interrupted, like a stopped sweep.
      const id = childId;
      await updateRecord(store, id, (r) => (r.status === 'done' ? { ...r, status: 'interrupted', owner: null } : r)).catch(() => undefined);
    }
    throw signal?.aborted ? cancelled() : e;
  }
}

/** A label as the model's class names spell it: numbers canonical ("1.0" is class "1") when the classes are numbers. */
function classKey(text: string, numericClasses: boolean): string {
  const t = text.trim();
  if (numericClasses) {
    const x = labelNumber(t);
    if (!Number.isNaN(x)) return String(x);
  }
  return t;
}

function stemOf(path: string): string {
  return basename(path, extname(path));
}

/**
 * The columns new data must have: the parent's training file's header when it is still there, else the
 * target and the features the parent's model reads.
 */
function parentColumns(parent: ExperimentRecord, features: string[]): { columns: string[] | null; required: string[] } {
  if (existsSync(parent.config.dataset)) {
    const columns = readLayout(parent.config.dataset).columns;
    return { columns, required: columns };
  }
  return { columns: null, required: [parent.config.target, ...features] };
}

/** A cleaned version's model reads its source's columns: that file's header when it is still there. */
function sourceColumns(root: string, source: { path: string } | null, target: string): { columns: string[] | null; required: string[] } {
  const path = source ? resolve(root, source.path) : null;
  if (path && existsSync(path)) {
    const columns = readLayout(path).columns;
    return { columns, required: columns };
  }
  // Unknown: the Recipe's replay names a column it misses.
  return { columns: null, required: [target] };
}

/** Workspace-relative with '/' inside the workspace (as dataset versions record paths), else absolute. */
function workspacePath(root: string, path: string): string {
  const rel = relative(root, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/');
}

async function readNewRows(path: string, target: string, regression: boolean, expected: { columns: string[] | null; required: string[] }, signal: AbortSignal | undefined): Promise<NewRows> {
  const layout = readLayout(path);
  const columns = layout.columns;
  const name = basename(path);
  if (!columns.includes(target)) throw new UserError('BAD_TARGET', `${name} has no column ${JSON.stringify(target)}, the target the model predicts: ${describeMissingColumn(target, columns)}`);
  const missing = expected.required.filter((c) => !columns.includes(c));
  const extra = expected.columns === null ? [] : columns.filter((c) => !expected.columns!.includes(c));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length > 0 ? `lacks ${missing.map((c) => JSON.stringify(c)).join(', ')}` : null, extra.length > 0 ? `has columns the training data did not (${extra.map((c) => JSON.stringify(c)).join(', ')})` : null].filter((p) => p !== null);
    throw new UserError('MISSING_COLUMN', `${name} does not have the training data's columns: it ${parts.join(' and ')}.`);
  }
  const targetIndex = columns.indexOf(target);
  const rows: string[][] = [];
  let fileRows = 0;
  for (const record of dataRecords(path, layout.dialect)) {
    fileRows++;
    if (fileRows % YIELD_ROWS === 0) {
      await new Promise<void>((r) => setImmediate(r));
      if (signal?.aborted) throw cancelled();
    }
    const label = (record[targetIndex] ?? '').trim();
    // A row without a target can neither train nor be scored.
    if (MISSING.has(label) || (regression && Number.isNaN(labelNumber(label)))) continue;
    rows.push(record);
  }
  if (fileRows === 0) throw new UserError('NO_DATA_ROWS', `${name} has a header but no data rows.`);
  return { columns, rows, fileRows };
}

/** Every data row of the parent's training file as CSV lines in `header` order; the file must be the one it trained on. */
async function parentRows(parent: ExperimentRecord, header: readonly string[], signal: AbortSignal | undefined): Promise<string[]> {
  const path = parent.config.dataset;
  if ((await hashFile(nodeStoreFs, path, signal)) !== parent.dataset.sha256) {
    throw new UserError('FILE_CHANGED', `${path} changed since experiment ${parent.id} trained on it: 'combined' would not add the rows the parent saw.`);
  }
  return fileRows(path, header, signal);
}

/** The data rows of a CSV as lines in `header` order (null: the file's own order); its columns must be those. */
async function fileRows(path: string, header: readonly string[] | null, signal: AbortSignal | undefined): Promise<string[]> {
  const layout = readLayout(path);
  if (header && (header.length !== layout.columns.length || header.some((c) => !layout.columns.includes(c)))) {
    const missing = header.filter((c) => !layout.columns.includes(c));
    const extra = layout.columns.filter((c) => !header.includes(c));
    throw new UserError('MISSING_COLUMN', `The new rows do not have the parent's training columns${missing.length ? `: missing ${missing.map((c) => JSON.stringify(c)).join(', ')}` : ''}${extra.length ? `; other columns ${extra.map((c) => JSON.stringify(c)).join(', ')}` : ''}.`);
  }
  const order = (header ?? layout.columns).map((c) => layout.columns.indexOf(c));
  const out: string[] = [];
  for (const record of dataRecords(path, layout.dialect)) {
    out.push(order.map((j) => csvField(record[j] ?? '')).join(','));
    if (out.length % YIELD_ROWS === 0) {
      await new Promise<void>((r) => setImmediate(r));
      if (signal?.aborted) throw cancelled();
    }
  }
  return out;
}

/**
 * The holdout's target as the models learnt it: when the Recipe rewrites the target (e.g. unifies its case),
 * its row-by-row steps run over the holdout first (prediction skips them; the labels need them).
 */
async function cleanedLabels(holdoutPath: string, scratch: string, recipe: Recipe, target: string, signal: AbortSignal | undefined): Promise<string[]> {
  // stepsForPrediction keeps the row-by-row steps; a target name no column has keeps the target's own.
  const steps = stepsForPrediction(recipe.steps, '\u0000');
  try {
    await applyRecipeToFile(holdoutPath, { ...recipe, steps }, scratch, { force: true, ...(signal ? { signal } : {}) });
    const layout = readLayout(scratch);
    const at = layout.columns.indexOf(target);
    if (at < 0) throw new UserError('BAD_TARGET', `The Recipe of the parent's training data removes the target ${JSON.stringify(target)}.`);
    const labels: string[] = [];
    for (const record of dataRecords(scratch, layout.dialect)) labels.push(record[at] ?? '');
    return labels;
  } finally {
    await fsp.rm(scratch, { force: true });
  }
}

function classesOf(predictions: Predictions): string[] {
  return predictions.header.slice(1).map((h) => h.slice('proba_'.length));
}

/**
 * A model's `metric` on the holdout. Classification: its probabilities laid over `classes` (every class
 * either model or the holdout knows; a class the model never saw has probability 0, so it counts against it).
 */
function scoreOn(predictions: Predictions, labels: readonly string[], keys: readonly string[], classes: readonly string[], metric: MetricName): number {
  if (predictions.rows.length !== labels.length) throw new Error(`The model predicted ${predictions.rows.length} of the ${labels.length} holdout rows.`);
  if (predictions.header.length === 1) {
    const y = Float64Array.from(labels, (l) => labelNumber(l));
    const p = Float64Array.from(predictions.rows, (r) => Number(r[0]));
    return computeMetric(metric, { task: 'regression', y }, p);
  }
  const column = new Map(classes.map((c, i) => [c, i]));
  const own = classesOf(predictions).map((c) => column.get(c)!);
  const k = classes.length;
  const p = new Float64Array(labels.length * k);
  predictions.rows.forEach((row, r) => {
    own.forEach((c, j) => (p[r * k + c] = Number(row[j + 1])));
  });
  const y = Int32Array.from(keys, (key) => column.get(key)!);
  const task: 'binary' | 'multiclass' = k === 2 ? 'binary' : 'multiclass';
  const labelled: Labels = { task, y, classes: k };
  return computeMetric(metric, labelled, p);
}

/** A fresh folder under `parent` named like an experiment (time, the new data's name, a few hex digits). */
async function newFolder(parent: string, newData: string): Promise<string> {
  await fsp.mkdir(parent, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const dir = join(parent, newFolderName(newData));
    try {
      await fsp.mkdir(dir);
      return dir;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'EEXIST' || attempt >= 20) throw e;
    }
  }
}

function reasonFor(label: string, greaterIsBetter: boolean, parentScore: number, childScore: number, rows: number, promoted: boolean): string {
  const show = (x: number): string => (Number.isFinite(x) ? (Math.abs(x) >= 1000 ? x.toFixed(1) : x.toPrecision(4)) : 'undefined');
  const scores = `${label} on the ${rows} holdout rows: retrained ${show(childScore)}, current ${show(parentScore)}`;
  if (!Number.isFinite(parentScore) || !Number.isFinite(childScore)) return `Not promoted: the ${label} is undefined on this holdout (${scores}).`;
  if (promoted) return `Promoted: the retrained model is better (${scores}; ${greaterIsBetter ? 'higher' : 'lower'} is better).`;
  if (childScore === parentScore) return `Not promoted: the retrained model only ties the current one (${scores}).`;
  return `Not promoted: the retrained model is worse (${scores}; ${greaterIsBetter ? 'higher' : 'lower'} is better).`;
}

/** Rewrites a finished experiment's record under its lock. */
async function updateRecord(store: ExperimentStore, id: string, change: (record: ExperimentRecord) => ExperimentRecord): Promise<void> {
  const writer = await store.open(id);
  try {
    const record = await store.read(id);
    if (!record) throw new UserError('NOT_FOUND', `No experiment ${id} in ${store.dir}.`);
    await writer.writeRecord(change(record));
  } finally {
    await writer.release();
  }
}

/** Whether an experiment trains on a file in `folder` (the child's sweep got as far as creating it). */
async function childExists(store: ExperimentStore, folder: string): Promise<boolean> {
  return (await store.list()).some((s) => s.dataset.startsWith(folder + sep));
}
