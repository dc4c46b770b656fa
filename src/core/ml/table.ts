// A CSV as a TrainingTable: one streaming pass reads every cell once, decides each column's type with the
// profiler's rules, and keeps only what models can use as typed arrays. Columns that cannot help a model
// (constant, identifiers, free text, all missing) are dropped with a reason the user can read; rows whose
// target is missing are dropped and counted. loadFeatures maps new rows onto a trained FeatureSchema.
//
// Types follow the profiler (same missing tokens, number and ISO-date readers, 98% numbers → numeric,
// 95% dates → datetime, ≤ 2 boolean words → boolean), with one deliberate difference: the profiler calls
// text with more than max(20, 5% of rows) distinct values "text" for display, but a model can still use a
// 500-level city column, so here text stays categorical up to 1000 distinct values and half the rows.
import { cancelled, UserError } from '../errors.js';
import { dataRecords, readLayout } from '../clean/applyFile.js';
import { parseIsoDate } from '../profile/cellValues.js';
import { DEFAULT_MISSING_TOKENS, type Dialect } from '../../protocol/profile.js';
import { classOrder, labelNumber, summariseTarget, taskOf } from './task.js';
import type { FeatureColumn, FeatureSchema, TargetColumn, Task, TrainingTable } from './types.js';

/** More distinct texts than this and a column is text or an identifier, not a category. */
export const MAX_CATEGORIES = 1000;
/** Most classes a classification target may have. */
export const MAX_CLASSES = 1000;
/** Text longer than this on average is free text (comments, descriptions), as the profiler reads it. */
const FREE_TEXT_MEAN_LENGTH = 50;
/** Below this many distinct values a column is never called an identifier for being mostly unique. */
const FEW_DISTINCT = 20;
/** Rows between yields to the event loop (cancel, progress). */
const YIELD_ROWS = 20_000;

export interface LoadTableOptions {
  target: string;
  /** 'auto' (default): inferred from the target (see task.ts). */
  task?: Task | 'auto';
  /** Cells (after trimming) read as missing; default DEFAULT_MISSING_TOKENS. The empty cell always is. */
  missingTokens?: readonly string[];
  /** Force the delimiter instead of sniffing. */
  delimiter?: string;
  signal?: AbortSignal;
  onProgress?(rowsRead: number, estimatedRows: number): void;
}

export interface DroppedColumn {
  name: string;
  reason: string;
}

export interface LoadedTable {
  table: TrainingTable;
  /** One entry per feature, in table.features order: what loadFeatures needs to read new rows. */
  schema: FeatureSchema[];
  dropped: DroppedColumn[];
  /** Data rows dropped because their target was missing (or, for a numeric target, not a number). */
  droppedRows: number;
  /** Data rows in the file (table.rows + droppedRows). */
  sourceRows: number;
  /** For each table row, its 0-based data row in the file (rows with a missing target are skipped). */
  fileRows: Int32Array;
  dialect: Dialect;
  /** Every column of the file, in file order. */
  columns: string[];
}

// Boolean words as the profiler knows them (case-insensitive); a column of at most two of them is boolean.
const BOOLEAN_WORDS = new Map(['true', 'false', 'yes', 'no', 't', 'f', 'y', 'n'].map((w, i) => [w, 1 << i]));

function popcount(x: number): number {
  let c = 0;
  for (; x !== 0; x &= x - 1) c++;
  return c;
}

/** A number as the profiler reads one ([+-]digits[.digits][e±digits]), or NaN. `text` is trimmed. */
const numberOf = labelNumber;

/** An ISO date or datetime (YYYY-MM-DD or YYYY/MM/DD, optional time and zone) as epoch ms, or NaN. */
export function dateOf(text: string): number {
  if (text.length < 8 || text.length > 40) return NaN;
  const c4 = text.charCodeAt(4);
  if (c4 !== 45 && c4 !== 47) return NaN;
  for (let i = 0; i < 4; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
  }
  const n = dateScratch.write(text, 0, 'latin1');
  return n === text.length ? parseIsoDate(dateScratch, 0, n) : NaN;
}
// Dates are at most 40 characters: one buffer serves every cell (a Buffer per cell was a tenth of the load).
const dateScratch = Buffer.alloc(64);

