// The sweep runner: load the table once, fix the folds, propose configurations (deterministically: trial i
// is proposed from the finished trials 0..i-P-1, P = parallel trials, with randomness seeded by (seed, i);
// so trial i may start while trials i-P..i-1 still run, and a slow trial is overtaken by P others before
// it holds the sweep up),
// run each trial on a worker thread (time-boxed, failing alone), journal it, and at the end select an
// optional greedy ensemble, refit the winner on all rows, save the model package and the report.
//
// Pruning is deterministic too: each trial gets a fresh pruner fed the journaled reports of trials
// 0..i-P-1 in index order, then its own. So the same seed gives the same trials whatever the thread timing.
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { cancelled, UserError } from '../errors.js';
import { holdout, kFold, stratifiedKFold } from '../ml/folds.js';
import type { Fold } from '../ml/folds.js';
import { defaultMetric, fromObjective, METRICS, metricsFor, parseMetricName, toObjective } from '../ml/metrics.js';
import { mixSeed, seededRandom } from '../ml/random.js';
import type { FeatureColumn, FeatureSchema, Labels, MetricName, ModelFamily, ModelKind, Task, TrainingTable } from '../ml/types.js';
import { hashFile } from '../store/profileCache.js';
import { nodeStoreFs } from '../store/atomicFile.js';
import { ExperimentStore, currentOwner } from '../store/experiments.js';
import type { ExperimentWriter } from '../store/experiments.js';
import { EXPERIMENT_SCHEMA_VERSION, testFractionOf } from '../../protocol/experiment.js';
import type { SweepBackend } from '../../protocol/distributed.js';
import type { ExperimentRecord, PrunerName, SweepProgress, SweepSettings, TrialRecord, Validation } from '../../protocol/experiment.js';
import { createPruner, rungBudgets } from './pruners.js';
import { createSampler } from './samplers.js';
import { buildSearchSpace, configKey } from './space.js';
import { heldOutImportance, labelsOf, predictionWidth, refit, runTrial, validatedRows } from './trial.js';
import type { HeldOutImportance, RefitResult, TrialJob, TrialKit, TrialOutcome } from './trial.js';
import type { FromTrialThread, ToTrialThread, TrialThreadInput } from './trialThread.js';
import type { FinishedTrial, IntermediateReport, Pruner, SamplerName, TrialConfig } from './types.js';
import { checkTestFraction, defaultTestFraction, SPLIT_FORMAT, SPLIT_SCHEMA_VERSION, splitTestRows, takeRows, testFileRows } from './testSplit.js';
import type { SplitFile, TestSplit } from './testSplit.js';

export interface SweepConfig {
  dataset: string;
  target: string;
  task?: Task | 'auto';
  /** A metric name as the user typed it (aliases allowed); default per task. */
  metric?: string;
  budgetSeconds?: number;
  maxTrials?: number;
  search?: SamplerName;
  seed?: number;
  models?: ModelKind[];
  /** k of k-fold (default 5); ignored with holdout. */
  folds?: number;
  /** Validate on one split holding out this share of rows instead of k-fold. */
  holdout?: number;
  /**
   * Share of the rows set aside before the search as a test set (stratified for classification, seeded):
   * the trials, folds, ensemble and importance see only the rest; the shipped model is scored on it once.
   * 0 = none. Default: DEFAULT_TEST_FRACTION (0.2) for tables of at least DEFAULT_TEST_MIN_ROWS (100)
   * rows, else 0. Ignored on resume (the stored split is replayed).
   */
  testFraction?: number;
  parallel?: number;
  pruner?: PrunerName;
  trialTimeoutSeconds?: number;
  ensemble?: boolean;
  /** Folder holding `.mllab` (default: the current directory). */
  workspace?: string;
  /** Continue this experiment (its stored settings win, except a budget or trial count given here). */
  resume?: string;
  /** Propose this earlier experiment's best configurations first. */
  warmStart?: string;
  /** The experiment this sweep re-runs (Re-run in the Experiments tree); stored as the record's `parent`. */
  parent?: string;
  /**
   * Where trials run: 'local' (worker threads, default) or 'redis' (a BullMQ queue served by `mllab worker`
   * processes; refits, importance and the store stay here). Not stored: a resume may pick either.
   */
  backend?: SweepBackend;
  /**
   * The Redis of the 'redis' backend; a password here wins over one in the URL. `offerHost`: the address the
   * dataset is offered to workers on (default 127.0.0.1: workers on other machines read a shared path).
   */
  redis?: { url: string; password?: string; offerHost?: string };
}

export interface SweepHooks {
  onTrial?(trial: TrialRecord): void;
  onProgress?(progress: SweepProgress): void;
  /** Abort = stop cleanly: running trials cancelled, the experiment marked interrupted (resumable). */
  signal?: AbortSignal;
  /** A trial was proposed and handed to a thread (the Sweep panel lists it as running). */
  onTrialStart?(index: number, config: TrialConfig): void;
  /**
   * Pause: awaited before each proposal; resolves when the sweep may go on. While it is pending nothing new
   * starts, running trials finish and are journaled, and the paused time counts against neither the budget
   * nor the experiment's search seconds. An abort ends the wait.
   */
  untilResumed?(): Promise<void>;
}

export interface SweepResult {
  experimentId: string;
  dir: string;
  status: 'done';
  metric: MetricName;
  bestScore: number;
  bestTrial: number;
  bestKind: 'trial' | 'ensemble';
  /** The saved model package. */
  modelPath: string;
  reportPath: string;
  trials: TrialRecord[];
  backend: string | null;
  /** The shipped model's metric on the held-out test rows; null when none were held out. */
  heldOutScore: number | null;
  /** Rows held out (0 = none). */
  heldOutRows: number;
}

/** What the runner plugs together; the shipped parts by default, doubles in unit tests. */
export interface SweepParts {
  /** `fileRows`: each table row's 0-based data row in the file (identity when absent). */
  loadTable(path: string, target: string, task: Task | 'auto', signal?: AbortSignal): Promise<{ table: TrainingTable; schema: FeatureSchema[]; fileRows?: Int32Array }>;
  families: readonly ModelFamily[];
  /** Run trials in this process with this kit (tests); null: worker threads with `kitModule`'s kit. */
  kit: TrialKit | null;
  /** Module the threads load their kit from (a test double); null = the shipped kit. */
  kitModule: string | null;
  /** Called with the finished experiment to write the model package and report (sweep end). */
  finish(context: FinishContext): Promise<{ modelPath: string; reportPath: string }>;
}

