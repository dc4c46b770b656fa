// The Recipe: a cleaning plan as an ordered list of fitted steps, every parameter baked in (the median to
// impute, the categories to encode, the clip bounds), so replaying it on tomorrow's file, in the CLI or as
// exported pandas code gives the same result. Plain JSON, readable and hand-editable.
// Bump RECIPE_SCHEMA_VERSION when a field changes meaning; loading checks it.
import type { ColumnType } from './profile.js';

export const RECIPE_SCHEMA_VERSION = 1;

/**
 * What a step does with a value it was not fitted for (a new category, text where a number was expected):
 * 'missing' makes it missing (one-hot: all zeros) and counts it in the apply report; 'error' stops the run.
 */
export type UnknownPolicy = 'missing' | 'error';

export interface RecipeColumn {
  name: string;
  type: ColumnType;
}

export interface DropDuplicateRowsStep {
  op: 'dropDuplicateRows';
}

export interface DropColumnsStep {
  op: 'dropColumns';
  columns: string[];
  /** Why, in words (constant, ID-like, 62% missing...): shown to the user, ignored when applying. */
  reason: string;
}

export interface DropRowsMissingStep {
  op: 'dropRowsMissing';
  columns: string[];
}

export type ImputeStrategy = 'mean' | 'median' | 'mode' | 'constant';

export interface ImputeStep {
  op: 'impute';
  column: string;
  strategy: ImputeStrategy;
  /** The fitted fill value: a number for mean/median (and numeric mode/constant), else text. */
  value: number | string;
  /** Add `<column>_missing` (1 where the value was missing, else 0) right after the column. */
  indicator: boolean;
  /** Only for a numeric value: how text that is not a number is handled. */
  onUnknown: UnknownPolicy;
}

export interface ParseNumbersStep {
  op: 'parseNumbers';
  column: string;
  /** Removed before parsing (e.g. ","). */
  thousands: string;
  /** "12%" becomes 0.12 when true, 12 when false. */
  percentAsFraction: boolean;
  onUnknown: UnknownPolicy;
}

export interface ParseBooleansStep {
  op: 'parseBooleans';
  column: string;
  /** Lower-cased spellings read as 1 and as 0. */
  trueValues: string[];
  falseValues: string[];
  onUnknown: UnknownPolicy;
}

export type DateFeature = 'year' | 'month' | 'day' | 'dayOfWeek';

export interface DateFeaturesStep {
  op: 'dateFeatures';
  column: string;
  /** New columns `<column>_<feature>`; dayOfWeek is 0 = Monday .. 6 = Sunday (as pandas). */
  features: DateFeature[];
  /** Remove the date column itself once its features are out. */
  dropColumn: boolean;
  onUnknown: UnknownPolicy;
}

export interface TrimWhitespaceStep {
  op: 'trimWhitespace';
  columns: string[];
}

export interface UnifyCaseStep {
  op: 'unifyCase';
  column: string;
  /** Variant spelling -> the spelling kept. */
  mapping: Record<string, string>;
}

export interface GroupRareStep {
  op: 'groupRare';
  column: string;
  /** Categories kept as they are; every other non-missing value becomes `other`. */
  keep: string[];
  other: string;
}

export interface ClipStep {
  op: 'clip';
  column: string;
  /** 'iqr' = Tukey fences, 'percentile' = winsorising; only a label, the bounds are what counts. */
  method: 'iqr' | 'percentile';
  lower: number;
  upper: number;
  onUnknown: UnknownPolicy;
}

export interface FlagOutliersStep {
  op: 'flagOutliers';
  column: string;
  /** `<column>_outlier` is 1 below lower or above upper, 0 otherwise, missing where the value is. */
  lower: number;
  upper: number;
  onUnknown: UnknownPolicy;
}

export interface ScaleStep {
  op: 'scale';
  column: string;
  /** standard: (x - mean) / std; minMax: (x - min) / (max - min); robust: (x - median) / IQR. */
  method: 'standard' | 'minMax' | 'robust';
  center: number;
  scale: number;
  onUnknown: UnknownPolicy;
}