/** Cells read as missing (after trimming): the empty cell and the tokens (default DEFAULT_MISSING_TOKENS). */
export function missingSet(tokens: readonly string[] | undefined): Set<string> {
  const set = new Set<string>(['']);
  for (const t of tokens ?? DEFAULT_MISSING_TOKENS) set.add(t.trim());
  return set;
}

class GrowableFloat64 {
  data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }
  /** NaN for the first `n` rows (a lazily started array catching up). */
  static filled(n: number): GrowableFloat64 {
    const g = new GrowableFloat64();
    while (g.data.length < n + 1) g.data = new Float64Array(g.data.length * 2);
    g.data.fill(NaN, 0, n);
    g.length = n;
    return g;
  }
}

class GrowableInt32 {
  data: Int32Array = new Int32Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }
}

/**
 * One column's cells, read once: its number (NaN if none; kept only once a number is seen, so text columns
 * cost no number array), its ISO date (likewise),
 * its text code (kept while the column has at most MAX_CATEGORIES distinct texts), and the type evidence.
 */
class ColumnReader {
  numbers: GrowableFloat64 | null = null;
  dates: GrowableFloat64 | null = null;
  codes: GrowableInt32 | null = new GrowableInt32();
  readonly texts: string[] = [];
  private readonly index = new Map<string, number>();
  rows = 0;
  missing = 0;
  count = 0;
  numeric = 0;
  integers = 0;
  booleans = 0;
  booleanMask = 0;
  datetimes = 0;
  length = 0;
  /** Range of the numbers and of the dates: a constant has min === max; an ID needs max - min small. */
  numberMin = Infinity;
  numberMax = -Infinity;
  dateMin = Infinity;
  dateMax = -Infinity;

  constructor(private readonly missingTokens: Set<string>) {}

  add(raw: string | undefined): void {
    this.rows++;
    const text = raw === undefined ? '' : raw.trim();
    if (this.missingTokens.has(text)) {
      this.missing++;
      this.numbers?.push(NaN);
      this.dates?.push(NaN);
      this.codes?.push(-1);
      return;
    }
    this.count++;
    this.length += text.length;
    const x = numberOf(text);
    if (this.numbers === null && x === x) this.numbers = GrowableFloat64.filled(this.rows - 1);
    this.numbers?.push(x);
    let date = NaN;
    if (x === x) {
      this.numeric++;
      if (Number.isInteger(x)) this.integers++;
      if (x < this.numberMin) this.numberMin = x;
      if (x > this.numberMax) this.numberMax = x;
    } else {
      const bit = BOOLEAN_WORDS.get(text.toLowerCase());
      if (bit !== undefined) {
        this.booleans++;
        this.booleanMask |= bit;
      } else {
        date = dateOf(text);
        if (date === date) {
          this.datetimes++;
          if (date < this.dateMin) this.dateMin = date;
          if (date > this.dateMax) this.dateMax = date;
          if (this.dates === null) this.dates = GrowableFloat64.filled(this.rows - 1);
        }
      }
    }
    this.dates?.push(date);
    if (this.codes !== null) {
      let code = this.index.get(text);
      if (code === undefined) {
        code = this.texts.length;
        if (code >= MAX_CATEGORIES) {
          // Too many to be categories: the codes will never be used, free them.
          this.codes = null;
          this.index.clear();
          return;
        }
        this.index.set(text, code);
        this.texts.push(text);
      }
      this.codes.push(code);
    }
  }

  /** The numbers of rows 0..rows-1 (a view; NaN where a cell was missing or not a number). */
  numberValues(): Float64Array {
    return this.numbers === null ? new Float64Array(this.rows).fill(NaN) : this.numbers.data.subarray(0, this.rows);
  }
}