/** Everything the end of a sweep needs to save the winner and its report. */
export interface FinishContext {
  writer: ExperimentWriter;
  record: ExperimentRecord;
  table: TrainingTable;
  schema: FeatureSchema[];
  folds: readonly Fold[];
  trials: TrialRecord[];
  /** The winner: one trial, or ensemble members with weights. */
  members: { trial: TrialRecord; weight: number; fitted: RefitResult }[];
  /** The winner's out-of-fold predictions over `validatedRows(folds)`. */
  oof: Float64Array;
  /** Permutation importance of the winner's (leading member's) configuration on held-out folds; null if it failed. */
  importance: HeldOutImportance | null;
  /** Why importance is missing or measured on fewer folds (skipped at the end of the budget, failed); null = complete. */
  importanceNote: string | null;
  /** The shipped model on the held-out test rows; null when none were held out. */
  heldOut: HeldOutResult | null;
}

/** The refitted winner's predictions for the held-out test rows, and every metric of the task on them. */
export interface HeldOutResult {
  /** Held-out rows as 0-based data rows of the file, ascending (split.json's testRows). */
  fileRows: number[];
  labels: Labels;
  /** In the Predictor.predict layout, one row per held-out row in `fileRows` order. */
  predictions: Float64Array;
  metrics: Partial<Record<MetricName, number>>;
}

/** Default time box of one trial: a third of the budget, between 10 s and 5 min. */
export function defaultTrialTimeout(budgetSeconds: number | null): number {
  if (budgetSeconds === null) return 300;
  return Math.min(300, Math.max(10, budgetSeconds / 3));
}

const DEFAULT_BUDGET_SECONDS = 60;
/** Done trials whose out-of-fold predictions are kept for the ensemble. */
const ENSEMBLE_POOL = 12;
/** Best configurations an earlier experiment contributes to a warm start. */
const WARM_START_CONFIGS = 5;

// ---- the end of a budgeted sweep ----
// `--budget S` bounds the whole sweep: loading, trials, ensemble, refit, importance and the saved files. The
// end's time is reserved from the budget, estimated from the measured cost of the trials.
/** Thread start-up for the refits, writing the package and report (ms), plus per training row (ensemble
 * selection and the report's curves; 7.5k rows: ~0.7 s of selection on a loaded machine). */
const END_FIXED_MS = 500;
const END_MS_PER_ROW = 0.1;
/** Leading trials whose refits the reserve counts on (a kept ensemble holds a few of them). */
const LIKELY_MEMBERS = 4;
/** The reserve never takes more than this share of the budget. */
const END_RESERVE_SHARE = 0.25;
/** Writing the package and report after importance (ms). */
const FINISH_MS = 300;
/** One importance fold = a fold's fit plus the shuffled predictions, as a multiple of the trial's fold time. */
const IMPORTANCE_FOLD_COST = 1.5;

// ---- settings ---------------------------------------------------------------------------------------

function checkPositive(name: string, v: number | undefined, integer: boolean): void {
  if (v === undefined) return;
  if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) throw new UserError('BAD_ARGUMENT', `${name} must be a positive ${integer ? 'whole number' : 'number'} (got ${v}).`);
}

export function resolveSettings(config: SweepConfig, table: TrainingTable, families: readonly ModelFamily[], datasetPath: string): SweepSettings {
  const task = table.target.task;
  const metric = config.metric === undefined ? defaultMetric(task) : parseMetricName(config.metric, task);
  checkPositive('The budget', config.budgetSeconds, false);
  checkPositive('The trial count', config.maxTrials, true);
  checkPositive('The number of folds', config.folds, true);
  checkPositive('Parallel trials', config.parallel, true);
  checkPositive('The trial time box', config.trialTimeoutSeconds, false);
  const budgetSeconds = config.budgetSeconds ?? (config.maxTrials === undefined ? DEFAULT_BUDGET_SECONDS : null);
  const applicable = families.filter((f) => f.tasks.includes(task)).map((f) => f.kind);
  let models = applicable;
  if (config.models && config.models.length > 0) {
    for (const m of config.models) {
      if (!families.some((f) => f.kind === m)) throw new UserError('BAD_ARGUMENT', `Unknown model '${m}'. Models: ${families.map((f) => f.kind).join(', ')}.`);
      if (!applicable.includes(m)) throw new UserError('BAD_ARGUMENT', `Model '${m}' cannot learn a ${task} target.`);
    }
    models = [...new Set(config.models)];
  }
  if (models.length === 0) throw new UserError('BAD_ARGUMENT', `No model in this build can learn a ${task} target.`);
  let validation: Validation;
  if (config.holdout !== undefined) {
    if (!(config.holdout > 0 && config.holdout < 1)) throw new UserError('BAD_ARGUMENT', `The holdout share must be between 0 and 1 (got ${config.holdout}).`);
    validation = { kind: 'holdout', fraction: config.holdout };
  } else {
    const folds = config.folds ?? 5;
    if (folds < 2) throw new UserError('BAD_ARGUMENT', `Cross-validation needs at least 2 folds (got ${folds}).`);
    validation = { kind: 'kfold', folds, stratified: task !== 'regression' };
  }
  if (config.testFraction !== undefined) checkTestFraction(config.testFraction);
  return {
    dataset: datasetPath,
    target: table.target.name,
    task,
    metric,
    budgetSeconds,
    maxTrials: config.maxTrials ?? null,
    search: config.search ?? 'tpe',
    seed: config.seed ?? 0,
    models,
    validation,
    parallel: config.parallel ?? Math.max(1, availableParallelism()),
    // Median stopping over folds by default: every fold is a natural intermediate score that costs no
    // extra fit, while successive halving refits at growing budgets (wasted work on small tables).
    pruner: config.pruner ?? 'median',
    trialTimeoutSeconds: config.trialTimeoutSeconds ?? defaultTrialTimeout(budgetSeconds),
    ensemble: config.ensemble ?? true,
    warmStart: config.warmStart ?? null,
    testFraction: config.testFraction ?? defaultTestFraction(table.rows),
  };
}

