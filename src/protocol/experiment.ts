// The stored shape of a sweep: `.mllab/experiments/<id>/experiment.json` (the record), one journal line per
// finished trial in trials.jsonl, and the summary `mllab experiments --json` and the host's tree show.
// Free of vscode and the DOM: the CLI, the worker, the host and the webviews all read it.
import type { MetricName, ModelKind, Task } from '../core/ml/types.js';
import type { SamplerName, TrialConfig } from '../core/search/types.js';
import type { RetrainOutcome } from './deploy.js';

export const EXPERIMENT_SCHEMA_VERSION = 1;

export type ExperimentStatus = 'running' | 'done' | 'failed' | 'interrupted';

export type PrunerName = 'asha' | 'median' | 'none';

/** How trials are scored: k-fold cross-validation (stratified for classification) or one holdout split. */
export type Validation = { kind: 'kfold'; folds: number; stratified: boolean } | { kind: 'holdout'; fraction: number };

/** The sweep's settings after defaults are applied: what a resume replays. */
export interface SweepSettings {
  /** Absolute path of the training file. */
  dataset: string;
  target: string;
  task: Task;
  metric: MetricName;
  /**
   * Wall-time budget of the whole sweep (loading, trials, ensemble, refit, importance, saved files: the end's
   * time is reserved from it); null = no time limit (then maxTrials is set).
   */
  budgetSeconds: number | null;
  maxTrials: number | null;
  search: SamplerName;
  seed: number;
  models: ModelKind[];
  validation: Validation;
  parallel: number;
  pruner: PrunerName;
  /** A trial running longer than this fails alone (its thread is terminated). */
  trialTimeoutSeconds: number;
  ensemble: boolean;
  /** Experiment whose best configurations were proposed first. */
  warmStart: string | null;
  /**
   * Share of the rows held out before the search (split.json lists them): trials never see them; the
   * shipped model is scored on them once (report.json `heldOut`). 0 = none. Absent in records written
   * before it existed: read as 0 (testFractionOf).
   */
  testFraction?: number;
}

/** The held-out share of a stored sweep (records from before the test split have none: 0). */
export function testFractionOf(settings: SweepSettings): number {
  return settings.testFraction ?? 0;
}

/** The process that owns a running experiment: if it is gone, the experiment reads as interrupted. */
export interface ExperimentOwner {
  pid: number;
  hostname: string;
  /** When the process started (ISO), to tell a reused pid from the owner. */
  processStartedAt: string;
  /** Linux /proc start time in clock ticks, when readable: exact pid-reuse detection. */
  processStartTicks: string | null;
}

export interface ExperimentRecord {
  schemaVersion: number;
  id: string;
  status: ExperimentStatus;
  config: SweepSettings;
  dataset: { path: string; sha256: string; rows: number; features: number };
  task: Task;
  metric: MetricName;
  greaterIsBetter: boolean;
  bestTrial: number | null;
  /** The metric's value (not negated) of the best trial, or of the kept ensemble. */
  bestScore: number | null;
  /** 'ensemble' when a greedy ensemble of trials beat the best single trial and was saved. */
  bestKind: 'trial' | 'ensemble' | null;
  /** TensorFlow.js backend the linear/MLP models ran on (tensorflow, wasm, cpu), null when none ran. */
  backend: string | null;
  times: {
    created: string;
    updated: string;
    finished: string | null;
    /** Wall seconds spent on the sweep (what the budget counts), over every run (a resume continues the budget). */
    searchSeconds: number;
  };
  owner: ExperimentOwner | null;
  /** Finished trials (done, failed or pruned) in the journal when the record was last written. */
  trials: number;
  /** Why the sweep failed, when status is 'failed'. */
  error: string | null;
  tags: string[];
  note: string;
  /** The user's name for the experiment (Rename); absent = shown by its id. Optional: added after schema 1. */
  name?: string;
  /** The experiment this one re-ran (Re-run); absent or null for a fresh sweep. Optional: added after schema 1. */
  parent?: string | null;
  /**
   * The shipped model's metric on the held-out test rows (SweepSettings.testFraction); null when nothing
   * was held out or the sweep has not finished. Optional: added after schema 1.
   */
  heldOutScore?: number | null;
  /** A retrain's child (`mllab retrain`): how it compared with its parent on the new data's holdout. Optional: added after schema 1. */
  retrain?: RetrainOutcome;
}

export type TrialStatus = 'done' | 'failed' | 'pruned';

/** One line of trials.jsonl. */
export interface TrialRecord {
  index: number;
  config: TrialConfig;
  status: TrialStatus;
  /** Where the configuration came from. */
  source: 'sampler' | 'warmStart';
  /** Metric value on the out-of-fold predictions (done trials only). */
  score: number | null;
  /** Score as the samplers see it: higher is better (negated for losses). Null unless done. */
  objective: number | null;
  /** Metric per validation fold, in fold order (a pruned trial has fewer). */
  foldScores: number[];
  /** Standard deviation of foldScores (null with fewer than two). */
  foldStd: number | null;
  /** What the trial told the pruner (step = fold, or successive-halving rung), replayed on resume. */
  reports: { step: number; objective: number }[];
  /** Every metric of the task on the out-of-fold predictions (done trials). */
  metrics: Partial<Record<MetricName, number>>;
  seconds: number;
  error: string | null;
  finishedAt: string;
  /** The fleet worker that ran the trial (redis backend); absent for trials run on this machine. */
  worker?: string;
}

/** What `mllab experiments --json` lists. */
export interface ExperimentSummary {
  id: string;
  status: ExperimentStatus;
  trials: number;
  metric: MetricName;
  bestScore: number | null;
  bestTrial: number | null;
  task: Task;
  dataset: string;
  target: string;
  created: string;
  finished: string | null;
  backend: string | null;
  /** The best model's metric on the held-out test rows; null/absent when none were held out. */
  heldOutScore?: number | null;
}

/** Live progress of a sweep (CLI stderr, worker notifications). */
export interface SweepProgress {
  experimentId: string;
  phase: 'loading' | 'searching' | 'ensembling' | 'refitting' | 'evaluating' | 'done';
  metric: MetricName;
  task: Task;
  finishedTrials: number;
  runningTrials: number;
  elapsedSeconds: number;
  budgetSeconds: number | null;
  maxTrials: number | null;
  bestScore: number | null;
  bestTrial: number | null;
}