type Decision =
  | { kind: 'numeric'; values: Float64Array; datetime: boolean }
  | { kind: 'categorical'; codes: Int32Array; categories: string[] }
  | { kind: 'dropped'; reason: string };

function int(n: number): string {
  return n.toLocaleString('en-US');
}

/** Distinct non-NaN values among values[0..rows). */
function distinctNumbers(values: Float64Array, rows: number): number {
  const present = new Float64Array(rows);
  let n = 0;
  for (let i = 0; i < rows; i++) {
    const v = values[i]!;
    if (v === v) present[n++] = v;
  }
  const sorted = present.subarray(0, n).sort();
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}

/** Categories in code-unit order (stable whatever the row order) and the codes remapped to it. */
function sortedCategories(codes: Int32Array, texts: string[]): { codes: Int32Array; categories: string[] } {
  const order = texts.map((_, i) => i).sort((a, b) => (texts[a]! < texts[b]! ? -1 : texts[a]! > texts[b]! ? 1 : 0));
  const remap = new Int32Array(texts.length);
  order.forEach((old, fresh) => (remap[old] = fresh));
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i]! < 0 ? -1 : remap[codes[i]!]!;
  return { codes: out, categories: order.map((i) => texts[i]!) };
}

/** A feature column's type by the profiler's evidence rules, then whether a model can use it. */
function decide(c: ColumnReader): Decision {
  const n = c.count;
  const rows = c.rows;
  if (n === 0) return { kind: 'dropped', reason: 'every value is missing' };
  const oneValueNoGaps = (distinct: number): boolean => distinct <= 1 && c.missing === 0;
  if (c.booleans === n && popcount(c.booleanMask) <= 2) {
    if (c.codes === null) return { kind: 'dropped', reason: 'unreadable boolean column' };
    if (oneValueNoGaps(c.texts.length)) return { kind: 'dropped', reason: `constant: every row is "${c.texts[0]}"` };
    return { kind: 'categorical', ...sortedCategories(c.codes.data.subarray(0, rows), c.texts) };
  }
  if (c.numeric >= 0.98 * n) {
    const values = c.numberValues().slice();
    const min = c.numberMin;
    const max = c.numberMax;
    if (min === max && c.missing === 0 && c.numeric === n) return { kind: 'dropped', reason: `constant: every row is ${min}` };
    // All-distinct whole numbers filling a dense range are row numbers or serials (the profiler's idLike).
    // Counting distinct values needs a sort, so only columns whose range could be dense get one.
    if (rows >= 20 && c.integers === c.numeric && max - min + 1 <= 2 * c.numeric) {
      const distinct = distinctNumbers(values, rows);
      if (distinct >= 0.95 * n && max - min + 1 <= 2 * distinct) {
        return { kind: 'dropped', reason: `looks like an identifier: ${int(distinct)} distinct whole numbers in ${int(n)} rows, filling ${min}..${max}` };
      }
    }
    return { kind: 'numeric', values, datetime: false };
  }
  if (c.dates !== null && c.datetimes >= 0.95 * n) {
    if (c.dateMin === c.dateMax && c.missing === 0 && c.datetimes === n) return { kind: 'dropped', reason: `constant: every row is ${new Date(c.dateMin).toISOString()}` };
    return { kind: 'numeric', values: c.dates.data.slice(0, rows), datetime: true };
  }
  if (c.codes === null) return { kind: 'dropped', reason: `text or an identifier: more than ${int(MAX_CATEGORIES)} distinct values` };
  const distinct = c.texts.length;
  if (oneValueNoGaps(distinct)) return { kind: 'dropped', reason: `constant: every row is "${c.texts[0]}"` };
  if (c.length / n > FREE_TEXT_MEAN_LENGTH) return { kind: 'dropped', reason: `free text: values average ${Math.round(c.length / n)} characters` };
  if (distinct === n && n > 1) return { kind: 'dropped', reason: `looks like an identifier: every one of its ${int(n)} values is different` };
  if (distinct > FEW_DISTINCT && distinct > 0.5 * n) return { kind: 'dropped', reason: `looks like an identifier or text: ${int(distinct)} distinct values in ${int(n)} rows` };
  return { kind: 'categorical', ...sortedCategories(c.codes.data.subarray(0, rows), c.texts) };
}

