// Drift check: does new data (a CSV, or a served model's prediction log) still look like the data the model
// was trained on? Per input column: PSI over bins, a two-sample test (KS for numbers, chi-square for
// categories), the missing-rate change and unseen categories; plus the model's own predictions on both
// sides; and one verdict against thresholds.
//
// - Reference: the model's training file (ModelPackage.dataset, checked against its sha256), or for a model
//   trained on a cleaned dataset version the source file it was cleaned from (the model's input is the raw
//   columns; the Recipe is replayed at prediction time), or any CSV the caller names.
// - Memory is bounded whatever the file sizes: numeric columns keep a seeded reservoir sample of
//   SAMPLE_SIZE values per side (KS and the reference deciles use it; the report says when a side was
//   sampled), categories are counted exactly (up to MAX_DISTINCT distinct values a column, the rest counted
//   together). Current-side bin shares are exact counts; reference-side numeric shares come from its
//   sample once it holds more than SAMPLE_SIZE values. Prediction drift runs the model (predictFile, as
//   `mllab predict`) on each file, or on a seeded sample of PREDICTION_SAMPLE_ROWS rows of a larger one; a
//   prediction log brings its own predictions.
// - Bins: the reference's deciles (numbers) or its most frequent categories plus "(other)" and "(missing)",
//   fewer when the row counts are too small for PSI to be more than noise (psiBinsFor).
// - A feature drifts when PSI ≥ thresholds.psi, or when its test's p-value < thresholds.pValue AND its
//   effect (KS statistic, Cramér's V) ≥ thresholds.effect: with tens of thousands of rows a p-value alone
//   flags differences too small to matter.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { cancelled, isUserError, UserError } from '../errors.js';
import { dataRecords, readLayout } from '../clean/applyFile.js';
import { csvField } from '../clean/cells.js';
import { seededRandom } from '../clean/random.js';
import { predictFile, readModelPackage } from '../ml/modelPackage.js';
import type { ModelPackage } from '../ml/modelPackage.js';
import { dateOf, describeMissingColumn, missingSet } from '../ml/table.js';
import { labelNumber } from '../ml/task.js';
import { nodeStoreFs } from '../store/atomicFile.js';
import { hashFile } from '../store/profileCache.js';
import { chiSquareHomogeneity } from '../stats/chi2.js';
import { ksTwoSample } from '../stats/ks.js';
import { binLabels, binOf, populationStabilityIndex, PSI_NOISE_QUANTILE, PSI_NUMERIC_BINS, psiBinsFor, quantileEdges } from '../stats/psi.js';
import { chiSquareSf } from '../stats/specialFunctions.js';
import { Reservoir } from '../stats/reservoir.js';
import { inputColumns } from './inputSchema.js';
import { predictionLogFiles } from './predictionLog.js';
import { DEPLOY_SCHEMA_VERSION, DRIFT_REPORT_FORMAT } from '../../protocol/deploy.js';
import type { DriftBin, DriftReport, DriftThresholds, FeatureDrift, PredictionLogLine } from '../../protocol/deploy.js';
import { DEFAULT_MISSING_TOKENS } from '../../protocol/profile.js';

export const DEFAULT_DRIFT_THRESHOLDS: Readonly<DriftThresholds> = Object.freeze({ psi: 0.2, pValue: 0.01, effect: 0.1 });

/** Values kept per numeric column and side for KS and the deciles. Above 10,000 KS is asymptotic anyway. */
export const SAMPLE_SIZE = 20_000;
/** Distinct values counted one by one per categorical column and side; the rest are counted together. */
export const MAX_DISTINCT = 10_000;
/** Categorical bins shown and tested: the most frequent reference categories, the rest in "(other)". */
export const MAX_CATEGORY_BINS = 30;
const MISSING_BIN = '(missing)';
const OTHER_BIN = '(other)';
const SEED = 20261128;
const YIELD_ROWS = 20_000;
/** Rows of each file the model predicts for prediction drift; larger files are sampled (seeded). */
export const PREDICTION_SAMPLE_ROWS = 50_000;
/** Rows the no-model check reads to decide each column's kind. */
const KIND_ROWS = 2_000;