export interface Log1pStep {
  op: 'log1p';
  column: string;
  /** log1p(x + shift); shift makes the smallest fitted value 0. Values below -shift are unknown. */
  shift: number;
  onUnknown: UnknownPolicy;
}

export interface YeoJohnsonStep {
  op: 'yeoJohnson';
  column: string;
  lambda: number;
  onUnknown: UnknownPolicy;
}

export interface OneHotStep {
  op: 'oneHot';
  column: string;
  /** One 0/1 column `<column>_<category>` per category, in this order, replacing the column. */
  categories: string[];
  /** Add `<column>_other` (the fitted data had values outside `categories`); then no value is unknown. */
  otherColumn: boolean;
  /** Without an other column, a value outside `categories` is unknown. Missing values give all zeros. */
  onUnknown: UnknownPolicy;
}

export interface OrdinalStep {
  op: 'ordinal';
  column: string;
  /** Category i becomes the number i. */
  categories: string[];
  onUnknown: UnknownPolicy;
}

export interface FrequencyStep {
  op: 'frequency';
  column: string;
  /** Share of fitted non-missing values, 0..1. */
  frequencies: Record<string, number>;
  /** Given to values outside `frequencies` when the fitted data had such values; null: they are unknown. */
  otherFrequency: number | null;
  onUnknown: UnknownPolicy;
}

/**
 * Random oversampling of a classification target, for TRAINING data only (replaying a Recipe on data to
 * predict must skip it). Each row of a listed class is written `copies[class]` times on average: the whole
 * part always, one more with probability the fractional part, drawn from a Mulberry32 generator seeded
 * with `seed` in row order. Other classes and missing targets are written once. Always the last step.
 */
export interface OversampleStep {
  op: 'oversample';
  column: string;
  copies: Record<string, number>;
  seed: number;
}

/**
 * SMOTE for a classification target, TRAINING data only (like oversample; always the last step). Rows of
 * the listed classes are kept in memory while the file streams through; at the end each listed class with
 * fewer than round(ratio x the largest class's count) rows gets synthetic rows up to that count, appended
 * after the data: a base row drawn at random among the class's rows whose features are all numbers, one of
 * its k nearest neighbours in the class (Euclidean over `features`, ties to the earlier row), and a point at
 * a random fraction of the way from the base to the neighbour on every feature; other columns are copied
 * from the base row. Draws come from a Mulberry32 generator seeded with `seed`: base, neighbour, fraction.
 */
export interface SmoteStep {
  op: 'smote';
  column: string;
  /** Numeric (or encoded) columns the distances and the new points use. */
  features: string[];
  /** Classes (as written) that were below ratio x the largest when fitted: only these are synthesised. */
  classes: string[];
  ratio: number;
  k: number;
  seed: number;
}

export type RecipeStep =
  | OversampleStep
  | SmoteStep
  | DropDuplicateRowsStep
  | DropColumnsStep
  | DropRowsMissingStep
  | ImputeStep
  | ParseNumbersStep
  | ParseBooleansStep
  | DateFeaturesStep
  | TrimWhitespaceStep
  | UnifyCaseStep
  | GroupRareStep
  | ClipStep
  | FlagOutliersStep
  | ScaleStep
  | Log1pStep
  | YeoJohnsonStep
  | OneHotStep
  | OrdinalStep
  | FrequencyStep;

export type RecipeOp = RecipeStep['op'];

export interface Recipe {
  schemaVersion: number;
  /** The file the steps were fitted on, as the user named it (informational). */
  source: { file: string; rows: number; columns: RecipeColumn[] };
  /** Cells read as missing (compared after trimming spaces, tabs and line breaks); written out as empty. */
  missingTokens: string[];
  steps: RecipeStep[];
}

/** What happened while applying a Recipe: counts, never silent. */
export interface UnknownValues {
  /** Index into Recipe.steps. */
  step: number;
  op: RecipeOp;
  column: string;
  count: number;
  /** Up to 5 distinct examples, as written in the input. */
  examples: string[];
  /** What was done with them. */
  policy: string;
}

