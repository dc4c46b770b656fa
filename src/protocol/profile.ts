// The Data Quality profile: what the worker computes, the CLI prints with --json, the cache stores and
// the webview renders. Plain JSON (no Maps, no undefined-as-meaning), so it crosses every boundary as is.
// Bump PROFILE_SCHEMA_VERSION when a field changes meaning; the cache ignores entries of other versions.

export const PROFILE_SCHEMA_VERSION = 1;

export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text';

export interface Quantiles {
  p1: number;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
}

export interface ValueCount {
  value: string;
  count: number;
}

/** Equal-width bins for numeric and datetime columns: `edges.length === counts.length + 1`. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

export interface LengthStats {
  min: number;
  max: number;
  mean: number;
}

export interface OutlierStats {
  /** Tukey fences: p25 - 1.5 IQR and p75 + 1.5 IQR. */
  lowerFence: number;
  upperFence: number;
  low: number;
  high: number;
  /** True when counted from a sketch rather than exactly. */
  approx: boolean;
}

export interface ColumnProfile {
  index: number;
  name: string;
  type: ColumnType;
  /** Non-missing values. */
  count: number;
  missing: number;
  /** 0..100 */
  missingPct: number;
  distinct: number;
  /** True once the exact distinct set passed its cap and a HyperLogLog estimate took over. */
  distinctApprox: boolean;
  /** Numeric: numbers. Datetime: ISO-8601 strings. Otherwise null. */
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  std: number | null;
  skewness: number | null;
  quantiles: Quantiles | null;
  zeros: number | null;
  negatives: number | null;
  outliers: OutlierStats | null;
  /** Most frequent values, most frequent first (up to 10). */
  top: ValueCount[];
  /** True when counts come only from values first seen before the distinct cap. */
  topApprox: boolean;
  /** Numeric and datetime columns (datetime edges are epoch milliseconds). */
  histogram: Histogram | null;
  /** Text and categorical columns: string length in characters. */
  length: LengthStats | null;
  /** Evidence the warnings use: how the non-missing values parsed. */
  evidence: ColumnEvidence;
}

export interface ColumnEvidence {
  numeric: number;
  integer: number;
  boolean: number;
  datetime: number;
  /** Values that parse as numbers once thousands separators, currency or percent signs are removed. */
  numericLikeText: number;
  /** Values with leading or trailing white space. */
  padded: number;
  /** Groups of distinct values equal after trimming and lower-casing (only when distinct is exact). */
  variantGroups: string[][];
  /** Values that look like dates in other layouts (MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY). Optional: added by the engine. */
  otherDateFormats?: number;
}

export interface Dialect {
  delimiter: string;
  quote: string;
  header: boolean;
  encoding: 'utf-8' | 'latin1';
  bom: boolean;
  lineEnding: 'lf' | 'crlf' | 'cr';
}

export interface RaggedRows {
  count: number;
  /** 1-based physical line numbers of the first ragged rows (up to 20). */
  firstLines: number[];
  expectedFields: number;
}

export interface Correlations {
  columns: string[];
  /** Pearson r over pairwise-complete rows; null where undefined (constant column, < 3 pairs). */
  matrix: (number | null)[][];
  /** Set when some numeric columns were left out (too many to pair). */
  note: string | null;
}

export interface MissingCooccurrence {
  columns: string[];
  /** matrix[i][j] = rows where both columns are missing; the diagonal is each column's missing count. */
  matrix: number[][];
}

export type WarningSeverity = 'info' | 'warning' | 'error';

export type WarningKind =
  | 'constant'
  | 'nearConstant'
  | 'highMissing'
  | 'idLike'
  | 'highCardinality'
  | 'duplicates'
  | 'skewed'
  | 'outliers'
  | 'numbersAsText'
  | 'categoryVariants'
  | 'probableDates'
  | 'highCorrelation'
  | 'raggedRows'
  | 'emptyColumn';

export interface DataWarning {
  kind: WarningKind;
  severity: WarningSeverity;
  /** The column the warning is about; null for dataset-level warnings. */
  column: string | null;
  /** Further columns (e.g. the other side of a correlated pair). */
  columns: string[];
  message: string;
  evidence: Record<string, number | string | boolean>;
}

export interface FileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface DatasetProfile {
  schemaVersion: number;
  file: FileIdentity;
  /** True for the quick first-rows preview; the full pass replaces it. */
  preview: boolean;
  dialect: Dialect;
  rows: number;
  columnCount: number;
  bytes: number;
  duplicateRows: number;
  duplicateRowsApprox: boolean;
  /** Cells missing over all cells, 0..100. */
  missingPct: number;
  ragged: RaggedRows;
  columns: ColumnProfile[];
  correlations: Correlations;
  missingCooccurrence: MissingCooccurrence;
  warnings: DataWarning[];
  /** How the pass ran: wall time, threads. */
  run: { elapsedMs: number; threads: number; engineVersion: string };
}

export interface ProfileProgress {
  bytesDone: number;
  bytesTotal: number;
  rowsDone: number;
  /** Estimated milliseconds left; null until there is a rate to go on. */
  etaMs: number | null;
}

export interface ProfileOptions {
  /** Tokens read as missing, compared after trimming; the empty field is always missing. */
  missingTokens: string[];
  /** Worker threads for the full pass; 0 means one per core. */
  threads: number;
  /** Force a delimiter instead of sniffing. */
  delimiter?: string;
}

export const DEFAULT_MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'null', 'NULL', 'NaN', 'nan', '?', 'None', '#N/A'];
