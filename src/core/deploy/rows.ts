// JSON rows of a /predict request → the model's FeatureColumns, checked against the InputSchema first.
// A row is read the way `mllab predict` reads a CSV line: a JSON value stands for the text a cell would
// hold (a number for its shortest text), missing tokens count as missing, the Recipe's row-by-row steps run
// first when the model was trained on a cleaned version, and the result is read onto the trained
// FeatureSchema with the same number, date and category readers (src/core/ml/table.ts). So the server and
// `mllab predict` give the same predictions for the same rows.
//
// What `mllab predict` lets through with a warning, the server refuses with a message per field: a
// non-number in a numeric column, a category training never saw, a missing value where training had none,
// an absent column. A client sending JSON can fix its request; a silently degraded prediction would only
// surface later as drift. Extra keys (an id, the target, columns the model does not read) are ignored, as
// `mllab predict` ignores extra CSV columns: rows taken straight from the training file are accepted, and a
// misspelt column still shows up as the absent one.
import { isUserError } from '../errors.js';
import { formatCell, trimCell } from '../clean/cells.js';
import type { Cell } from '../clean/cells.js';
import { RowHashSet } from '../clean/rowHashes.js';
import { compileRecipe } from '../clean/steps.js';
import type { CompiledRecipe } from '../clean/steps.js';
import { stepsForPrediction } from '../ml/modelPackage.js';
import type { ModelPackage } from '../ml/modelPackage.js';
import { dateOf, missingSet } from '../ml/table.js';
import { labelNumber } from '../ml/task.js';
import type { FeatureColumn, FeatureSchema } from '../ml/types.js';
import type { InputColumn, InputSchema, PredictError } from '../../protocol/deploy.js';

export type FieldError = NonNullable<PredictError['fields']>[number];

export type RowsResult = { features: FeatureColumn[]; rows: number; outOfRange: number[] } | { errors: FieldError[] };

/** Enough to fix a request; a 10,000-row batch of one mistake would otherwise answer megabytes. */
export const MAX_FIELD_ERRORS = 100;

/** A cell after validation: text as sent (numbers as their shortest text), a number kept as is, or null. */
type Value = string | number | null;

interface ColumnCheck {
  name: string;
  index: number;
  /** The checked value, or an error message. */
  read(value: unknown): { value: Value } | { message: string };
  range: { min: number; max: number } | null;
  nullable: boolean;
}

const SHOWN_CATEGORIES = 8;

function quoteList(values: readonly string[]): string {
  const shown = values.slice(0, SHOWN_CATEGORIES).map((v) => JSON.stringify(v)).join(', ');
  return values.length > SHOWN_CATEGORIES ? `${shown}, … (${values.length} in all)` : shown;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n']);

function columnCheck(column: InputColumn, index: number, missing: ReadonlySet<string>): ColumnCheck {
  const absent = column.nullable ? null : 'missing value: training data had none in this column';
  const isMissing = (text: string): boolean => missing.has(text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) ? text.trim() : text);
  const missingValue = (): { value: Value } | { message: string } => (absent === null ? { value: null } : { message: absent });
  let read: ColumnCheck['read'];
  if (column.type === 'numeric') {
    read = (v) => {
      if (v === null) return missingValue();
      if (typeof v === 'number') return Number.isFinite(v) ? { value: v } : { message: `expected a number, got ${describe(v)}` };
      if (typeof v === 'string') {
        if (isMissing(v)) return missingValue();
        return labelNumber(v) === labelNumber(v) ? { value: v } : { message: `expected a number, got ${describe(v)}` };
      }
      return { message: `expected a number, got ${describe(v)}` };
    };
  } else if (column.type === 'datetime') {
    read = (v) => {
      if (v === null) return missingValue();
      if (typeof v === 'string') {
        if (isMissing(v)) return missingValue();
        return dateOf(v.trim()) === dateOf(v.trim()) ? { value: v } : { message: `expected an ISO date (YYYY-MM-DD, optionally a time), got ${describe(v)}` };
      }
      return { message: `expected an ISO date (YYYY-MM-DD, optionally a time), got ${describe(v)}` };
    };
  } else if (column.type === 'text') {
    read = (v) => {
      if (v === null) return missingValue();
      if (typeof v === 'string') return isMissing(v) ? missingValue() : { value: v };
      if (typeof v === 'number' || typeof v === 'boolean') return { value: String(v) };
      return { message: `expected text, got ${describe(v)}` };
    };
  } else {
    // categorical / boolean: the text must be one training saw (compared trimmed, as the table reads it).
    const categories = column.categories;
    const known = categories === null ? null : new Set(categories.map((c) => c.trim()));
    // JSON true/false for a boolean column: whichever of its words training used.
    const word = (b: boolean): string => categories?.find((c) => (b ? TRUE_WORDS : FALSE_WORDS).has(c.trim().toLowerCase())) ?? String(b);
    read = (v) => {
      if (v === null) return missingValue();
      let text: string;
      if (typeof v === 'string') text = v;
      else if (typeof v === 'number' && Number.isFinite(v)) text = String(v);
      else if (typeof v === 'boolean') text = word(v);
      else return { message: `expected one of the training categories, got ${describe(v)}` };
      if (isMissing(text)) return missingValue();
      if (known !== null && !known.has(text.trim())) return { message: `${describe(text)} is not a category seen in training (${quoteList(categories ?? [])})` };
      return { value: text };
    };
  }
  return { name: column.name, index, read, range: column.type === 'numeric' ? column.range : null, nullable: column.nullable };
}

