// Deploy and monitor: the shapes shared by the exported model package, the prediction server, drift checks,
// retraining and the Models view. Free of vscode and the DOM: the CLI, the worker, the host, the webviews
// and the standalone predict.mjs all read them.
import type { ColumnType } from './profile.js';
import type { MetricName, ModelKind, Params, Task } from '../core/ml/types.js';
import type { Recipe } from './recipe.js';

// --- Model package (an exported folder) --------------------------------------------------------------------

export const INPUT_SCHEMA_FORMAT = 'mllab-input-schema';
export const MODEL_CARD_FORMAT = 'mllab-model-card';
export const DEPLOY_SCHEMA_VERSION = 1;

/**
 * One input column a model reads, from the training profile. When the model was trained on a cleaned dataset
 * version, these are the source file's (raw) columns: prediction replays the Recipe first.
 */
export interface InputColumn {
  name: string;
  type: ColumnType;
  /** Training data had missing values here, so a missing value is accepted. */
  nullable: boolean;
  /** categorical / boolean: every value seen in training (exact); null = not enumerated (numeric, text, datetime). */
  categories: string[] | null;
  /** numeric: the training range; a value outside is accepted, and counted as out of range. */
  range: { min: number; max: number } | null;
}

/** schema.json of a package; GET /schema of the server answers it. */
export interface InputSchema {
  format: typeof INPUT_SCHEMA_FORMAT;
  schemaVersion: number;
  columns: InputColumn[];
  target: { name: string; task: Task; classes: string[] | null };
}

/** model-card.json of a package (model-card.md says the same for people). */
export interface ModelCard {
  format: typeof MODEL_CARD_FORMAT;
  schemaVersion: number;
  experimentId: string;
  /** The experiment's user-given name, when it has one. */
  name: string | null;
  task: Task;
  target: string;
  metric: MetricName;
  /** Cross-validated score of the packaged model. */
  score: number | null;
  /** Held-out test metrics, when the sweep kept a test split. */
  heldOut: Partial<Record<MetricName, number>> | null;
  /** Out-of-fold metrics of the packaged model. */
  metrics: Partial<Record<MetricName, number>>;
  members: { model: ModelKind; params: Params; weight: number }[];
  dataset: { path: string; sha256: string; rows: number };
  lineage: { parent: { hash: string; path: string } | null; recipe: Recipe } | null;
  trainedAt: string;
  exportedAt: string;
  mllabVersion: string;
}

// --- Serving -----------------------------------------------------------------------------------------------

/** POST /predict body. */
export interface PredictRequest {
  rows: Record<string, unknown>[];
}

/** POST /predict answer; `probabilities` only for classification, one object per row keyed by class. */
export interface PredictResponse {
  predictions: (string | number)[];
  probabilities?: Record<string, number>[];
}

/** 400 answer: one message per bad field, by row. */
export interface PredictError {
  error: string;
  fields?: { row: number; column: string; message: string }[];
}

/** One line of a deployment's prediction log (predictions.jsonl, rotated to predictions.1.jsonl, ...). */
export interface PredictionLogLine {
  /** ISO time the answer was sent. */
  t: string;
  status: number;
  /** Server-side latency of the request, ms. */
  ms: number;
  /** The request's rows (valid requests only) and what was predicted for them. */
  rows?: Record<string, unknown>[];
  predictions?: (string | number)[];
  error?: string;
}

// --- Deployments: what the Models view lists (.mllab/deployments/<id>.json) ---------------------------------

export interface DeploymentRecord {
  schemaVersion: number;
  id: string;
  kind: 'served' | 'exported';
  experimentId: string | null;
  /** The model package JSON the deployment runs (absolute path). */
  model: string;
  /** Exported: the folder. Served: the URL. */
  location: string;
  created: string;
  /** Served: when the server stopped; null while it runs (or when it died without saying: check pid). */
  stopped: string | null;
  pid: number | null;
  /** Served: the folder holding predictions.jsonl and its rotations. */
  logDir: string | null;
  lastDrift: { checked: string; drifted: boolean; report: string } | null;
}

