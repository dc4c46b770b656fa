// A Recipe compiled against the columns of the file at hand: one function per step that takes a row and
// returns the new row (or null to drop it). Row at a time, so the streaming apply holds one row plus the
// duplicate-row hashes, whatever the file size. Unknown values are counted per step, or stop the run.
import { UserError } from '../errors.js';
import type { ApplyReport, RecipeStep, UnknownPolicy, UnknownValues } from '../../protocol/recipe.js';
import { formatCell, parseDateParts, parseNumberText, toNumber, trimCell } from './cells.js';
import { copiesOf, seededRandom } from './random.js';
import { SmoteCollector } from './smote.js';
import type { Cell } from './cells.js';

/** Remembers rows already seen; add() is true for a row not seen before. */
export interface RowSet {
  add(row: readonly Cell[]): boolean;
}

export interface CompiledRecipe {
  /** Output column names, in order. */
  columns: string[];
  /** The cleaned row, or null when a step drops it. `line` names the row in an 'error' policy message. */
  run(row: Cell[], line: number): Cell[] | null;
  /** How many times to write the row run() just returned (1 unless the Recipe ends with oversample). */
  copies(): number;
  /** Rows to write after the last input row (SMOTE's synthetic rows; none for other Recipes). Call once, at the end. */
  finish(): Cell[][];
  report(rowsIn: number, rowsOut: number, raggedRows?: number): ApplyReport;
}

type RowFn = (row: Cell[], line: number) => Cell[] | null;

class UnknownTally {
  count = 0;
  readonly examples = new Set<string>();
  constructor(
    readonly step: number,
    readonly op: RecipeStep['op'],
    readonly column: string,
    readonly policy: UnknownPolicy,
    readonly what: string,
  ) {}

  /** Counts one unknown value, or throws under the 'error' policy. */
  hit(value: Cell, line: number): void {
    const text = formatCell(value);
    if (this.policy === 'error') {
      throw new UserError('UNKNOWN_VALUE', `row ${line}, column "${this.column}": ${JSON.stringify(text)} is ${this.what} (step ${this.step + 1}, ${this.op}, onUnknown "error").`);
    }
    this.count++;
    if (this.examples.size < 5) this.examples.add(text);
  }

  toJSON(): UnknownValues {
    return { step: this.step, op: this.op, column: this.column, count: this.count, examples: [...this.examples], policy: this.policy === 'missing' ? (this.op === 'oneHot' ? 'all zeros' : 'made missing') : 'error' };
  }
}

/** Column-name bookkeeping shared by the steps: lookups with one-line errors, collision checks. */
class Columns {
  names: string[];
  private readonly source: ReadonlySet<string>;

  constructor(names: string[]) {
    this.names = [...names];
    this.source = new Set(names);
  }

  index(name: string, step: number, op: string): number {
    const i = this.names.indexOf(name);
    if (i >= 0) return i;
    const why = this.source.has(name) ? 'an earlier step removed it' : 'the data has no such column';
    throw new UserError('MISSING_COLUMN', `Recipe step ${step + 1} (${op}) names column "${name}", but ${why}.`);
  }

  checkNew(names: string[], step: number, op: string, replacing: string | null): void {
    for (const n of names) {
      if (n !== replacing && this.names.includes(n)) throw new UserError('BAD_RECIPE', `Recipe step ${step + 1} (${op}) would add column "${n}", which already exists.`);
    }
    if (new Set(names).size !== names.length) throw new UserError('BAD_RECIPE', `Recipe step ${step + 1} (${op}) would add the same column twice.`);
  }
}

/** Reads a cell as a number for a numeric step: null for missing, and for unknowns under 'missing'. */
function numberOf(c: Cell, tally: UnknownTally, line: number): number | null {
  if (c === null) return null;
  const v = toNumber(c);
  if (Number.isNaN(v)) {
    tally.hit(c, line);
    return null;
  }
  return v;
}

