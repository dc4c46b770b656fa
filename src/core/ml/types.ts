// The shapes every part of the AutoML engine agrees on: the materialised training table, the two input
// layouts models consume, labels, and the model contract (fit → Predictor → plain JSON and back).
// Kept free of any model's internals so model families, preprocessing, metrics and the sweep runner can
// be written and tested apart.

export type Task = 'binary' | 'multiclass' | 'regression';

export type ModelKind = 'gbdt' | 'randomForest' | 'extraTrees' | 'knn' | 'naiveBayes' | 'linear' | 'mlp';

export const MODEL_KINDS: readonly ModelKind[] = ['gbdt', 'randomForest', 'extraTrees', 'knn', 'naiveBayes', 'linear', 'mlp'];

/** One feature, materialised from the CSV. */
export type FeatureColumn =
  /** Missing = NaN. Datetimes arrive here as epoch milliseconds, booleans as categorical. */
  | { name: string; kind: 'numeric'; values: Float64Array }
  /** Missing = -1. `categories[code]` is the original text; order fixed when the table is loaded. */
  | { name: string; kind: 'categorical'; codes: Int32Array; categories: string[] };

export type TargetColumn =
  | { name: string; task: 'regression'; values: Float64Array }
  /** codes in 0..classes.length-1, never missing (rows with a missing target are dropped on load). */
  | { name: string; task: 'binary' | 'multiclass'; codes: Int32Array; classes: string[] };

export interface TrainingTable {
  rows: number;
  features: FeatureColumn[];
  target: TargetColumn;
}

/** What a feature looked like in training: how test data is mapped onto it (unknown category → missing). */
export type FeatureSchema =
  /** datetime: the column held ISO dates in training (read as epoch ms), so new rows are read as dates too. */
  | { name: string; kind: 'numeric'; datetime?: boolean }
  | { name: string; kind: 'categorical'; categories: string[] };

/**
 * Input for trees and naive Bayes: column-major, missing = NaN. Categorical columns hold their code
 * (0..categoryCounts[j]-1) as a float; numeric columns their value.
 */
export interface ColumnMatrix {
  layout: 'columns';
  rows: number;
  names: string[];
  columns: Float64Array[];
  /** 0 for numeric columns, the number of categories for categorical ones. */
  categoryCounts: number[];
}

/** Input for linear models, MLPs and kNN: row-major, already imputed, scaled and one-hot encoded (no NaN). */
export interface DenseMatrix {
  layout: 'dense';
  rows: number;
  cols: number;
  names: string[];
  data: Float64Array;
}

export type ModelInput = ColumnMatrix | DenseMatrix;
export type InputLayout = ModelInput['layout'];

export type Labels =
  | { task: 'regression'; y: Float64Array }
  | { task: 'binary' | 'multiclass'; y: Int32Array; classes: number };

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export interface FitOptions {
  /** Every random choice a model makes comes from this seed: same seed, same model. */
  seed: number;
  signal?: AbortSignal;
  /**
   * The successive-halving budget, in (0, 1]: the share of the full training effort (boosting rounds,
   * epochs, trees) this fit may spend. 1 or absent = the full configuration.
   */
  budget?: number;
}

/**
 * A fitted model. predict() returns, for classification, rows × classes probabilities row-major (each row
 * sums to 1; binary has 2 columns); for regression, one value per row.
 */
export interface Predictor {
  readonly kind: ModelKind;
  predict(input: ModelInput): Float64Array;
  /** Plain JSON (numbers, strings, arrays, objects; no typed arrays), loadable by the family's load(). */
  toJSON(): SavedModel;
}

export interface SavedModel {
  kind: ModelKind;
  /** Bumped by a family when its saved shape changes meaning. */
  version: number;
  [field: string]: unknown;
}

export interface ParamSpecBase {
  name: string;
}
export type ParamSpec =
  | (ParamSpecBase & { type: 'float'; low: number; high: number; log?: boolean; default: number })
  | (ParamSpecBase & { type: 'int'; low: number; high: number; log?: boolean; default: number })
  | (ParamSpecBase & { type: 'categorical'; choices: readonly ParamValue[]; default: ParamValue });

export interface ModelFamily {
  readonly kind: ModelKind;
  readonly input: InputLayout;
  readonly tasks: readonly Task[];
  /** The hyperparameters the search may tune, with defaults (a config may omit any of them). */
  readonly space: readonly ParamSpec[];
  fit(input: ModelInput, labels: Labels, params: Params, options: FitOptions): Promise<Predictor>;
  load(saved: SavedModel): Predictor;
}

/** Metric names as scikit-learn spells its scorers, so users and pipelines need not learn new ones. */
export type MetricName =
  | 'accuracy'
  | 'balanced_accuracy'
  | 'precision_macro'
  | 'recall_macro'
  | 'f1_macro'
  | 'precision_weighted'
  | 'recall_weighted'
  | 'f1_weighted'
  | 'roc_auc'
  | 'pr_auc'
  | 'log_loss'
  | 'rmse'
  | 'mae'
  | 'r2'
  | 'mape';