export interface ApplyReport {
  rowsIn: number;
  rowsOut: number;
  duplicateRowsDropped: number;
  rowsDroppedMissing: number;
  /** Records with more or fewer fields than the header: missing fields read as missing, extra fields are not written. */
  raggedRows: number;
  /** How the file's columns differ from the ones the Recipe was fitted on (steps naming a missing one fail). */
  columnChanges: { added: string[]; missing: string[] };
  columns: string[];
  unknown: UnknownValues[];
}

/**
 * A step as the user picks it, before fitting: the op and the choices a person makes (strategy, method,
 * thresholds). fitRecipe turns a list of these into fitted RecipeSteps using the profile (or a sample).
 */
export type StepChoice =
  | { op: 'dropDuplicateRows' }
  | { op: 'dropColumns'; columns: string[]; reason: string }
  /** Fits to dropColumns: every column missing more than `percent` (0..100) of its values. */
  | { op: 'dropColumnsAboveMissing'; percent: number }
  | { op: 'dropRowsMissing'; columns: string[] }
  | { op: 'impute'; column: string; strategy: ImputeStrategy; indicator: boolean; constant?: number | string }
  | { op: 'parseNumbers'; column: string; thousands?: string; percentAsFraction?: boolean }
  | { op: 'parseBooleans'; column: string }
  | { op: 'dateFeatures'; column: string; features?: DateFeature[]; dropColumn?: boolean }
  | { op: 'trimWhitespace'; columns: string[] }
  | { op: 'unifyCase'; column: string }
  /** Categories below minShare (0..1) of non-missing values become "other". */
  | { op: 'groupRare'; column: string; minShare: number }
  /** percentile: winsorise at [percentile, 100 - percentile], 1 or 5. */
  | { op: 'clip'; column: string; method: 'iqr' | 'percentile'; percentile?: 1 | 5 }
  | { op: 'flagOutliers'; column: string }
  | { op: 'scale'; column: string; method: 'standard' | 'minMax' | 'robust' }
  | { op: 'log1p'; column: string }
  | { op: 'yeoJohnson'; column: string }
  | { op: 'oneHot'; column: string; maxCategories?: number }
  | { op: 'ordinal'; column: string }
  | { op: 'frequency'; column: string }
  /** Oversample the target's smaller classes up to `ratio` (0..1] of the largest class's count. */
  | { op: 'oversample'; column: string; ratio?: number; seed?: number }
  /** SMOTE: synthetic rows for the target's smaller classes up to `ratio` (0..1] of the largest; features default to every numeric column but the target, k to 5. */
  | { op: 'smote'; column: string; ratio?: number; k?: number; seed?: number; features?: string[] };

/** One suggestion: what to do, why (numbers from the profile), and what else the user could pick. */
export interface Suggestion {
  id: string;
  /** Column it is about; null for dataset-level steps (duplicates). */
  column: string | null;
  /** e.g. "`income`: 12% missing, skew 3.1 -> impute with the median, add a missing indicator". */
  evidence: string;
  choice: StepChoice;
  alternatives: { label: string; choice: StepChoice | null }[];
  /** Higher first; roughly the share of cells or rows the step changes, weighted by severity. */
  impact: number;
  /** Part of the default selection (`mllab clean --auto`). */
  selected: boolean;
}

/** Statistics of one column in a preview, before or after the steps. */
export interface PreviewColumnStats {
  name: string;
  count: number;
  missing: number;
  /** Numbers only (null when the column has text). */
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  distinct: number;
  top: { value: string; count: number }[];
}

/** What the selected steps would do, computed on a sample without writing anything. */
export interface RecipePreview {
  sampleRows: number;
  /** True when the sample is the whole file. */
  complete: boolean;
  /** Columns a step names or creates: before (null for new columns) and after (null for dropped ones). */
  affected: { name: string; before: PreviewColumnStats | null; after: PreviewColumnStats | null }[];
  /** The first rows after the steps, as they would be written. */
  columns: string[];
  rows: string[][];
  report: ApplyReport;
}