/** Edit distance with adjacent swaps (optimal string alignment), for the column the user probably meant. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Int32Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/** "Did you mean …" names first, else the available columns (up to 20). */
export function describeMissingColumn(name: string, columns: readonly string[]): string {
  const lower = name.toLowerCase();
  const close = columns.filter((c) => c.toLowerCase() === lower || editDistance(c.toLowerCase(), lower) <= Math.max(1, Math.floor(name.length / 4)));
  if (close.length > 0) return `did you mean ${close.map((c) => JSON.stringify(c)).join(' or ')}?`;
  const shown = columns.slice(0, 20).map((c) => JSON.stringify(c)).join(', ');
  return `the columns are ${shown}${columns.length > 20 ? `, … (${columns.length} in all)` : ''}.`;
}

async function readColumns(
  path: string,
  dialect: Dialect,
  picks: { index: number; add(raw: string | undefined): void }[],
  estimatedRows: number,
  signal: AbortSignal | undefined,
  onProgress: ((rowsRead: number, estimatedRows: number) => void) | undefined,
): Promise<number> {
  let rows = 0;
  for (const record of dataRecords(path, dialect)) {
    for (const p of picks) p.add(record[p.index]);
    rows++;
    if (rows % YIELD_ROWS === 0) {
      await new Promise<void>((r) => setImmediate(r));
      if (signal?.aborted) throw cancelled();
      onProgress?.(rows, Math.max(rows, estimatedRows));
    }
  }
  if (signal?.aborted) throw cancelled();
  onProgress?.(rows, rows);
  return rows;
}

function keepRows<T extends Float64Array | Int32Array>(values: T, keep: Int32Array, make: (n: number) => T): T {
  const out = make(keep.length);
  for (let i = 0; i < keep.length; i++) out[i] = values[keep[i]!]!;
  return out;
}