export interface CheckDriftOptions {
  /** A model package JSON (models/best.json, an exported model.json). */
  model?: string;
  /** A CSV to compare against instead of the model's training data (required without a model). */
  reference?: string;
  /** A CSV, a prediction log file (.jsonl) or a folder holding predictions.jsonl and its rotations. */
  current: string;
  thresholds?: Partial<DriftThresholds>;
  signal?: AbortSignal;
}

interface FeatureSpec {
  name: string;
  kind: 'numeric' | 'categorical';
  datetime: boolean;
}

/** One column on one side: rows, missing cells, and a sample (numeric) or exact counts (categorical). */
class ColumnTally {
  rows = 0;
  missing = 0;
  readonly sample: Reservoir | null;
  readonly counts: Map<string, number> | null;
  /** Categorical values beyond MAX_DISTINCT distinct ones. */
  overflow = 0;
  /** Numeric: counts per bin, when the bins are known before the pass (the current side). */
  binCounts: Float64Array | null = null;
  edges: number[] | null = null;

  constructor(
    readonly spec: FeatureSpec,
    private readonly missingTokens: ReadonlySet<string>,
    seed: number,
  ) {
    this.sample = spec.kind === 'numeric' ? new Reservoir(SAMPLE_SIZE, seed) : null;
    this.counts = spec.kind === 'categorical' ? new Map() : null;
  }

  addText(raw: string | undefined): void {
    this.rows++;
    const text = raw === undefined ? '' : raw.trim();
    if (this.missingTokens.has(text)) {
      this.missing++;
      return;
    }
    if (this.counts) {
      const n = this.counts.get(text);
      if (n !== undefined) this.counts.set(text, n + 1);
      else if (this.counts.size < MAX_DISTINCT) this.counts.set(text, 1);
      else this.overflow++;
      return;
    }
    const x = this.spec.datetime ? dateOf(text) : labelNumber(text);
    if (Number.isNaN(x)) {
      // Text where a number belongs: the model reads it as missing, so does the check.
      this.missing++;
      return;
    }
    this.sample!.add(x);
    if (this.binCounts && this.edges) this.binCounts[binOf(this.edges, x)]!++;
  }

  /** A JSON value from a logged request row. */
  addValue(value: unknown): void {
    if (value === null || value === undefined) return this.addText(undefined);
    if (typeof value === 'number') return this.addText(Number.isFinite(value) ? String(value) : undefined);
    if (typeof value === 'boolean') return this.addText(value ? 'true' : 'false');
    return this.addText(typeof value === 'string' ? value : JSON.stringify(value));
  }

  get present(): number {
    return this.rows - this.missing;
  }
}

// --- Reading ------------------------------------------------------------------------------------------------

/** A seeded uniform sample of whole records (algorithm R), for predicting a large file in bounded memory. */
class RowSample {
  readonly rows: string[][] = [];
  seen = 0;
  private readonly next: () => number;

  constructor(
    readonly capacity: number,
    seed: number,
  ) {
    this.next = seededRandom(seed);
  }

  add(record: string[]): void {
    if (this.seen < this.capacity) this.rows.push(record);
    else {
      const slot = Math.floor(this.next() * (this.seen + 1));
      if (slot < this.capacity) this.rows[slot] = record;
    }
    this.seen++;
  }

  get sampled(): boolean {
    return this.seen > this.capacity;
  }
}

interface CsvRead {
  rows: number;
  columns: string[];
}

async function readCsvInto(path: string, tallies: readonly ColumnTally[], sample: RowSample | null, signal: AbortSignal | undefined): Promise<CsvRead> {
  const layout = readLayout(path);
  const absent = tallies.filter((t) => !layout.columns.includes(t.spec.name)).map((t) => t.spec.name);
  if (absent.length > 0) {
    throw new UserError(
      'MISSING_COLUMN',
      `${path} lacks the column${absent.length > 1 ? 's' : ''} ${absent.map((c) => JSON.stringify(c)).join(', ')} the model reads${absent.length === 1 ? `: ${describeMissingColumn(absent[0]!, layout.columns)}` : '.'}`,
    );
  }
  const picks = tallies.map((t) => ({ index: layout.columns.indexOf(t.spec.name), tally: t }));
  let rows = 0;
  for (const record of dataRecords(path, layout.dialect)) {
    for (const p of picks) p.tally.addText(record[p.index]);
    sample?.add(record);
    rows++;
    if (rows % YIELD_ROWS === 0) {
      await new Promise<void>((r) => setImmediate(r));
      if (signal?.aborted) throw cancelled();
    }
  }
  if (signal?.aborted) throw cancelled();
  if (rows === 0) throw new UserError('NO_DATA_ROWS', `${path} has a header but no data rows.`);
  return { rows, columns: layout.columns };
}