/** Reads checked values onto a trained feature: the number (NaN = missing) or the category code (-1). */
interface FeatureBuffer {
  schema: FeatureSchema;
  sink(rows: number): { put(r: number, value: Cell): void; column(): FeatureColumn };
}

/** The table's readers (loadFeatures), for a cell that is text, a number or missing. */
function featureBuffer(schema: FeatureSchema, tokens: ReadonlySet<string>): FeatureBuffer {
  if (schema.kind === 'numeric') {
    const parse = schema.datetime === true ? dateOf : labelNumber;
    return {
      schema,
      sink(rows) {
        const values = new Float64Array(rows);
        return {
          put(r, c) {
            if (c === null) values[r] = NaN;
            // A number cell is written as its shortest text and read back as the same double.
            else if (typeof c === 'number') values[r] = schema.datetime === true ? parse(formatCell(c)) : Number.isFinite(c) ? c : NaN;
            else {
              const t = c.trim();
              values[r] = tokens.has(t) ? NaN : parse(t);
            }
          },
          column: () => ({ name: schema.name, kind: 'numeric', values }),
        };
      },
    };
  }
  const lookup = new Map(schema.categories.map((c, i) => [c, i]));
  return {
    schema,
    sink(rows) {
      const codes = new Int32Array(rows);
      return {
        put(r, c) {
          if (c === null) codes[r] = -1;
          else {
            const t = (typeof c === 'number' ? formatCell(c) : c).trim();
            codes[r] = tokens.has(t) ? -1 : (lookup.get(t) ?? -1);
          }
        },
        column: () => ({ name: schema.name, kind: 'categorical', codes, categories: schema.categories }),
      };
    },
  };
}