function buildTarget(name: string, c: ColumnReader, task: Task | 'auto', rows: number): { target: TargetColumn; keep: Int32Array } {
  if (c.count === 0) throw new UserError('BAD_TARGET', `The target ${JSON.stringify(name)} has no values: every row is missing it.`);
  // Like a numeric feature, a target that is at least 98% numbers is numeric; its stray texts are missing.
  const numeric = c.numeric >= 0.98 * c.count;
  const values = c.numberValues();
  const summary = numeric ? summariseTarget(values) : { rows: c.count, numeric: false, integer: false, distinct: c.codes === null ? Infinity : c.texts.length };
  const chosen: Task = task === 'auto' ? taskOf(summary) : task;
  if (chosen === 'regression') {
    if (!numeric) {
      const example = c.texts.find((t) => Number.isNaN(numberOf(t)));
      throw new UserError('BAD_TARGET', `The target ${JSON.stringify(name)} is not numeric (values like ${JSON.stringify(example ?? '')}): regression needs numbers; use task binary or multiclass.`);
    }
    const keepList: number[] = [];
    for (let i = 0; i < rows; i++) if (values[i] === values[i]) keepList.push(i);
    const keep = Int32Array.from(keepList);
    return { target: { name, task: 'regression', values: keepRows(values, keep, (n) => new Float64Array(n)) }, keep };
  }
  let classes: string[];
  const codes = new Int32Array(rows).fill(-1);
  if (numeric) {
    const labels = new Map<number, number>();
    for (let i = 0; i < rows; i++) if (values[i] === values[i]) labels.set(values[i]!, 0);
    if (labels.size > MAX_CLASSES) throw new UserError('BAD_TARGET', `The target ${JSON.stringify(name)} has ${int(labels.size)} distinct numbers, too many classes for ${chosen} classification (at most ${MAX_CLASSES}); use task regression.`);
    const sorted = [...labels.keys()].sort((a, b) => a - b);
    sorted.forEach((v, i) => labels.set(v, i));
    classes = sorted.map((v) => String(v));
    for (let i = 0; i < rows; i++) if (values[i] === values[i]) codes[i] = labels.get(values[i]!)!;
  } else {
    if (c.codes === null) throw new UserError('BAD_TARGET', `The target ${JSON.stringify(name)} has more than ${int(MAX_CATEGORIES)} distinct values: it looks like text or an identifier, not a label.`);
    classes = classOrder(c.texts);
    const remap = new Int32Array(c.texts.length);
    const position = new Map(classes.map((k, i) => [k, i]));
    c.texts.forEach((t, i) => (remap[i] = position.get(t)!));
    const raw = c.codes.data;
    for (let i = 0; i < rows; i++) codes[i] = raw[i]! < 0 ? -1 : remap[raw[i]!]!;
  }
  if (classes.length < 2) throw new UserError('BAD_TARGET', `The target ${JSON.stringify(name)} has one class (${JSON.stringify(classes[0] ?? '')}): there is nothing to predict.`);
  if (chosen === 'binary' && classes.length !== 2) throw new UserError('BAD_TARGET', `The target ${JSON.stringify(name)} has ${classes.length} classes; binary classification needs exactly 2 (use task multiclass).`);
  const keepList: number[] = [];
  for (let i = 0; i < rows; i++) if (codes[i]! >= 0) keepList.push(i);
  const keep = Int32Array.from(keepList);
  // Classes with a row or two each cannot be learned or even cross-validated: an identifier, free text or a
  // measurement, not a label.
  if (classes.length > FEW_DISTINCT && classes.length > 0.5 * keep.length) {
    throw new UserError('BAD_TARGET', `The target ${JSON.stringify(name)} has ${int(classes.length)} distinct values in ${int(keep.length)} rows: too few rows per class to learn from; it looks like an identifier or text${numeric ? ' (use task regression for a number)' : ''}.`);
  }
  return { target: { name, task: chosen, codes: keepRows(codes, keep, (n) => new Int32Array(n)), classes }, keep };
}

/** Loads a CSV into a TrainingTable for the named target (see the file comment for what is dropped). */
export async function loadTrainingTable(path: string, options: LoadTableOptions): Promise<LoadedTable> {
  const layout = readLayout(path, options.delimiter);
  const columns = layout.columns;
  const targetIndex = columns.indexOf(options.target);
  if (targetIndex < 0) throw new UserError('BAD_TARGET', `There is no column ${JSON.stringify(options.target)} to predict: ${describeMissingColumn(options.target, columns)}`);
  const task = options.task ?? 'auto';
  const tokens = missingSet(options.missingTokens);
  const readers = columns.map(() => new ColumnReader(tokens));
  const rows = await readColumns(
    path,
    layout.dialect,
    readers.map((r, index) => ({ index, add: (raw: string | undefined) => r.add(raw) })),
    layout.estimatedRows,
    options.signal,
    options.onProgress,
  );
  if (rows === 0) throw new UserError('NO_DATA_ROWS', `${path} has a header but no data rows.`);
  const { target, keep } = buildTarget(options.target, readers[targetIndex]!, task, rows);
  if (keep.length === 0) throw new UserError('BAD_TARGET', `Every row's target ${JSON.stringify(options.target)} is missing or unreadable.`);
  const features: FeatureColumn[] = [];
  const schema: FeatureSchema[] = [];
  const dropped: DroppedColumn[] = [];
  for (let j = 0; j < columns.length; j++) {
    if (j === targetIndex) continue;
    const name = columns[j]!;
    const d = decide(readers[j]!);
    readers[j] = new ColumnReader(tokens); // let the raw arrays go as we build
    if (d.kind === 'dropped') dropped.push({ name, reason: d.reason });
    else if (d.kind === 'numeric') {
      features.push({ name, kind: 'numeric', values: keepRows(d.values, keep, (n) => new Float64Array(n)) });
      schema.push(d.datetime ? { name, kind: 'numeric', datetime: true } : { name, kind: 'numeric' });
    } else {
      features.push({ name, kind: 'categorical', codes: keepRows(d.codes, keep, (n) => new Int32Array(n)), categories: d.categories });
      schema.push({ name, kind: 'categorical', categories: d.categories });
    }
  }
  if (features.length === 0) {
    const why = dropped.map((d) => `${d.name}: ${d.reason}`).join('; ');
    throw new UserError('NO_FEATURES', `No column can be used to predict ${JSON.stringify(options.target)}${why === '' ? ' (the file has no other column)' : ` (${why})`}.`);
  }
  return { table: { rows: keep.length, features, target }, schema, dropped, droppedRows: rows - keep.length, sourceRows: rows, fileRows: keep, dialect: layout.dialect, columns };
}