interface LogRead {
  rows: number;
  /** Every logged row came with its prediction (tallied into `predictions`). */
  predicted: boolean;
  skippedLines: number;
}

async function logFilesOf(path: string): Promise<string[]> {
  const s = await stat(path).catch(() => null);
  if (!s) throw new UserError('NOT_FOUND', `${path} does not exist.`);
  if (s.isDirectory()) {
    const files = await predictionLogFiles(path);
    if (files.length === 0) throw new UserError('NOT_FOUND', `${path} holds no prediction log (predictions.jsonl).`);
    return files;
  }
  if (s.size === 0) throw new UserError('EMPTY_FILE', `${basename(path)} is empty.`);
  return [path];
}

async function readLogInto(path: string, tallies: readonly ColumnTally[], predictions: ColumnTally | null, signal: AbortSignal | undefined): Promise<LogRead> {
  let rows = 0;
  let skippedLines = 0;
  let predicted = true;
  for (const file of await logFilesOf(path)) {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let parsed: PredictionLogLine;
      try {
        parsed = JSON.parse(line) as PredictionLogLine;
      } catch {
        skippedLines++; // a torn last line after a kill
        continue;
      }
      if (!Array.isArray(parsed.rows)) continue; // a rejected request: nothing was predicted
      for (const row of parsed.rows) {
        const record = typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : {};
        for (const t of tallies) t.addValue(record[t.spec.name]);
      }
      if (Array.isArray(parsed.predictions) && parsed.predictions.length === parsed.rows.length) {
        if (predictions) for (const v of parsed.predictions) predictions.addValue(v);
      } else predicted = false;
      rows += parsed.rows.length;
      if (rows % YIELD_ROWS < parsed.rows.length) {
        await new Promise<void>((r) => setImmediate(r));
        if (signal?.aborted) throw cancelled();
      }
    }
  }
  if (rows === 0) throw new UserError('NO_DATA_ROWS', `${path} logs no predicted rows${skippedLines > 0 ? ` (${skippedLines} unreadable line${skippedLines === 1 ? '' : 's'})` : ''}.`);
  return { rows, predicted, skippedLines };
}