export function makeFolds(table: TrainingTable, validation: Validation, seed: number): Fold[] {
  const t = table.target;
  const labels = t.task === 'regression' ? undefined : t.codes;
  const foldSeed = mixSeed(seed, 0x666f6c64);
  if (validation.kind === 'holdout') return holdout(table.rows, validation.fraction, foldSeed, labels);
  if (labels && validation.stratified) return stratifiedKFold(labels, validation.folds, foldSeed, { allowSmallClasses: true });
  return kFold(table.rows, validation.folds, foldSeed);
}

// ---- running trials ----------------------------------------------------------------------------------

export interface RunRequest {
  job: TrialJob;
  /** Budgets of the successive-halving rungs run on fold 0 before the full cross-validation, or null. */
  rungs: number[] | null;
  report(step: number, objective: number): boolean;
  timeoutMs: number;
  /** Aborted at the end of the budget: the trial ends at once, failed with BUDGET_STOP_ERROR (journaled). */
  stop?: AbortSignal;
}

/** The error of a trial cut at the end of the budget: a failed trial, not re-run on resume. */
export const BUDGET_STOP_ERROR = 'stopped at the end of the budget';

export type RunResult = TrialOutcome | { status: 'cancelled' };

export interface ImportanceJob {
  config: TrialConfig;
  trial: number;
  seed: number;
  metric: MetricName;
  maxFolds: number;
  repeats: number;
}

/** Folds permutation importance is measured on (each needs its own fit of the winning configuration). */
const IMPORTANCE_FOLDS = 3;
const IMPORTANCE_REPEATS = 3;

/** Where trials run: in this process, on worker threads, or on a Redis fleet (core/distributed). */
export interface TrialExecutor {
  run(request: RunRequest): Promise<RunResult>;
  refit(config: TrialConfig, trial: number, seed: number, timeoutMs: number): Promise<RefitResult>;
  importance(job: ImportanceJob, timeoutMs: number): Promise<HeldOutImportance>;
  cancelAll(): void;
  close(): Promise<void>;
}

function failed(error: string): TrialOutcome {
  return { status: 'failed', oof: null, foldScores: [], metrics: {}, error, backend: null };
}

/** Trials in this process (tests with doubles). The time box fails the trial; its fit is asked to stop. */
class InProcessExecutor implements TrialExecutor {
  private readonly controllers = new Set<AbortController>();
  private cancelled = false;

  constructor(
    private readonly table: TrainingTable,
    private readonly folds: readonly Fold[],
    private readonly kit: TrialKit,
    private readonly test: TrainingTable | null,
  ) {}