/** Figures the Models view shows for a served deployment, from its log over a recent window. */
export interface DeploymentStats {
  windowSeconds: number;
  requests: number;
  requestsPerSecond: number;
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
  lastRequest: string | null;
}

// --- Drift -------------------------------------------------------------------------------------------------

export const DRIFT_REPORT_FORMAT = 'mllab-drift';

/** When a feature, and the whole, count as drifted (settings mllab.drift.*). */
export interface DriftThresholds {
  /** A feature drifts when its PSI reaches this (default 0.2)... */
  psi: number;
  /** ...or when its test's p-value is below this (default 0.01) AND its effect reaches `effect`. */
  pValue: number;
  /** Effect-size floor for the p-value rule: KS statistic (numeric) or Cramér's V (categorical); default 0.1. */
  effect: number;
}

export interface DriftBin {
  /** Bin label: a range "[a, b)" (numeric) or a category ("(missing)", "(other)" included). */
  label: string;
  /** Share of the rows, 0..1. */
  reference: number;
  current: number;
}

export interface FeatureDrift {
  name: string;
  kind: 'numeric' | 'categorical';
  drifted: boolean;
  /** Why it was flagged (empty when not): e.g. "PSI 0.31 ≥ 0.2". */
  reasons: string[];
  psi: number;
  /** numeric: two-sample Kolmogorov–Smirnov (scipy.stats.ks_2samp, two-sided, method "auto"). */
  ks?: { statistic: number; pValue: number };
  /** categorical: chi-square test of homogeneity on the 2 × k table (scipy.stats.chi2_contingency, no correction). */
  chi2?: { statistic: number; pValue: number; dof: number; cramersV: number };
  missingRate: { reference: number; current: number };
  /** categorical: values the reference never had. */
  unseen: { count: number; examples: string[] } | null;
  bins: DriftBin[];
}

/** `mllab drift MODEL NEW.csv --json` prints one of these; the Drift Report webview shows it. */
export interface DriftReport {
  format: typeof DRIFT_REPORT_FORMAT;
  schemaVersion: number;
  drifted: boolean;
  /** One line for people: "3 of 8 features drifted: age, income, region". */
  verdict: string;
  model: { path: string; experimentId: string | null } | null;
  reference: { path: string; sha256: string | null; rows: number };
  current: { path: string; rows: number };
  thresholds: DriftThresholds;
  features: FeatureDrift[];
  /** The model's predictions on reference vs current rows (null when checked against a dataset version). */
  prediction: FeatureDrift | null;
  created: string;
  /** What a reader should know about how it was checked: sampling, a reference file that changed since training, columns left out. */
  notes?: string[];
}

// --- Retraining --------------------------------------------------------------------------------------------

/** Stored on the child experiment's record (`retrain`) and printed by `mllab retrain --json`. */
export interface RetrainOutcome {
  parentExperiment: string;
  childExperiment: string;
  /** 'new': the new data alone; 'combined': the parent's training data plus the new data. */
  mode: 'new' | 'combined';
  newData: { path: string; sha256: string; rows: number };
  /** Rows of the new data kept out of training to compare the two models on. */
  holdoutRows: number;
  metric: MetricName;
  greaterIsBetter: boolean;
  parentScore: number;
  childScore: number;
  promoted: boolean;
  /** One line for people: why it was or was not promoted. */
  reason: string;
  /**
   * The two parts the new data was split into (under .mllab/retrain/, in the new file's columns): the child
   * trained on `train` (plus the parent's rows when combined, through the parent's Recipe when it had one:
   * its record's config.dataset is the exact file), both models were scored on `holdout`. Optional: added
   * after the first contract.
   */
  split?: { train: string; holdout: string };
}