async function isLog(path: string): Promise<boolean> {
  if (/\.jsonl$/i.test(path)) return true;
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

// --- Comparing ----------------------------------------------------------------------------------------------

function formatNumber(x: number, digits = 3): string {
  if (x === 0) return '0';
  if (Math.abs(x) < 1e-3) return x.toExponential(1);
  return String(Number(x.toPrecision(digits)));
}

function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

function verdictOf(
  f: Omit<FeatureDrift, 'drifted' | 'reasons'>,
  t: DriftThresholds,
): { drifted: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (f.psi >= t.psi) {
    // Name the bin that moved most, so "PSI 0.7" reads as "a tenth of the values are now missing".
    let top: DriftBin | null = null;
    let topPart = -Infinity;
    for (const b of f.bins) {
      const part = populationStabilityIndex([b.reference], [b.current]);
      if (part > topPart) [top, topPart] = [b, part];
    }
    const share = (x: number): string => `${formatNumber(100 * x, 2)}%`;
    reasons.push(`PSI ${formatNumber(f.psi)} ≥ ${t.psi}${top ? `, most from ${top.label}: ${share(top.reference)} → ${share(top.current)}` : ''}`);
  }
  if (f.ks && f.ks.pValue < t.pValue && f.ks.statistic >= t.effect) {
    reasons.push(`KS ${formatNumber(f.ks.statistic)} ≥ ${t.effect} with p = ${formatNumber(f.ks.pValue, 2)} < ${t.pValue}`);
  }
  if (f.chi2 && f.chi2.pValue < t.pValue && f.chi2.cramersV >= t.effect) {
    reasons.push(`Cramér's V ${formatNumber(f.chi2.cramersV)} ≥ ${t.effect} with χ² p = ${formatNumber(f.chi2.pValue, 2)} < ${t.pValue}`);
  }
  return { drifted: reasons.length > 0, reasons };
}

function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/** Edges for the current side's bins, from the reference sample (once the reference pass is done). */
function numericEdges(reference: ColumnTally): number[] {
  return quantileEdges(reference.sample!.sorted());
}

/** Bins (the (missing) one included) these two tallies can afford, PSI_NUMERIC_BINS + 1 at most. */
function affordableBins(reference: ColumnTally, current: ColumnTally, t: DriftThresholds, cap: number): number {
  return psiBinsFor(reference.present + reference.missing, current.present + current.missing, t.psi, cap);
}

function compareNumeric(name: string, reference: ColumnTally, current: ColumnTally, t: DriftThresholds, coarse: string[]): FeatureDrift {
  const refSorted = reference.sample!.sorted();
  const curSorted = current.sample!.sorted();
  const hasMissing = reference.missing > 0 || current.missing > 0;
  const valueBins = Math.max(1, affordableBins(reference, current, t, PSI_NUMERIC_BINS + (hasMissing ? 1 : 0)) - (hasMissing ? 1 : 0));
  // Fewer rows than ten bins can carry: coarser quantiles, the new side counted again from its sample
  // (which holds every value of a file that small).
  const fewer = valueBins < PSI_NUMERIC_BINS;
  if (fewer) coarse.push(name);
  const edges = fewer ? quantileEdges(refSorted, valueBins) : (current.edges ?? quantileEdges(refSorted));
  const k = edges.length + 1;
  // Reference shares from its sample (exact below SAMPLE_SIZE values), scaled to its non-missing share.
  const refCounts = new Float64Array(k);
  for (const x of refSorted) refCounts[binOf(edges, x)]!++;
  let curCounts = fewer ? null : current.binCounts;
  if (!curCounts) {
    curCounts = new Float64Array(k);
    for (const x of curSorted) curCounts[binOf(edges, x)]!++;
  }
  const refPresent = rate(reference.present, reference.rows);
  const curPresent = rate(current.present, current.rows);
  const curTotal = curCounts.reduce((a, b) => a + b, 0);
  const labels = binLabels(edges, reference.spec.datetime ? formatDate : undefined);
  const bins: DriftBin[] = labels.map((label, i) => ({
    label,
    reference: refSorted.length === 0 ? 0 : (refCounts[i]! / refSorted.length) * refPresent,
    current: curTotal === 0 ? 0 : (curCounts[i]! / curTotal) * curPresent,
  }));
  const missingRate = { reference: rate(reference.missing, reference.rows), current: rate(current.missing, current.rows) };
  if (hasMissing) bins.push({ label: MISSING_BIN, ...missingRate });
  const psi = populationStabilityIndex(
    bins.map((b) => b.reference),
    bins.map((b) => b.current),
  );
  const base = {
    name,
    kind: 'numeric' as const,
    psi,
    ...(refSorted.length > 0 && curSorted.length > 0 ? { ks: ((r) => ({ statistic: r.statistic, pValue: r.pValue }))(ksTwoSample(refSorted, curSorted)) } : {}),
    missingRate,
    unseen: null,
    bins,
  };
  return { ...base, ...verdictOf(base, t) };
}

function compareCategorical(name: string, reference: ColumnTally, current: ColumnTally, t: DriftThresholds, coarse: string[]): FeatureDrift {
  const refCounts = reference.counts!;
  const curCounts = current.counts!;
  // Most frequent reference categories first (ties by name), the rest pooled with unseen values, as many
  // as the row counts can carry without PSI noise (see psiBinsFor): the (missing) bin takes one.
  const ordered = [...refCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const hasMissing = reference.missing > 0 || current.missing > 0;
  const bins0 = Math.max(2, affordableBins(reference, current, t, MAX_CATEGORY_BINS + (hasMissing ? 1 : 0)) - (hasMissing ? 1 : 0));
  const anyUnseen = [...curCounts.keys()].some((c) => !refCounts.has(c)) || current.overflow > 0 || reference.overflow > 0;
  const room = ordered.length + (anyUnseen ? 1 : 0) <= bins0 ? ordered.length : bins0 - 1;
  if (room < ordered.length && room < MAX_CATEGORY_BINS - 1) coarse.push(name);
  const shown = ordered.slice(0, Math.max(1, room));
  const shownSet = new Set(shown.map(([c]) => c));
  const refOther = reference.present - shown.reduce((a, [, n]) => a + n, 0);
  let curOther = current.overflow;
  const unseen: string[] = [];
  let unseenCount = current.overflow;
  for (const [c, n] of curCounts) {
    if (!shownSet.has(c)) curOther += n;
    if (!refCounts.has(c)) {
      unseenCount += n;
      if (unseen.length < 5) unseen.push(c);
    }
  }
  const table: [number[], number[]] = [shown.map(([, n]) => n), shown.map(([c]) => curCounts.get(c) ?? 0)];
  const labels = shown.map(([c]) => c);
  if (refOther > 0 || curOther > 0) {
    labels.push(OTHER_BIN);
    table[0].push(refOther);
    table[1].push(curOther);
  }
  if (hasMissing) {
    labels.push(MISSING_BIN);
    table[0].push(reference.missing);
    table[1].push(current.missing);
  }
  const bins: DriftBin[] = labels.map((label, i) => ({ label, reference: rate(table[0][i]!, reference.rows), current: rate(table[1][i]!, current.rows) }));
  const psi = populationStabilityIndex(
    bins.map((b) => b.reference),
    bins.map((b) => b.current),
  );
  const chi2 = chiSquareHomogeneity(table);
  const base = {
    name,
    kind: 'categorical' as const,
    psi,
    chi2,
    missingRate: { reference: rate(reference.missing, reference.rows), current: rate(current.missing, current.rows) },
    unseen: unseenCount > 0 ? { count: unseenCount, examples: unseen } : null,
    bins,
  };
  return { ...base, ...verdictOf(base, t) };
}

// --- What to compare -----------------------------------------------------------------------------------------


/** Folders holding a `.mllab` above `from` (nearest first): where a dataset version's relative paths start. */
async function workspacesAbove(from: string): Promise<string[]> {
  const out: string[] = [];
  let dir = resolve(from);
  for (;;) {
    if ((await stat(join(dir, '.mllab')).catch(() => null))?.isDirectory()) out.push(dir);
    const up = dirname(dir);
    if (up === dir) return out;
    dir = up;
  }
}

/** The model's training data as the model reads it: the file, and the hash it had at training time. */
async function trainingReference(pkg: ModelPackage, modelPath: string): Promise<{ candidates: string[]; sha256: string; what: string }> {
  if (!pkg.lineage) return { candidates: [pkg.dataset.path], sha256: pkg.dataset.sha256, what: 'training data' };
  const parent = pkg.lineage.parent;
  if (!parent) {
    throw new UserError('NOT_FOUND', `The model was trained on ${pkg.dataset.path}, a cleaned version whose source file is not recorded: pass the source data with --reference.`);
  }
  if (isAbsolute(parent.path)) return { candidates: [parent.path], sha256: parent.hash, what: 'training source data' };
  const roots = [...(await workspacesAbove(dirname(pkg.dataset.path))), ...(await workspacesAbove(dirname(modelPath))), dirname(pkg.dataset.path)];
  return { candidates: [...new Set(roots.map((r) => resolve(r, ...parent.path.split('/'))))], sha256: parent.hash, what: 'training source data (the file the cleaned version came from)' };
}

function specFromType(name: string, type: string | undefined): FeatureSpec {
  if (type === 'numeric') return { name, kind: 'numeric', datetime: false };
  if (type === 'datetime') return { name, kind: 'numeric', datetime: true };
  return { name, kind: 'categorical', datetime: false };
}

/** Without a model: each reference column's kind from its first rows, as the table loader would decide it. */
function inferSpecs(path: string, missing: ReadonlySet<string>): { specs: FeatureSpec[]; skipped: string[] } {
  const layout = readLayout(path);
  const n = layout.columns.length;
  const present = new Array<number>(n).fill(0);
  const numbers = new Array<number>(n).fill(0);
  const dates = new Array<number>(n).fill(0);
  const distinct = layout.columns.map(() => new Set<string>());
  let rows = 0;
  for (const record of dataRecords(path, layout.dialect)) {
    for (let j = 0; j < n; j++) {
      const text = (record[j] ?? '').trim();
      if (missing.has(text)) continue;
      present[j]!++;
      if (!Number.isNaN(labelNumber(text))) numbers[j]!++;
      else if (!Number.isNaN(dateOf(text))) dates[j]!++;
      distinct[j]!.add(text);
    }
    if (++rows >= KIND_ROWS) break;
  }
  if (rows === 0) throw new UserError('NO_DATA_ROWS', `${path} has a header but no data rows.`);
  const specs: FeatureSpec[] = [];
  const skipped: string[] = [];
  layout.columns.forEach((name, j) => {
    const p = present[j]!;
    if (p === 0) skipped.push(`${name} (every value missing)`);
    else if (numbers[j]! >= 0.98 * p) specs.push({ name, kind: 'numeric', datetime: false });
    else if (dates[j]! >= 0.95 * p) specs.push({ name, kind: 'numeric', datetime: true });
    else if (distinct[j]!.size > 20 && distinct[j]!.size > 0.5 * p) skipped.push(`${name} (text or an identifier)`);
    else specs.push({ name, kind: 'categorical', datetime: false });
  });
  return { specs, skipped };
}

function thresholdsOf(given: Partial<DriftThresholds> | undefined): DriftThresholds {
  const t = { ...DEFAULT_DRIFT_THRESHOLDS, ...Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined)) } as DriftThresholds;
  if (!(Number.isFinite(t.psi) && t.psi > 0)) throw new UserError('BAD_ARGUMENT', `The PSI threshold must be a number above 0, got ${String(t.psi)}.`);
  if (!(t.pValue > 0 && t.pValue < 1)) throw new UserError('BAD_ARGUMENT', `The p-value threshold must be between 0 and 1, got ${String(t.pValue)}.`);
  if (!(t.effect >= 0 && t.effect <= 1)) throw new UserError('BAD_ARGUMENT', `The effect-size threshold must be from 0 to 1, got ${String(t.effect)}.`);
  return t;
}