export interface LoadFeaturesOptions {
  missingTokens?: readonly string[];
  delimiter?: string;
  signal?: AbortSignal;
  onProgress?(rowsRead: number, estimatedRows: number): void;
}

export interface LoadedFeatures {
  /** Aligned with the schema: features[j] is schema[j]'s column, one value per data row in file order. */
  features: FeatureColumn[];
  rows: number;
  dialect: Dialect;
  /** Per categorical feature with values training never saw (read as missing): how many cells. */
  unknownCategories: { name: string; cells: number; examples: string[] }[];
}

/**
 * New rows (for prediction) read onto a trained schema: columns matched by name (a missing one is an
 * error; extra ones, the target among them, are ignored), numbers and dates read as in training, a
 * category training never saw → missing (counted in unknownCategories).
 */
export async function loadFeatures(path: string, schema: readonly FeatureSchema[], options: LoadFeaturesOptions = {}): Promise<LoadedFeatures> {
  const layout = readLayout(path, options.delimiter);
  const missing = schema.filter((s) => !layout.columns.includes(s.name));
  if (missing.length > 0) {
    const first = missing[0]!;
    throw new UserError('MISSING_COLUMN', `${path} lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((m) => JSON.stringify(m.name)).join(', ')} the model was trained on${missing.length === 1 ? `: ${describeMissingColumn(first.name, layout.columns)}` : '.'}`);
  }
  const tokens = missingSet(options.missingTokens);
  const unknown = schema.map(() => ({ cells: 0, examples: [] as string[] }));
  const sinks = schema.map((s, j) => {
    if (s.kind === 'numeric') {
      const values = new GrowableFloat64();
      const parse = s.datetime === true ? dateOf : numberOf;
      return { index: layout.columns.indexOf(s.name), add: (raw: string | undefined) => values.push(raw === undefined ? NaN : tokens.has(raw.trim()) ? NaN : parse(raw.trim())), values, codes: null };
    }
    const lookup = new Map(s.categories.map((c, i) => [c, i]));
    const codes = new GrowableInt32();
    const add = (raw: string | undefined): void => {
      const text = raw === undefined ? '' : raw.trim();
      if (tokens.has(text)) return codes.push(-1);
      const code = lookup.get(text);
      if (code === undefined) {
        const u = unknown[j]!;
        u.cells++;
        if (u.examples.length < 5 && !u.examples.includes(text)) u.examples.push(text);
      }
      codes.push(code ?? -1);
    };
    return { index: layout.columns.indexOf(s.name), add, values: null, codes };
  });
  const rows = await readColumns(path, layout.dialect, sinks, layout.estimatedRows, options.signal, options.onProgress);
  const features: FeatureColumn[] = schema.map((s, j) => {
    const sink = sinks[j]!;
    if (s.kind === 'numeric') return { name: s.name, kind: 'numeric', values: sink.values!.data.slice(0, rows) };
    return { name: s.name, kind: 'categorical', codes: sink.codes!.data.slice(0, rows), categories: s.categories };
  });
  const unknownCategories = schema.flatMap((s, j) => (unknown[j]!.cells > 0 ? [{ name: s.name, ...unknown[j]! }] : []));
  return { features, rows, dialect: layout.dialect, unknownCategories };
}