export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) return Math.abs(lambda) < 1e-12 ? Math.log1p(x) : Math.expm1(lambda * Math.log1p(x)) / lambda;
  return Math.abs(lambda - 2) < 1e-12 ? -Math.log1p(-x) : -Math.expm1((2 - lambda) * Math.log1p(-x)) / (2 - lambda);
}

/** One column's numbers through f(x) (NaN from f = unknown); every numeric step is this shape. */
function mapNumbers(at: number, tally: UnknownTally, f: (x: number) => number): RowFn {
  return (row, line) => {
    const v = numberOf(row[at]!, tally, line);
    if (v === null) {
      row[at] = null;
      return row;
    }
    const y = f(v);
    if (Number.isNaN(y)) {
      tally.hit(row[at]!, line);
      row[at] = null;
    } else row[at] = y;
    return row;
  };
}

function insertAt(row: Cell[], at: number, cells: Cell[], replace: boolean): Cell[] {
  row.splice(at + (replace ? 0 : 1), replace ? 1 : 0, ...cells);
  return row;
}

export function compileRecipe(steps: readonly RecipeStep[], inputColumns: readonly string[], rowSet: () => RowSet): CompiledRecipe {
  const cols = new Columns([...inputColumns]);
  const fns: RowFn[] = [];
  const tallies: UnknownTally[] = [];
  const dropped = { duplicates: 0, missing: 0 };
  let copies = 1;
  let oversample: ((row: Cell[]) => number) | null = null;
  let smote: SmoteCollector | null = null;
  const tally = (step: number, s: { op: RecipeStep['op']; column: string; onUnknown: UnknownPolicy }, what: string): UnknownTally => {
    const t = new UnknownTally(step, s.op, s.column, s.onUnknown, what);
    tallies.push(t);
    return t;
  };

  steps.forEach((s, k) => {
    switch (s.op) {
      case 'dropDuplicateRows': {
        const seen = rowSet();
        fns.push((row) => {
          if (seen.add(row)) return row;
          dropped.duplicates++;
          return null;
        });
        break;
      }
      case 'dropColumns': {
        const gone = new Set(s.columns.map((c) => cols.index(c, k, s.op)));
        const keep = cols.names.map((_, i) => i).filter((i) => !gone.has(i));
        cols.names = keep.map((i) => cols.names[i]!);
        fns.push((row) => keep.map((i) => row[i]!));
        break;
      }
      case 'dropRowsMissing': {
        const at = s.columns.map((c) => cols.index(c, k, s.op));
        fns.push((row) => {
          if (at.every((i) => row[i] !== null)) return row;
          dropped.missing++;
          return null;
        });
        break;
      }
      case 'impute': {
        const at = cols.index(s.column, k, s.op);
        const value = s.value;
        const t = typeof value === 'number' ? tally(k, s, 'not a number') : null;
        if (s.indicator) {
          const name = `${s.column}_missing`;
          cols.checkNew([name], k, s.op, null);
          cols.names.splice(at + 1, 0, name);
        }
        fns.push((row, line) => {
          let c: Cell = row[at] ?? null;
          if (t && c !== null) c = numberOf(c, t, line);
          const missing = c === null;
          row[at] = missing ? value : c;
          if (s.indicator) row.splice(at + 1, 0, missing ? 1 : 0);
          return row;
        });
        break;
      }
      case 'parseNumbers': {
        const at = cols.index(s.column, k, s.op);
        const t = tally(k, s, 'not a number');
        fns.push((row, line) => {
          const c = row[at]!;
          if (c === null || typeof c === 'number') return row;
          const v = parseNumberText(c, s.thousands, s.percentAsFraction);
          if (Number.isNaN(v)) {
            t.hit(c, line);
            row[at] = null;
          } else row[at] = v;
          return row;
        });
        break;
      }
      case 'parseBooleans': {
        const at = cols.index(s.column, k, s.op);
        const t = tally(k, s, 'not a known true/false spelling');
        const truthy = new Set(s.trueValues.map((v) => v.toLowerCase()));
        const falsy = new Set(s.falseValues.map((v) => v.toLowerCase()));
        fns.push((row, line) => {
          const c = row[at]!;
          if (c === null) return row;
          const key = trimCell(formatCell(c)).toLowerCase();
          if (truthy.has(key)) row[at] = 1;
          else if (falsy.has(key)) row[at] = 0;
          else {
            t.hit(c, line);
            row[at] = null;
          }
          return row;
        });
        break;
      }
      case 'dateFeatures': {
        const at = cols.index(s.column, k, s.op);
        const t = tally(k, s, 'not an ISO date (YYYY-MM-DD)');
        const names = s.features.map((f) => `${s.column}_${f}`);
        cols.checkNew(names, k, s.op, null);
        cols.names.splice(at + (s.dropColumn ? 0 : 1), s.dropColumn ? 1 : 0, ...names);
        const slot = { year: 0, month: 1, day: 2, dayOfWeek: 3 } as const;
        fns.push((row, line) => {
          const c = row[at]!;
          let parts: [number, number, number, number] | null = null;
          if (c !== null) {
            parts = parseDateParts(formatCell(c));
            if (!parts) t.hit(c, line);
          }
          return insertAt(row, at, s.features.map((f) => (parts ? parts[slot[f]] : null)), s.dropColumn);
        });
        break;
      }
      case 'trimWhitespace': {
        const at = s.columns.map((c) => cols.index(c, k, s.op));
        fns.push((row) => {
          for (const i of at) {
            const c = row[i];
            if (typeof c === 'string') row[i] = trimCell(c);
          }
          return row;
        });
        break;
      }
      case 'unifyCase': {
        const at = cols.index(s.column, k, s.op);
        const mapping = new Map(Object.entries(s.mapping));
        fns.push((row) => {
          const c = row[at]!;
          if (c !== null) {
            const to = mapping.get(formatCell(c));
            if (to !== undefined) row[at] = to;
          }
          return row;
        });
        break;
      }
      case 'groupRare': {
        const at = cols.index(s.column, k, s.op);
        const keep = new Set(s.keep);
        fns.push((row) => {
          const c = row[at]!;
          if (c !== null && !keep.has(formatCell(c))) row[at] = s.other;
          return row;
        });
        break;
      }
      case 'clip': {
        const at = cols.index(s.column, k, s.op);
        fns.push(mapNumbers(at, tally(k, s, 'not a number'), (x) => Math.min(Math.max(x, s.lower), s.upper)));
        break;
      }
      case 'flagOutliers': {
        const at = cols.index(s.column, k, s.op);
        const t = tally(k, s, 'not a number');
        const name = `${s.column}_outlier`;
        cols.checkNew([name], k, s.op, null);
        cols.names.splice(at + 1, 0, name);
        fns.push((row, line) => {
          const v = numberOf(row[at]!, t, line);
          row[at] = v;
          row.splice(at + 1, 0, v === null ? null : v < s.lower || v > s.upper ? 1 : 0);
          return row;
        });
        break;
      }
      case 'scale': {
        const at = cols.index(s.column, k, s.op);
        fns.push(mapNumbers(at, tally(k, s, 'not a number'), (x) => (x - s.center) / s.scale));
        break;
      }
      case 'log1p': {
        const at = cols.index(s.column, k, s.op);
        fns.push(mapNumbers(at, tally(k, s, `not a number above ${-s.shift - 1}`), (x) => (x + s.shift > -1 ? Math.log1p(x + s.shift) : NaN)));
        break;
      }
      case 'yeoJohnson': {
        const at = cols.index(s.column, k, s.op);
        fns.push(mapNumbers(at, tally(k, s, 'not a number'), (x) => yeoJohnson(x, s.lambda)));
        break;
      }
      case 'oneHot': {
        const at = cols.index(s.column, k, s.op);
        const t = tally(k, s, 'a category the recipe was not fitted on');
        const names = [...s.categories, ...(s.otherColumn ? ['other'] : [])].map((c) => `${s.column}_${c}`);
        cols.checkNew(names, k, s.op, s.column);
        cols.names.splice(at, 1, ...names);
        const position = new Map(s.categories.map((c, i) => [c, i]));
        const width = names.length;
        fns.push((row, line) => {
          const c = row[at]!;
          const cells: Cell[] = new Array<Cell>(width).fill(0);
          if (c !== null) {
            const i = position.get(formatCell(c));
            if (i !== undefined) cells[i] = 1;
            else if (s.otherColumn) cells[width - 1] = 1;
            else t.hit(c, line);
          }
          return insertAt(row, at, cells, true);
        });
        break;
      }
      case 'ordinal': {
        const at = cols.index(s.column, k, s.op);
        const t = tally(k, s, 'a category the recipe was not fitted on');
        const position = new Map(s.categories.map((c, i) => [c, i]));
        fns.push((row, line) => {
          const c = row[at]!;
          if (c === null) return row;
          const i = position.get(formatCell(c));
          if (i === undefined) t.hit(c, line);
          row[at] = i ?? null;
          return row;
        });
        break;
      }
      case 'oversample': {
        if (k !== steps.length - 1) throw new UserError('BAD_RECIPE', `Recipe step ${k + 1} (oversample) must be the last step.`);
        const at = cols.index(s.column, k, s.op);
        const factor = new Map(Object.entries(s.copies));
        const next = seededRandom(s.seed);
        oversample = (row) => {
          const c = row[at]!;
          const f = c === null ? undefined : factor.get(formatCell(c));
          return f === undefined ? 1 : copiesOf(f, next);
        };
        break;
      }
      case 'smote': {
        if (k !== steps.length - 1) throw new UserError('BAD_RECIPE', `Recipe step ${k + 1} (smote) must be the last step.`);
        const at = cols.index(s.column, k, s.op);
        if (s.features.includes(s.column)) throw new UserError('BAD_RECIPE', `Recipe step ${k + 1} (smote): the target "${s.column}" cannot be one of its features.`);
        smote = new SmoteCollector(s, k + 1, at, s.features.map((f) => cols.index(f, k, s.op)));
        break;
      }
      case 'frequency': {
        const at = cols.index(s.column, k, s.op);
        const t = tally(k, s, 'a category the recipe was not fitted on');
        const freq = new Map(Object.entries(s.frequencies));
        fns.push((row, line) => {
          const c = row[at]!;
          if (c === null) return row;
          const f = freq.get(formatCell(c)) ?? s.otherFrequency;
          if (f === null) t.hit(c, line);
          row[at] = f;
          return row;
        });
        break;
      }
    }
  });

  return {
    columns: cols.names,
    run(row, line) {
      let r: Cell[] | null = row;
      for (const f of fns) {
        r = f(r, line);
        if (r === null) return null;
      }
      copies = oversample ? oversample(r) : 1;
      smote?.add(r);
      return r;
    },
    copies: () => copies,
    finish: () => (smote ? smote.finish() : []),
    report(rowsIn, rowsOut, raggedRows = 0) {
      return { rowsIn, rowsOut, duplicateRowsDropped: dropped.duplicates, rowsDroppedMissing: dropped.missing, raggedRows, columnChanges: { added: [], missing: [] }, columns: [...cols.names], unknown: tallies.filter((t) => t.count > 0).map((t) => t.toJSON()) };
    },
  };
}

/** Input cells: the missing tokens (after trimming) become null, every other cell stays as written. */
export function readCells(fields: readonly string[], width: number, missing: ReadonlySet<string>): Cell[] {
  const row: Cell[] = new Array<Cell>(width);
  for (let i = 0; i < width; i++) {
    const f = fields[i];
    row[i] = f === undefined || missing.has(trimCell(f)) ? null : f;
  }
  return row;
}