function featureList(names: readonly string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * Predicted labels or values for a CSV's rows (the model's own reading, Recipe replay included): the whole
 * file when it fits the row sample, else the sampled rows through a private temporary CSV.
 */
async function predictionsOf(modelPath: string, csv: string, read: CsvRead, sample: RowSample, signal: AbortSignal | undefined): Promise<(string | number)[]> {
  const options = signal ? { signal } : {};
  if (!sample.sampled) return (await predictFile(modelPath, csv, options)).rows.map((r) => r[0]!);
  const dir = await mkdtemp(join(tmpdir(), 'mllab-drift-'));
  try {
    const file = join(dir, 'sample.csv');
    const width = read.columns.length;
    const lines = [read.columns.map(csvField).join(','), ...sample.rows.map((r) => Array.from({ length: width }, (_, i) => csvField(r[i] ?? '')).join(','))];
    await writeFile(file, lines.join('\n') + '\n');
    return (await predictFile(modelPath, file, options)).rows.map((r) => r[0]!);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function predictionTallies(pkg: ModelPackage): [ColumnTally, ColumnTally] {
  const spec: FeatureSpec = { name: `prediction (${pkg.target.name})`, kind: pkg.target.task === 'regression' ? 'numeric' : 'categorical', datetime: false };
  const none = new Set<string>();
  return [new ColumnTally(spec, none, SEED), new ColumnTally(spec, none, SEED + 1)];
}

// --- The check -------------------------------------------------------------------------------------------

export async function checkDrift(options: CheckDriftOptions): Promise<DriftReport> {
  const { signal } = options;
  const thresholds = thresholdsOf(options.thresholds);
  if (!options.model && !options.reference) throw new UserError('BAD_ARGUMENT', 'A drift check needs a model or a reference dataset to compare with.');
  const currentPath = resolve(options.current);
  const currentIsLog = await isLog(currentPath);
  const notes: string[] = [];

  const modelPath = options.model ? resolve(options.model) : null;
  const pkg = modelPath ? await readModelPackage(modelPath) : null;

  // The reference file, and whether it is still what the model was trained on.
  let referencePath: string;
  let referenceSha: string | null;
  if (options.reference) {
    referencePath = resolve(options.reference);
    if (!(await stat(referencePath).catch(() => null))?.isFile()) throw new UserError('NOT_FOUND', `${referencePath} does not exist.`);
    referenceSha = await hashFile(nodeStoreFs, referencePath, signal);
  } else {
    const training = await trainingReference(pkg!, modelPath!);
    let found: string | null = null;
    for (const c of training.candidates) {
      if ((await stat(c).catch(() => null))?.isFile()) {
        found = c;
        break;
      }
    }
    if (!found) {
      throw new UserError('NOT_FOUND', `The model's ${training.what}, ${training.candidates[0]}, is gone (moved or deleted): pass the data to compare with as --reference.`);
    }
    referencePath = found;
    referenceSha = await hashFile(nodeStoreFs, referencePath, signal);
    if (referenceSha !== training.sha256) {
      notes.push(`${referencePath} changed since the model was trained on it (sha256 ${training.sha256.slice(0, 12)} then, ${referenceSha.slice(0, 12)} now): the reference is today's file, not the training data.`);
    }
  }

  // The columns to compare and how to read them.
  const missingTokens = missingSet(pkg?.lineage ? pkg.lineage.recipe.missingTokens : DEFAULT_MISSING_TOKENS);
  let specs: FeatureSpec[];
  if (!pkg) {
    const inferred = inferSpecs(referencePath, missingTokens);
    specs = inferred.specs;
    if (inferred.skipped.length > 0) notes.push(`Not compared: ${featureList(inferred.skipped, 10)}.`);
  } else if (pkg.lineage) {
    const types = new Map(pkg.lineage.recipe.source.columns.map((c) => [c.name, c.type]));
    // The input schema also lists columns the replay drops (a row must still carry them); their drift cannot
    // move the model, so they are left out unless something derived from them (c_year, c_missing…) is read.
    const dropped = new Set(pkg.lineage.recipe.steps.flatMap((s) => (s.op === 'dropColumns' ? s.columns : [])));
    const derivedFrom = (c: string): boolean => pkg.features.some((f) => f.name.startsWith(`${c}_`));
    let names: string[];
    try {
      names = inputColumns(pkg, readLayout(referencePath).columns);
    } catch (e) {
      // The Recipe cannot be replayed on the reference: it is not shaped like the model's raw input.
      if (isUserError(e) && (e.code === 'MISSING_COLUMN' || e.code === 'BAD_RECIPE')) throw new UserError('MISSING_COLUMN', `${referencePath} does not have the raw columns the model reads (is it a cleaned version?): ${e.message}`);
      throw e;
    }
    specs = names
      .filter((name) => !dropped.has(name) || derivedFrom(name))
      .map((name) => specFromType(name, types.get(name)));
  } else {
    specs = pkg.features.map((f) => ({ name: f.name, kind: f.kind, datetime: f.kind === 'numeric' && f.datetime === true }));
  }
  if (specs.length === 0) throw new UserError('NO_FEATURES', `${referencePath} has no column to compare.`);

  const reference = specs.map((s, j) => new ColumnTally(s, missingTokens, SEED + 2 * j));
  const referenceSample = pkg ? new RowSample(PREDICTION_SAMPLE_ROWS, SEED - 1) : null;
  const referenceRead = await readCsvInto(referencePath, reference, referenceSample, signal);
  // The model's answers on the reference first: a regression's value bins come from them.
  const predictionTally = pkg ? predictionTallies(pkg) : null;
  if (predictionTally && modelPath && referenceSample) {
    const [refPred, curPred] = predictionTally;
    for (const v of await predictionsOf(modelPath, referencePath, referenceRead, referenceSample, signal)) refPred.addValue(v);
    if (refPred.spec.kind === 'numeric') {
      curPred.edges = numericEdges(refPred);
      curPred.binCounts = new Float64Array(curPred.edges.length + 1);
    }
  }
  const current = specs.map((s, j) => {
    const t = new ColumnTally(s, missingTokens, SEED + 2 * j + 1);
    if (s.kind === 'numeric') {
      t.edges = numericEdges(reference[j]!);
      t.binCounts = new Float64Array(t.edges.length + 1);
    }
    return t;
  });
  let currentRows: number;
  let currentPredicted = true;
  if (currentIsLog) {
    const read = await readLogInto(currentPath, current, predictionTally?.[1] ?? null, signal);
    currentRows = read.rows;
    currentPredicted = read.predicted;
    if (read.skippedLines > 0) notes.push(`${read.skippedLines} unreadable log line${read.skippedLines === 1 ? '' : 's'} skipped.`);
  } else {
    const currentSample = pkg ? new RowSample(PREDICTION_SAMPLE_ROWS, SEED - 2) : null;
    const read = await readCsvInto(currentPath, current, currentSample, signal);
    currentRows = read.rows;
    if (predictionTally && modelPath && currentSample) {
      for (const v of await predictionsOf(modelPath, currentPath, read, currentSample, signal)) predictionTally[1].addValue(v);
    }
    if (referenceSample?.sampled || currentSample?.sampled) {
      notes.push(`The model predicted a seeded sample of ${PREDICTION_SAMPLE_ROWS.toLocaleString('en-US')} rows of ${[referenceSample?.sampled ? 'the reference' : '', currentSample?.sampled ? 'the new data' : ''].filter((x) => x).join(' and of ')}.`);
    }
  }

  const coarse: string[] = [];
  const features = specs.map((s, j) => (s.kind === 'numeric' ? compareNumeric(s.name, reference[j]!, current[j]!, thresholds, coarse) : compareCategorical(s.name, reference[j]!, current[j]!, thresholds, coarse)));
  const sampledOn = (tallies: readonly ColumnTally[]): string[] => specs.flatMap((s, j) => (s.kind === 'numeric' && tallies[j]!.sample!.sampled ? [s.name] : []));
  const refSampled = sampledOn(reference);
  const curSampled = sampledOn(current);
  if (refSampled.length > 0 || curSampled.length > 0) {
    const sides = [
      ...(refSampled.length > 0 ? [`the reference's ${featureList(refSampled)} (its numeric bin shares too)`] : []),
      ...(curSampled.length > 0 ? [`the new data's ${featureList(curSampled)}`] : []),
    ];
    notes.push(`KS used a seeded sample of ${SAMPLE_SIZE.toLocaleString('en-US')} values of ${sides.join(' and of ')}, which hold more; category counts and the new data's bin shares are exact.`);
  }
  const overflowing = specs.flatMap((s, j) => (reference[j]!.overflow > 0 || current[j]!.overflow > 0 ? [s.name] : []));
  if (overflowing.length > 0) notes.push(`More than ${MAX_DISTINCT.toLocaleString('en-US')} distinct values in ${featureList(overflowing)}: the rest are counted together as "${OTHER_BIN}".`);

  // The model's answers on both sides.
  let prediction: FeatureDrift | null = null;
  if (predictionTally) {
    const [refPred, curPred] = predictionTally;
    if (!currentPredicted) notes.push('Some log lines carry no predictions: prediction drift was not checked.');
    else prediction = refPred.spec.kind === 'numeric' ? compareNumeric(refPred.spec.name, refPred, curPred, thresholds, coarse) : compareCategorical(refPred.spec.name, refPred, curPred, thresholds, coarse);
  }
  // Below ~55 rows even two bins cannot hold PSI's noise under the threshold: say how often chance alone flags.
  const noise = chiSquareSf(thresholds.psi / (1 / referenceRead.rows + 1 / currentRows), 1);
  if (noise > 1 - PSI_NOISE_QUANTILE) {
    notes.push(`Only ${currentRows.toLocaleString('en-US')} new rows${referenceRead.rows < currentRows ? ` and ${referenceRead.rows.toLocaleString('en-US')} reference rows` : ''}: PSI is noisy at this size (a sample of the same population reaches ${thresholds.psi} about ${formatNumber(100 * noise, 2)}% of the time per column); the tests' p-values allow for the size.`);
  }
  if (coarse.length > 0) notes.push(`Few rows for fine bins: ${featureList(coarse)} ${coarse.length === 1 ? 'was' : 'were'} binned coarser, so that PSI's own noise stays below the threshold.`);

  const drifted = features.filter((f) => f.drifted).map((f) => f.name);
  const predictionPart = prediction ? (prediction.drifted ? '; the predictions drifted' : '; the predictions did not') : '';
  const verdict =
    drifted.length > 0
      ? `${drifted.length} of ${features.length} feature${features.length === 1 ? '' : 's'} drifted: ${featureList(drifted)}${predictionPart}.`
      : `No feature drifted (${features.length} compared)${predictionPart}.`;
  return {
    format: DRIFT_REPORT_FORMAT,
    schemaVersion: DEPLOY_SCHEMA_VERSION,
    drifted: drifted.length > 0 || (prediction?.drifted ?? false),
    verdict,
    model: pkg && modelPath ? { path: modelPath, experimentId: pkg.experimentId } : null,
    reference: { path: referencePath, sha256: referenceSha, rows: referenceRead.rows },
    current: { path: currentPath, rows: currentRows },
    thresholds,
    features,
    prediction,
    created: new Date().toISOString(),
    ...(notes.length > 0 ? { notes } : {}),
  };
}