  async run(request: RunRequest): Promise<RunResult> {
    const controller = new AbortController();
    this.controllers.add(controller);
    let timer: NodeJS.Timeout | undefined;
    let onStop: (() => void) | undefined;
    const timeout = new Promise<TrialOutcome>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve(failed(`exceeded its time box of ${request.timeoutMs / 1000} s`));
      }, request.timeoutMs);
      onStop = (): void => {
        controller.abort();
        resolve(failed(BUDGET_STOP_ERROR));
      };
      if (request.stop?.aborted) onStop();
      else request.stop?.addEventListener('abort', onStop, { once: true });
    });
    try {
      const outcome = await Promise.race([runTrial(request.job, this.table, this.folds, this.kit, request.report, controller.signal, request.rungs), timeout]);
      return this.cancelled ? { status: 'cancelled' } : outcome;
    } finally {
      clearTimeout(timer);
      if (onStop) request.stop?.removeEventListener('abort', onStop);
      this.controllers.delete(controller);
    }
  }

  refit(config: TrialConfig, trial: number, seed: number): Promise<RefitResult> {
    return refit(config, trial, seed, this.folds.length, this.table, this.kit, this.test);
  }

  async importance(job: ImportanceJob, timeoutMs: number): Promise<HeldOutImportance> {
    const controller = new AbortController();
    this.controllers.add(controller);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`permutation importance exceeded its time box of ${timeoutMs / 1000} s`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([heldOutImportance(job.config, job.trial, job.seed, job.metric, this.table, this.folds, this.kit, job.maxFolds, job.repeats, controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }

  cancelAll(): void {
    this.cancelled = true;
    for (const c of this.controllers) c.abort();
  }

  async close(): Promise<void> {}
}

/** The trial thread's script: next to this bundle (dist/trialThread.js), or the TypeScript source under tsx. */
function threadScript(): string {
  const bundled = path.join(__dirname, 'trialThread.js');
  if (existsSync(bundled)) return bundled;
  const source = path.join(__dirname, 'trialThread.ts');
  if (existsSync(source)) return source;
  throw new Error(`The trial thread script is missing beside ${__dirname}.`);
}

/** A pool of trial threads; a thread whose trial hangs, crashes or is cancelled is terminated and replaced. */
export class ThreadExecutor implements TrialExecutor {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, () => void>();
  private readonly script = threadScript();

  constructor(private readonly input: TrialThreadInput) {}

  private spawn(): Worker {
    const workerData = { mllabTrialThread: true, input: this.input };
    if (this.script.endsWith('.ts')) {
      // Tests run the sources through tsx; a thread needs its loader too. A variable, so bundlers leave it alone.
      const loader = 'tsx/cjs';
      const code = `require(${JSON.stringify(require.resolve(loader))}); require(${JSON.stringify(this.script)});`;
      return new Worker(code, { eval: true, workerData });
    }
    return new Worker(this.script, { workerData });
  }

  private take(): Worker {
    const idle = this.idle.pop();
    if (idle) return idle;
    const worker = this.spawn();
    // An idle thread's error has no trial to fail; without a listener it would take the process down.
    worker.on('error', () => undefined);
    return worker;
  }

  /** Runs one exchange on a thread; `onMessage` returns a value to finish, undefined to keep listening. */
  private exchange<T>(first: ToTrialThread, onMessage: (m: FromTrialThread, w: Worker) => T | undefined, onLost: (why: string) => T, timeoutMs: number | null, stop?: AbortSignal): Promise<T> {
    const worker = this.take();
    return new Promise<T>((resolve) => {
      let settled = false;
      const finish = (value: T, keep: boolean): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        stop?.removeEventListener('abort', stopped);
        worker.off('message', message);
        worker.off('error', error);
        worker.off('exit', exit);
        this.busy.delete(worker);
        if (keep) this.idle.push(worker);
        else void worker.terminate();
        resolve(value);
      };
      const message = (m: FromTrialThread): void => {
        const value = onMessage(m, worker);
        if (value !== undefined) finish(value, true);
      };
      const error = (e: Error): void => finish(onLost(`the trial thread crashed: ${e.message.split('\n')[0] ?? ''}`), false);
      const exit = (code: number): void => finish(onLost(`the trial thread exited (code ${code})`), false);
      const timer = timeoutMs === null ? null : setTimeout(() => finish(onLost(`exceeded its time box of ${timeoutMs / 1000} s`), false), timeoutMs);
      // The end of the budget: the thread is terminated like a timed-out one.
      const stopped = (): void => finish(onLost(BUDGET_STOP_ERROR), false);
      worker.on('message', message);
      worker.on('error', error);
      worker.on('exit', exit);
      this.busy.set(worker, () => finish(onLost('cancelled'), false));
      if (stop?.aborted) {
        finish(onLost(BUDGET_STOP_ERROR), true); // the thread never got the job: it stays in the pool
        return;
      }
      stop?.addEventListener('abort', stopped, { once: true });
      worker.postMessage(first);
    });
  }

  async run(request: RunRequest): Promise<RunResult> {
    let cancelledRun = false;
    const result = await this.exchange<TrialOutcome>(
      { type: 'trial', job: request.job, rungs: request.rungs },
      (m, w) => {
        if (m.type === 'fold') {
          w.postMessage({ type: 'verdict', stop: request.report(m.fold, m.objective) } satisfies ToTrialThread);
          return undefined;
        }
        return m.type === 'outcome' ? m.outcome : undefined;
      },
      (why) => {
        if (why === 'cancelled') cancelledRun = true;
        return failed(why);
      },
      request.timeoutMs,
      request.stop,
    );
    return cancelledRun ? { status: 'cancelled' } : result;
  }

  async refit(config: TrialConfig, trial: number, seed: number, timeoutMs: number): Promise<RefitResult> {
    const r = await this.exchange<RefitResult | Error>(
      { type: 'refit', config, trial, seed },
      (m) => (m.type === 'refitted' ? m.result : m.type === 'jobFailed' ? new Error(m.error) : undefined),
      (why) => new Error(why === 'cancelled' ? why : `the refit of trial ${trial} ${why}`),
      timeoutMs,
    );
    if (r instanceof Error) throw r;
    return r;
  }

  async importance(job: ImportanceJob, timeoutMs: number): Promise<HeldOutImportance> {
    const r = await this.exchange<HeldOutImportance | Error>(
      { type: 'importance', ...job },
      (m) => (m.type === 'importance' ? m.result : m.type === 'jobFailed' ? new Error(m.error) : undefined),
      (why) => new Error(why === 'cancelled' ? why : `permutation importance ${why}`),
      timeoutMs,
    );
    if (r instanceof Error) throw r;
    return r;
  }

  cancelAll(): void {
    for (const cancel of [...this.busy.values()]) cancel();
  }

  async close(): Promise<void> {
    this.cancelAll();
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }
}

/** Copies of the table's and folds' arrays on SharedArrayBuffers: every thread reads the same memory. */
function shared<T extends Float64Array | Int32Array>(a: T): T {
  const buffer = new SharedArrayBuffer(a.byteLength);
  const out = (a instanceof Float64Array ? new Float64Array(buffer) : new Int32Array(buffer)) as T;
  out.set(a);
  return out;
}

function shareTable(table: TrainingTable): TrainingTable {
  const features: FeatureColumn[] = table.features.map((f) => (f.kind === 'numeric' ? { ...f, values: shared(f.values) } : { ...f, codes: shared(f.codes) }));
  const t = table.target;
  const target = t.task === 'regression' ? { ...t, values: shared(t.values) } : { ...t, codes: shared(t.codes) };
  return { rows: table.rows, features, target };
}

export function shareInput(table: TrainingTable, folds: readonly Fold[], test: TrainingTable | null, kitModule: string | null): TrialThreadInput {
  return { table: shareTable(table), folds: folds.map((f) => ({ train: shared(f.train), valid: shared(f.valid) })), test: test ? shareTable(test) : null, kitModule };
}

// ---- the sweep ---------------------------------------------------------------------------------------

function featureSchemaOf(table: TrainingTable): FeatureSchema[] {
  return table.features.map((f) => (f.kind === 'numeric' ? { name: f.name, kind: 'numeric' } : { name: f.name, kind: 'categorical', categories: f.categories }));
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function std(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

/** Done trials, best first (ties: the earlier trial). */
/**
 * Done trials, best first. Coarse metrics tie often (accuracy on 100 rows has 100 values): a tie goes to the
 * lower out-of-fold log loss, the better-calibrated model, then to the earlier trial.
 */
export function ranked(trials: Iterable<TrialRecord>): TrialRecord[] {
  const logLoss = (t: TrialRecord): number => t.metrics.log_loss ?? Infinity;
  return [...trials]
    .filter((t) => t.status === 'done' && t.objective !== null)
    .sort((a, b) => (b.objective ?? 0) - (a.objective ?? 0) || logLoss(a) - logLoss(b) || a.index - b.index);
}

export async function runSweep(config: SweepConfig, hooks: SweepHooks = {}, parts?: Partial<SweepParts>): Promise<SweepResult> {
  // The budget counts from here: loading the table is part of the sweep the user waits for.
  const started = Date.now();
  const p = { ...(await shippedParts()), ...parts };
  const signal = hooks.signal;
  if (signal?.aborted) throw cancelled();
  const store = new ExperimentStore(path.resolve(config.workspace ?? '.'));

  // Settings: a resume replays the stored ones (a budget or trial count given now replaces the old).
  let previous: ExperimentRecord | null = null;
  if (config.resume) {
    previous = await store.read(config.resume);
    if (!previous) throw new UserError('NOT_FOUND', `No experiment ${config.resume} in ${store.dir}.`);
  }
  const datasetPath = previous ? previous.config.dataset : path.resolve(config.dataset);
  const loaded = await p.loadTable(datasetPath, previous ? previous.config.target : config.target, previous ? previous.config.task : (config.task ?? 'auto'), signal);
  const full = loaded.table;
  const schema = loaded.schema.length === full.features.length ? loaded.schema : featureSchemaOf(full);
  let settings: SweepSettings;
  if (previous) {
    settings = { ...previous.config };
    if (config.budgetSeconds !== undefined) settings.budgetSeconds = config.budgetSeconds;
    if (config.maxTrials !== undefined) settings.maxTrials = config.maxTrials;
  } else {
    settings = resolveSettings(config.backend === 'redis' && config.parallel === undefined && config.redis ? { ...config, parallel: await fleetParallelism(config.redis) } : config, full, p.families, datasetPath);
  }
  // The test rows are set aside before anything else sees the table: folds, trials, the ensemble and
  // importance work on `table` (the training rows) only; `test` reaches the final refits alone.
  const testFraction = testFractionOf(settings);
  const split: TestSplit | null = testFraction > 0 ? splitTestRows(full, testFraction, settings.seed) : null;
  const table = split ? takeRows(full, split.train) : full;
  const test = split ? takeRows(full, split.test) : null;
  const folds = makeFolds(table, settings.validation, settings.seed);
  const sha256 = await hashFile(nodeStoreFs, datasetPath, signal);
  if (previous && previous.dataset.sha256 !== sha256) {
    throw new UserError('FILE_CHANGED', `${datasetPath} changed since experiment ${previous.id} started: its trials are not comparable. Start a new sweep.`);
  }
  const space = buildSearchSpace(p.families, settings.models);
  const warm: TrialConfig[] = [];
  if (settings.warmStart) {
    const earlier = await store.read(settings.warmStart);
    if (!earlier) throw new UserError('NOT_FOUND', `No experiment ${settings.warmStart} to warm-start from in ${store.dir}.`);
    warm.push(...ranked(await store.readTrials(settings.warmStart)).slice(0, WARM_START_CONFIGS).map((t) => t.config));
  }
  const warmKeys = new Set(warm.map(configKey));

  const splitFile: SplitFile | null = split
    ? {
        format: SPLIT_FORMAT,
        schemaVersion: SPLIT_SCHEMA_VERSION,
        seed: settings.seed,
        fraction: testFraction,
        stratified: settings.task !== 'regression',
        dataset: { path: datasetPath, sha256 },
        rows: full.rows,
        trainRows: table.rows,
        testRows: testFileRows(split, loaded.fileRows ?? null),
      }
    : null;

  const localExecutor: TrialExecutor = p.kit ? new InProcessExecutor(table, folds, p.kit, test) : new ThreadExecutor(shareInput(table, folds, test, p.kitModule));
  let remote: { setExperiment(id: string): void } | null = null;
  let executor = localExecutor;
  if (config.backend === 'redis') {
    if (!config.redis?.url) throw new UserError('BAD_ARGUMENT', 'The redis backend needs a Redis URL (--redis URL).');
    // Loaded only here: a local sweep never pulls in the queue's client.
    const { RedisExecutor } = await import('../distributed/redisExecutor.js');
    const { stat } = await import('node:fs/promises');
    const remoteExecutor = new RedisExecutor(localExecutor, {
      target: { url: config.redis.url, ...(config.redis.password ? { password: config.redis.password } : {}) },
      dataset: { path: datasetPath, sha256, bytes: (await stat(datasetPath)).size },
      column: settings.target,
      task: settings.task,
      validation: settings.validation,
      testFraction,
      trainRows: table.rows,
      ...(config.redis.offerHost ? { offerHost: config.redis.offerHost } : {}),
    });
    remote = remoteExecutor;
    executor = remoteExecutor;
  }
  const now = (): string => new Date().toISOString();
  const greaterIsBetter = METRICS[settings.metric].greaterIsBetter;
  let record: ExperimentRecord;
  let writer: ExperimentWriter;
  if (previous) {
    writer = await store.open(previous.id);
    record = { ...previous, status: 'running', owner: currentOwner(), error: null, times: { ...previous.times, updated: now(), finished: null } };
    await writer.writeRecord(record);
  } else {
    const created = now();
    writer = await store.create(datasetPath, (id) => ({
      schemaVersion: EXPERIMENT_SCHEMA_VERSION,
      id,
      status: 'running',
      config: settings,
      dataset: { path: datasetPath, sha256, rows: full.rows, features: full.features.length },
      task: settings.task,
      metric: settings.metric,
      greaterIsBetter,
      bestTrial: null,
      bestScore: null,
      bestKind: null,
      backend: null,
      times: { created, updated: created, finished: null, searchSeconds: 0 },
      owner: currentOwner(),
      trials: 0,
      error: null,
      tags: [],
      note: '',
      ...(config.parent ? { parent: config.parent } : {}),
    }));
    record = (await store.read(writer.id))!;
  }
  remote?.setExperiment(writer.id);

  // Ctrl-C must not wait for a long trial: its thread is terminated now, its index re-run on resume.
  const onAbort = (): void => executor.cancelAll();
  signal?.addEventListener('abort', onAbort, { once: true });
  const finished = new Map<number, TrialRecord>();
  for (const t of await store.readTrials(writer.id)) finished.set(t.index, t);
  const oof = new Map<number, Float64Array>();
  const searchBefore = record.times.searchSeconds;
  let pausedMs = 0;
  const elapsed = (): number => searchBefore + (Date.now() - started - pausedMs) / 1000;
  const P = settings.parallel;
  const progress = (phase: SweepProgress['phase'], running: number): void =>
    hooks.onProgress?.({
      experimentId: writer.id,
      phase,
      metric: settings.metric,
      task: settings.task,
      finishedTrials: finished.size,
      runningTrials: running,
      elapsedSeconds: elapsed(),
      budgetSeconds: settings.budgetSeconds,
      maxTrials: settings.maxTrials,
      bestScore: record.bestScore,
      bestTrial: record.bestTrial,
    });

  const updateBest = (): void => {
    const best = ranked(finished.values())[0];
    record.bestTrial = best ? best.index : null;
    record.bestScore = best ? best.score : null;
    record.bestKind = best ? 'trial' : null;
  };
  const saveRecord = async (): Promise<void> => {
    record.trials = finished.size;
    record.times.updated = now();
    record.times.searchSeconds = elapsed();
    await writer.writeRecord(record);
  };
  // Out-of-fold predictions of the leading trials survive a resume on disk (for the ensemble). One update
  // at a time: two trials finishing together must not prune each other's files from a stale ranking.
  let oofUpdates: Promise<void> = Promise.resolve();
  const keepOof = (t: TrialRecord, predictions: Float64Array | null): Promise<void> => {
    if (!predictions) return oofUpdates;
    oofUpdates = oofUpdates.then(async () => {
      const pool = new Set(ranked(finished.values()).slice(0, ENSEMBLE_POOL).map((x) => x.index));
      if (!pool.has(t.index)) return;
      oof.set(t.index, predictions);
      await writer.writeBinary(`oof/${t.index}.bin`, predictions);
      for (const i of [...oof.keys()]) {
        if (pool.has(i)) continue;
        oof.delete(i);
        await writer.remove(`oof/${i}.bin`);
      }
    });
    return oofUpdates;
  };

  // One fold's fit and prediction as a trial measured it (its seconds over the folds it ran); a refit
  // trains on every row, a fold on (k-1)/k of them.
  const foldMs = (t: TrialRecord): number => (t.seconds * 1000) / Math.max(1, t.foldScores.length);
  const v = settings.validation;
  const allRowsScale = v.kind === 'kfold' ? v.folds / (v.folds - 1) : 1 / (1 - v.fraction);
  const refitMsOf = (t: TrialRecord): number => foldMs(t) * allRowsScale;
  // The held-out rows cost their predictions by the refitted members and the report's curves on them.
  const endFixedMs = END_FIXED_MS + END_MS_PER_ROW * (table.rows + (test?.rows ?? 0));
  let watcher: NodeJS.Timeout | null = null;

  try {
    // Inside the try: a full disk here must still release the lock and end the record as failed.
    if (splitFile) await recordSplit(writer, splitFile, previous !== null);
    updateBest();
    progress('searching', 0);
    const sampler = createSampler(settings.search, space, { initial: warm });
    const rungs = settings.pruner === 'asha' ? rungBudgets() : null;
    const budgetMs = settings.budgetSeconds === null ? Infinity : settings.budgetSeconds * 1000;
    const deadline = started + budgetMs - searchBefore * 1000;
    // Paused time is off the budget, also while the pause lasts (running trials are not cut then).
    let pausedSince: number | null = null;
    const msLeft = (): number => deadline + pausedMs + (pausedSince === null ? 0 : Date.now() - pausedSince) - Date.now();
    const endReserveMs = (): number => {
      if (!Number.isFinite(budgetMs)) return 0;
      const likely = ranked(finished.values()).slice(0, settings.ensemble ? LIKELY_MEMBERS : 1);
      const refits = likely.map(refitMsOf);
      // Refits run side by side on the threads; the importance fold after or beside them.
      const refitWall = refits.length === 0 ? 0 : Math.max(Math.max(...refits), refits.reduce((a, b) => a + b, 0) / P);
      const importance = likely[0] ? foldMs(likely[0]) * IMPORTANCE_FOLD_COST : 0;
      return Math.min(endFixedMs + refitWall + importance, budgetMs * END_RESERVE_SHARE);
    };
    // At the end of the budget (less the reserve) trials still running are cut, unless none is done yet:
    // then they run on (to their time box) so the sweep still ends with a model.
    const budgetStop = new AbortController();
    watcher = Number.isFinite(budgetMs)
      ? setInterval(() => {
          if (budgetStop.signal.aborted || ranked(finished.values()).length === 0) return;
          if (msLeft() <= endReserveMs()) budgetStop.abort();
        }, 100)
      : null;
    watcher?.unref();
    const running = new Map<number, Promise<void>>();
    const historyUpTo = (last: number): FinishedTrial[] => {
      const out: FinishedTrial[] = [];
      for (let i = 0; i <= last; i++) {
        const t = finished.get(i);
        if (t) out.push({ index: t.index, config: t.config, objective: t.objective });
      }
      return out;
    };
    const prefixFinished = (last: number): boolean => {
      for (let i = 0; i <= last; i++) if (!finished.has(i)) return false;
      return true;
    };
    const prunerFor = (index: number): Pruner => {
      const pruner = createPruner(settings.pruner);
      for (let i = 0; i <= index - P - 1; i++) {
        for (const r of finished.get(i)?.reports ?? []) pruner.shouldStop({ trial: i, step: r.step, objective: r.objective } satisfies IntermediateReport);
      }
      return pruner;
    };
    const budgetLeft = (index: number): boolean => !signal?.aborted && !budgetStop.signal.aborted && msLeft() > endReserveMs() && (settings.maxTrials === null || index < settings.maxTrials);

    const launch = (index: number, trialConfig: TrialConfig): void => {
      const t0 = Date.now();
      hooks.onTrialStart?.(index, trialConfig);
      const pruner = prunerFor(index);
      const reports: { step: number; objective: number }[] = [];
      const job: TrialJob = { index, config: trialConfig, seed: settings.seed, metric: settings.metric };
      const task = executor
        .run({
          job,
          rungs,
          timeoutMs: settings.trialTimeoutSeconds * 1000,
          stop: budgetStop.signal,
          report: (step, objective) => {
            reports.push({ step, objective });
            return pruner.shouldStop({ trial: index, step, objective });
          },
        })
        .then(async (outcome) => {
          if (outcome.status === 'cancelled') return;
          const score = outcome.status === 'done' ? (outcome.metrics[settings.metric] ?? null) : null;
          const trial: TrialRecord = {
            index,
            config: trialConfig,
            status: outcome.status,
            source: warmKeys.has(configKey(trialConfig)) ? 'warmStart' : 'sampler',
            score,
            objective: score === null ? null : toObjective(settings.metric, score),
            foldScores: outcome.foldScores,
            foldStd: std(outcome.foldScores),
            reports,
            metrics: outcome.metrics,
            // A remote trial's own time (not its wait in the queue): the end's reserve is estimated from it.
            seconds: outcome.seconds ?? (Date.now() - t0) / 1000,
            error: outcome.error,
            finishedAt: now(),
            ...(outcome.worker ? { worker: outcome.worker } : {}),
          };
          if (outcome.backend) record.backend = outcome.backend;
          await writer.appendTrial(trial);
          finished.set(index, trial);
          updateBest();
          await keepOof(trial, outcome.oof);
          await saveRecord();
          // Progress first, so a listener of both sees the best including this trial when it hears of it.
          progress('searching', running.size - 1);
          hooks.onTrial?.(trial);
        })
        .finally(() => running.delete(index));
      running.set(index, task);
    };

    for (let index = 0; ; index++) {
      // Trial `index` may start once trials 0..index-P-1 are finished and a slot is free.
      while (running.size > 0 && (running.size >= P || !prefixFinished(index - P - 1))) await Promise.race(running.values());
      if (hooks.untilResumed && !signal?.aborted) {
        const pausedAt = Date.now();
        pausedSince = pausedAt;
        try {
          await untilResumedOrAborted(hooks.untilResumed(), signal);
        } finally {
          pausedMs += Date.now() - pausedAt;
          pausedSince = null;
        }
      }
      if (!budgetLeft(index)) break;
      const proposal = sampler.propose(historyUpTo(index - P - 1), seededRandom(mixSeed(settings.seed, index)));
      if (!proposal) break; // the grid is exhausted
      // A journaled trial was proposed the same way before (the sampler's state now matches): skip it.
      if (finished.has(index)) continue;
      // A trial launched late runs on a thread that would otherwise sit idle until the end: it may finish
      // before the cut (holding back a trial expected to be too slow left a movies sweep 8 s short).
      launch(index, proposal);
    }
    if (signal?.aborted) executor.cancelAll();
    await Promise.all(running.values());
    if (watcher) clearInterval(watcher);
    if (signal?.aborted) throw cancelled();
    await saveRecord();

    // ---- the end: ensemble, refit, package, report ----
    const leaders = ranked(finished.values());
    const best = leaders[0];
    if (!best) {
      const errors = [...finished.values()].map((t) => t.error).filter((e): e is string => e !== null);
      throw new UserError('NO_TRIAL_FINISHED', `No trial finished${errors.length ? `: ${errors[0]}` : ' within the budget'}.`);
    }
    const labels = labelsOf(table, validatedRows(folds, table.rows));
    const oofOf = async (i: number): Promise<Float64Array | null> => oof.get(i) ?? (await writer.readBinary(`oof/${i}.bin`));
    let members: { trial: TrialRecord; weight: number }[] = [{ trial: best, weight: 1 }];
    // Seeded trials are repeatable: predictions lost with a removed oof/ folder are recomputed, not guessed.
    const rerun = async (t: TrialRecord): Promise<Float64Array | null> => {
      const outcome = await executor.run({ job: { index: t.index, config: t.config, seed: settings.seed, metric: settings.metric }, rungs: null, report: () => false, timeoutMs: settings.trialTimeoutSeconds * 1000 });
      return outcome.status === 'done' ? outcome.oof : null;
    };
    let winnerOof = (await oofOf(best.index)) ?? (await rerun(best));
    if (settings.ensemble && leaders.length > 1) {
      progress('ensembling', 0);
      const pool: { trial: TrialRecord; predictions: Float64Array }[] = [];
      // The members are refitted P at a time: candidates (in rank order) join the pool only while all of
      // their refits fit in what the budget has left (the best is refitted anyway).
      const roomMs = msLeft() - endFixedMs;
      let poolRefitMs = refitMsOf(best);
      for (const t of leaders.slice(0, ENSEMBLE_POOL)) {
        if (t !== best) {
          const cost = refitMsOf(t);
          if (cost > roomMs || (poolRefitMs + cost) / P > roomMs) continue;
          poolRefitMs += cost;
        }
        const predictions = await oofOf(t.index);
        if (predictions && predictions.length === labels.y.length * predictionWidth(table)) pool.push({ trial: t, predictions });
      }
      if (pool.length > 1) {
        const { selectEnsemble, blend } = await import('../ml/ensemble.js');
        const selection = selectEnsemble(
          pool.map((c) => c.predictions),
          labels,
          settings.metric,
        );
        // Kept only when strictly better than the best single trial on the same out-of-fold rows.
        if (selection.objective > (best.objective ?? -Infinity) + 1e-12 && selection.weights.filter((w) => w > 0).length > 1) {
          members = pool.flatMap((c, k) => ((selection.weights[k] ?? 0) > 0 ? [{ trial: c.trial, weight: selection.weights[k]! }] : []));
          winnerOof = blend(
            members.map((m) => m.weight),
            members.map((m) => pool.find((c) => c.trial.index === m.trial.index)!.predictions),
          );
          record.bestScore = fromObjective(settings.metric, selection.objective);
          record.bestKind = 'ensemble';
        }
      }
    }
    if (!winnerOof) throw new Error(`The out-of-fold predictions of trial ${best.index} are missing.`);
    progress('refitting', members.length);
    // Permutation importance of the leading member gets what the budget has left: as many folds as fit
    // (each a fit), none when not one does; beside the refits when a thread is free for it.
    const measureImportance = async (of: TrialRecord): Promise<{ importance: HeldOutImportance | null; note: string | null }> => {
      const maxFolds = Math.min(IMPORTANCE_FOLDS, folds.length);
      const leftMs = msLeft() - FINISH_MS;
      const perFoldMs = foldMs(of) * IMPORTANCE_FOLD_COST;
      const usable = Number.isFinite(leftMs) ? Math.min(maxFolds, Math.floor(leftMs / perFoldMs)) : maxFolds;
      if (usable < 1) return { importance: null, note: `skipped: ${seconds(Math.max(0, leftMs))} s of the budget were left and one fold takes about ${seconds(perFoldMs)} s` };
      const boxMs = settings.trialTimeoutSeconds * 1000 * usable;
      try {
        const result = await executor.importance(
          { config: of.config, trial: of.index, seed: settings.seed, metric: settings.metric, maxFolds: usable, repeats: IMPORTANCE_REPEATS },
          Math.max(1, Math.round(Math.min(boxMs, leftMs))),
        );
        return { importance: result, note: usable < maxFolds ? `measured on ${usable} of ${maxFolds} folds to stay within the budget` : null };
      } catch (e) {
        // The report goes without importance rather than the sweep without its model.
        const message = e instanceof Error ? e.message : String(e);
        return { importance: null, note: leftMs < boxMs && /time box/.test(message) ? `skipped: ${BUDGET_STOP_ERROR}` : `failed: ${message}` };
      }
    };
    const lead = [...members].sort((a, b) => b.weight - a.weight)[0]!.trial;
    const besideRefits = members.length < P ? measureImportance(lead) : null;
    // A refit gets twice a trial's time box (it fits once on all rows; a trial fits once per fold).
    const refitMs = settings.trialTimeoutSeconds * 2000;
    // P at a time, on the warm trial threads (more would only share the same cores and start new threads).
    const refitAll = async (list: typeof members): Promise<FinishContext['members']> => {
      const out: FinishContext['members'] = [];
      let next = 0;
      const lane = async (): Promise<void> => {
        for (let k = next++; k < list.length; k = next++) {
          const m = list[k]!;
          out[k] = { ...m, fitted: await executor.refit(m.trial.config, m.trial.index, settings.seed, refitMs) };
        }
      };
      await Promise.all(Array.from({ length: Math.min(P, list.length) }, lane));
      return out;
    };
    let fitted: FinishContext['members'];
    try {
      fitted = await refitAll(members);
    } catch (e) {
      // An ensemble member that cannot be refitted: fall back to the best single trial.
      if (signal?.aborted || members.length === 1) throw e;
      members = [{ trial: best, weight: 1 }];
      winnerOof = (await oofOf(best.index)) ?? winnerOof;
      record.bestScore = best.score;
      record.bestKind = 'trial';
      fitted = await refitAll(members);
    }
    for (const f of fitted) if (f.fitted.backend) record.backend = f.fitted.backend;
    if (signal?.aborted) throw cancelled();
    progress('evaluating', 0);
    const finalLead = [...members].sort((a, b) => b.weight - a.weight)[0]!.trial;
    // Measured beside the refits for a lead the fallback to the best single trial replaced: measured again.
    const early = besideRefits ? await besideRefits : null;
    const { importance, note: importanceNote } = early && finalLead === lead ? early : await measureImportance(finalLead);
    if (signal?.aborted) throw cancelled();
    const heldOut = test && splitFile ? await heldOutResult(test, splitFile.testRows, fitted) : null;
    const heldOutScore = heldOut?.metrics[settings.metric];
    record.heldOutScore = heldOutScore === undefined ? null : heldOutScore;
    const saved = await p.finish({
      writer,
      record,
      table,
      schema,
      folds,
      trials: [...finished.values()].sort((a, b) => a.index - b.index),
      members: fitted,
      oof: winnerOof,
      importance,
      importanceNote,
      heldOut,
    });
    record.status = 'done';
    record.times.finished = now();
    await saveRecord();
    progress('done', 0);
    return {
      experimentId: writer.id,
      dir: writer.dir,
      status: 'done',
      metric: settings.metric,
      bestScore: record.bestScore ?? NaN,
      bestTrial: best.index,
      bestKind: record.bestKind ?? 'trial',
      modelPath: saved.modelPath,
      reportPath: saved.reportPath,
      trials: [...finished.values()].sort((a, b) => a.index - b.index),
      backend: record.backend,
      heldOutScore: record.heldOutScore ?? null,
      heldOutRows: test?.rows ?? 0,
    };
  } catch (e) {
    executor.cancelAll();
    const isCancel = signal?.aborted === true;
    record.status = isCancel ? 'interrupted' : 'failed';
    record.error = isCancel ? null : e instanceof Error ? e.message : String(e);
    await saveRecord().catch(() => undefined);
    throw isCancel ? cancelled() : e;
  } finally {
    if (watcher) clearInterval(watcher);
    signal?.removeEventListener('abort', onAbort);
    await executor.close();
    await writer.release();
  }
}

/**
 * split.json for a new experiment; on resume the recomputed split must equal the stored one (same file,
 * same seed: it does, unless the splitting code changed, which would mix two test sets in one experiment).
 */
async function recordSplit(writer: ExperimentWriter, split: SplitFile, resuming: boolean): Promise<void> {
  if (resuming) {
    // Lost or torn: written again below.
    const stored: unknown = await readFile(path.join(writer.dir, 'split.json'), 'utf8').then(
      (text) => JSON.parse(text) as unknown,
      () => null,
    ).catch(() => null);
    if (stored !== null) {
      const rows = (stored as { testRows?: unknown }).testRows;
      const same = Array.isArray(rows) && rows.length === split.testRows.length && rows.every((r, i) => r === split.testRows[i]);
      if (!same) throw new UserError('FILE_CHANGED', `The held-out rows recorded in ${path.join(writer.dir, 'split.json')} differ from this version's split: start a new sweep.`);
      return;
    }
  }
  await writer.writeJson('split.json', split);
}

/** The refitted members' held-out predictions, blended by the ensemble weights, and the task's metrics on them. */
async function heldOutResult(test: TrainingTable, fileRows: number[], fitted: FinishContext['members']): Promise<HeldOutResult | null> {
  const predictions = fitted.map((f) => f.fitted.testPredictions);
  if (predictions.length === 0 || !predictions.every((x): x is Float64Array => x !== null)) return null;
  const { blend } = await import('../ml/ensemble.js');
  const blended = predictions.length === 1 ? predictions[0]! : blend(fitted.map((f) => f.weight), predictions);
  const labels = labelsOf(test, Int32Array.from({ length: test.rows }, (_, i) => i));
  const metrics: Partial<Record<MetricName, number>> = {};
  for (const [name, value] of Object.entries(metricsFor(labels.task, labels, blended)) as [MetricName, number][]) {
    if (Number.isFinite(value)) metrics[name] = value;
  }
  return { fileRows, labels, predictions: blended, metrics };
}

/** The pause gate, cut short by an abort (a stop while paused must not wait for a resume). */
function untilResumedOrAborted(gate: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return gate;
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    gate.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * Default parallel trials of a redis sweep: what the fleet runs at once now (its workers' concurrency), not
 * this machine's cores; at least 1 when no worker is connected yet. Stored with the settings, as ever.
 */
async function fleetParallelism(redis: { url: string; password?: string }): Promise<number> {
  const { listWorkers } = await import('../distributed/fleet.js');
  const { DISTRIBUTED_PROTOCOL_VERSION } = await import('../../protocol/distributed.js');
  const fleet = await listWorkers(redis.url, redis.password).catch(() => []);
  const total = fleet.filter((w) => w.protocol === DISTRIBUTED_PROTOCOL_VERSION).reduce((sum, w) => sum + w.concurrency, 0);
  return Math.max(1, total);
}

async function shippedParts(): Promise<SweepParts> {
  const { shippedSweepParts } = await import('./sweepParts.js');
  return shippedSweepParts;
}
