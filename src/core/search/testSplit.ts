// The held-out test split of a sweep: a share of the rows set aside ONCE, before the search, so the shipped
// model can be scored on rows that no trial, fold, ensemble selection or importance measurement ever saw.
// Stratified for classification (each class keeps its share), seeded from the sweep's seed (so a resume
// recomputes the same split), and recorded in split.json as data-row numbers of the file, so another tool
// can rebuild exactly the same train/test files.
import { UserError } from '../errors.js';
import { holdout } from '../ml/folds.js';
import { mixSeed } from '../ml/random.js';
import type { FeatureColumn, TargetColumn, TrainingTable } from '../ml/types.js';

/** Share of rows held out when the user does not say (tables with at least DEFAULT_TEST_MIN_ROWS rows). */
export const DEFAULT_TEST_FRACTION = 0.2;
/** Below this many rows nothing is held out by default: every row is needed for cross-validation. */
export const DEFAULT_TEST_MIN_ROWS = 100;

export const SPLIT_FORMAT = 'mllab-test-split';
export const SPLIT_SCHEMA_VERSION = 1;

/** split.json: which data rows of the training file were held out. */
export interface SplitFile {
  format: typeof SPLIT_FORMAT;
  schemaVersion: number;
  /** The sweep's seed; the split's own seed is derived from it (see splitSeed). */
  seed: number;
  fraction: number;
  stratified: boolean;
  dataset: { path: string; sha256: string };
  /** Data rows read (with a target) and how many of them trained. */
  rows: number;
  trainRows: number;
  /**
   * Held-out rows as 0-based data-row numbers of the file (the header is not a row; rows whose target is
   * missing are never held out), ascending = file order.
   */
  testRows: number[];
}

/** The fraction a sweep uses: the one given, else the default for the table's size. */
export function defaultTestFraction(rows: number): number {
  return rows >= DEFAULT_TEST_MIN_ROWS ? DEFAULT_TEST_FRACTION : 0;
}

export function checkTestFraction(fraction: number): void {
  if (!(fraction >= 0 && fraction < 1) || !Number.isFinite(fraction)) throw new UserError('BAD_ARGUMENT', `The test fraction must be at least 0 and below 1 (got ${fraction}).`);
}

/** Independent of the folds' seed, so the folds over the training rows are not a function of the test draw. */
export function splitSeed(seed: number): number {
  return mixSeed(seed, 0x74657374);
}

/** Training and test rows of the table (indices into it, ascending). */
export interface TestSplit {
  train: Int32Array;
  test: Int32Array;
}

export function splitTestRows(table: TrainingTable, fraction: number, seed: number): TestSplit {
  checkTestFraction(fraction);
  if (fraction === 0) throw new Error('splitTestRows: fraction 0 means no split');
  const n = table.rows;
  if (n < 4) throw new UserError('TOO_FEW_ROWS', `Holding out a test share needs at least 4 rows; there are ${n}. Use --test-fraction 0.`);
  const t = table.target;
  const [fold] = holdout(n, fraction, splitSeed(seed), t.task === 'regression' ? undefined : t.codes);
  return { train: fold!.train, test: fold!.valid };
}

function take<T extends Float64Array | Int32Array>(values: T, rows: Int32Array): T {
  const out = (values instanceof Float64Array ? new Float64Array(rows.length) : new Int32Array(rows.length)) as T;
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}

/** The table restricted to `rows` (same columns, categories and classes: codes keep their meaning). */
export function takeRows(table: TrainingTable, rows: Int32Array): TrainingTable {
  const features: FeatureColumn[] = table.features.map((f) => (f.kind === 'numeric' ? { ...f, values: take(f.values, rows) } : { ...f, codes: take(f.codes, rows) }));
  const t = table.target;
  const target: TargetColumn = t.task === 'regression' ? { ...t, values: take(t.values, rows) } : { ...t, codes: take(t.codes, rows) };
  return { rows: rows.length, features, target };
}

/** Test rows as file data-row numbers; `fileRows` maps table rows to data rows (identity when absent). */
export function testFileRows(split: TestSplit, fileRows: Int32Array | null): number[] {
  return Array.from(split.test, (r) => (fileRows ? fileRows[r]! : r));
}