export interface RowReader {
  /** The schema's column names, in order (what a request row must hold). */
  readonly columns: readonly string[];
  read(rows: readonly unknown[]): RowsResult;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Built once per model: column checks, lookups and the compiled Recipe, so a request only reads values. */
export function rowReader(pkg: ModelPackage, schema: InputSchema): RowReader {
  const target = pkg.target.name;
  const inputColumns = schema.columns.filter((c) => c.name !== target);
  const names = inputColumns.map((c) => c.name);
  const recipe = pkg.lineage?.recipe ?? null;
  // Request values are checked with the missing tokens the schema's profile used: the Recipe's when there
  // is one (inputSchemaFor profiles the source with them), else the defaults.
  const requestMissing = missingSet(recipe ? recipe.missingTokens : undefined);
  const checks = inputColumns.map((c, i) => columnCheck(c, i, requestMissing));
  // The cleaned file is read back with the default tokens (loadFeatures in predictFile), so features are too.
  const tokens = missingSet(undefined);
  const buffers = pkg.features.map((f) => featureBuffer(f, tokens));

  let compiled: CompiledRecipe | null = null;
  let recipeMissing: ReadonlySet<string> = new Set();
  // Where each feature's value comes from: an input column (no Recipe) or a column of the Recipe's output.
  let sources: number[];
  if (recipe) {
    compiled = compileRecipe(stepsForPrediction(recipe.steps, target), names, () => new RowHashSet());
    recipeMissing = new Set(['', ...recipe.missingTokens.map(trimCell)]);
    const out = compiled.columns;
    sources = pkg.features.map((f) => {
      const at = out.indexOf(f.name);
      if (at < 0) throw new Error(`The model's feature "${f.name}" is not among the columns its Recipe makes (${quoteList(out)}).`);
      return at;
    });
  } else {
    sources = pkg.features.map((f) => {
      const at = names.indexOf(f.name);
      if (at < 0) throw new Error(`The model's feature "${f.name}" is not in its input schema (${quoteList(names)}).`);
      return at;
    });
  }

  const read = (rows: readonly unknown[]): RowsResult => {
    const n = rows.length;
    const errors: FieldError[] = [];
    const add = (row: number, column: string, message: string): void => {
      if (errors.length < MAX_FIELD_ERRORS) errors.push({ row, column, message });
    };
    const values: Value[][] = new Array<Value[]>(n);
    const outOfRange = new Array<number>(checks.length).fill(0);
    for (let r = 0; r < n && errors.length < MAX_FIELD_ERRORS; r++) {
      const row = rows[r];
      if (!isPlainObject(row)) {
        add(r, '', `a row must be an object of column: value, got ${describe(row)}`);
        continue;
      }
      const cells = new Array<Value>(checks.length);
      for (let j = 0; j < checks.length; j++) {
        const check = checks[j]!;
        const v = row[check.name];
        if (v === undefined) {
          add(r, check.name, `missing column: every row needs it${check.nullable ? ' (send null for a missing value)' : ''}`);
          continue;
        }
        const got = check.read(v);
        if ('message' in got) add(r, check.name, got.message);
        else {
          cells[j] = got.value;
          const range = check.range;
          if (range !== null && got.value !== null) {
            const x = typeof got.value === 'number' ? got.value : labelNumber(got.value);
            if (x < range.min || x > range.max) outOfRange[j]!++;
          }
        }
      }
      values[r] = cells;
    }
    if (errors.length > 0) return { errors };

    const sinks = buffers.map((b) => b.sink(n));
    for (let r = 0; r < n; r++) {
      let cells: Cell[] = values[r]!;
      if (compiled) {
        // As the CSV path reads a line: the text (a number as its shortest text), missing tokens → null.
        const input: Cell[] = new Array<Cell>(cells.length);
        for (let j = 0; j < cells.length; j++) {
          const c = cells[j]!;
          const text = c === null ? null : typeof c === 'number' ? formatCell(c) : c;
          input[j] = text === null || recipeMissing.has(trimCell(text)) ? null : text;
        }
        let out: Cell[] | null;
        try {
          out = compiled.run(input, r + 1);
        } catch (e) {
          if (!isUserError(e)) throw e;
          // An onUnknown "error" step: its message names the row and column.
          const column = /column "([^"]*)"/.exec(e.message)?.[1] ?? '';
          add(r, column, e.message);
          continue;
        }
        if (out === null) {
          add(r, '', 'the Recipe dropped this row');
          continue;
        }
        cells = out;
      }
      for (let f = 0; f < sinks.length; f++) sinks[f]!.put(r, cells[sources[f]!] ?? null);
    }
    if (errors.length > 0) return { errors };
    return { features: sinks.map((s) => s.column()), rows: n, outOfRange };
  };
  return { columns: names, read };
}

const readers = new WeakMap<ModelPackage, WeakMap<InputSchema, RowReader>>();

/**
 * The rows as the model's features, or a message per bad field (row index from 0, column name). Throws
 * (a plain Error) only when the model and its schema disagree, which no request can fix.
 */
export function rowsToFeatures(rows: readonly unknown[], pkg: ModelPackage, schema: InputSchema): { features: FeatureColumn[] } | { errors: FieldError[] } {
  let bySchema = readers.get(pkg);
  if (!bySchema) readers.set(pkg, (bySchema = new WeakMap()));
  let reader = bySchema.get(schema);
  if (!reader) bySchema.set(schema, (reader = rowReader(pkg, schema)));
  const result = reader.read(rows);
  return 'errors' in result ? { errors: result.errors } : { features: result.features };
}
